import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/**
 * Stand-ins for the host's unit tests, written to a temporary directory as small Node scripts:
 *  - a fake `docker` that records its argv (one JSON line per call) in `log` and prints it on stdout;
 *    `logs --follow PIDFILE` writes its pid to PIDFILE, prints two and a half lines and runs until killed;
 *    `events` prints to stdout and stderr and exits 0; any argument `--fail` makes it exit 3;
 *  - a fake backend that listens on `--socket` and answers /health, /echo and /conflict, and exits on /crash;
 *  - a backend that crashes at once.
 */
export interface Fakes {
  dir: string;
  docker: string;
  /** Every argv the fake docker was run with. */
  calls(): string[][];
  backend: string;
  crashingBackend: string;
  remove(): void;
}

const DOCKER = `
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${'__LOG__'}, JSON.stringify(args) + '\\n');
if (args.includes('--fail')) {
  process.stderr.write('fake failure\\n');
  process.exit(3);
} else if (args[0] === 'logs' && args[1] === '--follow') {
  fs.writeFileSync(args[2], String(process.pid));
  process.stdout.write('line one\\nline two\\npart');
  setInterval(() => {}, 1000);
} else if (args[0] === 'events') {
  process.stdout.write('out 1\\n');
  process.stderr.write('err 1\\n');
  setTimeout(() => { process.stdout.write('out 2\\n'); process.exit(0); }, 50);
} else {
  process.stdout.write(JSON.stringify(args) + '\\n');
}
`;

const BACKEND = `
const http = require('node:http');
const fs = require('node:fs');
const socket = process.argv[process.argv.indexOf('--socket') + 1];
const dataDir = process.argv[process.argv.indexOf('--data-dir') + 1];
fs.rmSync(socket, { force: true });
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json', 'set-cookie': 'leak=1' }); res.end(JSON.stringify(body)); };
    if (req.url === '/health') return json(200, { status: 'ok' });
    if (req.url.startsWith('/echo')) return json(200, { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), dataDir });
    if (req.url === '/conflict') return json(409, { statusCode: 409, error: 'Conflict', message: 'the name is taken' });
    if (req.url === '/crash') { res.end(); setTimeout(() => process.exit(1), 10); return; }
    json(404, { statusCode: 404, error: 'Not Found', message: 'no route' });
  });
}).listen(socket);
process.on('SIGTERM', () => process.exit(0));
`;

export function writeFakes(): Fakes {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-host-test-'));
  const log = path.join(dir, 'docker-calls.log');
  fs.writeFileSync(log, '');
  const docker = path.join(dir, 'docker');
  fs.writeFileSync(docker, `#!${process.execPath}\n${DOCKER.replace('__LOG__', JSON.stringify(log))}`, { mode: 0o755 });
  const backend = path.join(dir, 'backend.cjs');
  fs.writeFileSync(backend, BACKEND);
  const crashingBackend = path.join(dir, 'crashing-backend.cjs');
  fs.writeFileSync(crashingBackend, `process.stderr.write('cannot start\\n'); process.exit(1);`);
  return {
    dir,
    docker,
    calls: () =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as string[]),
    backend,
    crashingBackend,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A minimal UI build: index.html with a module script, and one asset. */
export function writeUiDist(dir: string): string {
  const dist = path.join(dir, 'ui-dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html>\n<html><head><meta charset="UTF-8" /><title>t</title>\n<script type="module" crossorigin src="./assets/app.js"></script>\n</head><body><div id="root"></div></body></html>\n',
  );
  fs.writeFileSync(path.join(dist, 'assets/app.js'), 'console.log("app");\n');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the UI build\n');
  const clientScript = path.join(dir, 'dd-client.js');
  fs.writeFileSync(clientScript, '/* page script */\n');
  return dist;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with full control over the headers (fetch would not let a test set Host). */
export function rawRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { host: `127.0.0.1:${port}`, ...options.headers };
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Whether a process with this pid is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 25));
  }
}
