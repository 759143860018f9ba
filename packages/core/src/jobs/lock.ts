/**
 * One job per instance, across every door (two tabs, the tab and the CLI, two CLIs, the backend of Docker
 * Desktop and a CLI on the host): the lock is a container named `dockbase-lock-<instance name>`, created and
 * never started. Docker makes a container's name unique atomically, so of two doors creating it at the same
 * moment exactly one succeeds, whichever process or machine each runs on; the other reads the holder from
 * the lock's labels and says who holds the instance and since when. The job's end removes it; a job whose
 * process died is recovered by that process's next start, which removes it then.
 *
 * The lock is made from the instance's own image (always there while the instance exists), with no network,
 * never pulled, never started: it costs one `docker create` and one `docker rm`. A database image declares
 * its data folder a VOLUME, so docker gives each lock an anonymous volume: it goes with the lock (`--volumes`
 * removes anonymous volumes only, never a named one).
 */
import { DockbaseError } from '../model/errors';
import type { DockerRunner } from '../docker/runner';
import { removeContainerArgs } from '../docker/lifecycle';
import type { Job, JobDoor, JobKind } from './job';

export const LOCK_LABEL = {
  /** The id of the instance the lock holds. */
  instance: 'io.dockbase.lock',
  job: 'io.dockbase.lock.job',
  kind: 'io.dockbase.lock.kind',
  title: 'io.dockbase.lock.title',
  by: 'io.dockbase.lock.by',
  since: 'io.dockbase.lock.since',
  /** The id of the store that journals the job (JobStore.owner): its process's next start lets go of it. */
  owner: 'io.dockbase.lock.owner',
} as const;

export function lockName(instanceName: string): string {
  return `dockbase-lock-${instanceName}`;
}

export function lockCreateArgs(
  job: Pick<Job, 'id' | 'kind' | 'title' | 'by' | 'startedAt' | 'instanceId' | 'instanceName'>,
  image: string,
  owner: string,
): string[] {
  return [
    'container',
    'create',
    '--name',
    lockName(job.instanceName),
    '--pull',
    'never',
    '--network',
    'none',
    '--label',
    `${LOCK_LABEL.instance}=${job.instanceId}`,
    '--label',
    `${LOCK_LABEL.job}=${job.id}`,
    '--label',
    `${LOCK_LABEL.kind}=${job.kind}`,
    '--label',
    `${LOCK_LABEL.title}=${job.title}`,
    '--label',
    `${LOCK_LABEL.by}=${job.by}`,
    '--label',
    `${LOCK_LABEL.since}=${job.startedAt}`,
    '--label',
    `${LOCK_LABEL.owner}=${owner}`,
    image,
  ];
}

/** The locks one store's jobs hold: their ids and jobs. */
export function locksOfOwnerArgs(owner: string): string[] {
  return ['ps', '--all', '--no-trunc', '--filter', `label=${LOCK_LABEL.owner}=${owner}`, '--format', `{{.ID}} {{.Label "${LOCK_LABEL.job}"}}`];
}

