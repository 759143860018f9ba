import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WASM_DRIVER } from './store/sqlite-wasm.js';
import type { SqliteDriver } from './store/sqlite.js';
import { Store } from './store/store.js';
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
function start(args: string[], hubUrl = 'http://127.0.0.1:9', env: NodeJS.ProcessEnv = {}): Promise<Backend> {
  const child = spawn(process.execPath, [mainJs, '--hub-url', hubUrl, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKBASE_SQLITE_DRIVER: driver, ...env },
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
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', jobs: { running: 0 }, docker: { ok: expect.any(Boolean) } });
      // It says what it runs on: this Node, and the SQLite driver.
      expect(backend.output()).toContain(`Node ${process.versions.node}, SQLite via ${driver}`);
    });

    it('refuses to start with a malformed fault hook, so that a fault test cannot pass by a typo', async () => {
      const { dataDir } = workDir();
      await expect(start(['--port', '0', '--data-dir', dataDir], undefined, { DOCKBASE_FAULT_AT: 'upgrade:prepare' })).rejects.toThrow(
        /exited \(1\)[\s\S]*Invalid DOCKBASE_FAULT_AT "upgrade:prepare"/,
      );
    });

    it('refuses to start with a bad setting, saying which', async () => {
      const { dataDir } = workDir();
      await expect(start(['--port', '70000', '--data-dir', dataDir])).rejects.toThrow(/exited \(1\)[\s\S]*Invalid port "70000"/);
    });
  });

  describe('jobs in the backend process', () => {
    /** A docker client standing in for the real one: it logs each argv, answers `version`, and finds nothing. */
    function fakeDocker(): { binary: string; log: string; calls: () => string[] } {
      const dir = tempDir('dockbase-fake-docker-');
      dirs.push(dir);
      const binary = path.join(dir, 'docker');
      const log = path.join(dir, 'calls.log');
      fs.writeFileSync(binary, '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$FAKE_DOCKER_LOG"\nif [ "$1" = version ]; then echo 1.47; fi\nexit 0\n', { mode: 0o755 });
      return { binary, log, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
    }

    async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
      for (const end = Date.now() + ms; !ok();) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }

    it('reports docker and its jobs in its health, and says so when an instance does not exist', async () => {
      const { dataDir, socket } = workDir();
      const docker = fakeDocker();
      await start(['--socket', socket, '--data-dir', dataDir, '--docker-cli', docker.binary], undefined, { FAKE_DOCKER_LOG: docker.log });
      expect((await call(socket, 'GET', '/health')).json).toEqual({ status: 'ok', jobs: { running: 0 }, docker: { ok: true, apiVersion: '1.47' } });
      const answer = await call(socket, 'POST', '/jobs', { kind: 'snapshot', instanceId: 'a1b2c3d4e5f6', name: 'nightly' });
      expect(answer).toMatchObject({ status: 404, json: { error: 'not-found', message: 'This instance no longer exists.' } });
      expect((await call(socket, 'GET', '/jobs')).json).toEqual({ jobs: [] });
    });

    it('recovers at start-up the job a dead process left running, and records it in the instance’s history', async () => {
      const { dataDir, socket } = workDir();
      const before = Store.open(dataDir, driver);
      before.put('a1b2c3d4e5f6', { name: 'orders', engine: 'postgres', settings: {} });
      const job = {
        id: '0123456789ab',
        kind: 'upgrade' as const,
        instanceId: 'a1b2c3d4e5f6',
        instanceName: 'orders',
        engine: 'postgres' as const,
        title: 'Upgrade to PostgreSQL 17',
        by: 'tab' as const,
        startedAt: new Date().toISOString(),
        state: 'running' as const,
        progress: { step: 'set-aside' },
        cancellable: true,
      };
      await before.jobs.insert(job);
      await before.jobs.mark(job.id, { at: job.startedAt, phase: 'begin', step: 'set-aside', undo: [{ do: 'rename', container: 'old', to: 'orders' }] });
      before.close();

      // First without docker: nothing is undone (it could not be), the job waits.
      const none = await start(['--socket', socket, '--data-dir', dataDir, '--docker-cli', path.join(dataDir, 'no-docker')]);
      await until('the docker check', () => none.output().includes('docker does not answer'));
      const health = (await call(socket, 'GET', '/health')).json;
      expect(health).toMatchObject({ jobs: { running: 1 }, docker: { ok: false, reason: expect.stringContaining('not found') } });
      expect((await call(socket, 'GET', `/jobs/${job.id}`)).json).toMatchObject({ job: { state: 'running' } });
      none.child.kill('SIGTERM');
      expect((await none.exit).code).toBe(0);

      const docker = fakeDocker();
      const backend = await start(['--socket', socket, '--data-dir', dataDir, '--docker-cli', docker.binary], undefined, { FAKE_DOCKER_LOG: docker.log });
      await until('the recovery', () => backend.output().includes('recovered job 0123456789ab'));
      expect(backend.output()).toMatch(/recovered job 0123456789ab \(upgrade of orders\): Upgrade to PostgreSQL 17 was interrupted at “set-aside”/);
      expect(docker.calls()).toContain('rename old orders');
      expect((await call(socket, 'GET', `/jobs/${job.id}`)).json).toMatchObject({ job: { state: 'interrupted', recovered: 'undone' } });
      expect((await call(socket, 'GET', '/health')).json).toMatchObject({ jobs: { running: 0 } });
      const meta = (await call(socket, 'GET', '/instances/a1b2c3d4e5f6')).json as { history: Array<{ action: string; outcome: string }> };
      expect(meta.history).toEqual([expect.objectContaining({ action: 'upgrade', outcome: 'failed', detail: expect.stringContaining('was interrupted') })]);
    });
  });
});
