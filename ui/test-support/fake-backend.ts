/**
 * An in-memory Dockbase backend client (notes, history, Docker Hub tags, jobs) for component tests. Its jobs
 * run as the backend runs them: a JobRunner of the core over the test's fake docker (attached by renderApp),
 * which records each job's outcome in the instance's history itself (a new instance's record too, and a
 * delete's, as the backend's job-hooks and the page's own runner do: recordJobEnd), and refuses a job on an instance another job holds with the lock's
 * words (who, since when, from where).
 */
import type { PasswordCheckRecord } from '@dockbase/api';
import {
  busyMessage,
  createDockbase,
  DockbaseError,
  JobRunner,
  MemoryJobStore,
  passwordVerdict,
  type Job,
  type JobDoor,
  type JobRequest,
} from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { BackendError, type BackendClient, type HistoryEntry, type InstanceMeta, type TagsPage } from '../src/backend-client/client';
import { recordJobEnd } from '../src/app/shared/jobs-service';

export class FakeBackend implements BackendClient {
  readonly records = new Map<string, InstanceMeta>();
  /** Docker Hub's tags per engine; an engine without an entry gets an error (Docker Hub unreachable). */
  readonly tags = new Map<string, string[]>();
  up = true;
  /** Health checks still to miss while up (a busy machine: the answer comes after the check gave up). */
  missedHealthChecks = 0;
  healthChecks = 0;
  /** What the standalone host says of a backend it gave up on (its health check then fails with this). */
  cannotStart: string | undefined;

  /** The backend's own job store: a test may put a job there as a process that died left it (then `recoverJobs`). */
  readonly jobStore = new MemoryJobStore();
  /** How many times the page asked for the jobs list. */
  jobListCalls = 0;
  private runner: JobRunner | undefined;

  failure(): string | undefined {
    return this.cannotStart;
  }

  /** The docker the backend's jobs run on (renderApp gives it the test's). */
  attach(docker: DockerCli): this {
    if (this.runner) return this;
    const dockbase = createDockbase(docker);
    this.runner = new JobRunner({
      dockbase,
      cli: docker,
      store: this.jobStore,
      door: 'tab',
      engineLock: false,
      onEnd: async (job) => {
        const instance = await dockbase.lifecycle.get(job.instanceId).catch(() => undefined);
        await recordJobEnd(this, job, instance);
        // What it found of the password is remembered, as the backend does (main.ts).
        const verdict = passwordVerdict(job, instance?.containerId);
        if (verdict) this.passwordVerdicts.set(verdict.containerId, { ...verdict, at: new Date().toISOString() });
      },
    });
    return this;
  }

  get jobRunner(): JobRunner {
    if (!this.runner) throw new Error('FakeBackend: attach(docker) first (renderApp does)');
    return this.runner;
  }

  /** A job started by another door (the command line, another tab): it holds its instance as the page's do. */
  startElsewhere(request: JobRequest, by: JobDoor = 'cli'): Promise<Job> {
    return this.jobRunner.start(request, by);
  }

  /** What the backend does at its start: the jobs a dead process left running are recovered (ended as interrupted). */
  recoverJobs(): Promise<Job[]> {
    return this.jobRunner.recover();
  }

  async startJob(request: JobRequest): Promise<Job> {
    this.check();
    // The engine lock's refusal, in its words (the runner's own check is per process).
    const holder = (await this.jobRunner.list()).find(
      (j) => j.state === 'running' && ('instanceId' in request ? j.instanceId === request.instanceId : j.instanceName === request.input.name),
    );
    if (holder)
      throw new DockbaseError('busy', busyMessage(holder.instanceName, { kind: holder.kind, title: holder.title, by: holder.by, since: holder.startedAt }));
    return this.jobRunner.start(request, 'tab');
  }

  async jobs(since?: string): Promise<Job[]> {
    this.check();
    this.jobListCalls++;
    return this.jobRunner.list(since);
  }

  async job(id: string): Promise<Job | undefined> {
    this.check();
    return (await this.jobRunner.list()).find((j) => j.id === id);
  }

  async cancelJob(id: string): Promise<void> {
    this.check();
    await this.jobRunner.cancel(id);
  }

  /** Password verdicts remembered by container, as the backend's password_checks table. */
  readonly passwordVerdicts = new Map<string, PasswordCheckRecord>();

  async passwordChecks(): Promise<PasswordCheckRecord[]> {
    this.check();
    return [...this.passwordVerdicts.values()];
  }

  async recordPasswordCheck(containerId: string, check: Omit<PasswordCheckRecord, 'containerId' | 'at'>): Promise<void> {
    this.check();
    this.passwordVerdicts.set(containerId, { ...check, containerId, at: new Date().toISOString() });
  }

  async available(): Promise<boolean> {
    this.healthChecks++;
    if (this.cannotStart) return false;
    if (this.up && this.missedHealthChecks > 0) {
      this.missedHealthChecks--;
      return false;
    }
    return this.up;
  }

  /** While down, every call fails as a backend that does not answer (503 from the host). */
  private check(): void {
    if (!this.up) throw new BackendError('unavailable', 'The Dockbase backend is not running right now; the host is starting it again.', 503);
  }

  async listTags(image: InstanceMeta['engine']): Promise<TagsPage> {
    this.check();
    const names = this.tags.get(image);
    if (!names) throw new Error('Docker Hub is not reachable.');
    const tags = names.map((name) => ({ name, lastUpdated: '2026-11-01T00:00:00Z', architectures: ['amd64', 'arm64'], size: 1000 }));
    return { image, tags, page: 1, hasMore: false, stale: false };
  }

  async getInstance(id: string): Promise<InstanceMeta | undefined> {
    this.check();
    const r = this.records.get(id);
    return r && structuredClone(r);
  }

  async saveInstance(id: string, input: Pick<InstanceMeta, 'name' | 'engine' | 'settings'>): Promise<InstanceMeta> {
    this.check();
    const now = this.now();
    const old = this.records.get(id);
    const record: InstanceMeta = { id, ...input, notes: old?.notes ?? '', history: old?.history ?? [], createdAt: old?.createdAt ?? now, updatedAt: now };
    this.records.set(id, record);
    return structuredClone(record);
  }

  async setNotes(id: string, notes: string): Promise<InstanceMeta> {
    this.check();
    const r = this.need(id);
    r.notes = notes;
    r.updatedAt = this.now();
    return structuredClone(r);
  }

  async addHistory(id: string, entry: Omit<HistoryEntry, 'at'>): Promise<HistoryEntry> {
    this.check();
    const r = this.need(id);
    const full = { at: this.now(), ...entry };
    r.history.unshift(full);
    return full;
  }

  async deleteInstance(id: string): Promise<void> {
    this.check();
    this.records.delete(id);
  }

  private need(id: string): InstanceMeta {
    const r = this.records.get(id);
    if (!r) throw new Error('not found');
    return r;
  }

  private tick = 0;
  /** Strictly increasing timestamps, so every write is a new version. */
  private now(): string {
    return new Date(Date.UTC(2026, 10, 25, 18, 0, 0, this.tick++)).toISOString();
  }
}
