import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TESTED_DRIVERS } from '../test-support/drivers.js';
import { storesForEachTest } from '../test-support/stores.js';
import { WASM_DRIVER } from './sqlite-wasm.js';
import type { SqliteDriver } from './sqlite.js';
import { DATABASE_FILE, Store } from './store.js';

// What the store promises whichever driver wrote the file: the same file format, every acknowledged write
// kept through a SIGKILL, and node-sqlite3-wasm's own lock (a folder, see sqlite-wasm.ts) never left stuck.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const writer = fileURLToPath(new URL('../test-support/store-writer.ts', import.meta.url));

const { dataDir, open } = storesForEachTest('dockbase-drivers-');

const pairs = TESTED_DRIVERS.flatMap((a) => TESTED_DRIVERS.filter((b) => b !== a).map((b) => [a, b] as const));

describe.each(pairs)('a database written through %s', (writtenBy, readBy) => {
  it(`opens through ${readBy} with everything in it, and back`, () => {
    const dir = dataDir();
    const first = open(dir, writtenBy);
    first.put('a', { name: 'orders', engine: 'postgres', settings: { tag: '17', hostPort: 5432 } });
    first.setNotes('a', 'written by one driver');
    first.addHistory('a', { action: 'create', outcome: 'ok', size: 2 ** 40 });
    first.close();

    const second = open(dir, readBy);
    expect(second.get('a')).toMatchObject({
      notes: 'written by one driver',
      settings: { tag: '17', hostPort: 5432 },
      history: [{ action: 'create', size: 2 ** 40 }],
    });
    second.addHistory('a', { action: 'start', outcome: 'failed', detail: 'read by the other' });
    second.close();

    expect(
      open(dir, writtenBy)
        .get('a')
        ?.history.map((h) => h.action),
    ).toEqual(['start', 'create']);
  });
});

interface Writer {
  pid: number;
  acked: () => number[];
  /** Resolves once `n` writes are acknowledged. */
  ackedAtLeast(n: number): Promise<void>;
  kill(): Promise<void>;
}

/** Starts store-writer.ts on `driver` in `dir`: it writes until killed, printing each acknowledged write. */
function startWriter(dir: string, driver: SqliteDriver): Promise<Writer> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, driver], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let out = '';
  let err = '';
  let ready = false;
  const waiters: Array<() => void> = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') ready = true;
        else acked.push(Number(line));
      }
      waiters.splice(0).forEach((wake) => wake());
      if (ready) resolve(handle);
    });
    void exited.then(() => (ready ? undefined : reject(new Error(`the writer exited before writing:\n${err}`))));
    const handle: Writer = {
      pid: child.pid!,
      acked: () => acked.slice(),
      ackedAtLeast: async (n) => {
        while (acked.length < n) {
          if (child.exitCode !== null) throw new Error(`the writer exited:\n${err}`);
          await new Promise<void>((wake) => waiters.push(wake));
        }
      },
      kill: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    };
  });
}

describe.each(TESTED_DRIVERS)('writes through %s', (writtenBy) => {
  it.each(TESTED_DRIVERS)('are all there after a SIGKILL, read first through %s', async (readBy) => {
    const dir = dataDir();
    const child = await startWriter(dir, writtenBy);
    await child.ackedAtLeast(50);
    if (writtenBy === WASM_DRIVER) {
      // While it runs, the database is its own: no driver opens it, each naming the process that holds it.
      for (const driver of TESTED_DRIVERS) expect(() => Store.open(dir, driver), driver).toThrow(`in use by another Dockbase backend (process ${child.pid}`);
    }
    await child.ackedAtLeast(300);
    await child.kill();
    const acked = child.acked();

    for (const driver of [readBy, ...TESTED_DRIVERS]) {
      const store = open(dir, driver);
      for (const i of acked.filter((n) => n % 2 === 0)) expect(store.get(`w-${i}`)?.settings, `w-${i} through ${driver}`).toEqual({ hostPort: i + 1 });
      // History keeps the last 100 entries: the newest is at least the last acknowledged one.
      const newest = Number(store.get('base')!.history[0]!.action.slice('op-'.length));
      expect(newest).toBeGreaterThanOrEqual(Math.max(...acked.filter((n) => n % 2 === 1)));
      store.close();
    }
  });
});

describe('node-sqlite3-wasm', () => {
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

  it('clears the lock folder and owner file a killed backend left behind', () => {
    const dir = dataDir();
    const first = open(dir, WASM_DRIVER);
    first.put('a', { name: 'a', engine: 'redis', settings: {} });
    first.close();
    fs.mkdirSync(path.join(dir, `${DATABASE_FILE}.lock`));
    fs.writeFileSync(path.join(dir, `${DATABASE_FILE}.owner`), `${deadPid()}\n`);
    const again = open(dir, WASM_DRIVER);
    expect(again.get('a')).toMatchObject({ name: 'a' });
    again.close();
    expect(fs.readdirSync(dir)).toEqual([DATABASE_FILE]);
  });

  it('refuses a database a live process holds, on every driver, and leaves its claim alone', () => {
    const dir = dataDir();
    open(dir, WASM_DRIVER).close();
    fs.mkdirSync(path.join(dir, `${DATABASE_FILE}.lock`));
    fs.writeFileSync(path.join(dir, `${DATABASE_FILE}.owner`), `${process.ppid}\n`);
    for (const driver of TESTED_DRIVERS) expect(() => Store.open(dir, driver), driver).toThrow(`in use by another Dockbase backend (process ${process.ppid}`);
    expect(fs.readdirSync(dir).sort()).toEqual([DATABASE_FILE, `${DATABASE_FILE}.lock`, `${DATABASE_FILE}.owner`]);
  });

  it('refuses a second connection in the same process instead of waiting on its own lock', () => {
    const dir = dataDir();
    open(dir, WASM_DRIVER);
    expect(() => Store.open(dir, WASM_DRIVER)).toThrow(/already open in this process/);
  });
});
