import { publishBackend, withdrawBackend } from './backend-discovery';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAuth } from './auth';
import { proxyToBackend } from './backend-proxy';
import { superviseBackend, type SupervisedBackend } from './backend-process';
import { createExecBridge } from './exec-bridge';
import { createFileBridge } from './file-bridge';
import { BASE_HEADERS, HttpError, sendError } from './http-helpers';
import { EXEC_PATH, EXEC_STREAM_PATH, FILES_SAVE_PATH, FILES_SEND_PATH, PAGE_PATH, SESSION_PATH, VM_PREFIX, type PageConfig } from './protocol';
import { DEFAULT_PATHS } from './paths';
import { createStaticFiles } from './static-files';

/**
 * The standalone host: serves the UI's production build with a `window.ddClient` that talks to this server,
 * runs the docker commands the page asks for (allowlisted, exact argv, no shell) and proxies
 * `extension.vm.service` calls to the backend, which it runs as a child process on a unix socket.
 *
 * This file composes the parts: auth.ts (who may use it: the token, the one-time login codes), exec-bridge.ts
 * (running docker), file-bridge.ts (files between this machine and an instance), static-files.ts (the sign-in page, the app's HTML, the page script and the UI build) and
 * backend-proxy.ts (/api/vm/), and owns start-up and close().
 */

export const LOOPBACK = '127.0.0.1';
export const DEFAULT_PORT = 7600;
export { MAX_BODY_BYTES } from './http-helpers';
export { MAX_CHILDREN, MAX_OUTPUT_BYTES } from './exec-bridge';
export { injectIntoHtml } from './static-files';

export { APP_ROOT, DEFAULT_PATHS, appPaths, type AppPaths } from './paths';
export { TOKEN_STORAGE_KEY } from './protocol';

export interface HostOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 7600. */
  port?: number;
  /** Run the backend (default true). Without it the page has no `extension.vm`. */
  backend?: boolean;
  /** The docker CLI binary (default `docker` from PATH). */
  docker?: string;
  /** The backend's data directory (default $DOCKBASE_DATA_DIR or ~/.local/share/dockbase). */
  dataDir?: string;
  uiDist?: string;
  clientScript?: string;
  backendMain?: string;
  backendTimeoutMs?: number;
  /** The first wait before a crashed backend is started again (doubles up to 30 s); 1 s by default. */
  backendRestartMs?: number;
  /** Aborting stops a start under way: the backend being started is ended and startHost rejects. */
  signal?: AbortSignal;
  /** Host messages (start-up problems, backend exits). Never receives request bodies or argv. */
  log?: (line: string) => void;
  /** The backend's own output, line by line (discarded when absent). */
  backendOutput?: (line: string) => void;
}

export interface HostHandle {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** The first one-time login link: its code can be exchanged for the token once, by the sign-in page. */
  readonly loginUrl: string;
  /** A new one-time login link (another tab or browser); an unused earlier link stops working. */
  newLoginUrl(): string;
  /** The per-run bridge token (for tests; the page gets it from SESSION_PATH, never in HTML). */
  readonly token: string;
  readonly port: number;
  /** Whether the backend is running (and `extension.vm` present in the page). */
  readonly backend: boolean;
  /** Where the backend keeps its data ('' without a backend). */
  readonly dataDir: string;
  /** Why the backend could not start at the host's start, in its own words. */
  readonly backendFailure: string | undefined;
  /** Stops every docker process, the backend and the server, and removes the per-run directory. */
  close(): Promise<void>;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKBASE_DATA_DIR || path.join(os.homedir(), '.local', 'share', 'dockbase');
}

