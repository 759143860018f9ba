import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ExecGuard } from './allowlist';
import { startBackend, terminate, type BackendProcess } from './backend-process';
import {
  CLIENT_SCRIPT_PATH,
  CONFIG_ELEMENT_ID,
  EXEC_PATH,
  EXEC_STREAM_PATH,
  TOKEN_HEADER,
  VM_PREFIX,
  type ExecRequest,
  type ExecResponse,
  type HostConfig,
  type StreamMessage,
} from './protocol';

/**
 * The standalone host: serves the UI's production build with a `window.ddClient` that talks to this server,
 * runs the docker commands the page asks for (allowlisted, exact argv, no shell) and proxies
 * `extension.vm.service` calls to the backend, which it runs as a child process on a unix socket.
 *
 * Who may use it: the server listens on 127.0.0.1 only. The HTML (which carries the per-run bridge token)
 * needs a session cookie, obtained once through the one-time login link; every /api/ request needs the token
 * in a header. Host and Origin headers are checked against the server's own origin (DNS rebinding, CSRF).
 */

export const LOOPBACK = '127.0.0.1';
export const DEFAULT_PORT = 7600;
/** Largest request body (exec requests and backend calls). */
export const MAX_BODY_BYTES = 64 * 1024;
/** Most docker processes running at once. */
export const MAX_CHILDREN = 64;
/** Most output a non-stream exec collects per stream before the process is stopped. */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/** The repository root, from host/src/server.ts or the bundled host/dist/main.js alike. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_PATHS = {
  uiDist: path.join(REPO_ROOT, 'ui/dist'),
  clientScript: path.join(REPO_ROOT, 'host/dist/page/dd-client.js'),
  backendMain: path.join(REPO_ROOT, 'backend/dist/main.js'),
};

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
  /** Host messages (start-up problems, backend exits). Never receives request bodies or argv. */
  log?: (line: string) => void;
  /** The backend's own output, line by line (discarded when absent). */
  backendOutput?: (line: string) => void;
}

export interface HostHandle {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** The one-time login link: works once, then the session cookie it set is the only way in. */
  readonly loginUrl: string;
  /** The per-run bridge token (for tests; the page gets it inside the served HTML). */
  readonly token: string;
  readonly port: number;
  /** Whether the backend is running (and `extension.vm` present in the page). */
  readonly backend: boolean;
  /** Where the backend keeps its data ('' without a backend). */
  readonly dataDir: string;
  /** Stops every docker process, the backend and the server, and removes the per-run directory. */
  close(): Promise<void>;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKBASE_DATA_DIR || path.join(os.homedir(), '.local', 'share', 'dockbase');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const random = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');
const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
/** Constant-time comparison of a presented secret against the digest of the real one. */
const matches = (presented: unknown, expected: Buffer) =>
  typeof presented === 'string' && crypto.timingSafeEqual(digest(presented), expected);

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
  const dockerBinary = options.docker ?? 'docker';
  const guard = new ExecGuard(dockerBinary);
  const uiDist = path.resolve(options.uiDist ?? DEFAULT_PATHS.uiDist);
  let indexHtml = readRequired(path.join(uiDist, 'index.html'), 'the UI build (run `npm run build -w ui`)');
  const readIndex = () => {
    try {
      indexHtml = fs.readFileSync(path.join(uiDist, 'index.html'), 'utf8');
    } catch {
      // in the middle of a rebuild: the last version read
    }
    return indexHtml;
  };
  const clientScript = readRequired(options.clientScript ?? DEFAULT_PATHS.clientScript, 'the host page script (run `npm run build -w host`)');

  const token = random();
  const tokenDigest = digest(token);
  const loginCode = random();
  const loginDigest = digest(loginCode);
  let loginUsed = false;
  const sessions = new Set<string>(); // sha256 hex of session ids
  const children = new Set<{ child: ChildProcess; exited: Promise<void> }>();

