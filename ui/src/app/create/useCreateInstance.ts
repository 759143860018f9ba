import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  getEngine,
  isDockbaseError,
  jobError,
  type Instance,
  type Job,
  InvalidInputError,
  type CreateField,
  type CreateInstanceInput,
  type FieldErrors,
} from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage, isCancelled } from '../shared/errors';
import { queryKeys, relistInstances } from '../shared/queries';
import type { CreatedJobResult } from '../shared/job-words';
import { startJob, useCancelJob, useJobs } from '../shared/useJobs';

export type CreateOutcome =
  | { kind: 'created'; instance: Instance }
  /** The user cancelled: back to the form, nothing to report. */
  | { kind: 'cancelled' }
  /** The service blamed fields of the form (shown inline). */
  | { kind: 'invalid'; fields: FieldErrors }
  /** Anything else (already reported in a toast). */
  | { kind: 'failed'; message: string }
  /** A create was already running: this call did nothing. */
  | { kind: 'ignored' };

/** An image pull's layers: how many are done, of how many listed so far. */
export interface PullCount {
  done: number;
  total: number;
}

export interface CreateInstanceState {
  creating: boolean;
  /** Layers of the image being pulled, once the pull has started. */
  pull: PullCount | undefined;
  /** Cancel still leaves nothing behind (until the container is being made). */
  cancellable: boolean;
  /** The last failure that is not about one field. */
  failure: string | undefined;
  /** `seedFiles`: init files copied into the new instance before its first start. */
  create(input: CreateInstanceInput, options?: { seedFiles?: readonly string[] }): Promise<CreateOutcome>;
  /** Cancels the running create; it removes whatever it made. */
  cancel(): void;
}

const FORM_FIELDS: readonly string[] = ['engine', 'name', 'tag', 'image', 'hostPort', 'password', 'user', 'database', 'seedFiles'] satisfies CreateField[];

function fieldErrorsOf(e: unknown): FieldErrors | undefined {
  if (e instanceof InvalidInputError) return e.fields;
  if (isDockbaseError(e) && e.field && FORM_FIELDS.includes(e.field)) return { [e.field]: e.message };
  return undefined;
}

/**
 * Creates (pulls if needed, then starts) one instance at a time, as a `create` job (AppServices.jobs: it runs
 * in the backend, or the page's own runner where the backend cannot read the init files), followed here:
 * the pull's progress, Cancel while it leaves nothing behind, and how it ended, said by the dialog itself
 * (a field at fault inline, anything else in a toast and the dialog), not by the page's outcome toasts.
 * Whoever ran the job records it in the history. A second call while one runs is ignored.
 */
export function useCreateInstance(onCreated?: (instance: Instance) => void): CreateInstanceState {
  const { desktop, jobs } = useAppServices();
  const queryClient = useQueryClient();
  const { data: jobList } = useJobs();
  const cancelJob = useCancelJob();
  const [creating, setCreating] = useState(false);
  const [jobId, setJobId] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  // The guard against double submits: state updates are too late for a second click in the same tick.
  const running = useRef(false);
  // Cancel asked before the job's start was answered: it is cancelled as soon as it exists.
  const cancelWanted = useRef(false);
  const started = useRef<Job | undefined>(undefined);

  const job = jobId ? jobList?.find((j) => j.id === jobId) : undefined;
  const shownJob = job?.state === 'running' ? job : undefined;

  const create = useCallback(
    async (input: CreateInstanceInput, options: { seedFiles?: readonly string[] } = {}): Promise<CreateOutcome> => {
      if (running.current) return { kind: 'ignored' };
      running.current = true;
      cancelWanted.current = false;
      started.current = undefined;
      setCreating(true);
      setJobId(undefined);
      setFailure(undefined);
      // Its half-made row stays out of the list until the create is over (no "Stopped" flash, no failed row).
      queryClient.setQueryData<readonly string[]>(queryKeys.creating, (names = []) => [...names, input.name]);
      const shown = () => queryClient.setQueryData<readonly string[]>(queryKeys.creating, (names = []) => names.filter((n) => n !== input.name));
      const failed = (e: unknown): CreateOutcome => {
        if (isCancelled(e)) return { kind: 'cancelled' };
        const fields = fieldErrorsOf(e);
        if (fields) return { kind: 'invalid', fields };
        const message = errorMessage(e);
        setFailure(message);
        desktop.toast.error(message);
        return { kind: 'failed', message };
      };
      try {
        let ended: Promise<Job>;
        try {
          const request = { kind: 'create' as const, input, ...(options.seedFiles?.length ? { seedFiles: [...options.seedFiles] } : {}) };
          // The dialog says how it ended (a field inline, not in a toast): the page's outcome toasts leave it out.
          const run = await startJob(queryClient, jobs, request, { tellsItself: true });
          started.current = run.job;
          setJobId(run.job.id);
          if (cancelWanted.current) cancelJob(run.job);
          ended = run.ended;
        } catch (e) {
          // Refused before it started (a field the backend checked, another create of that name).
          return failed(e);
        }
        const end = await ended;
        if (end.state !== 'succeeded') return failed(jobError(end));
        const { passwordCheck, ...instance } = end.result as CreatedJobResult;
        shown();
        // The new instance shows at once, whether or not its events have arrived yet.
        void relistInstances(queryClient);
        desktop.toast.success(`${instance.name} was created and is starting.`);
        // On kept data the job proved the password (the data's own, or reset inside the database) once the server
        // answered; its row shows a refused one (useJobOutcomes keeps the verdict), and so does a toast.
        if (passwordCheck?.status === 'rejected') desktop.toast.error(passwordCheck.message);
        else if (passwordCheck?.status === 'ok')
          desktop.toast.success(
            `${instance.name}: ${getEngine(instance.engine).displayName} accepted its password${input.keptDataPassword === 'reset' ? ' (reset)' : ''}.`,
          );
        onCreated?.(instance);
        return { kind: 'created', instance };
      } finally {
        shown();
        running.current = false;
        started.current = undefined;
        setCreating(false);
        setJobId(undefined);
      }
    },
    [jobs, desktop, queryClient, onCreated, cancelJob],
  );

  const cancel = useCallback(() => {
    if (!running.current) return;
    const current = started.current;
    if (current) cancelJob(current);
    else cancelWanted.current = true;
  }, [cancelJob]);

  const pull = shownJob?.progress.step === 'pull' ? shownJob.progress.pull : undefined;
  return { creating, pull, cancellable: creating && (shownJob ? shownJob.cancellable : !job), failure, create, cancel };
}
