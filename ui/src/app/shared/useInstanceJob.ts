/**
 * One kind of job on one instance, as its dialog shows it: the newest job of that instance and kind (the one
 * the dialog started, or one running that another tab or the command line started), with its progress, result
 * or failure, and Cancel while the job says Cancel still leaves everything as it was. It is read from the jobs
 * list (useJobs), so the dialog shows the same job the rows show, and whatever runs it (the backend, or the
 * page itself) is followed the same way. Outcomes are toasted in one place (useJobOutcomes), not here; a start
 * that is refused (another job holds the instance, invalid input) is said here, since no job exists.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isDockbaseError, type Instance, type Job, type JobKind, type JobProgress, type JobRequest } from '@dockbase/core';
import { useAppServices } from './context';
import { errorMessage } from './errors';
import { queryKeys } from './queries';
import { jobEnded, noteStarted, useCancelJob, useJobs } from './useJobs';

/** How a run ended: the job once it ended, or why it was refused before it started. */
export type JobRun = { job: Job; refused?: undefined } | { job?: undefined; refused: unknown };

export interface InstanceJobState<R> {
  /** The job shown (undefined before any). */
  job: Job | undefined;
  /** A start is asked for, or the job runs. */
  running: boolean;
  progress: JobProgress;
  /** What the job produced, once it succeeded. */
  result: R | undefined;
  /** Why it did not work: the refusal of its start, or its failure, interruption or cancel, in the words of whoever ran it. */
  failure: string | undefined;
  /** The job shown was cancelled (its message says what it left). */
  cancelled: boolean;
  /** The refusal of the last start, as thrown (its field at fault, when there is one). */
  refusal: unknown;
  /** Cancel still leaves everything as it was. */
  cancellable: boolean;
  /** Starts a job (one at a time: a second run while one runs is ignored, resolving `refused: undefined`); resolves once it ended. */
  run(request: JobRequest): Promise<JobRun>;
  cancel(): void;
}

const IDLE: JobProgress = {};

/** A job's progress; once it succeeded, its last step is done too (a store may keep the progress last written before the end). */
function progressOf(job: Job): JobProgress {
  const { step, done = [] } = job.progress;
  if (job.state !== 'succeeded' || !step) return job.progress;
  return { ...job.progress, step: undefined, done: done.includes(step) ? done : [...done, step] };
}

export function useInstanceJob<R>(instance: Pick<Instance, 'id'>, kind: JobKind): InstanceJobState<R> {
  const { jobs, desktop } = useAppServices();
  const client = useQueryClient();
  const { data } = useJobs();
  const cancelJob = useCancelJob();
  const [followed, setFollowed] = useState<string | undefined>();
  const [starting, setStarting] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();
  const startingNow = useRef(false);
  // The followed job as last listed: an answer asked for before its start may not hold it yet.
  const lastSeen = useRef<Job | undefined>(undefined);

  const mine = data?.filter((j) => j.instanceId === instance.id && j.kind === kind);
  const runningOne = mine?.find((j) => j.state === 'running');
  // A job of this kind started elsewhere (another tab, the command line) is followed once it shows.
  useEffect(() => {
    if (runningOne && !startingNow.current) setFollowed((f) => (f === runningOne.id ? f : runningOne.id));
  }, [runningOne]);

  const listed = followed ? mine?.find((j) => j.id === followed) : undefined;
  if (listed) lastSeen.current = listed;
  const job = listed ?? (followed && lastSeen.current?.id === followed ? lastSeen.current : undefined) ?? runningOne;

  const latestJob = useRef(job);
  useEffect(() => {
    latestJob.current = job;
  });

  const run = useCallback(
    async (request: JobRequest): Promise<JobRun> => {
      if (startingNow.current || latestJob.current?.state === 'running') return { refused: undefined };
      startingNow.current = true;
      setStarting(true);
      setRefusal(undefined);
      let started: Job;
      try {
        started = await jobs.start(request);
        lastSeen.current = started;
        setFollowed(started.id);
        await noteStarted(client, started);
      } catch (e) {
        setRefusal(e);
        desktop.toast.error(errorMessage(e));
        // Held by a job the list does not show yet (just started elsewhere): its row shows it at once.
        if (isDockbaseError(e, 'busy')) void client.invalidateQueries({ queryKey: queryKeys.jobs, exact: true });
        return { refused: e };
      } finally {
        startingNow.current = false;
        setStarting(false);
      }
      return { job: await jobEnded(client, started.id) };
    },
    [jobs, desktop, client],
  );

  const cancel = useCallback(() => {
    const current = latestJob.current;
    if (current?.state === 'running') cancelJob(current);
  }, [cancelJob]);

  const ended = job && job.state !== 'running' ? job : undefined;
  return {
    job,
    running: starting || job?.state === 'running',
    progress: job ? progressOf(job) : IDLE,
    result: ended?.state === 'succeeded' ? (ended.result as R) : undefined,
    failure:
      refusal !== undefined ? errorMessage(refusal) : ended && ended.state !== 'succeeded' ? ended.message || `${ended.title} did not finish.` : undefined,
    cancelled: ended?.state === 'cancelled',
    refusal,
    cancellable: job?.state === 'running' && job.cancellable,
    run,
    cancel,
  };
}