  let backend: BackendProcess | undefined;
  let runDir = '';
  let dataDir = '';
  let pageConfig: HostConfig = { token, backend: false, platform: process.platform, arch: process.arch, hostname: os.hostname() };
  let actualPort = 0;
  let allowedHosts: string[] = [];
  let cookieName = '';

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
    // DNS rebinding: a foreign name resolving to 127.0.0.1 still says so in Host.
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.includes(host)) throw new HttpError(403, 'unexpected Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) throw new HttpError(403, 'cross-origin requests are not allowed');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      throw new HttpError(400, 'bad request target');
    }
    const pathname = url.pathname;

    if (pathname.startsWith('/api/')) {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') throw new HttpError(403, 'cross-site requests are not allowed');
      if (!matches(req.headers[TOKEN_HEADER], tokenDigest)) throw new HttpError(401, 'missing or wrong bridge token');
      if (pathname === EXEC_PATH || pathname === EXEC_STREAM_PATH) {
        if (req.method !== 'POST') throw new HttpError(405, 'use POST');
        if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
          throw new HttpError(415, 'send JSON');
        }
        const allowed = await guard.authorize(await readBody(req));
        if (!allowed.ok) throw new HttpError(allowed.status, allowed.error);
        // The check asks the engine: the page may have given up meanwhile (its 'close' is gone), so run nothing.
        if (res.destroyed || req.socket.destroyed) return;
        const { request } = allowed;
        if (children.size >= MAX_CHILDREN) throw new HttpError(429, 'too many docker processes are running');
        if (pathname === EXEC_PATH) runOnce(request, res);
        else runStream(request, res);
        return;
      }
      if (pathname.startsWith(VM_PREFIX)) {
        await proxyToBackend(req, res, pathname.slice(VM_PREFIX.length) + url.search);
        return;
      }
      throw new HttpError(404, 'no such bridge endpoint');
    }

    if (pathname === '/login') {
      // GET only: a HEAD (a link preview, a prefetch) must not use the code up.
      if (req.method !== 'GET') throw new HttpError(405, 'use GET');
      const code = url.searchParams.get('code');
      if (loginUsed || !matches(code, loginDigest)) {
        sendPage(res, 401, 'This login link is not valid', LOGIN_USED_TEXT);
        return;
      }
      loginUsed = true;
      const session = random();
      sessions.add(digest(session).toString('hex'));
      res.setHeader('set-cookie', `${cookieName}=${session}; Path=/; HttpOnly; SameSite=Strict`);
      res.writeHead(303, { location: '/', 'content-length': 0 }).end();
      return;
    }

    const session = readCookie(req.headers.cookie, cookieName);
    if (session === undefined || !sessions.has(digest(session).toString('hex'))) {
      sendPage(res, 401, 'Sign in to Dockbase', NO_SESSION_TEXT);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET');
    if (pathname === '/' || pathname === '/index.html') {
      // Read on every visit: the UI may have been rebuilt (new asset names) while the host runs.
      const html = injectIntoHtml(readIndex(), pageConfig);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    if (pathname === CLIENT_SCRIPT_PATH) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : clientScript);
      return;
    }
    if (pathname === '/favicon.ico' && !fs.existsSync(path.join(uiDist, 'favicon.ico'))) {
      res.writeHead(204).end(); // the browser asks for one; the UI build has none
      return;
    }
    serveStatic(req, res, uiDist, pathname);
  }

  function track(child: ChildProcess) {
    const entry = {
      child,
      // 'exit', not 'close': a grandchild holding the pipes open must not keep close() waiting.
      exited: new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.once('error', () => resolve());
      }),
    };
    children.add(entry);
    void entry.exited.then(() => children.delete(entry));
    return entry;
  }

  const spawnDocker = (request: ExecRequest) => {
    const child = spawn(dockerBinary, [request.cmd, ...request.args], {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...request.env },
    });
    return track(child);
  };

  function runOnce(request: ExecRequest, res: http.ServerResponse) {
    const entry = spawnDocker(request);
    const { child } = entry;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const size = { out: 0, err: 0 };
    let overflow = false;
    const collect = (into: Buffer[], key: 'out' | 'err') => (b: Buffer) => {
      size[key] += b.length;
      if (size[key] > MAX_OUTPUT_BYTES) {
        if (!overflow) void terminate(child, entry.exited);
        overflow = true;
        return;
      }
      into.push(b);
    };
    child.stdout?.on('data', collect(out, 'out'));
    child.stderr?.on('data', collect(err, 'err'));
    res.on('close', () => {
      if (!res.writableFinished) void terminate(child, entry.exited);
    });
    let failed = false;
    child.once('error', (e) => {
      failed = true;
      if (!res.headersSent) sendError(res, 500, `cannot run docker: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
    });
    child.once('close', (code, signal) => {
      if (failed || res.headersSent) return;
      let stderr = Buffer.concat(err).toString('utf8');
      if (overflow) stderr += `\n[dockbase host: the output exceeded ${MAX_OUTPUT_BYTES} bytes; the process was stopped]\n`;
      const body: ExecResponse = { stdout: Buffer.concat(out).toString('utf8'), stderr, code: exitCode(code, signal) };
      sendJson(res, 200, body);
    });
  }

  function runStream(request: ExecRequest, res: http.ServerResponse) {
    const entry = spawnDocker(request);
    const { child } = entry;
    let failed = false;
    const start = () => {
      if (res.headersSent) return;
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
      res.flushHeaders();
      res.socket?.setNoDelay(true);
    };
    const send = (message: StreamMessage) => {
      start();
      if (res.writableEnded || res.destroyed) return;
      if (!res.write(`${JSON.stringify(message)}\n`)) {
        child.stdout?.pause();
        child.stderr?.pause();
        res.once('drain', () => {
          child.stdout?.resume();
          child.stderr?.resume();
        });
      }
    };
    child.once('spawn', start);
    child.stdout?.setEncoding('utf8').on('data', (data: string) => send({ stream: 'stdout', data }));
    child.stderr?.setEncoding('utf8').on('data', (data: string) => send({ stream: 'stderr', data }));
    // The page aborting its fetch (ExecProcess.close(), a closed tab) ends the process.
    res.on('close', () => {
      if (!res.writableFinished) void terminate(child, entry.exited);
    });
    child.once('error', (e) => {
      failed = true;
      if (!res.headersSent) sendError(res, 500, `cannot run docker: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
      else res.end();
    });
    child.once('close', (code, signal) => {
      if (failed) return;
      send({ exitCode: exitCode(code, signal) });
      res.end();
    });
  }

  async function proxyToBackend(req: http.IncomingMessage, res: http.ServerResponse, target: string): Promise<void> {
    if (!backend) throw new HttpError(404, 'this host runs without a backend');
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw new HttpError(405, 'method not allowed');
    const body = await readBody(req);
    const headers: http.OutgoingHttpHeaders = {};
    const contentType = req.headers['content-type'];
    if (contentType && body.length > 0) headers['content-type'] = contentType;
    if (req.headers.accept) headers.accept = req.headers.accept;
    if (body.length > 0 || !['GET', 'HEAD', 'DELETE'].includes(method)) headers['content-length'] = body.length;
    await new Promise<void>((resolve) => {
      const upstream = http.request(
        { socketPath: backend?.socket, path: `/${target}`, method, headers, timeout: 120_000 },
        (answer) => {
          const out: http.OutgoingHttpHeaders = {};
          if (answer.headers['content-type']) out['content-type'] = answer.headers['content-type'];
          res.writeHead(answer.statusCode ?? 502, out);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', () => {
            res.destroy();
            resolve();
          });
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error('the backend did not answer in time')));
      upstream.on('error', (e) => {
        if (!res.headersSent) sendJson(res, 502, { error: `the backend is not reachable: ${e.message}` });
        else res.destroy();
        resolve();
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    });
  }

  // ---- start: listen first (a busy port fails before anything is spawned), then the backend -------------
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${LOOPBACK} is in use: choose another one with --port N (0 = any free port)`)
          : e,
      );
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
  actualPort = address.port;
  allowedHosts = [`${LOOPBACK}:${actualPort}`, `localhost:${actualPort}`];
  // Cookies are not isolated by port: a port-specific name keeps two hosts from overwriting each other.
  cookieName = `dockbase_session_${actualPort}`;

  // Should the process end without close() (an uncaught error, process.exit), take the children along.
  const onProcessExit = () => {
    for (const c of children) c.child.kill('SIGKILL');
    backend?.kill();
  };
  onExit(onProcessExit);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      exitHooks.delete(onProcessExit);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([...children].map((c) => terminate(c.child, c.exited, 3000)));
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
        backend = await startBackend({
          main: options.backendMain ?? DEFAULT_PATHS.backendMain,
          socket: path.join(runDir, 'backend.sock'),
          dataDir,
          timeoutMs: options.backendTimeoutMs,
          onOutput: options.backendOutput,
          onExit: (code, signal) => log(`the backend exited (${signal ?? `code ${code}`}); backend features now fail`),
        });
      } catch (e) {
        log(`the backend did not start (${e instanceof Error ? e.message : String(e)}); running without it`);
        backend = undefined;
      }
    }
    pageConfig = { ...pageConfig, backend: backend !== undefined };
  } catch (e) {
    await close();
    throw e;
  }

  const url = `http://${LOOPBACK}:${actualPort}/`;
  return {
    url,
    loginUrl: `${url}login?code=${loginCode}`,
    token,
    port: actualPort,
    backend: backend !== undefined,
    dataDir: backend ? dataDir : '',
    close,
  };
}

