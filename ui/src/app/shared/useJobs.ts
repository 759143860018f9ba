/**
 * The jobs the page follows: one query (key ['jobs']) over the jobs service (AppServices.jobs: the backend's,
 * or the page's own), and what the page does when a job ends, in one place (useJobOutcomes).
 *
 * The list is asked for at mount (coming back to the tab, which Docker Desktop reloads, shows the running jobs
 * at once), every 500 ms while a job runs or one was just started, every 5 s otherwise (a job may start in
 * another tab or from the command line), and only while the page is visible. It holds the running jobs and
 * those that ended since the page's mark: the last time this browser saw the list (kept in localStorage), so
 * that a job that ended while the page was away is told once, at the first load after it.
 */
import { useCallback, useEffect, useRef } from 'react';
import { notifyManager, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { isDockbaseError, recordIdOf, type Instance, type Job, type JobRequest, type JobsService, type PasswordCheck } from '@dockbase/core';
import { BackendError } from '../../backend-client/client';
import { useAppServices } from './context';
import { errorMessage } from './errors';
import { jobOutcomeToast, type CreatedJobResult } from './job-words';
import { invalidateInstanceMeta, invalidateKeptData, invalidateLeftBehind, invalidateSnapshots, queryKeys, relistInstances } from './queries';
import { setCredentialState } from './useCredentialCheck';

/** How often the list is asked for while a job runs (or was just started), and otherwise. */
export const JOBS_POLL_FAST_MS = 500;
export const JOBS_POLL_SLOW_MS = 5000;
/** How long after a start the list is asked for fast, whatever it says. */
const JUST_STARTED_MS = 3000;
/** The backend records a job's outcome in the history once the job has ended: its history is read again after this too. */
const HISTORY_AGAIN_MS = 1500;

/** The last time this browser saw the jobs list (ISO 8601): jobs that ended after it are told at the next load. */
export const JOBS_SEEN_KEY = 'dockbase.jobs.seenUntil';

/** What one page (one QueryClient) knows of the jobs it follows. */
interface JobsSession {
  /** The mark the page found at its first ask, or that first ask's time: every ask lists the jobs ended since. */
  since: string | undefined;
  /** When the newest answer was asked for. */
  askedAt: string | undefined;
  /** Jobs whose end the page has dealt with (toasted, lists read again). */
  settled: Set<string>;
  /** Jobs whose end what started them tells itself (startJob's `tellsItself`): not toasted here. */
  toldByStarter: Set<string>;
  /** Asks fast until then (a job was just started). */
  fastUntil: number;
}

const sessions = new WeakMap<QueryClient, JobsSession>();

function sessionOf(client: QueryClient): JobsSession {
  let s = sessions.get(client);
  if (!s) {
    s = { since: undefined, askedAt: undefined, settled: new Set(), toldByStarter: new Set(), fastUntil: 0 };
    sessions.set(client, s);
  }
  return s;
}

function readMark(): string | undefined {
  try {
    const mark = globalThis.localStorage?.getItem(JOBS_SEEN_KEY) ?? undefined;
    // Anything but a time the page wrote (an edit by hand) is no mark: the list would be refused for it.
    return mark && !Number.isNaN(Date.parse(mark)) ? new Date(mark).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

function writeMark(iso: string): void {
  try {
    const before = readMark();
    if (!before || iso > before) globalThis.localStorage?.setItem(JOBS_SEEN_KEY, iso);
  } catch {
    // A browser that keeps nothing tells the jobs ended while away again: no harm.
  }
}

const isRunning = (j: Job) => j.state === 'running';

/** Running jobs and those ended since the page's mark, newest first; undefined until the first answer. */
export function useJobs() {
  const { jobs, backendStatus } = useAppServices();
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.jobs,
    queryFn: async (): Promise<Job[]> => {
      const session = sessionOf(client);
      const asked = new Date().toISOString();
      session.since ??= readMark() ?? asked;
      const list = await jobs.list(session.since);
      session.askedAt = asked;
      return list;
    },
    // A backend that does not answer is asked again by useAvailableBackend; its jobs once it answers.
    enabled: backendStatus !== 'down',
    staleTime: JOBS_POLL_FAST_MS - 100,
    // Coming back to a hidden tab: at once (polling stops while hidden).
    refetchOnWindowFocus: true,
    refetchIntervalInBackground: false,
    refetchInterval: (q) => (q.state.data?.some(isRunning) || Date.now() < sessionOf(client).fastUntil ? JOBS_POLL_FAST_MS : JOBS_POLL_SLOW_MS),
  });
}

/** The running job of each instance (one at most: a job holds its instance). */
export function runningJobsByInstance(jobs: readonly Job[] | undefined): ReadonlyMap<string, Job> {
  const map = new Map<string, Job>();
  for (const j of jobs ?? []) if (isRunning(j) && !map.has(j.instanceId)) map.set(j.instanceId, j);
  return map;
}

/** A job the page just started: listed at once (an answer asked for before it is dropped), and followed fast. */
export async function noteStarted(client: QueryClient, job: Job): Promise<void> {
  sessionOf(client).fastUntil = Date.now() + JUST_STARTED_MS;
  await client.cancelQueries({ queryKey: queryKeys.jobs, exact: true });
  client.setQueryData<Job[]>(queryKeys.jobs, (list = []) => [job, ...list.filter((j) => j.id !== job.id)]);
}

/** Resolves with a job once the list shows it ended (after the components following the list were told). */
export function jobEnded(client: QueryClient, id: string): Promise<Job> {
  return new Promise((resolve) => {
    const ended = () => client.getQueryData<Job[]>(queryKeys.jobs)?.find((j) => j.id === id && !isRunning(j));
    const done = ended();
    if (done) return resolve(done);
    const stop = client.getQueryCache().subscribe((e) => {
      if (e.type !== 'updated' || e.query.queryKey[0] !== queryKeys.jobs[0]) return;
      const j = ended();
      if (j) {
        stop();
        notifyManager.schedule(() => resolve(j));
      }
    });
  });
}

/**
 * Starts a job and shows it at once (noteStarted); `ended` resolves with it once the list shows it ended. A
 * refusal (another job holds the instance, invalid input) rejects, and no job exists. With `tellsItself`, whoever
 * started it says how it ended (a create's dialog, a bulk action's one summary): useJobOutcomes then reads
 * again what it changed but toasts nothing, so that each outcome is said once.
 */
export async function startJob(
  client: QueryClient,
  jobs: Pick<JobsService, 'start' | 'list'>,
  request: JobRequest,
  options: { tellsItself?: boolean } = {},
): Promise<{ job: Job; ended: Promise<Job> }> {
  const job = await startOnce(jobs, request);
  if (options.tellsItself) sessionOf(client).toldByStarter.add(job.id);
  await noteStarted(client, job);
  return { job, ended: jobEnded(client, job.id) };
}

/** How many times a start that got no answer (a network blip) is asked, and the longest pause between two. */
const START_ATTEMPTS = 8;
const START_RETRY_MAX_MS = 2000;

/**
 * Starts a job, once, over a network that may drop a request: Chromium on Linux aborts the requests in flight
 * (ERR_NETWORK_CHANGED) whenever docker adds or removes a container's network interface, which a bulk stop
 * does over and over, for as long as it runs. A request without an answer is asked again (for up to about ten
 * seconds); one that did reach the runner finds the instance held by the job it started, which is then
 * followed instead of refused.
 */
async function startOnce(jobs: Pick<JobsService, 'start' | 'list'>, request: JobRequest): Promise<Job> {
  const askedAt = new Date(Date.now() - 1000).toISOString();
  let unanswered = false;
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      return await jobs.start(request);
    } catch (e) {
      failure = e;
    }
    if (unanswered && isDockbaseError(failure, 'busy') && 'instanceId' in request) {
      const listed = await jobs.list().catch(() => undefined);
      const ours = listed?.find((j) => j.instanceId === request.instanceId && j.kind === request.kind && j.by === 'tab' && j.startedAt >= askedAt);
      if (ours) return ours;
      // The list did not answer either: ask again; it did, and another door holds the instance: refused.
      if (listed) throw failure;
    } else if (!(failure instanceof BackendError && failure.code === 'unavailable')) {
      throw failure;
    }
    if (attempt >= START_ATTEMPTS) throw failure;
    unanswered = true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(START_RETRY_MAX_MS, 250 * 2 ** (attempt - 1))));
  }
}