export function lockInspectArgs(instanceName: string): string[] {
  return ['container', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', lockName(instanceName)];
}

/** Who holds an instance: read from its lock's labels. */
export interface LockHolder {
  containerId: string;
  jobId: string;
  kind: JobKind | string;
  title: string;
  by: JobDoor | string;
  since: string;
}

export function readLockHolder(stdout: string): LockHolder | undefined {
  const line = stdout.trim();
  const space = line.indexOf(' ');
  if (space <= 0) return undefined;
  try {
    const labels = JSON.parse(line.slice(space + 1)) as Record<string, string> | null;
    const jobId = labels?.[LOCK_LABEL.job];
    if (!labels || !jobId) return undefined;
    return {
      containerId: line.slice(0, space),
      jobId,
      kind: labels[LOCK_LABEL.kind] ?? '',
      title: labels[LOCK_LABEL.title] ?? '',
      by: labels[LOCK_LABEL.by] ?? '',
      since: labels[LOCK_LABEL.since] ?? '',
    };
  } catch {
    return undefined;
  }
}

const DOING: Record<string, string> = {
  create: 'is being created',
  clone: 'is being created from a snapshot',
  start: 'is being started',
  stop: 'is being stopped',
  restart: 'is being restarted',
  delete: 'is being deleted',
  upgrade: 'is being upgraded',
  rollback: 'is being rolled back',
  edit: 'is being changed',
  restore: 'is being restored from a snapshot',
  snapshot: 'is being snapshotted',
  import: 'is importing a file',
  export: 'is being exported',
  migrate: 'is being copied into a new instance of another engine',
};

const FROM: Record<string, string> = { tab: 'from the Dockbase tab', cli: 'from the command line', schedule: 'by a schedule' };

/** "orders is being upgraded, started 12:03 from the command line". */
export function busyMessage(instanceName: string, holder: Pick<LockHolder, 'kind' | 'title' | 'by' | 'since'>, now = new Date()): string {
  const doing = DOING[holder.kind] ?? `is busy (${holder.title || holder.kind})`;
  const since = new Date(holder.since);
  let when = '';
  if (!Number.isNaN(since.getTime())) {
    const hhmm = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
    when = since.toDateString() === now.toDateString() ? ` ${hhmm}` : ` ${since.toISOString().slice(0, 10)} ${hhmm}`;
  }
  return `${instanceName} ${doing}, started${when} ${FROM[holder.by] ?? `by ${holder.by}`}. Wait until it ends, or cancel it there, then try again.`;
}

/** Waits before asking docker again to remove the locks it could not remove (the last one repeats). */
export const LOCK_RELEASE_RETRY_MS = [2000, 4000, 8000, 15000, 30000] as const;

export class InstanceLocks {
  /**
   * Locks of this process's jobs that ended while docker did not answer (the engine went away): their
   * removal is asked again until docker answers, and at once should one stand in the way of a new job.
   */
  private readonly unreleased = new Set<string>();
  private retry: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;

  constructor(
    private readonly docker: DockerRunner,
    private readonly retryMs: readonly number[] = LOCK_RELEASE_RETRY_MS,
  ) {}

  /**
   * Takes the instance for `job`: resolves with the lock's container id, or rejects with `busy` naming the
   * holder. `image` is the instance's image (it is there).
   */
  async acquire(job: Job, image: string, owner: string): Promise<string> {
    let r = await this.docker.tryRun(lockCreateArgs(job, image, owner));
    // The lock in the way may be one of ours whose job ended while the engine was away.
    if (r.code !== 0 && /already in use|Conflict/i.test(r.stderr) && (await this.releaseUnreleased()))
      r = await this.docker.tryRun(lockCreateArgs(job, image, owner));
    if (r.code === 0) return r.stdout.trim().split('\n').pop() ?? '';
    if (/already in use|Conflict/i.test(r.stderr)) {
      const holder = await this.holder(job.instanceName);
      throw new DockbaseError('busy', busyMessage(job.instanceName, holder ?? { kind: '', title: 'another operation', by: 'another door', since: '' }));
    }
    throw new DockbaseError('command-failed', `Dockbase could not take ${job.instanceName} for “${job.title}”: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }

  async holder(instanceName: string): Promise<LockHolder | undefined> {
    const r = await this.docker.tryRun(lockInspectArgs(instanceName));
    return r.code === 0 ? readLockHolder(r.stdout) : undefined;
  }

  /** Removes the locks `owner`'s jobs hold but for the running ones (a process that died between lock and record). */
  async releaseOrphans(owner: string, running: ReadonlySet<string>): Promise<void> {
    const r = await this.docker.bestEffort(locksOfOwnerArgs(owner));
    const stale = (r?.stdout ?? '')
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter(([id, job]) => id && !running.has(job ?? ''))
      .map(([id]) => id as string);
    if (stale.length) await this.docker.bestEffort(removeContainerArgs(...stale));
  }

  /**
   * Lets the instance go after a job of this process: the lock it made, by its container id. When docker does
   * not answer, asked again later (see `unreleased`); any other outcome (a lock already gone) is final.
   */
  async releaseOwn(containerId: string): Promise<void> {
    if (!containerId) return;
    if ((await this.docker.bestEffort(removeContainerArgs(containerId))) !== undefined) return;
    this.unreleased.add(containerId);
    this.retryLater();
  }

  /** Removes the locks docker could not remove when their job ended; whether docker answered. */
  private async releaseUnreleased(): Promise<boolean> {
    const ids = [...this.unreleased];
    if (ids.length === 0 || (await this.docker.bestEffort(removeContainerArgs(...ids))) === undefined) return false;
    // Removed, or already gone: `rm` says "No such container" for those and removes the others.
    for (const id of ids) this.unreleased.delete(id);
    return true;
  }

  private retryLater(): void {
    if (this.retry !== undefined) return;
    const wait = this.retryMs[Math.min(this.retries++, this.retryMs.length - 1)] ?? 30000;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.releaseUnreleased().then((answered) => {
        if (answered) this.retries = 0;
        if (this.unreleased.size > 0) this.retryLater();
      });
    }, wait);
    // Never what keeps a process alive (the CLI exits when its work is done).
    (this.retry as { unref?: () => void }).unref?.();
  }

  /** Lets the instance go for a job of a process that died: the lock is removed only when it is still `jobId`'s. Best effort. */
  async release(instanceName: string, jobId: string): Promise<void> {
    const holder = await this.holder(instanceName).catch(() => undefined);
    if (holder?.jobId === jobId) await this.docker.bestEffort(removeContainerArgs(holder.containerId));
  }
}
