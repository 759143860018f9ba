import { spawn } from 'node:child_process';
import http from 'node:http';
import type { EngineReadResult, EngineReads } from './port';

/** How long one read may take before the caller asks the CLI instead. */
const READ_TIMEOUT_MS = 5000;

/**
 * The engine's API for reads over the unix socket the docker CLI itself uses: DOCKER_HOST when it names one,
 * otherwise the endpoint of the CLI's current context, asked once (`docker context inspect`), so a context
 * chosen with `docker context use` or DOCKER_CONTEXT is honoured. An engine reached over TCP or SSH gets no
 * reads (they reject; the caller asks the CLI). Only GET is ever sent.
 */
export function nodeEngineReads(binary: string, env: NodeJS.ProcessEnv | undefined): EngineReads {
  let socket: Promise<string | undefined> | undefined;
  const socketPath = () => (socket ??= resolveSocket(binary, env ?? process.env));
  return {
    async get(path, options = {}) {
      if (!path.startsWith('/') || /[\s#]/.test(path)) throw new Error(`Not an engine API path: ${path}`);
      const at = await socketPath();
      if (!at) throw new Error('The docker CLI does not reach its engine over a unix socket here.');
      return get(at, path, options.signal);
    },
  };
}

async function resolveSocket(binary: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const host = env.DOCKER_HOST;
  if (host) return unixPath(host);
  const endpoint = await new Promise<string>((resolve) => {
    const child = spawn(binary, ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], { shell: false, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.once('error', () => resolve(''));
    child.once('close', (code) => resolve(code === 0 ? out.trim() : ''));
  });
  return unixPath(endpoint);
}

/** `unix:///var/run/docker.sock` → `/var/run/docker.sock`; anything else (tcp://, ssh://, npipe://) → undefined. */
export function unixPath(endpoint: string): string | undefined {
  return endpoint.startsWith('unix://') && endpoint.length > 'unix://'.length ? endpoint.slice('unix://'.length) : undefined;
}

function get(socketPath: string, path: string, signal?: AbortSignal): Promise<EngineReadResult> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { socketPath, path, method: 'GET', headers: { Host: 'docker' }, timeout: READ_TIMEOUT_MS, ...(signal ? { signal } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (b: Buffer) => chunks.push(b));
        response.once('error', reject);
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    request.once('timeout', () => request.destroy(new Error(`The engine did not answer GET ${path} within ${READ_TIMEOUT_MS / 1000} s.`)));
    request.once('error', reject);
    request.end();
  });
}
