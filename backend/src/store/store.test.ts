import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { storesForEachTest } from '../test-support/stores.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { TESTED_DRIVERS } from '../test-support/drivers.js';
import { WASM_DRIVER } from './sqlite-wasm.js';
import { defaultDriver, openSqlite, type SqliteDatabase, type SqliteDriver } from './sqlite.js';
import { DATABASE_FILE, HISTORY_LIMIT, InvalidSettingsError, Store } from './store.js';

const stores = storesForEachTest('dockbase-store-');
const dataDir = stores.dataDir;

// Every test runs on each driver this Node has that the backend would use (test-support/drivers.ts).
const drivers = TESTED_DRIVERS;
let driver: SqliteDriver = drivers[0]!;

function open(dir: string): Store {
  return stores.open(dir, driver);
}

/** Opens the database file directly, as an inspector would. */
function raw(dir: string): SqliteDatabase {
  return openSqlite(path.join(dir, DATABASE_FILE), driver);
}

const pg = { name: 'orders-db', engine: 'postgres' as const, settings: { tag: '17', hostPort: 5432 } };

describe('SQLite drivers', () => {
  it('uses node:sqlite wherever Node has it, else better-sqlite3 if its addon loads, else node-sqlite3-wasm; DOCKBASE_SQLITE_DRIVER picks one', () => {
    const builtIn = typeof process.getBuiltinModule === 'function' && process.getBuiltinModule('node:sqlite') !== undefined;
    expect(defaultDriver({})).toBe(builtIn ? 'node:sqlite' : betterSqliteLoads() ? 'better-sqlite3' : WASM_DRIVER);
    expect(defaultDriver({ DOCKBASE_SQLITE_DRIVER: 'better-sqlite3' })).toBe('better-sqlite3');
    expect(defaultDriver({ DOCKBASE_SQLITE_DRIVER: 'node-sqlite3-wasm' })).toBe(WASM_DRIVER);
    expect(defaultDriver({ DOCKBASE_SQLITE_DRIVER: 'sqlite3-wasm' })).toBe(WASM_DRIVER);
    for (const bad of ['sqlite3', 'toString', '__proto__'])
      expect(() => defaultDriver({ DOCKBASE_SQLITE_DRIVER: bad })).toThrow(/Invalid DOCKBASE_SQLITE_DRIVER/);
  });

  it('are tested here: the driver this Node uses and node-sqlite3-wasm', () => {
    expect(drivers).toEqual([...new Set([defaultDriver(), WASM_DRIVER])]);
  });
});

