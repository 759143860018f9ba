/**
 * The page's one JobsService (AppServices.jobs): the backend's, when there is a backend, so that a job outlives
 * the page (Docker Desktop unloads the tab when the user looks elsewhere and ends its processes); otherwise a
 * JobRunner in the page itself, over the page's own docker, whose jobs end with the page. Either way the page
 * starts jobs, follows them (useJobs) and cancels them the same way.
 */
import { JobRunner, MemoryJobStore, type ActivityLog, type Dockbase, type Instance, type JobsService } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import type { BackendClient, BackendStatus } from '../../backend-client/client';
import { jobHistoryEntry } from './job-words';

/** The backend's jobs, through its client: it records each job's outcome in the instance's history itself. */
export function remoteJobs(client: Pick<BackendClient, 'startJob' | 'jobs' | 'cancelJob'>): JobsService {
  return {
    start: (request) => client.startJob(request),
    list: (since) => client.jobs(since),
    cancel: (id) => client.cancelJob(id),
  };
}

export interface PageJobsOptions {
  dockbase: Dockbase;
  cli: DockerCli;
  /** Where the outcomes go (the backend's history: nothing without one). */
  activity: () => ActivityLog;
  /** The instance a job worked on, as last listed (its record id is its data's). */
  instanceOf: (id: string) => Pick<Instance, 'id' | 'dataId' | 'volumes'> | undefined;
}

/**
 * Jobs run in the page: no engine lock (the page's bridge runs only what the command policy allows; the page
 * holds an instance against its own jobs only), nothing kept beyond the page. Each outcome is recorded as the
 * backend records its own.
 */
export function pageJobs({ dockbase, cli, activity, instanceOf }: PageJobsOptions): JobRunner {
  return new JobRunner({
    dockbase,
    cli,
    store: new MemoryJobStore(),
    door: 'tab',
    engineLock: false,
    onEnd: async (job) => {
      const { action, ...outcome } = jobHistoryEntry(job);
      await activity().outcome(instanceOf(job.instanceId) ?? { id: job.instanceId }, action, outcome);
    },
  });
}

/**
 * Which one the page uses: the backend's while there is one (also while it is checked, and while it is down:
 * its jobs may still run there, and the page must not run one beside them); the page's own when there is no
 * backend, or what runs it gave up on it.
 */
export function jobsFor(status: BackendStatus, remote: JobsService | undefined, local: () => JobsService): JobsService {
  return remote && status !== 'none' && status !== 'failed' ? remote : local();
}
