/**
 * The page's one JobsService (AppServices.jobs): the backend's, when there is a backend, so that a job outlives
 * the page (Docker Desktop unloads the tab when the user looks elsewhere and ends its processes); otherwise a
 * JobRunner in the page itself, over the page's own docker, whose jobs end with the page. Either way the page
 * starts jobs, follows them (useJobs) and cancels them the same way.
 */
import {
  JobRunner,
  MemoryJobStore,
  recordIdOf,
  recordJobEnd as recordEnd,
  type ActivityStore,
  type Dockbase,
  type Instance,
  type Job,
  type JobRequest,
  type JobsService,
} from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import type { BackendClient, BackendStatus } from '../../backend-client/client';

/** The backend's jobs, through its client: it records each job's outcome in the instance's history itself. */
export function remoteJobs(client: Pick<BackendClient, 'startJob' | 'jobs' | 'cancelJob'>): JobsService {
  return {
    start: (request) => client.startJob(request),
    list: (since) => client.jobs(since),
    cancel: (id) => client.cancelJob(id),
  };
}

/**
 * A job's end in its instance's history, recorded by the page for the jobs its own runner ran, the one way
 * every door records them (the core's recordJobEnd): under the instance's record id as the page last listed
 * it. Best effort: resolves whether it was recorded.
 */
export function recordJobEnd(
  store: ActivityStore | undefined,
  job: Job,
  instance: (Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>) | undefined,
): Promise<boolean> {
  return recordEnd(store, job, instance ? recordIdOf(instance) : job.instanceId);
}

export interface PageJobsOptions {
  dockbase: Dockbase;
  cli: DockerCli;
  /** Where the outcomes go (the backend's history: nothing without one). */
  history: () => ActivityStore | undefined;
  /** The instance a job worked on, as last listed (its record id is its data's). */
  instanceOf: (id: string) => (Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>) | undefined;
}

/**
 * Jobs run in the page: no engine lock (the page's bridge runs only what the command policy allows; the page
 * holds an instance against its own jobs only), nothing kept beyond the page. Each outcome is recorded as the
 * backend records its own (recordJobEnd).
 */
export function pageJobs({ dockbase, cli, history, instanceOf }: PageJobsOptions): JobRunner {
  return new JobRunner({
    dockbase,
    cli,
    store: new MemoryJobStore(),
    door: 'tab',
    engineLock: false,
    onEnd: (job) => recordJobEnd(history(), job, instanceOf(job.instanceId)).then(() => undefined),
  });
}

/** The page's own runner, made when first needed (`get`); `made` is it once it was. */
export interface PageRunner {
  get(): JobsService;
  made(): JobsService | undefined;
}

/** Whether a request names files on the user's machine, which only the page's docker can read in Docker Desktop. */
function readsUserFiles(request: JobRequest): boolean {
  return request.kind === 'create' && (request.seedFiles?.length ?? 0) > 0;
}

/**
 * The backend's jobs, but a create with init files, which runs in the page's own runner. In Docker Desktop the
 * backend runs in Docker Desktop's VM, where the user's files are not: the init files a create names (paths on
 * the user's machine) can only be read by the page, whose docker Docker Desktop runs on the user's machine. Such
 * a create then ends with the page, as every create did before jobs. The list holds the jobs of both; a cancel
 * goes to the one that runs the job.
 */
export function withPageFileJobs(remote: JobsService, local: PageRunner): JobsService {
  const runsHere = async (id: string) => (await local.made()?.list())?.some((j) => j.id === id && j.state === 'running') ?? false;
  return {
    start: (request) => (readsUserFiles(request) ? local.get() : remote).start(request),
    list: async (since) => {
      const here = local.made();
      if (!here) return remote.list(since);
      const [there, mine] = await Promise.all([remote.list(since), here.list(since)]);
      return [...there, ...mine].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    },
    cancel: async (id) => ((await runsHere(id)) ? local.get() : remote).cancel(id),
  };
}

/**
 * Which one the page uses: the backend's while there is one (also while it is checked, and while it is down:
 * its jobs may still run there, and the page must not run one beside them); the page's own when there is no
 * backend, or what runs it gave up on it. `backendReadsUserFiles`: false in Docker Desktop, whose backend
 * cannot read the user's files (withPageFileJobs); the standalone host runs its backend on the user's machine.
 */
export function jobsFor(status: BackendStatus, remote: JobsService | undefined, local: PageRunner, backendReadsUserFiles: boolean): JobsService {
  if (!remote || status === 'none' || status === 'failed') return local.get();
  return backendReadsUserFiles ? remote : withPageFileJobs(remote, local);
}
