import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { superviseBackend, type SupervisedBackend } from './backend-process';
import { writeFakes, writeUiDist } from './test-support/fakes';

// The supervisor, with real child processes. Each fake backend marks itself in live/ while it runs, so the
// tests can count how many run at once (the restart storm ran 57 at once), and records each start in starts/.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-supervisor-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh folder for one test's backends, and the script of a backend that behaves as `body` says. */
function backend(body: string): { main: string; live: string; starts: string } {
  const home = path.join(dir, `case-${++n}`);
  const live = path.join(home, 'live');
  const starts = path.join(home, 'starts');
  fs.mkdirSync(live, { recursive: true });
  fs.mkdirSync(starts);
  const main = path.join(home, 'backend.cjs');
  fs.writeFileSync(
    main,
    `const fs = require('node:fs'); const path = require('node:path'); const http = require('node:http');
const live = ${JSON.stringify(live)}; const starts = ${JSON.stringify(starts)};
const run = fs.readdirSync(starts).length + 1;
fs.writeFileSync(path.join(starts, String(Date.now()) + '-' + process.pid), '');
const mark = path.join(live, String(process.pid)); fs.writeFileSync(mark, '');
const bye = (code) => { try { fs.rmSync(mark); } catch {} process.exit(code); };
process.on('SIGTERM', () => bye(0));
const socket = process.argv[process.argv.indexOf('--socket') + 1];
const serve = () => { try { fs.rmSync(socket); } catch {} http.createServer((q, r) => { r.setHeader('content-type', 'application/json'); r.end('{"status":"ok"}'); }).listen(socket); };
${body}
`,
  );
  return { main, live, starts };
}

/** Counts the backends that run at once, every 10 ms, until stopped; resolves with the most seen. */
function watchCount(live: string): { stop(): number } {
  let most = 0;
  const timer = setInterval(() => (most = Math.max(most, fs.readdirSync(live).length)), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(most, fs.readdirSync(live).length);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const socketFor = () => path.join(dir, `s-${++n}.sock`);

describe('the backend supervisor', () => {
  it('gives a backend that never starts three tries at the host’s start, one process at a time, then says why once and stops', async () => {
    const b = backend(`setTimeout(() => { process.stderr.write('cannot open the database: EISDIR\\n'); bye(1); }, 150);`);
    const count = watchCount(b.live);
    const log: string[] = [];
    const started = superviseBackend({ main: b.main, socket: socketFor(), dataDir: dir, log: (l) => log.push(l), minBackoffMs: 100 });
    await expect(started).rejects.toThrow(/exited during start-up \(code 1\): cannot open the database: EISDIR/);
    await sleep(1000);
    expect(count.stop()).toBe(1);
    expect(fs.readdirSync(b.starts)).toHaveLength(3);
    expect(log.filter((l) => /cannot start: .*EISDIR/.test(l))).toHaveLength(1);
    expect(log.join('\n')).toMatch(/trying again in 0\.1 s[\s\S]*trying again in 0\.2 s/);
  });

  it('restarts a backend that died on the documented schedule, never two at once, and gives up after five failed starts', async () => {
    // Runs the first time for 300 ms, then cannot start any more.
    const b = backend(
      `if (run === 1) { serve(); setTimeout(() => bye(1), 300); } else setTimeout(() => { process.stderr.write('the database is locked\\n'); bye(1); }, 100);`,
    );
    const count = watchCount(b.live);
    const log: string[] = [];
    const supervised: SupervisedBackend = await superviseBackend({
      main: b.main,
      socket: socketFor(),
      dataDir: dir,
      log: (l) => log.push(l),
      minBackoffMs: 100,
      maxBackoffMs: 800,
    });
    await expect.poll(() => supervised.failure, { timeout: 10_000 }).toMatch(/the database is locked/);
    await sleep(1200);
    expect(count.stop()).toBe(1);
    // The first run, then five failed starts, and nothing after giving up.
    expect(fs.readdirSync(b.starts)).toHaveLength(6);
    const waits = log.filter((l) => l.startsWith('restarting')).map((l) => /in ([\d.]+) s/.exec(l)?.[1]);
    expect(waits).toEqual(['0.1', '0.2', '0.4', '0.8', '0.8']);
    expect(log.filter((l) => /cannot start: .*locked/.test(l))).toHaveLength(1);
    expect(supervised.up).toBe(false);
    await supervised.stop();
  });

  it('restarts a backend that died after running once, and it runs again', async () => {
    const b = backend(`serve(); if (run === 1) setTimeout(() => bye(1), 300);`);
    const log: string[] = [];
    const supervised = await superviseBackend({ main: b.main, socket: socketFor(), dataDir: dir, log: (l) => log.push(l), minBackoffMs: 100 });
    await expect.poll(() => log.some((l) => /runs again \(restart 1\)/.test(l)), { timeout: 5000 }).toBe(true);
    await sleep(500);
    expect(fs.readdirSync(b.starts)).toHaveLength(2);
    expect(log.filter((l) => l.startsWith('restarting'))).toHaveLength(1);
    expect(supervised.up).toBe(true);
    await supervised.stop();
    expect(fs.readdirSync(b.live)).toEqual([]);
  });
});

describe('the host process', () => {
  it('ends, with every backend it started, within 5 s of SIGTERM, even while the backend is still starting', async () => {
    // A backend that never answers its health check: the host is still in its start when the signal comes.
    const b = backend(`setInterval(() => undefined, 1000);`);
    const fakes = writeFakes();
    const ui = writeUiDist(fakes.dir);
    fs.writeFileSync(path.join(fakes.dir, 'x.js'), '');
    const script = path.join(fakes.dir, 'host.mts');
    fs.writeFileSync(
      script,
      `import { runHost } from ${JSON.stringify(path.resolve('host/src/run.ts'))};
await runHost({ port: 0, backend: true, docker: ${JSON.stringify(fakes.docker)}, paths: { uiDist: ${JSON.stringify(ui)}, clientScript: ${JSON.stringify(path.join(fakes.dir, 'x.js'))}, backendMain: ${JSON.stringify(b.main)} } });`,
    );
    const host = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: 'ignore',
      env: { ...process.env, DOCKBASE_DATA_DIR: path.join(fakes.dir, 'data') },
    });
    try {
      await expect.poll(() => fs.readdirSync(b.live).length, { timeout: 15_000 }).toBe(1);
      const backendPid = Number(fs.readdirSync(b.live)[0]);
      const exited = new Promise<number>((resolve) => host.once('exit', () => resolve(Date.now())));
      const sent = Date.now();
      host.kill('SIGTERM');
      expect((await exited) - sent).toBeLessThan(5000);
      expect(() => process.kill(backendPid, 0)).toThrow();
    } finally {
      host.kill('SIGKILL');
      fakes.remove();
    }
  });
});
