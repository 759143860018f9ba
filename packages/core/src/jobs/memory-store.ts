/**
 * A job store in memory: for a runner whose process is the page itself (no backend answers: nothing outlives
 * the page there, so nothing is journaled beyond it) and for tests.
 */
import { newInstanceId } from '../model/instance';
import type { Job, JobMark, JobProgress, JobStore, UnfinishedJob } from './job';

export class MemoryJobStore implements JobStore {
  readonly owner = `memory-${newInstanceId()}`;
  private readonly jobs = new Map<string, Job>();
  private readonly marks = new Map<string, JobMark[]>();

  async insert(job: Job): Promise<void> {
    this.jobs.set(job.id, structuredClone(job));
    this.marks.set(job.id, []);
  }

  async mark(id: string, mark: JobMark): Promise<void> {
    this.marks.get(id)?.push(structuredClone(mark));
  }

  async progress(id: string, progress: JobProgress, cancellable: boolean): Promise<void> {
    const job = this.jobs.get(id);
    if (job) Object.assign(job, { progress: structuredClone(progress), cancellable });
  }

  async finish(id: string, end: Pick<Job, 'state' | 'endedAt' | 'message' | 'code' | 'field' | 'result' | 'recovered'>): Promise<void> {
    const job = this.jobs.get(id);
    if (job) Object.assign(job, structuredClone(end), { cancellable: false });
  }

  async unfinished(): Promise<UnfinishedJob[]> {
    return [...this.jobs.values()]
      .filter((j) => j.state === 'running')
      .map((job) => ({ job: structuredClone(job), marks: structuredClone(this.marks.get(job.id) ?? []) }));
  }

  async recent(since?: string): Promise<Job[]> {
    return [...this.jobs.values()]
      .filter((j) => j.state === 'running' || !since || (j.endedAt ?? '') > since)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .map((j) => structuredClone(j));
  }
}
