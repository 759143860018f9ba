/**
 * What the command line does, in the instance's history where the tab shows it: the standalone host's
 * backend keeps it (notes and history, in SQLite), so there is a history to write to only while one runs.
 *
 * - A job handed to that backend (jobs.ts, runRemoteJob) is recorded by the backend itself, as the tab's are.
 * - A job this CLI runs itself (no backend when it started) is recorded here when it ends, if a backend runs
 *   by then, as the backend records its own (its job hooks): a create makes the instance's record, a delete
 *   with its data removes it, anything else is one entry.
 * - What the CLI does without a job (`create --no-start`, `start --no-wait`, `restart --no-wait`, `snapshot
 *   rm`, the save of an export) is recorded here, as the tab records the same actions.
 *
 * Without a backend nothing is recorded, and nothing is kept to record later. Recording is best effort: it
 * never fails a command, never holds one up for long, and never carries a password.
 */
import {
  ActivityLog,
  instanceSettings,
  recordIdOf,
  recordJobEnd as recordEnd,
  type ActivityStore,
  type CreatedInstance,
  type Instance,
  type Job,
  type RecordedAction,
} from '@dockbase/core';
import type { CliApp } from './app';
import { callBackend } from './backend';

/** How long a recording waits for the backend's answer. */
const RECORD_TIMEOUT_MS = 2000;
/** The longest detail the backend's history takes. */
const MAX_DETAIL = 4000;

/** The backend's notes and history on its socket, as the core's ActivityLog writes them. Each call rejects unless the backend took it. */
export function backendActivity(socket: string): ActivityStore {
  const send = async (method: string, url: string, body?: unknown) => {
    const r = await callBackend(socket, method, url, body, { timeoutMs: RECORD_TIMEOUT_MS });
    if (r.status < 200 || r.status >= 300) throw new Error(`The Dockbase backend answered ${method} ${url} with ${r.status}.`);
    return r.json;
  };
  const instance = (id: string) => `/instances/${encodeURIComponent(id)}`;
  return {
    saveInstance: (id, input) => send('PUT', instance(id), input),
    addHistory: (id, entry) => send('POST', `${instance(id)}/history`, entry),
    deleteInstance: (id) => send('DELETE', instance(id)),
  };
}

/** The history of a running host's backend, or undefined when none runs (or finding it failed). */
async function activityStore(app: CliApp): Promise<ActivityStore | undefined> {
  const socket = await Promise.resolve(app.jobsConfig.history?.()).catch(() => undefined);
  return socket ? backendActivity(socket) : undefined;
}

/** Whether `p` worked; a failure to record is never an error. */
function settled(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}

function clip(detail: string): string {
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail;
}

/** An error as a history detail. */
export function detailOf(e: unknown): string {
  return clip(e instanceof Error ? e.message : String(e));
}

type RecordTarget = Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId' | 'volumes'>>;

/**
 * One action the CLI did without a job, in its instance's history (the core's ActivityLog, as the tab's).
 * `instance` may be found only when a backend runs (a function): nothing is asked of docker otherwise.
 */
export async function recordOutcome(
  app: CliApp,
  instance: RecordTarget | (() => Promise<RecordTarget>),
  action: RecordedAction,
  result: { ok: boolean; detail?: string; size?: number },
): Promise<boolean> {
  const store = await activityStore(app);
  if (!store) return false;
  try {
    const target = typeof instance === 'function' ? await instance() : instance;
    return await new ActivityLog(store).outcome(target, action, { ...result, ...(result.detail ? { detail: clip(result.detail) } : {}) });
  } catch {
    return false;
  }
}

/** A new instance the CLI made without a job (`create --no-start`): its record, with the settings its labels hold, then "create". */
export async function recordCreated(app: CliApp, made: CreatedInstance): Promise<boolean> {
  const store = await activityStore(app);
  if (!store) return false;
  const id = recordIdOf(made);
  return settled(
    store
      .saveInstance(id, { name: made.name, engine: made.engine, settings: instanceSettings(made) })
      .then(() => store.addHistory(id, { action: 'create', outcome: 'ok', ...(made.reusedData ? { detail: 'on the data kept from before' } : {}) })),
  );
}

/**
 * The end of a job this CLI ran itself (the runner's onEnd, recovered jobs too), recorded the one way every
 * door records them (the core's recordJobEnd), under the instance's record id as it is now. Nothing without a
 * backend; never an error.
 */
export async function recordJobEnd(app: CliApp, job: Job): Promise<boolean> {
  const store = await activityStore(app);
  if (!store) return false;
  // A new instance's record id is its own (the core reads it from the job's result); a gone one's, its id.
  const instance =
    job.kind === 'create' || job.kind === 'clone'
      ? undefined
      : await app
          .dockbase()
          .lifecycle.get(job.instanceId)
          .catch(() => undefined);
  return recordEnd(store, job, instance ? recordIdOf(instance) : job.instanceId);
}