// ---- helpers ---------------------------------------------------------------------------------------------

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

const BASE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** The page's scripts come from this server only; styles may be inline (MUI/emotion injects <style>). */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const NO_SESSION_TEXT =
  'Open Dockbase with the one-time login link printed by `npm start` in its terminal. ' +
  'The link works once; if it has been used already (or the browser lost its session), stop the host with Ctrl-C ' +
  'and run `npm start` again for a new link.';
const LOGIN_USED_TEXT =
  'This login link is wrong or has been used already: each link printed by `npm start` works only once. ' +
  'Stop the host with Ctrl-C and run `npm start` again for a new link.';

/** Puts the configuration and the page script before the UI's first script, so they run before it. */
export function injectIntoHtml(indexHtml: string, config: HostConfig): string {
  // JSON inside a <script> element: "<" escaped so that no "</script" or "<!--" can end or confuse it.
  const json = JSON.stringify(config).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const snippet =
    `<script type="application/json" id="${CONFIG_ELEMENT_ID}">${json}</script>\n` +
    `    <script src="${CLIENT_SCRIPT_PATH}"></script>\n    `;
  const firstScript = indexHtml.search(/<script\b/i);
  if (firstScript >= 0) return indexHtml.slice(0, firstScript) + snippet + indexHtml.slice(firstScript);
  const headEnd = indexHtml.search(/<\/head>/i);
  if (headEnd >= 0) return indexHtml.slice(0, headEnd) + snippet + indexHtml.slice(headEnd);
  return snippet + indexHtml;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    discard(req);
    return Promise.reject(new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.off('end', onEnd);
        discard(req);
        reject(new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Reads and drops the rest of an oversize body (so the client sees the 413), up to a hard limit. */
function discard(req: http.IncomingMessage) {
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > 16 * MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
}

function readRequired(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${what} is missing: ${file}`);
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, status: number, error: string, closeConnection = false) {
  if (closeConnection) res.setHeader('connection', 'close');
  sendJson(res, status, { error });
}

function sendPage(res: http.ServerResponse, status: number, title: string, text: string) {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" });
  res.end(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>\n` +
      `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">\n` +
      `<h1>${escape(title)}</h1>\n<p>${escape(text).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>\n</body></html>\n`,
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, root: string, pathname: string) {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'bad path');
  }
  const file = path.resolve(root, `.${rel}`);
  const inside = path.relative(root, file);
  if (rel.includes('\0') || inside.startsWith('..') || path.isAbsolute(inside)) throw new HttpError(404, 'not found');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new HttpError(404, 'not found');
  }
  if (!stat.isFile()) throw new HttpError(404, 'not found');
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stat.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
