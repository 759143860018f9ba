import type { SqliteDatabase } from './sqlite.js';

export interface Migration {
  /** The schema version the database is at once this migration ran (1, 2, 3, … in order). */
  version: number;
  sql: string;
}

/**
 * The schema's history. A released migration is never edited: a change is a new entry at the end,
 * because databases in users' volumes are at every earlier version.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE instances (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        engine     TEXT NOT NULL,
        settings   TEXT NOT NULL,            -- JSON object, secrets stripped before it gets here
        notes      TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,            -- ISO 8601
        updated_at TEXT NOT NULL
      ) STRICT;`,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE history (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT, -- orders entries even when two share a timestamp
        instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        at          TEXT NOT NULL,
        action      TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
        detail      TEXT
      ) STRICT;
      CREATE INDEX history_by_instance ON history (instance_id, seq);`,
  },
  {
    // Settings become an explicit list of keys. Older backends stored anything whose name did not look like
    // a secret, which let REDISCLI_AUTH, pw or a URI with credentials through: keep only the listed keys
    // (as they were at this version), and no string that could carry credentials.
    version: 3,
    sql: `
      UPDATE instances SET settings = (
        SELECT json_group_object(key, CASE type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') ELSE value END)
        FROM json_each(instances.settings)
        WHERE key IN ('image', 'tag', 'hostPort', 'persistData', 'exposeOnNetwork')
          AND type IN ('text', 'integer', 'true', 'false')
          AND NOT (type = 'text' AND (value LIKE '%@%' OR value LIKE '%://%'))
      );`,
  },
  {
    version: 4,
    // Snapshots, restores, exports and imports record how many bytes they moved.
    sql: `ALTER TABLE history ADD COLUMN size INTEGER CHECK (size IS NULL OR size >= 0);`,
  },
  {
    // Jobs (upgrades, rollbacks, edits, restores, snapshots, imports) run in the backend, which outlives the
    // page: each job and its journal (each step's undo, or after a commit what finishing takes) are kept so
    // that the next start recovers a job its process left unfinished (@dockbase/core, jobs/recovery.ts).
    // No foreign key to instances: a job's instance may have no notes row. `identity` holds this database's
    // own id, made once and kept forever: the instance locks its jobs take name it (JobStore.owner).
    version: 5,
    sql: `
      CREATE TABLE jobs (
        id            TEXT PRIMARY KEY,
        instance_id   TEXT NOT NULL,
        instance_name TEXT NOT NULL,
        engine        TEXT NOT NULL,
        kind          TEXT NOT NULL,
        title         TEXT NOT NULL,
        by_door       TEXT NOT NULL,
        started_at    TEXT NOT NULL,         -- ISO 8601
        ended_at      TEXT,
        state         TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        progress      TEXT NOT NULL,         -- JSON object
        cancellable   INTEGER NOT NULL CHECK (cancellable IN (0, 1)),
        message       TEXT,                  -- the outcome in words, never a secret
        code          TEXT,                  -- a failed job's error code (the CLI's exit code comes from it)
        field         TEXT,                  -- a failed job's field at fault
        result        TEXT,                  -- JSON, never a secret
        recovered     TEXT CHECK (recovered IS NULL OR recovered IN ('completed', 'undone'))
      ) STRICT;
      CREATE INDEX jobs_by_state ON jobs (state, ended_at);
      CREATE TABLE job_marks (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT, -- the journal's order, even when two marks share a timestamp
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        at     TEXT NOT NULL,
        phase  TEXT NOT NULL CHECK (phase IN ('begin', 'end', 'commit')),
        step   TEXT NOT NULL,
        data   TEXT NOT NULL                  -- JSON list: a begin's undo, a commit's forward ([] for an end)
      ) STRICT;
      CREATE INDEX job_marks_by_job ON job_marks (job_id, seq);
      CREATE TABLE identity (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL
      ) STRICT;
      INSERT INTO identity (id, owner) VALUES (1, 'backend-' || lower(hex(randomblob(12))));`,
  },
  {
    // Whether an instance's password opens its data, as last checked (after a restore, an import, an edit, a
    // create on kept data, or when the page revealed it): what no container can hold, so that "password
    // refused" survives a reload. Keyed by container: a new container (an edit) starts unknown. No secret.
    version: 6,
    sql: `
      CREATE TABLE password_checks (
        container_id TEXT PRIMARY KEY,
        instance_id  TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('ok', 'rejected')),
        message      TEXT,
        at           TEXT NOT NULL            -- ISO 8601
      ) STRICT;`,
  },
];

/**
 * Brings the database to the latest version, recorded in SQLite's `user_version`. Each migration runs
 * in its own transaction with its version bump, so a crash leaves the database at a whole version and
 * the next start carries on from there. Running it again on an up-to-date database does nothing.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${i + 1} is numbered ${m.version}`);
  });
  const current = Number(db.pragma('user_version'));
  if (current > migrations.length) {
    // A newer backend wrote this file (the user went back a version): guessing could lose data.
    throw new Error(`The database is at schema version ${current}, newer than this backend knows (${migrations.length})`);
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
  return migrations.length;
}
