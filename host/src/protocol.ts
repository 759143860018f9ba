/**
 * The wire protocol between the page (host/src/page) and the standalone host (host/src/server.ts).
 * Plain HTTP on loopback. The page signs in by exchanging the one-time login code for the per-run token
 * (SESSION_PATH), keeps the token in sessionStorage (TOKEN_STORAGE_KEY) and sends it in TOKEN_HEADER with
 * every other request under /api/. No cookies.
 */

export const TOKEN_HEADER = 'x-dockbase-token';
/** The sessionStorage key of the token (sessionStorage is per origin, so per port, and per tab). */
export const TOKEN_STORAGE_KEY = 'dockbase-token';

/** The one-time login link's path: `/login?code=…`. GET serves the sign-in page; it does not use the code. */
export const LOGIN_PATH = '/login';
/** POST, JSON SessionRequest → JSON SessionResponse; needs the page's own Origin; each code works once. */
export const SESSION_PATH = '/api/session';
/** GET → the UI's index.html with the PageConfig and the page script injected (never the token). */
export const PAGE_PATH = '/api/page';
/** POST, JSON ExecRequest → JSON ExecResponse (any exit code is a 200). */
export const EXEC_PATH = '/api/exec';
/** POST, JSON ExecRequest → chunked NDJSON of StreamMessage; aborting the request kills the process. */
export const EXEC_STREAM_PATH = '/api/exec-stream';
/**
 * POST, JSON FileSaveRequest → JSON SavedFile: the host copies an export out of an instance into a new file
 * it creates itself. A failure of the copy itself is a 422 with {error, code} (a HostFileError's).
 */
export const FILES_SAVE_PATH = '/api/files/save';
/** POST, JSON FileSendRequest → JSON {sizeBytes}: the host reads one regular file and copies it into an instance. */
export const FILES_SEND_PATH = '/api/files/send';
/** Any method: /api/vm/<path> is proxied to the backend's /<path> (query string kept). */
export const VM_PREFIX = '/api/vm/';
/** The page script (built from host/src/page/main.ts): signs in on the sign-in page, installs ddClient in the app. */
export const CLIENT_SCRIPT_PATH = '/__dockbase/dd-client.js';
/** The sign-in page's stylesheet. */
export const SIGN_IN_STYLE_PATH = '/__dockbase/sign-in.css';
/** The id of the sign-in page's message element, which the page script updates. */
export const SIGN_IN_ELEMENT_ID = 'dockbase-sign-in';
/** The id of the JSON <script> element that hands PageConfig to the page script. */
export const CONFIG_ELEMENT_ID = 'dockbase-host-config';

export interface SessionRequest {
  code: string;
}

export interface SessionResponse {
  token: string;
}

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

/** HostFiles.save over the bridge: the argv (`cp CONTAINER:TEMP -`) and where the file goes. */
export interface FileSaveRequest {
  args: string[];
  to: { directory: string; stem: string; extension: string };
}

/** HostFiles.send over the bridge: the argv (`cp - CONTAINER:FOLDER`) and the host file. */
export interface FileSendRequest {
  args: string[];
  from: { path: string; name: string };
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

/** What the page script's ddClient needs: the served PageConfig plus the token from sessionStorage. */
export interface HostConfig extends PageConfig {
  /** The per-run bridge token, sent in TOKEN_HEADER. */
  token: string;
}

/** What the served HTML tells the page script (nothing secret: no token). */
export interface PageConfig {
  /**
   * Whether the page has a backend through /api/vm/ (false: `extension.vm` is absent). True also for a backend
   * that cannot start: its health check then answers 503 with why, for the page's banner.
   */
  backend: boolean;
  platform: string;
  arch: string;
  hostname: string;
}
