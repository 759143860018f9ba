import fs from 'node:fs';
import path from 'node:path';
import type { EngineId, HistoryEntry, InstanceInput, InstanceMeta } from '@dockbase/api';
import { SqliteJobStore } from './jobs.js';
import { PasswordChecks } from './password-checks.js';
import { migrate } from './migrations.js';
import { settingsProblem } from './settings.js';
import { openSqlite, type SqliteDatabase, type SqliteDriver } from './sqlite.js';

export const DATABASE_FILE = 'dockbase.db';
/** The schema version that reduced every stored settings object to the allowed keys (see MIGRATIONS). */
const SETTINGS_SCRUBBED_AT = 3;

/** Settings the store refuses (the route answers 400 before it gets here). */
export class InvalidSettingsError extends Error {}
/** The API shows this many operations per instance, and older ones are dropped when a new one comes. */
export const HISTORY_LIMIT = 100;

export type { HistoryEntry, InstanceInput, InstanceMeta };

interface InstanceRow {
  id: string;
  name: string;
  engine: string;
  settings: string;
  notes: string;
  created_at: string;
  updated_at: string;
}

interface HistoryRow {
  instance_id: string;
  at: string;
  action: string;
  outcome: 'ok' | 'failed';
  detail: string | null;
  size: number | null;
}

/**
 * Per-instance metadata in SQLite. Every driver (./sqlite.ts) is synchronous, so a call returns only once
 * its transaction is committed: a route that answers after calling it never acknowledges an unsaved write.
 */
export class Store {
  /** Jobs and their journals, in the same database and connection (./jobs.ts). */
  readonly jobs: SqliteJobStore;
  /** The last verdict on each container's password (./password-checks.ts). */
  readonly passwordChecks: PasswordChecks;

  private constructor(private readonly db: SqliteDatabase) {
    this.jobs = new SqliteJobStore(db);
    this.passwordChecks = new PasswordChecks(db);
  }

  /** The SQLite driver in use (node:sqlite, better-sqlite3 or node-sqlite3-wasm). */
  get driver(): SqliteDriver {
    return this.db.driver;
  }

  /**
   * Opens (creating if needed) the database in `dataDir` and migrates it to the latest schema. The folder is
   * 0700 and the database files 0600, whatever the umask of whoever starts the backend, and an existing
   * folder or file with wider modes is narrowed: notes and history are nobody else's business.
   */
  static open(dataDir: string, driver?: SqliteDriver): Store {
    const file = path.join(dataDir, DATABASE_FILE);
    privateFiles(dataDir, file);
    const db = openSqlite(file, driver);
    try {
      // WAL: a crash mid-write cannot corrupt committed data. FULL: each commit is fsynced before the
      // call returns, so an acknowledged write survives even a VM power loss; writes here are few.
      // (node-sqlite3-wasm has WAL only because it holds the file exclusively: ./sqlite-wasm.ts.)
      db.exec('PRAGMA journal_mode = WAL');
      const journal = db.pragma('journal_mode');
      if (journal !== 'wal') throw new Error(`SQLite through ${db.driver} refused WAL mode (journal_mode is ${String(journal)})`);
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA foreign_keys = ON');
      db.exec('PRAGMA busy_timeout = 5000');
      // Deleted and overwritten content is zeroed, not left in free pages.
      db.exec('PRAGMA secure_delete = ON');
      const from = Number(db.pragma('user_version'));
      migrate(db);
      if (from > 0 && from < SETTINGS_SCRUBBED_AT) {
        // Settings that older backends let through are gone from the rows; make them gone from the file too.
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        db.exec('VACUUM');
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      }
      // SQLite gives the -wal and -shm files the database file's mode; ones left by an older backend are narrowed.
      for (const extra of ['-wal', '-shm']) if (fs.existsSync(file + extra)) fs.chmodSync(file + extra, 0o600);
      // The database and its WAL exist now (SQLite opens the WAL at the first read): their names are made
      // durable too. Native SQLite syncs the folder of a new WAL itself; node-sqlite3-wasm's file layer does not.
      syncFolder(dataDir);
    } catch (err) {
      db.close();
      throw err;
    }
    return new Store(db);
  }