export async function startHost(options: HostOptions = {}): Promise<HostHandle> {
  // There is deliberately no option to listen anywhere but loopback; refuse attempts to pass one anyway.
  for (const key of ['host', 'hostname', 'address', 'bind', 'listen']) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && value !== LOOPBACK) {
      throw new Error(`the standalone host listens on ${LOOPBACK} only (refused ${key}=${String(value)})`);
    }
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${String(port)}`);
  const log = options.log ?? (() => {});
  const files = createStaticFiles(path.resolve(options.uiDist ?? DEFAULT_PATHS.uiDist), options.clientScript ?? DEFAULT_PATHS.clientScript);
  const auth = createAuth();
  const bridge = createExecBridge(options.docker ?? 'docker');
  const fileBridge = createFileBridge(options.docker ?? 'docker', bridge.guard);

  let backend: SupervisedBackend | undefined;
  let runDir = '';
  let dataDir = '';
  let pageConfig: PageConfig = { backend: false, platform: process.platform, arch: process.arch, hostname: os.hostname() };
  /** Why the backend could not start at the host's start (for the page's banner). */
  let backendFailure: string | undefined;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
      } else if (e instanceof HttpError) {
        sendError(res, e.status, e.message, e.status === 413);
      } else {
        log(`internal error: ${e instanceof Error ? e.message : String(e)}`);
        sendError(res, 500, 'internal error');
      }
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(BASE_HEADERS)) res.setHeader(k, v);
    const host = auth.checkHostAndOrigin(req);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      throw new HttpError(400, 'bad request target');
    }
    const pathname = url.pathname;

    if (pathname.startsWith('/api/')) {
      if (pathname === SESSION_PATH) return auth.exchangeCode(req, res);
      auth.requireToken(req);
      if (pathname === PAGE_PATH) return files.serveApp(req, res, pageConfig);
      if (pathname === EXEC_PATH || pathname === EXEC_STREAM_PATH) return bridge.handle(req, res, pathname);
      if (pathname === FILES_SAVE_PATH || pathname === FILES_SEND_PATH) return fileBridge.handle(req, res, pathname);
      if (pathname.startsWith(VM_PREFIX))
        return proxyToBackend(req, res, backend?.socket, pathname.slice(VM_PREFIX.length) + url.search, backend?.failure ?? backendFailure);
      throw new HttpError(404, 'no such bridge endpoint');
    }
    // Everything else is public and the same for everyone: the sign-in page, the page script, the UI build.
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET');
    files.serve(req, res, pathname);
  }

  // ---- start: listen first (a busy port fails before anything is spawned), then the backend -------------
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} on ${LOOPBACK} is in use: choose another one with --port N (0 = any free port)`) : e);
    };
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  if (address.address !== LOOPBACK) {
    server.close();
    throw new Error(`refusing to serve on ${address.address}`);
  }
  const actualPort = address.port;
  auth.listeningOn(actualPort);

  // Should the process end without close() (an uncaught error, process.exit), take the children along.
  const onProcessExit = () => {
    bridge.killAll();
    backend?.kill();
  };
  onExit(onProcessExit);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      exitHooks.delete(onProcessExit);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([bridge.stopAll(3000), fileBridge.stopAll()]);
      if (dataDir) withdrawBackend(dataDir);
      await backend?.stop();
      backend = undefined;
      if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
      await closed;
    })());

  try {
    if (options.backend !== false) {
      runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-host-'));
      dataDir = path.resolve(options.dataDir ?? defaultDataDir());
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      try {
        // Supervised: a backend that dies is started again (with backoff), and the page's calls meanwhile
        // get a 503 that says so.
        backend = await superviseBackend({
          main: options.backendMain ?? DEFAULT_PATHS.backendMain,
          socket: path.join(runDir, 'backend.sock'),
          dataDir,
          timeoutMs: options.backendTimeoutMs,
          onOutput: options.backendOutput,
          log,
          ...(options.backendRestartMs !== undefined ? { minBackoffMs: options.backendRestartMs } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        if (options.signal?.aborted) throw e;
        backendFailure = e instanceof Error ? e.message : String(e);
        log(`the backend did not start (${e instanceof Error ? e.message : String(e)}); running without it`);
        backend = undefined;
      }
    }
    // The command line hands its jobs to this backend while the host runs (backend-discovery.ts).
    if (backend) publishBackend(dataDir, backend.socket);
    // A backend that cannot start is still the page's: its banner says why (/api/vm answers 503 with it).
    pageConfig = { ...pageConfig, backend: backend !== undefined || backendFailure !== undefined };
  } catch (e) {
    await close();
    throw e;
  }

  const url = `http://${LOOPBACK}:${actualPort}/`;
  return {
    url,
    loginUrl: `${url}login?code=${auth.loginCode}`,
    newLoginUrl: () => `${url}login?code=${auth.newLoginCode()}`,
    token: auth.token,
    port: actualPort,
    backend: backend !== undefined,
    dataDir: backend ? dataDir : '',
    backendFailure,
    close,
  };
}

/** One process 'exit' listener for all hosts of this process (tests start many). */
const exitHooks = new Set<() => void>();
let exitListener = false;
function onExit(hook: () => void) {
  if (!exitListener) {
    exitListener = true;
    process.once('exit', () => exitHooks.forEach((h) => h()));
  }
  exitHooks.add(hook);
}