/** Cancel for a job, wherever it runs: a refusal (it is past its last safe step) is toasted. */
export function useCancelJob(): (job: Pick<Job, 'id'>) => void {
  const { jobs, desktop } = useAppServices();
  const client = useQueryClient();
  return useCallback(
    (job) => {
      sessionOf(client).fastUntil = Date.now() + JUST_STARTED_MS;
      jobs.cancel(job.id).then(
        () => void client.invalidateQueries({ queryKey: queryKeys.jobs, exact: true }),
        (e: unknown) => desktop.toast.error(errorMessage(e)),
      );
    },
    [jobs, desktop, client],
  );
}

/** A job ended: what it changed is read again (the instances, its snapshots, its history), and an edit's or a create's password check kept. */
function afterJob(client: QueryClient, job: Job): void {
  // A new instance (a create's or a clone's) is the job's result: its record is kept under its data's id.
  const made = (job.kind === 'create' || job.kind === 'clone') && job.state === 'succeeded' ? (job.result as Instance | undefined) : undefined;
  const instance = made ?? client.getQueryData<Instance[]>(queryKeys.instances)?.find((i) => i.id === job.instanceId);
  void relistInstances(client);
  void invalidateSnapshots(client, job.instanceId);
  // What a deleted instance left (its kept data, its snapshots), or the kept data a create took again.
  if (job.kind === 'delete' && job.state === 'succeeded') void invalidateLeftBehind(client);
  if (job.kind === 'create' && (made as CreatedJobResult | undefined)?.reusedData) void invalidateKeptData(client);
  const record = instance ? recordIdOf(instance) : job.instanceId;
  void invalidateInstanceMeta(client, record);
  setTimeout(() => void invalidateInstanceMeta(client, record), HISTORY_AGAIN_MS);
  // A create on kept data: the job proved its password (the row shows a refused one).
  const check = job.kind === 'create' && made ? (made as CreatedJobResult).passwordCheck : undefined;
  if (made && check) setCredentialState(client, made.containerId, check);
  if (job.kind === 'edit' && job.state === 'succeeded') {
    const r = job.result as { instance?: Instance; passwordCheck?: PasswordCheck } | undefined;
    if (r?.passwordCheck && r.instance) setCredentialState(client, r.instance.containerId, r.passwordCheck);
  }
  // A restore, an import or a roll back replaced the data: whether its password still opens it (a refused one shows on the row).
  if ((job.kind === 'restore' || job.kind === 'import' || job.kind === 'rollback') && job.state === 'succeeded') {
    const r = job.result as { password?: PasswordCheck; instance?: Instance } | undefined;
    const container = r?.instance?.containerId ?? instance?.containerId;
    if (container && r?.password && r.password.status !== 'unverifiable') setCredentialState(client, container, r.password);
  }
}

