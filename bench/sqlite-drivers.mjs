// The backend's store on one SQLite driver, timed: `node bench/sqlite-drivers.mjs`, with this machine's Node
// or another (the image's Node 24). The store is compiled first as the backend's build compiles it (Vite, for
// Node 20; its npm dependencies, the SQLite drivers, left to node_modules), into a temporary folder under
// node_modules/.cache (from where those dependencies resolve).
// DOCKBASE_SQLITE_DRIVER=node:sqlite|better-sqlite3|node-sqlite3-wasm picks the driver (default: the one the
// backend would use on this Node). Every write is a committed transaction with synchronous=FULL, as the
// backend runs: an fsync each. BENCH_N (default 1000) writes of each kind, BENCH_RUNS (default 5) runs, each
// on a fresh database in the OS temp folder.
// Prints one JSON line: node version, driver, open time (the first run's includes loading the driver), and per
// operation the median over the runs of the total ms and the p50/p99 µs of one call.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

const backend = path.resolve(import.meta.dirname, '../backend');
const cache = path.resolve(import.meta.dirname, '../node_modules/.cache');
fs.mkdirSync(cache, { recursive: true });
const out = fs.mkdtempSync(path.join(cache, 'dockbase-sqlite-bench-'));
let Store;
try {
  await build({
    configFile: false,
    root: backend,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: out,
      emptyOutDir: true,
      ssr: 'src/store/store.ts',
      target: 'node20',
      minify: false,
      rolldownOptions: { output: { format: 'es', entryFileNames: 'store.js' } },
    },
  });
  ({ Store } = await import(pathToFileURL(path.join(out, 'store.js')).href));
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}

const N = Number(process.env.BENCH_N ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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

function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-sqlite-bench-'));
  try {
    const t0 = performance.now();
    const store = Store.open(dir);
    const openMs = Math.round((performance.now() - t0) * 10) / 10;
    const settings = { tag: '17', hostPort: 5432, persistData: true, exposeOnNetwork: false };
    const put = timed(N, (i) => store.put(`i${i}`, { name: `instance-${i}`, engine: 'postgres', settings: { ...settings, hostPort: 1024 + i } }));
    const history = timed(N, (i) => store.addHistory(`i${i % 100}`, { action: 'start', outcome: 'ok', detail: `run ${i}` }));
    const notes = timed(N, (i) => store.setNotes(`i${i % 100}`, `notes, version ${i}`));
    const get = timed(N * 5, (i) => store.get(`i${i % N}`));
    const driver = store.driver;
    store.close();
    return { driver, openMs, put, history, notes, get };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const runs = Array.from({ length: RUNS }, run);
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const op = (name) => ({
  count: runs[0][name].count,
  totalMs: median(runs.map((r) => r[name].totalMs)),
  p50Us: median(runs.map((r) => r[name].p50Us)),
  p99Us: median(runs.map((r) => r[name].p99Us)),
});
const result = {
  node: process.version,
  driver: runs[0].driver,
  runs: RUNS,
  firstOpenMs: runs[0].openMs,
  openMs: median(
    runs
      .slice(1)
      .map((r) => r.openMs)
      .concat(RUNS === 1 ? [runs[0].openMs] : []),
  ),
  put: op('put'),
  history: op('history'),
  notes: op('notes'),
  get: op('get'),
};
// Written synchronously: the line must survive a driver that crashes the process at exit.
fs.writeSync(1, `${JSON.stringify(result)}\n`);
