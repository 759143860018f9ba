import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { Row, SqlValue, SqliteStatement } from './sqlite-values.js';
import { WASM_DRIVER, inUse, liveOwner, loadWasm, openWasm } from './sqlite-wasm.js';

/**
 * The part of SQLite the store uses, over one of three drivers with the same synchronous semantics (a call
 * returns once SQLite has done the work, so a committed write is on disk before the route answers):
 *
 *   node:sqlite        Node's built-in SQLite (Node 22.13 and later, 24 LTS included): no native addon to
 *                      build, so the extension image has no compiler stage and any architecture just works.
 *   better-sqlite3     the native addon, for the Node versions without node:sqlite (Node 20, on which the
 *                      standalone host may run the backend). An optional dependency: installed where it builds.
 *   node-sqlite3-wasm  SQLite compiled to WebAssembly with a file layer in JavaScript (./sqlite-wasm.ts): for
 *                      a Node 20 where the addon is not installed (no install scripts, no compiler, no
 *                      download of its prebuilt binary). A regular dependency, so there is always a driver.
 *
 * The first of these that this Node has is used; DOCKBASE_SQLITE_DRIVER=node:sqlite|better-sqlite3|
 * node-sqlite3-wasm (or sqlite3-wasm) picks one (tests and benchmarks). backend/README.md has the measurements.
 */
export type SqliteDriver = 'node:sqlite' | 'better-sqlite3' | typeof WASM_DRIVER;
export type { Row, SqlValue, SqliteStatement } from './sqlite-values.js';

export interface SqliteDatabase {
  readonly driver: SqliteDriver;
  readonly isOpen: boolean;
  exec(sql: string): void;
  /** A prepared statement, cached per SQL text for the life of the connection. */
  prepare(sql: string): SqliteStatement;
  /** The first column of the first row of `PRAGMA name` (e.g. user_version, journal_mode). */
  pragma(name: string): unknown;
  /** The first column of the first row of a query, or undefined when there is no row. */
  value(sql: string, ...params: SqlValue[]): unknown;
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT), rolled back whole if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** What this file needs of node:sqlite (typed here: @types/node follows the oldest supported Node, 20). */
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => {
    exec(sql: string): void;
    prepare(sql: string): {
      run(...params: SqlValue[]): { changes: number | bigint };
      get(...params: SqlValue[]): Row | undefined;
      all(...params: SqlValue[]): Row[];
    };
    close(): void;
  };
}

function nodeSqlite(): NodeSqliteModule | undefined {
  // undefined on Node 20, and on 22.5–22.12 without --experimental-sqlite.
  return process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined;
}

let betterSqlite: typeof BetterSqlite3 | null | undefined;
function loadBetterSqlite(): typeof BetterSqlite3 | undefined {
  if (betterSqlite === undefined) {
    try {
      betterSqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
      // The addon loads lazily: open a database to learn whether it was built for this Node.
      new betterSqlite(':memory:').close();
    } catch {
      betterSqlite = null;
    }
  }
  return betterSqlite ?? undefined;
}

const DRIVER_NAMES: Record<string, SqliteDriver> = {
  'node:sqlite': 'node:sqlite',
  'better-sqlite3': 'better-sqlite3',
  [WASM_DRIVER]: WASM_DRIVER,
  'sqlite3-wasm': WASM_DRIVER,
};

/**
 * The driver `openSqlite` uses: DOCKBASE_SQLITE_DRIVER if set, else node:sqlite where Node has it, else
 * better-sqlite3 if its addon loads, else node-sqlite3-wasm.
 */
export function defaultDriver(env: NodeJS.ProcessEnv = process.env): SqliteDriver {
  const wanted = env.DOCKBASE_SQLITE_DRIVER;
  if (wanted !== undefined && wanted !== '') {
    const driver = Object.hasOwn(DRIVER_NAMES, wanted) ? DRIVER_NAMES[wanted] : undefined;
    if (!driver) throw new Error(`Invalid DOCKBASE_SQLITE_DRIVER "${wanted}": expected node:sqlite, better-sqlite3 or ${WASM_DRIVER}`);
    return driver;
  }
  if (nodeSqlite()) return 'node:sqlite';
  if (loadBetterSqlite()) return 'better-sqlite3';
  if (loadWasm()) return WASM_DRIVER;
  throw new Error(
    `No SQLite driver: Node ${process.versions.node} has no node:sqlite (Node 22.13 or later has it), the optional better-sqlite3 addon is not installed for it, and ${WASM_DRIVER} is missing (npm ci)`,
  );
}

export function openSqlite(file: string, driver: SqliteDriver = defaultDriver()): SqliteDatabase {
  if (driver === WASM_DRIVER) return wrap(driver, openWasm(file));
  // node-sqlite3-wasm's lock is a folder that native SQLite does not see: a database it holds is not opened.
  const holder = file === ':memory:' ? undefined : liveOwner(file);
  if (holder !== undefined) throw inUse(file, holder);
  return driver === 'node:sqlite' ? openNodeSqlite(file) : openBetterSqlite(file);
}

function openNodeSqlite(file: string): SqliteDatabase {
  const mod = nodeSqlite();
  if (!mod) throw new Error(`node:sqlite is not available in Node ${process.versions.node}`);
  const db = new mod.DatabaseSync(file);
  return wrap('node:sqlite', {
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      const s = db.prepare(sql);
      return {
        run: (...p) => ({ changes: Number(s.run(...p).changes) }),
        get: (...p) => s.get(...p),
        all: (...p) => s.all(...p),
      };
    },
    close: () => db.close(),
  });
}

function openBetterSqlite(file: string): SqliteDatabase {
  const Database = loadBetterSqlite();
  if (!Database) throw new Error(`better-sqlite3 is not installed for Node ${process.versions.node} (it is an optional dependency: npm ci)`);
  const db = new Database(file);
  return wrap('better-sqlite3', {
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => {
      const s = db.prepare(sql);
      return {
        run: (...p) => ({ changes: s.run(...p).changes }),
        get: (...p) => s.get(...p) as Row | undefined,
        all: (...p) => s.all(...p) as Row[],
      };
    },
    close: () => db.close(),
  });
}

interface RawDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

function wrap(driver: SqliteDriver, raw: RawDatabase): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  let open = true;
  let inTransaction = false;
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = raw.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const first = (row: Row | undefined) => (row === undefined ? undefined : Object.values(row)[0]);
  return {
    driver,
    get isOpen() {
      return open;
    },
    exec: (sql) => raw.exec(sql),
    prepare,
    pragma: (name) => {
      if (!/^[a-z_]+$/.test(name)) throw new Error(`Not a pragma name: ${name}`);
      return first(prepare(`PRAGMA ${name}`).get());
    },
    value: (sql, ...params) => first(prepare(sql).get(...params)),
    transaction<T>(fn: () => T): T {
      if (inTransaction) throw new Error('Nested transactions are not supported');
      inTransaction = true;
      raw.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        raw.exec('COMMIT');
        return result;
      } catch (err) {
        // SQLite may have rolled back already (e.g. a full disk): the original error is what matters.
        try {
          raw.exec('ROLLBACK');
        } catch {
          /* no transaction left to roll back */
        }
        throw err;
      } finally {
        inTransaction = false;
      }
    },
    close: () => {
      if (!open) return;
      open = false;
      statements.clear();
      raw.close();
    },
  };
}
