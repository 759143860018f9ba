import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WASM_DRIVER } from './store/sqlite-wasm.js';
import type { SqliteDriver } from './store/sqlite.js';
import { TESTED_DRIVERS } from './test-support/drivers.js';
import { startFixtureHub } from './test-support/fixture-hub.js';
import { call, removeDir, tempDir } from './test-support/http.js';

// These tests run the built backend as its own OS process, as Docker Desktop does, so that a SIGKILL
// really ends the process with whatever it had in flight.
const backendDir = fileURLToPath(new URL('..', import.meta.url));
const mainJs = path.join(backendDir, 'dist', 'main.js');

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '-w', 'backend'], { cwd: path.join(backendDir, '..'), stdio: 'pipe' });
}, 120_000);

interface Backend {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  dirs.splice(0).forEach(removeDir);
});

function workDir(): { dataDir: string; socket: string } {
  const dir = tempDir('dockbase-process-');
  dirs.push(dir);
  return { dataDir: path.join(dir, 'data'), socket: path.join(dir, 'backend.sock') };
}

/** The SQLite driver the backend processes of the running test use (DOCKBASE_SQLITE_DRIVER). */
let driver: SqliteDriver = TESTED_DRIVERS[0]!;

/** Starts `node dist/main.js` and resolves once it says it is listening. */
function start(args: string[], hubUrl = 'http://127.0.0.1:9'): Promise<Backend> {
  const child = spawn(process.execPath, [mainJs, '--hub-url', hubUrl, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKBASE_SQLITE_DRIVER: driver },
  });
  running.push(child);
  let output = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolve({ child, output: () => output, exit });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(({ code }) => reject(new Error(`backend exited (${code}) before listening:\n${output}`)));
  });
}

describe.each(TESTED_DRIVERS)('on %s', (d) => {
  beforeEach(() => {
    driver = d;
  });

  describe('the backend process', () => {
    it('keeps every acknowledged write when SIGKILLed in the middle of a burst', async () => {
      const { dataDir, socket } = workDir();
      const first = await start(['--socket', socket, '--data-dir', dataDir]);
      const bases = Array.from({ length: 10 }, (_, i) => `base-${i}`);
      for (const id of bases) await call(socket, 'PUT', `/instances/${id}`, { name: id, engine: 'postgres', settings: {} });

      // 400 writes, half new instances and half history entries, 16 at a time; the kill comes right
      // after the 100th acknowledgement, with the rest in flight or queued.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      const ackedInstances: number[] = [];
      const ackedHistory: number[] = [];
      let refused = 0;
      const writes = Array.from({ length: 400 }, (_, i) => {
        const request =
          i % 2 === 0
            ? call(socket, 'PUT', `/instances/w-${i}`, { name: `w-${i}`, engine: 'redis', settings: { hostPort: i + 1 } }, agent)
            : call(socket, 'POST', `/instances/base-${i % 10}/history`, { action: `op-${i}`, outcome: 'ok' }, agent);
        return request.then(
          (answer) => {
            expect(answer.status).toBe(201);
            (i % 2 === 0 ? ackedInstances : ackedHistory).push(i);
            if (ackedInstances.length + ackedHistory.length === 100) first.child.kill('SIGKILL');
          },
          () => refused++,
        );
      });
      await Promise.all(writes);
      agent.destroy();
      expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(refused).toBeGreaterThan(0); // the kill really landed mid-burst

      const second = await start(['--socket', socket, '--data-dir', dataDir]);
      type Meta = { settings: { hostPort?: number }; history: Array<{ action: string }> };
      const read = async (id: string) => (await call(socket, 'GET', `/instances/${id}`)).json as Meta | undefined;
      for (const i of ackedInstances) expect((await read(`w-${i}`))?.settings).toEqual({ hostPort: i + 1 });
      const history = new Map(await Promise.all(bases.map(async (id) => [id, (await read(id))?.history.map((h) => h.action) ?? []] as const)));
      for (const i of ackedHistory) expect(history.get(`base-${i % 10}`)).toContain(`op-${i}`);
      second.child.kill('SIGTERM');
      expect((await second.exit).code).toBe(0);
    });

    it('shuts down on SIGTERM: exit code 0, socket removed, database closed cleanly, data kept', async () => {
      const { dataDir, socket } = workDir();
      const backend = await start(['--socket', socket, '--data-dir', dataDir]);
      expect((await call(socket, 'PUT', '/instances/keep', { name: 'keep', engine: 'mongo', settings: { password: 'hunter2' } })).status).toBe(400);
      const saved = await call(socket, 'PUT', '/instances/keep', { name: 'keep', engine: 'mongo', settings: {} });
      expect(saved.status).toBe(201);
      await call(socket, 'PATCH', '/instances/keep', { notes: 'still here' });
      expect(fs.existsSync(path.join(dataDir, 'dockbase.db-wal'))).toBe(true);

      backend.child.kill('SIGTERM');
      expect(await backend.exit).toEqual({ code: 0, signal: null });
      expect(fs.existsSync(socket)).toBe(false);
      // SQLite deletes the WAL only when the last connection closes properly.
      expect(fs.existsSync(path.join(dataDir, 'dockbase.db-wal'))).toBe(false);
      expect(backend.output()).not.toContain('hunter2');

      await start(['--socket', socket, '--data-dir', dataDir]);
      expect((await call(socket, 'GET', '/instances/keep')).json).toMatchObject({ notes: 'still here', settings: {} });
    });

    it('reads at most a bounded part of a Docker Hub answer that never ends: a clear error, the memory stays low', async () => {
      const hub = await startFixtureHub(() => 'endless');
      try {
        const { dataDir, socket } = workDir();
        const backend = await start(['--socket', socket, '--data-dir', dataDir], hub.url);
        const answer = await call(socket, 'GET', '/hub/tags/postgres');
        // The peak resident memory of the backend process over its whole life so far.
        const status = fs.readFileSync(`/proc/${backend.child.pid}/status`, 'utf8');
        const peakKb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
        expect(peakKb).toBeGreaterThan(0);
        // node-sqlite3-wasm starts 25–35 MB higher on Node 20 (its compiled WebAssembly and heap, README).
        const limitMb = driver === WASM_DRIVER ? 180 : 150;
        expect(peakKb, `peak RSS ${Math.round(peakKb / 1024)} MB`).toBeLessThan(limitMb * 1024);
        expect(answer.status).toBe(503);
        expect(answer.json).toMatchObject({ error: 'hub-unavailable', message: expect.stringMatching(/larger than 8 MB; Dockbase stopped reading it/) });
      } finally {
        await hub.close();
      }
    });

    it('listens on a loopback port when given one', async () => {
      const { dataDir } = workDir();
      const backend = await start(['--port', '0', '--data-dir', dataDir]);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(backend.output())?.[1];
      expect(url).toBeDefined();
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
      // It says what it runs on: this Node, and the SQLite driver.
      expect(backend.output()).toContain(`Node ${process.versions.node}, SQLite via ${driver}`);
    });

    it('refuses to start with a bad setting, saying which', async () => {
      const { dataDir } = workDir();
      await expect(start(['--port', '70000', '--data-dir', dataDir])).rejects.toThrow(/exited \(1\)[\s\S]*Invalid port "70000"/);
    });
  });
});
