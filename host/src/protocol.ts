/**
 * The wire protocol between the page (host/src/page) and the standalone host (host/src/server.ts).
 * Plain HTTP on loopback; every request under /api/ carries the per-run token in TOKEN_HEADER.
 */

export const TOKEN_HEADER = 'x-dockbase-token';

/** POST, JSON ExecRequest → JSON ExecResponse (any exit code is a 200). */
export const EXEC_PATH = '/api/exec';
/** POST, JSON ExecRequest → chunked NDJSON of StreamMessage; aborting the request kills the process. */
export const EXEC_STREAM_PATH = '/api/exec-stream';
/** Any method: /api/vm/<path> is proxied to the backend's /<path> (query string kept). */
export const VM_PREFIX = '/api/vm/';
/** The page script (built from host/src/page/main.ts). */
export const CLIENT_SCRIPT_PATH = '/__dockbase/dd-client.js';
/** The id of the JSON <script> element that hands HostConfig to the page script. */
export const CONFIG_ELEMENT_ID = 'dockbase-host-config';

/** `docker cmd ...args`, exactly as it should reach the docker CLI (no further splitting). */
export interface ExecRequest {
  cmd: string;
  args: string[];
  /**
   * Variables added to the docker CLI's environment (stream calls only): the secrets a create names with
   * `--env NAME`, so they are in no argv. The host checks they are exactly that create's secrets.
   */
  env?: Record<string, string>;
}

export interface ExecResponse {
  stdout: string;
  stderr: string;
  code: number;
}

export type StreamMessage = { stream: 'stdout' | 'stderr'; data: string } | { exitCode: number };

/** Error bodies of the host itself (refusals, bad requests): JSON {error}. */
export interface HostErrorBody {
  error: string;
}

/** What the served HTML tells the page script. */
export interface HostConfig {
  /** The per-run bridge token, sent in TOKEN_HEADER. */
  token: string;
  /** Whether the backend is reachable through /api/vm/ (false: `extension.vm` is absent). */
  backend: boolean;
  platform: string;
  arch: string;
  hostname: string;
}
