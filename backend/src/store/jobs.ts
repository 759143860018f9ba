import type { Job, JobMark, JobProgress, JobStore, Undo, UnfinishedJob } from '@dockbase/core';
import type { SqliteDatabase } from './sqlite.js';

/** How many ended jobs are kept (with their journals); older ones go when another one ends. */
export const ENDED_JOBS_KEPT = 200;

interface JobRow {
  id: string;
  instance_id: string;
  instance_name: string;
  engine: string;
  kind: string;
  title: string;
  by_door: string;
  started_at: string;
  ended_at: string | null;
  state: Job['state'];
  progress: string;
  cancellable: number;
  message: string | null;
  code: string | null;
  field: string | null;
  result: string | null;
  recovered: 'completed' | 'undone' | null;
}

interface MarkRow {
  at: string;
  phase: JobMark['phase'];
  step: string;
  data: string;
}

type JobEnd = Pick<Job, 'state' | 'endedAt' | 'message' | 'code' | 'field' | 'result' | 'recovered'>;

/**
 * The backend's jobs and their journals (@dockbase/core's JobStore), in the store's database (migration 5).
 * Every driver is synchronous and each write is its own committed transaction (`synchronous = FULL`, see
 * store.ts): a promise resolves only once what it wrote is on disk, which is what the runner needs before it
 * runs the step a mark journals. Nothing a job is asked with is kept, only the Job (no password: an edit's
 * new password lives in the request, in memory).
 */
export class SqliteJobStore implements JobStore {
  /** This database's own id (the `identity` row, made once by migration 5): the instance locks name it. */
  readonly owner: string;

  constructor(private readonly db: SqliteDatabase) {
    const owner = db.value('SELECT owner FROM identity WHERE id = 1');
    if (typeof owner !== 'string' || owner === '') throw new Error('The database has no identity row (migration 5)');
    this.owner = owner;
  }

  async insert(job: Job): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO jobs (id, instance_id, instance_name, engine, kind, title, by_door, started_at, ended_at, state, progress,
           cancellable, message, result, recovered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.instanceId,
        job.instanceName,
        job.engine,
        job.kind,
        job.title,
        job.by,
        job.startedAt,
        job.endedAt ?? null,
        job.state,
        JSON.stringify(job.progress ?? {}),
        job.cancellable ? 1 : 0,
        job.message ?? null,
        json(job.result),
        job.recovered ?? null,
      );
  }

  /** Appends one line to the job's journal; rejects (nothing written) when the job is unknown. */
  async mark(id: string, mark: JobMark): Promise<void> {
    const data = mark.phase === 'begin' ? mark.undo : mark.phase === 'commit' ? mark.forward : [];
    this.db
      .prepare('INSERT INTO job_marks (job_id, at, phase, step, data) VALUES (?, ?, ?, ?, ?)')
      .run(id, mark.at, mark.phase, mark.step, JSON.stringify(data));
  }

  async progress(id: string, progress: JobProgress, cancellable: boolean): Promise<void> {
    this.db.prepare("UPDATE jobs SET progress = ?, cancellable = ? WHERE id = ? AND state = 'running'").run(JSON.stringify(progress), cancellable ? 1 : 0, id);
  }

  /** Records the job's end and lets the oldest ended jobs go beyond ENDED_JOBS_KEPT (their journals with them). */
  async finish(id: string, end: JobEnd): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE jobs SET state = ?, ended_at = ?, message = ?, code = ?, field = ?, result = ?, recovered = ?, cancellable = 0 WHERE id = ?')
        .run(
          end.state,
          end.endedAt ?? new Date().toISOString(),
          end.message ?? null,
          end.code ?? null,
          end.field ?? null,
          json(end.result),
          end.recovered ?? null,
          id,
        );
      this.db
        .prepare(
          `DELETE FROM jobs WHERE state <> 'running' AND id NOT IN
             (SELECT id FROM jobs WHERE state <> 'running' ORDER BY ended_at DESC, rowid DESC LIMIT ?)`,
        )
        .run(ENDED_JOBS_KEPT);
    });
  }

  async unfinished(): Promise<UnfinishedJob[]> {
    const rows = this.db.prepare("SELECT * FROM jobs WHERE state = 'running' ORDER BY started_at, rowid").all() as unknown as JobRow[];
    const marks = this.db.prepare('SELECT at, phase, step, data FROM job_marks WHERE job_id = ? ORDER BY seq');
    return rows.map((row) => ({ job: toJob(row), marks: (marks.all(row.id) as unknown as MarkRow[]).map(toMark) }));
  }

  async recent(since?: string): Promise<Job[]> {
    const rows = (since === undefined
      ? this.db.prepare('SELECT * FROM jobs ORDER BY started_at DESC, rowid DESC').all()
      : this.db.prepare("SELECT * FROM jobs WHERE state = 'running' OR ended_at > ? ORDER BY started_at DESC, rowid DESC").all(since)) as unknown as JobRow[];
    return rows.map(toJob);
  }

  /** How many jobs the store has as running (recovery has not reached those a dead process left yet). */
  runningCount(): number {
    return Number(this.db.value("SELECT count(*) FROM jobs WHERE state = 'running'"));
  }
}

function json(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

function toJob(row: JobRow): Job {
  const job: Job = {
    id: row.id,
    kind: row.kind as Job['kind'],
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    engine: row.engine as Job['engine'],
    title: row.title,
    by: row.by_door as Job['by'],
    startedAt: row.started_at,
    state: row.state,
    progress: JSON.parse(row.progress) as JobProgress,
    cancellable: Number(row.cancellable) === 1,
  };
  if (row.ended_at !== null) job.endedAt = row.ended_at;
  if (row.message !== null) job.message = row.message;
  if (row.code !== null) job.code = row.code;
  if (row.field !== null) job.field = row.field;
  if (row.result !== null) job.result = JSON.parse(row.result) as unknown;
  if (row.recovered !== null) job.recovered = row.recovered;
  return job;
}

function toMark(row: MarkRow): JobMark {
  const data = JSON.parse(row.data) as Undo[];
  switch (row.phase) {
    case 'begin':
      return { at: row.at, phase: 'begin', step: row.step, undo: data };
    case 'commit':
      return { at: row.at, phase: 'commit', step: row.step, forward: data };
    default:
      return { at: row.at, phase: 'end', step: row.step };
  }
}
