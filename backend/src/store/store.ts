import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { HistoryEntry, InstanceInput, InstanceMeta } from '@dockbase/api';
import type { EngineId } from '@dockbase/api';
import { migrate } from './migrations.js';
import { stripSecrets } from './secrets.js';

export const DATABASE_FILE = 'dockbase.db';
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
 * Per-instance metadata in SQLite. better-sqlite3 is synchronous, so a call returns only once its
 * transaction is committed: a route that answers after calling it never acknowledges an unsaved write.
 */
export class Store {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating if needed) the database in `dataDir` and migrates it to the latest schema. */
  static open(dataDir: string): Store {
    fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    try {
      // WAL: a crash mid-write cannot corrupt committed data. FULL: each commit is fsynced before the
      // call returns, so an acknowledged write survives even a VM power loss; writes here are few.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new Store(db);
  }

  get(id: string): InstanceMeta | undefined {
    const row = this.db.prepare('SELECT * FROM instances WHERE id = ?').get(id) as InstanceRow | undefined;
    if (!row) return undefined;
    const entries = this.db
      .prepare('SELECT * FROM history WHERE instance_id = ? ORDER BY seq DESC LIMIT ?')
      .all(id, HISTORY_LIMIT) as HistoryRow[];
    return toMeta(row, entries.map(toEntry));
  }

  /**
   * Creates the instance, or replaces its name, engine and settings. Notes, history and the creation
   * time are kept: they belong to the instance, not to the settings it was (re)created with.
   */
  put(id: string, input: InstanceInput): { meta: InstanceMeta; created: boolean } {
    const now = new Date().toISOString();
    const settings = JSON.stringify(stripSecrets(input.settings));
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
    })();
    return { meta: this.get(id)!, created };
  }

  setNotes(id: string, notes: string): InstanceMeta | undefined {
    const result = this.db
      .prepare('UPDATE instances SET notes = ?, updated_at = ? WHERE id = ?')
      .run(notes, new Date().toISOString(), id);
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
    })();
  }

  /** Removes the instance and its history; false when it was unknown. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM instances WHERE id = ?').run(id).changes > 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
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
