import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodeSqlite3Wasm from 'node-sqlite3-wasm';
import type { Row, SqlValue, SqliteStatement } from './sqlite-values.js';

/**
 * node-sqlite3-wasm: SQLite compiled to WebAssembly, with a file system layer (a SQLite "VFS") written in
 * JavaScript over node:fs. Nothing native to build or download, so it works on any Node 20 — the fallback
 * for a Node without node:sqlite on which the better-sqlite3 addon is not installed.
 *
 * What its VFS does, read from node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.js (0.8.60):
 *  - xSync is fs.fsyncSync on the file: with synchronous=FULL a commit is on disk when the call returns.
 *    It never syncs the folder (SQLite's own unix VFS does, once, for a new journal or WAL file): the store
 *    fsyncs the data folder itself once its files exist (store.ts).
 *  - Locks are a folder, `<database>.lock`, made with mkdir and removed with rmdir: one lock level for readers
 *    and writers alike, invisible to the POSIX locks of native SQLite, and left behind by a killed process.
 *  - There is no shared memory (no xShm* methods), so `journal_mode = WAL` is refused — unless the connection
 *    holds the database exclusively (`locking_mode = EXCLUSIVE`), when SQLite keeps the WAL index in the heap.
 *
 * So this driver opens every file in EXCLUSIVE locking mode (the store then gets WAL, as on the other drivers:
 * one fsync per commit), and claims the database for this process with a `<database>.owner` file naming its
 * pid: a lock folder whose owner is gone (SIGKILL, power loss) is removed at the next open, and a live owner
 * makes the open fail with a message saying which process holds it.
 */
export const WASM_DRIVER = 'node-sqlite3-wasm';

type WasmModule = typeof NodeSqlite3Wasm;
type WasmStatement = NodeSqlite3Wasm.Statement;

let wasm: WasmModule | null | undefined;
/** The module, or undefined when it cannot be loaded (not installed). Loading compiles the WebAssembly (≈15 ms). */
export function loadWasm(): WasmModule | undefined {
  if (wasm === undefined) {
    try {
      wasm = createRequire(import.meta.url)('node-sqlite3-wasm') as WasmModule;
    } catch {
      wasm = null;
    }
  }
  return wasm ?? undefined;
}

interface RawWasmDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

export function openWasm(file: string): RawWasmDatabase {
  const mod = loadWasm();
  if (!mod) throw new Error(`node-sqlite3-wasm is not installed (a dependency of the backend: npm ci)`);
  const release = file === ':memory:' ? () => {} : claim(file);
  let db: NodeSqlite3Wasm.Database;
  try {
    db = new mod.Database(file);
    try {
      // Before the first read: this takes the lock folder and keeps it until close.
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
    } catch (err) {
      db.close();
      throw err;
    }
  } catch (err) {
    release();
    throw err;
  }
  // Its statements hold WebAssembly memory until finalized, which closing the database does not do.
  const statements = new Set<WasmStatement>();
  const finalize = (s: WasmStatement) => {
    statements.delete(s);
    try {
      if (!s.isFinalized) s.finalize();
    } catch {
      // finalize reports the statement's last error again (a failed step); it is finalized all the same.
    }
  };
  return {
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      let current: WasmStatement | undefined;
      // A step that failed (a constraint, a full disk) leaves its error on the statement: this module's next
      // bind resets it, sees that error again and throws "Could not reset statement prior to binding new
      // values", once. So a statement that failed is finalized, and the next call prepares a fresh one.
      const use = <T>(work: (s: WasmStatement) => T): T => {
        if (!current) {
          current = db.prepare(sql);
          statements.add(current);
        }
        const s = current;
        try {
          return work(s);
        } catch (err) {
          current = undefined;
          finalize(s);
          throw err;
        }
      };
      use(() => undefined); // prepared now: bad SQL fails here, as with the other drivers
      return {
        run: (...p: SqlValue[]) => use((s) => ({ changes: s.run(p).changes })),
        // Read to the end: a statement stopped after its first row would keep its read transaction open
        // (this module has no reset). The store's get() queries return at most one row.
        get: (...p: SqlValue[]) => use((s) => s.all(p)[0] as Row | undefined),
        all: (...p: SqlValue[]) => use((s) => s.all(p) as Row[]),
      };
    },
    close: () => {
      try {
        for (const s of [...statements]) finalize(s);
        db.close();
      } finally {
        release();
      }
    },
  };
}

/** Database files this process has open through node-sqlite3-wasm. */
const openHere = new Set<string>();

const ownerFile = (file: string) => `${file}.owner`;

/**
 * Makes this process the database's owner (`<file>.owner`, written whole then hard-linked into place, so it
 * is created atomically and never read half-written), clearing what a killed owner left. Returns the release.
 */
function claim(file: string): () => void {
  const full = path.resolve(file);
  if (openHere.has(full)) throw new Error(`${file} is already open in this process (node-sqlite3-wasm holds a database exclusively)`);
  const owner = ownerFile(full);
  const mine = `${owner}.${process.pid}`;
  fs.writeFileSync(mine, `${process.pid}\n`, { mode: 0o600 });
  try {
    try {
      fs.linkSync(mine, owner);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = liveOwner(full);
      if (holder !== undefined) throw inUse(file, holder);
      // The owner is gone (killed, or the machine stopped): its claim and its lock folder are stale.
      // (Should another backend clear it at the same moment and take it first, this link fails: EEXIST.)
      fs.rmSync(owner, { force: true });
      fs.linkSync(mine, owner);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  try {
    // A lock folder left by a killed owner: nobody else uses this database without first owning it.
    fs.rmdirSync(`${full}.lock`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      fs.rmSync(owner, { force: true });
      throw err;
    }
  }
  openHere.add(full);
  return () => {
    openHere.delete(full);
    if (readPid(owner) === process.pid) fs.rmSync(owner, { force: true });
  };
}

/**
 * The pid of the live process that holds `file` through node-sqlite3-wasm, or undefined. Our own pid counts
 * only when this process has it open: otherwise the claim is an earlier process's that had the same pid
 * (a container restarted).
 */
export function liveOwner(file: string): number | undefined {
  const full = path.resolve(file);
  const pid = readPid(ownerFile(full));
  if (pid === undefined) return undefined;
  if (pid === process.pid) return openHere.has(full) ? pid : undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function readPid(owner: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(owner, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function inUse(file: string, pid: number): Error {
  return new Error(
    `${file} is in use by another Dockbase backend (process ${pid}, SQLite through node-sqlite3-wasm, which holds its database alone): stop it, or give this one another data folder`,
  );
}