  get(id: string): InstanceMeta | undefined {
    const row = this.db.prepare('SELECT * FROM instances WHERE id = ?').get(id) as unknown as InstanceRow | undefined;
    if (!row) return undefined;
    const entries = this.db.prepare('SELECT * FROM history WHERE instance_id = ? ORDER BY seq DESC LIMIT ?').all(id, HISTORY_LIMIT) as unknown as HistoryRow[];
    return toMeta(row, entries.map(toEntry));
  }

  /**
   * Creates the instance, or replaces its name, engine and settings. Notes, history and the creation
   * time are kept: they belong to the instance, not to the settings it was (re)created with.
   */
  put(id: string, input: InstanceInput): { meta: InstanceMeta; created: boolean } {
    const now = new Date().toISOString();
    const problem = settingsProblem(input.settings);
    if (problem) throw new InvalidSettingsError(problem);
    const settings = JSON.stringify(input.settings);
    const created = this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM instances WHERE id = ?').get(id) !== undefined;
      if (exists) {
        this.db
          .prepare('UPDATE instances SET name = ?, engine = ?, settings = ?, updated_at = ? WHERE id = ?')
          .run(input.name, input.engine, settings, now, id);
      } else {
        this.db
          .prepare('INSERT INTO instances (id, name, engine, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, input.name, input.engine, settings, now, now);
      }
      return !exists;
    });
    return { meta: this.get(id)!, created };
  }

  setNotes(id: string, notes: string): InstanceMeta | undefined {
    const result = this.db.prepare('UPDATE instances SET notes = ?, updated_at = ? WHERE id = ?').run(notes, new Date().toISOString(), id);
    return result.changes === 0 ? undefined : this.get(id);
  }

  /** Appends an operation; undefined when the instance is unknown. */
  addHistory(id: string, entry: Omit<HistoryEntry, 'at'>): HistoryEntry | undefined {
    const at = new Date().toISOString();
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM instances WHERE id = ?').get(id) === undefined) return undefined;
      this.db
        .prepare('INSERT INTO history (instance_id, at, action, outcome, detail, size) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, at, entry.action, entry.outcome, entry.detail ?? null, entry.size ?? null);
      this.db
        .prepare(
          `DELETE FROM history WHERE instance_id = ? AND seq NOT IN
             (SELECT seq FROM history WHERE instance_id = ? ORDER BY seq DESC LIMIT ?)`,
        )
        .run(id, id, HISTORY_LIMIT);
      return toEntry({ instance_id: id, at, action: entry.action, outcome: entry.outcome, detail: entry.detail ?? null, size: entry.size ?? null });
    });
  }

  /** Removes the instance and its history; false when it was unknown. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM instances WHERE id = ?').run(id).changes > 0;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/** The data folder 0700 and the database file 0600, created so or narrowed (chmod ignores the umask). */
function privateFiles(dataDir: string, file: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600));
  fs.chmodSync(file, 0o600);
}

function syncFolder(dir: string): void {
  if (process.platform === 'win32') return; // a folder cannot be opened for fsync there (NTFS journals names)
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function toEntry(row: HistoryRow): HistoryEntry {
  const entry: HistoryEntry = { at: row.at, action: row.action, outcome: row.outcome };
  if (row.detail !== null) entry.detail = row.detail;
  if (row.size !== null && row.size !== undefined) entry.size = row.size;
  return entry;
}

function toMeta(row: InstanceRow, history: HistoryEntry[]): InstanceMeta {
  return {
    id: row.id,
    name: row.name,
    engine: row.engine as EngineId,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    history,
  };
}
