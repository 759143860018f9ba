import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/**
 * Stand-ins for the host's unit tests, written to a temporary directory as small Node scripts:
 *  - a fake `docker` that records its argv (one JSON line per call) in `log` and prints it on stdout
 *    (with the values of variables named by a bare `--env NAME`, as `{"env": …}` on a second line);
 *    `logs … --follow ID` writes its pid to pids/ID, prints two and a half lines and runs until killed;
 *    `events` prints to stdout and stderr and exits 0; an argument ending in `=fail` makes it exit 3.
 *    It answers the host's ownership checks from `state.json` (see Fakes.setState): `container inspect ID`
 *    (instances carry Dockbase's labels, `inherited` ones only through their image), `image inspect`,
 *    `volume inspect NAME`; anything else there is "No such …";
 *  - a fake backend that listens on `--socket` and answers /health, /echo and /conflict, and exits on /crash;
 *  - a backend that crashes at once.
 */
export interface Fakes {
  dir: string;
  docker: string;
  /** Every argv the fake docker was run with. */
  calls(): string[][];
  /** What the fake engine holds: container ids that are instances, or carry the labels through their image only, and Dockbase volumes. */
  setState(state: FakeState): void;
  /** Where `logs --follow ID` writes its pid. */
  pidFile(id: string): string;
  backend: string;
  crashingBackend: string;
  remove(): void;
}

export interface FakeState {
  instances?: string[];
  /** Instances whose `container inspect` takes half a second. */
  slow?: string[];
  inherited?: string[];
  volumes?: string[];
}

const DOCKER = `
const fs = require('node:fs');
const path = require('node:path');
const LOG = ${'__LOG__'};
const args = process.argv.slice(2);
const dir = path.dirname(LOG);
const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
const IMAGE = 'sha256:' + '1'.repeat(64);
fs.appendFileSync(LOG, JSON.stringify(args) + '\\n');
const noSuch = (what) => { process.stderr.write('Error: No such ' + what + ': ' + args.at(-1) + '\\n'); process.exit(1); };
if (args.some((a) => a.endsWith('=fail'))) {
  process.stderr.write('fake failure\\n');
  process.exit(3);
} else if (args[0] === 'container' && args[1] === 'inspect') {
  const id = args[2];
  const labels = { 'io.dockbase.instance': 'i-' + id.slice(0, 6), 'io.dockbase.engine': 'redis' };
  if (!state.instances.includes(id) && !state.inherited.includes(id)) noSuch('container');
  if (state.slow.includes(id)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  const image = state.inherited.includes(id) ? 'sha256:' + '2'.repeat(64) : IMAGE;
  process.stdout.write(JSON.stringify([{ Id: id, Image: image, Config: { Labels: labels, Env: [], Cmd: [] } }]) + '\\n');
} else if (args[0] === 'image' && args[1] === 'inspect' && args[3] === '{{json .Config.Labels}}') {
  // The image of "inherited" containers carries the very labels they show.
  process.stdout.write(args[4] === IMAGE ? 'null\\n' : JSON.stringify({ 'io.dockbase.instance': 'i-' + state.inherited[0]?.slice(0, 6), 'io.dockbase.engine': 'redis' }) + '\\n');
} else if (args[0] === 'volume' && args[1] === 'inspect' && args.length === 3) {
  if (!state.volumes.includes(args[2])) noSuch('volume');
  process.stdout.write(JSON.stringify([{ Name: args[2], Labels: { 'io.dockbase.volume': 'data' } }]) + '\\n');
} else if (args[0] === 'logs' && args.at(-2) === '--follow') {
  fs.writeFileSync(path.join(dir, 'pids', args.at(-1)), String(process.pid));
  process.stdout.write('line one\\nline two\\npart');
  setInterval(() => {}, 1000);
} else if (args[0] === 'events') {
  process.stdout.write('out 1\\n');
  process.stderr.write('err 1\\n');
  setTimeout(() => { process.stdout.write('out 2\\n'); process.exit(0); }, 50);
} else {
  process.stdout.write(JSON.stringify(args) + '\\n');
  const named = args.filter((a, i) => args[i - 1] === '--env' && !a.includes('='));
  if (named.length) process.stdout.write(JSON.stringify({ env: Object.fromEntries(named.map((n) => [n, process.env[n] ?? null])) }) + '\\n');
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
  const stateFile = path.join(dir, 'state.json');
  const setState = (state: FakeState) => fs.writeFileSync(stateFile, JSON.stringify({ instances: [], inherited: [], volumes: [], slow: [], ...state }));
  setState({});
  fs.mkdirSync(path.join(dir, 'pids'));
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
    setState,
    pidFile: (id) => path.join(dir, 'pids', id),
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