function betterSqliteLoads(): boolean {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => { close(): void };
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

describe.each(drivers)('on %s', (d) => {
  beforeEach(() => {
    driver = d;
  });

  describe('schema migrations', () => {
    it('creates a fresh database at the latest version, in WAL mode, in the data dir (created if missing)', () => {
      const dir = path.join(dataDir(), 'nested', 'data');
      open(dir).close();
      const db = raw(dir);
      expect(db.pragma('user_version')).toBe(MIGRATIONS.length);
      expect(db.pragma('journal_mode')).toBe('wal');
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['history', 'instances']));
      db.close();
    });

    it('upgrades a database left at an older version, keeping its data', () => {
      const dir = dataDir();
      const old = raw(dir);
      migrate(old, MIGRATIONS.slice(0, 1)); // what the first release wrote: no history table yet
      old
        .prepare('INSERT INTO instances (id, name, engine, settings, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('legacy', 'Legacy', 'mysql', '{"version":"8.4"}', 'from v1', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
      old.close();

      const store = open(dir);
      // Settings keys outside the list are dropped by migration 3.
      expect(store.get('legacy')).toMatchObject({ name: 'Legacy', engine: 'mysql', settings: {}, notes: 'from v1', history: [] });
      expect(store.addHistory('legacy', { action: 'start', outcome: 'ok' })).toMatchObject({ action: 'start' });
      store.close();
      const db = raw(dir);
      expect(db.pragma('user_version')).toBe(MIGRATIONS.length);
      db.close();
    });

    it('is idempotent: reopening an up-to-date database changes nothing and keeps every row', () => {
      const dir = dataDir();
      const first = open(dir);
      first.put('a', pg);
      first.addHistory('a', { action: 'create', outcome: 'ok' });
      first.close();
      const again = open(dir);
      expect(again.get('a')).toMatchObject({ name: 'orders-db', history: [{ action: 'create', outcome: 'ok' }] });
      again.close();
      const db = raw(dir);
      expect(db.value('SELECT COUNT(*) FROM instances')).toBe(1);
      db.close();
    });

    it('refuses a database written by a newer backend instead of guessing', () => {
      const dir = dataDir();
      const db = raw(dir);
      db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
      db.close();
      expect(() => Store.open(dir, driver)).toThrow(/newer than this backend knows/);
    });

    it('rolls a failing migration back whole, so the next start retries it', () => {
      const db = openSqlite(':memory:', driver);
      const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, sql: 'CREATE TABLE extra (x INTEGER); SELECT * FROM missing;' }];
      expect(() => migrate(db, broken)).toThrow(/missing/);
      expect(db.pragma('user_version')).toBe(MIGRATIONS.length);
      expect(db.value("SELECT count(*) FROM sqlite_master WHERE name = 'extra'")).toBe(0);
      db.close();
    });
  });

  describe('instance metadata', () => {
    it('keeps notes, history and creation time when an instance is saved again', () => {
      const store = open(dataDir());
      const first = store.put('a', pg);
      expect(first.created).toBe(true);
      store.setNotes('a', 'prod copy');
      store.addHistory('a', { action: 'create', outcome: 'ok' });
      const second = store.put('a', { ...pg, name: 'orders', settings: { tag: '18' } });
      expect(second.created).toBe(false);
      expect(second.meta).toMatchObject({ name: 'orders', settings: { tag: '18' }, notes: 'prod copy', createdAt: first.meta.createdAt });
      expect(second.meta.history).toHaveLength(1);
    });

    it('lists history newest first and keeps only the last 100 entries', () => {
      const store = open(dataDir());
      store.put('a', pg);
      for (let i = 1; i <= HISTORY_LIMIT + 5; i++) store.addHistory('a', { action: `op-${i}`, outcome: i % 2 ? 'ok' : 'failed' });
      const history = store.get('a')!.history;
      expect(history).toHaveLength(HISTORY_LIMIT);
      expect(history[0]).toMatchObject({ action: `op-${HISTORY_LIMIT + 5}`, outcome: 'ok' });
      expect(history.at(-1)).toMatchObject({ action: 'op-6' });
    });

    it('deletes an instance with its history', () => {
      const dir = dataDir();
      const store = open(dir);
      store.put('a', pg);
      store.addHistory('a', { action: 'create', outcome: 'ok', detail: 'pulled postgres:17' });
      expect(store.delete('a')).toBe(true);
      expect(store.delete('a')).toBe(false);
      expect(store.get('a')).toBeUndefined();
      store.close();
      const db = raw(dir);
      expect(db.value('SELECT count(*) FROM history')).toBe(0);
      db.close();
    });

    it('writes again after a write SQLite refused, and closes cleanly', () => {
      const dir = dataDir();
      const store = open(dir);
      store.put('a', pg);
      // The route's schema stops such an outcome; the table's CHECK would too.
      expect(() => store.addHistory('a', { action: 'start', outcome: 'maybe' as 'ok' })).toThrow(/CHECK/);
      expect(store.addHistory('a', { action: 'start', outcome: 'ok' })).toMatchObject({ action: 'start' });
      expect(store.get('a')?.history).toHaveLength(1);
      store.close();
      expect(raw(dir).close()).toBeUndefined();
    });

    it('stores only the listed settings keys, and refuses anything else before it reaches the file', () => {
      const dir = dataDir();
      const store = open(dir);
      const settings = { image: 'registry.example.com:5000/mirror/redis', tag: '8.2', hostPort: 6380, persistData: true, exposeOnNetwork: false };
      expect(store.put('a', { name: 'cache', engine: 'redis', settings }).meta.settings).toEqual(settings);
      for (const bad of [
        { REDISCLI_AUTH: 'hunter2-env' },
        { pw: 'hunter2-pw' },
        { password: 'hunter2-top' },
        { image: 'https://user:hunter2-uri@registry.example.com/pg' },
        { image: 'user:hunter2-info@registry.example.com/pg' },
        { tag: 'hunter2 tag' },
        { hostPort: 0 },
        { persistData: 'yes' },
        { __proto__: { x: 1 }, y: 'hunter2-proto' },
      ]) {
        expect(() => store.put('b', { name: 'cache', engine: 'redis', settings: bad as never }), JSON.stringify(bad)).toThrow(InvalidSettingsError);
      }
      expect(store.get('b')).toBeUndefined();
      store.close();
      const db = raw(dir);
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      expect(JSON.stringify(db.prepare('SELECT * FROM instances').all())).not.toContain('hunter2');
      db.close();
    });

    it('scrubs settings an older backend stored (REDISCLI_AUTH, pw, URIs with credentials), from the rows and the file', () => {
      const dir = dataDir();
      const old = raw(dir);
      old.exec('PRAGMA journal_mode = WAL');
      migrate(old, MIGRATIONS.slice(0, 2));
      const leaked = {
        tag: '8.2',
        hostPort: 6379,
        persistData: true,
        REDISCLI_AUTH: 'hunter2-env',
        pw: 'hunter2-pw',
        image: 'https://user:hunter2-uri@registry.example.com/redis',
        exposeOnNetwork: false,
        env: ['X=hunter2-list'],
      };
      old
        .prepare('INSERT INTO instances (id, name, engine, settings, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('old', 'cache', 'redis', JSON.stringify(leaked), '', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
      old.close();

      const store = open(dir);
      expect(store.get('old')?.settings).toEqual({ tag: '8.2', hostPort: 6379, persistData: true, exposeOnNetwork: false });
      store.close();
      for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file)).includes('hunter2'), file).toBe(false);
    });
  });

  describe('the data folder and files', () => {
    it('are 0700 and 0600 whatever the umask, and an existing folder or file with wider modes is narrowed', () => {
      const mode = (p: string) => fs.statSync(p).mode & 0o777;
      const previous = process.umask(0);
      try {
        const fresh = path.join(dataDir(), 'fresh');
        const store = open(fresh);
        store.put('a', pg);
        expect(mode(fresh)).toBe(0o700);
        // node-sqlite3-wasm keeps the WAL index in memory (no -shm) and names its owner in a file.
        const files = d === WASM_DRIVER ? ['dockbase.db', 'dockbase.db-wal', 'dockbase.db.owner'] : ['dockbase.db', 'dockbase.db-wal', 'dockbase.db-shm'];
        for (const f of files) expect(mode(path.join(fresh, f)), f).toBe(0o600);
        store.close();

        const wide = dataDir();
        fs.chmodSync(wide, 0o777);
        for (const f of ['dockbase.db', 'dockbase.db-wal', 'dockbase.db-shm']) fs.writeFileSync(path.join(wide, f), '', { mode: 0o666 });
        open(wide).close();
        expect(mode(wide)).toBe(0o700);
        for (const f of fs.readdirSync(wide)) expect(mode(path.join(wide, f)), f).toBe(0o600);
      } finally {
        process.umask(previous);
      }
    });
  });
});
