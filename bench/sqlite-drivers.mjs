// The backend's store on one SQLite driver, timed: `node bench/sqlite-drivers.mjs` after `npm run build -w backend`.
// DOCKBASE_SQLITE_DRIVER=node:sqlite|better-sqlite3 picks the driver (default: node:sqlite where Node has it).
// Every write is a committed transaction with synchronous=FULL, as the backend runs: an fsync each.
// Prints one JSON line: node version, driver, and per operation the count, total ms and p50/p99 µs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../backend/dist/store/store.js';

const N = Number(process.env.BENCH_N ?? 1000);

function timed(count, op) {
  const samples = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    op(i);
    samples.push((performance.now() - t) * 1000);
  }
  const total = performance.now() - start;
  samples.sort((a, b) => a - b);
  const q = (p) => Math.round(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]);
  return { count, totalMs: Math.round(total), p50Us: q(0.5), p99Us: q(0.99) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-sqlite-bench-'));
try {
  const t0 = performance.now();
  const store = Store.open(dir);
  const openMs = Math.round((performance.now() - t0) * 10) / 10;
  const settings = { tag: '17', port: 5432, volumes: ['dockbase-x-data'], env: { POSTGRES_USER: 'app' } };
  const put = timed(N, (i) => store.put(`i${i}`, { name: `instance-${i}`, engine: 'postgres', settings: { ...settings, n: i } }));
  const history = timed(N, (i) => store.addHistory(`i${i % 100}`, { action: 'start', outcome: 'ok', detail: `run ${i}` }));
  const get = timed(N * 5, (i) => store.get(`i${i % N}`));
  const list = timed(50, () => store.list());
  const driver = store.driver;
  store.close();
  // Written synchronously: the line must survive a driver that crashes the process at exit.
  fs.writeSync(1, `${JSON.stringify({ node: process.version, driver, openMs, put, history, get, list })}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
