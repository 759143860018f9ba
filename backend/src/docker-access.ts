import { execFile } from 'node:child_process';
import { NodeDockerCli } from '@dockbase/docker-cli/node';

export type DockerAccess = { ok: true; apiVersion: string } | { ok: false; reason: string };

export interface DockerAccessOptions {
  /** The docker client to run (default: `docker` on PATH, /usr/local/bin/docker in the extension image). */
  docker?: string;
  /** How long the engine may take to answer (default 5000 ms). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_REASON = 300;

/**
 * Whether the backend can run docker against the engine: `docker version` asks the engine for its API
 * version (run directly, no shell). Answers the version, or one line saying why not (no client, no
 * engine, no permission on the socket, no answer in time).
 */
export async function checkDockerAccess(options: DockerAccessOptions = {}): Promise<DockerAccess> {
  const docker = options.docker ?? 'docker';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    execFile(
      docker,
      ['version', '--format', '{{.Server.APIVersion}}'],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: NodeJS.Signals | null };
          if (e.code === 'ENOENT') return resolve({ ok: false, reason: `no docker client: ${docker} not found` });
          if (e.code === 'EACCES') return resolve({ ok: false, reason: `the docker client ${docker} cannot be run (permission denied)` });
          if (e.killed) return resolve({ ok: false, reason: `docker did not answer within ${timeoutMs} ms` });
          const said = firstLine(stderr) ?? firstLine(stdout);
          const exit = typeof e.code === 'number' ? `exit code ${e.code}` : e.signal ? `signal ${e.signal}` : 'failed';
          return resolve({ ok: false, reason: said ? `docker version: ${said}` : `docker version: ${exit}, no message` });
        }
        const apiVersion = stdout.trim();
        if (/^\d+\.\d+$/.test(apiVersion)) return resolve({ ok: true, apiVersion });
        resolve({ ok: false, reason: `docker version printed no API version: ${firstLine(stdout) ?? 'nothing'}` });
      },
    );
  });
}

/** The first non-empty line, whitespace collapsed and cut to a log line's length. */
function firstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '');
  if (!line) return undefined;
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

/**
 * The core's docker client in the backend. Docker Desktop runs the backend in a container of its own in its VM,
 * whose loopback holds none of the engine's published ports: readiness asks the servers inside their
 * containers at once, instead of first asking, for 1.5 s, ports that cannot answer here.
 */
export function backendDockerCli(binary: string): NodeDockerCli {
  return new NodeDockerCli({ binary, askPorts: false });
}
