/**
 * The CLI's job store: one append-only file per job under the user's state folder
 * (`$XDG_STATE_HOME/dockbase/jobs`, `~/.local/state/dockbase/jobs` by default, or DOCKBASE_STATE_DIR), each
 * line a JSON record (the job, then its marks, then its end) written with fsync before the call returns: a
 * killed `dockbase upgrade` leaves its journal, and the next `dockbase` run recovers the instance. A job is
 * unfinished only once the process that ran it is gone (several CLIs may run at once on one machine).
 * Files and folder are private (0600, 0700): a job's title names an instance, nothing more, but it is nobody
 * else's business.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job, JobMark, JobProgress, JobStore, UnfinishedJob } from '@dockbase/core';

type Line =
  | { type: 'job'; job: Job; pid: number; host: string }
  | { type: 'mark'; mark: JobMark }
  | { type: 'progress'; progress: JobProgress; cancellable: boolean }
  | { type: 'finish'; end: Partial<Job> };

/** Ended jobs kept on disk (the newest). */
const KEEP = 50;

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKBASE_STATE_DIR) return env.DOCKBASE_STATE_DIR;
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'dockbase');
}

export class FileJobStore implements JobStore {
  /** Per process: a lock this CLI took is let go by its own end, or by the recovery of its journal. */
  readonly owner = `cli-${os.hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly dir: string;

  constructor(stateDir: string = defaultStateDir()) {
    this.dir = path.join(stateDir, 'jobs');
  }

  private file(id: string): string {
    if (!/^[0-9a-f]{12}$/.test(id)) throw new Error(`not a job id: ${id}`);
    return path.join(this.dir, `${id}.jsonl`);
  }

  /** Appends one line; `durable` (all but progress, which may be lazy) waits until it is on disk. */
  private append(id: string, line: Line, create = false, durable = true): void {
    if (create) fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(this.file(id), create ? 'wx' : 'a', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(line)}\n`);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async insert(job: Job): Promise<void> {
    this.append(job.id, { type: 'job', job, pid: process.pid, host: os.hostname() }, true);
  }

  async mark(id: string, mark: JobMark): Promise<void> {
    this.append(id, { type: 'mark', mark });
  }

  async progress(id: string, progress: JobProgress, cancellable: boolean): Promise<void> {
    this.append(id, { type: 'progress', progress, cancellable }, false, false);
  }

  async finish(id: string, end: Partial<Job>): Promise<void> {
    this.append(id, { type: 'finish', end });
    this.prune();
  }

  async unfinished(): Promise<UnfinishedJob[]> {
    return this.read()
      .filter((r) => r.job.state === 'running' && !alive(r.pid, r.host))
      .map((r) => ({ job: r.job, marks: r.marks }));
  }

  async recent(since?: string): Promise<Job[]> {
    return this.read()
      .map((r) => r.job)
      .filter((j) => j.state === 'running' || !since || (j.endedAt ?? '') > since)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  private read(): { job: Job; marks: JobMark[]; pid: number; host: string }[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return [];
    }
    const out: { job: Job; marks: JobMark[]; pid: number; host: string }[] = [];
    for (const name of names) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(this.dir, name), 'utf8');
      } catch {
        continue;
      }
      let entry: { job: Job; marks: JobMark[]; pid: number; host: string } | undefined;
      for (const raw of text.split('\n')) {
        if (!raw.trim()) continue;
        let line: Line;
        try {
          line = JSON.parse(raw) as Line;
        } catch {
          continue; // a line cut short by a crash: the ones before it hold
        }
        if (line.type === 'job') entry = { job: line.job, marks: [], pid: line.pid, host: line.host };
        else if (!entry) continue;
        else if (line.type === 'mark') entry.marks.push(line.mark);
        else if (line.type === 'progress') Object.assign(entry.job, { progress: line.progress, cancellable: line.cancellable });
        else Object.assign(entry.job, line.end, { cancellable: false });
      }
      if (entry) out.push(entry);
    }
    return out;
  }

  private prune(): void {
    const ended = this.read()
      .filter((r) => r.job.state !== 'running')
      .sort((a, b) => (b.job.endedAt ?? '').localeCompare(a.job.endedAt ?? ''));
    for (const r of ended.slice(KEEP)) fs.rmSync(this.file(r.job.id), { force: true });
  }
}

/** Whether the process that wrote a job still runs (on this machine; another machine's is taken as running). */
function alive(pid: number, host: string): boolean {
  if (host !== os.hostname()) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
