import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../test-support/http.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { stripSecrets } from './secrets.js';
import { DATABASE_FILE, HISTORY_LIMIT, Store } from './store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach(removeDir);
});

function dataDir(): string {
  const dir = tempDir('dockbase-store-');
  dirs.push(dir);
  return dir;
}

function open(dir: string): Store {
  const store = Store.open(dir);
  stores.push(store);
  return store;
}

/** Opens the database file directly, as an inspector would. */
function raw(dir: string): Database.Database {
  return new Database(path.join(dir, DATABASE_FILE));
}

const pg = { name: 'orders-db', engine: 'postgres' as const, settings: { version: '17', port: 5432 } };

describe('schema migrations', () => {
  it('creates a fresh database at the latest version, in WAL mode, in the data dir (created if missing)', () => {
    const dir = path.join(dataDir(), 'nested', 'data');
    open(dir).close();
    const db = raw(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
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
    expect(store.get('legacy')).toMatchObject({ name: 'Legacy', engine: 'mysql', settings: { version: '8.4' }, notes: 'from v1', history: [] });
    expect(store.addHistory('legacy', { action: 'start', outcome: 'ok' })).toMatchObject({ action: 'start' });
    store.close();
    const db = raw(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
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
    expect(db.prepare('SELECT COUNT(*) AS n FROM instances').get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses a database written by a newer backend instead of guessing', () => {
    const dir = dataDir();
    const db = raw(dir);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => Store.open(dir)).toThrow(/newer than this backend knows/);
  });

  it('rolls a failing migration back whole, so the next start retries it', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, sql: 'CREATE TABLE extra (x INTEGER); SELECT * FROM missing;' }];
    expect(() => migrate(db, broken)).toThrow(/missing/);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").pluck().get()).toBe(0);
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
    const second = store.put('a', { ...pg, name: 'orders', settings: { version: '18' } });
    expect(second.created).toBe(false);
    expect(second.meta).toMatchObject({ name: 'orders', settings: { version: '18' }, notes: 'prod copy', createdAt: first.meta.createdAt });
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
    expect(db.prepare('SELECT count(*) FROM history').pluck().get()).toBe(0);
    db.close();
  });

  it('never writes a password or other secret from the settings to the database file', () => {
    const dir = dataDir();
    const store = open(dir);
    const { meta } = store.put('a', {
      name: 'cache',
      engine: 'redis',
      settings: {
        version: '8',
        password: 'hunter2-top',
        rootPassword: 'hunter2-root',
        env: { POSTGRES_PASSWORD: 'hunter2-env', POSTGRES_USER: 'app' },
        nested: [{ apiKey: 'hunter2-key', keep: 1 }],
        command: ['redis-server', '--appendonly', 'yes', '--requirepass', 'hunter2-arg'],
        envList: ['MYSQL_ROOT_PASSWORD=hunter2-list', 'MYSQL_DATABASE=app'],
        clientSecret: 'hunter2-secret',
      },
    });
    expect(meta.settings).toEqual({
      version: '8',
      env: { POSTGRES_USER: 'app' },
      nested: [{ keep: 1 }],
      command: ['redis-server', '--appendonly', 'yes'],
      envList: ['MYSQL_DATABASE=app'],
    });
    store.close();
    // Nothing of any secret is left on disk, in the database or its WAL.
    const db = raw(dir);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(JSON.stringify(db.prepare('SELECT * FROM instances').all())).not.toContain('hunter2');
    db.close();
  });
});

describe('stripSecrets', () => {
  it('drops credential-like flags with their value, in both --flag value and --flag=value forms', () => {
    expect(stripSecrets(['mysqld', '--password=x', '--port', '3306', '-pwd', 'y'])).toEqual(['mysqld', '--port', '3306']);
  });
  it('keeps ordinary values untouched', () => {
    const settings = { version: '17', port: 5432, user: 'postgres', database: 'app', volumes: ['data:/var/lib/postgresql'], flag: null };
    expect(stripSecrets(settings)).toEqual(settings);
  });
});