/**
 * THE place job outcomes are told (mounted once, by the instances view): each job that ends while the page
 * watches, and each that ended while it was away, gets one toast (a cancel none; an interruption, recovery's
 * words, a warning), but for those whose starter tells them itself (startJob's `tellsItself`), and what it
 * changed is read again. The mark moves to what the page has seen.
 */
export function useJobOutcomes(): void {
  const { desktop, jobs: service } = useAppServices();
  const client = useQueryClient();
  const { data } = useJobs();

  useEffect(() => {
    if (!data) return;
    const session = sessionOf(client);
    let mark = session.askedAt;
    // Oldest first: the toasts come in the order the jobs ended.
    for (const job of [...data].reverse()) {
      if (job.endedAt && (!mark || job.endedAt > mark)) mark = job.endedAt;
      if (isRunning(job) || session.settled.has(job.id)) continue;
      session.settled.add(job.id);
      const toast = session.toldByStarter.has(job.id) ? undefined : jobOutcomeToast(job);
      if (toast) desktop.toast[toast.severity](toast.message);
      afterJob(client, job);
    }
    if (mark) writeMark(mark);
  }, [data, client, desktop]);

  // Another service (the backend turned out to be gone for good): its list, at once.
  const first = useRef(service);
  useEffect(() => {
    if (first.current === service) return;
    first.current = service;
    void client.invalidateQueries({ queryKey: queryKeys.jobs, exact: true });
  }, [service, client]);
}
