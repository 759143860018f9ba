import { JOB_KINDS, instanceSettings, recordIdOf, type CreatedInstance, type DeleteResult, type EngineId, type Job, type JobMark } from '@dockbase/core';
import type { HistoryEntry } from '@dockbase/api';

/** The longest history detail the API accepts (routes/instances.ts). */
const MAX_DETAIL = 4000;

/** What recording a job's outcome needs of the store. */
export interface HistoryWriter {
  addHistory(id: string, entry: Omit<HistoryEntry, 'at'>): HistoryEntry | undefined;
}

/** What recording a job's end needs: the history, and the instance's record (made by a create, gone with a delete). */
export interface RecordWriter extends HistoryWriter {
  put(id: string, input: { name: string; engine: EngineId; settings: Record<string, unknown> }): unknown;
  delete(id: string): unknown;
}

/**
 * A job's end, where the tab reads it (the runner's onEnd), as the page recorded it before jobs ran here:
 * a new instance (a create or a clone) gets its record, under its data's id, with the settings its labels
 * hold (never the password), then "create" or "clone" in its history; a delete that took the data (or an
 * instance that had none) removes the record; one that kept the data says so in the history kept with it.
 * Anything else is its outcome (recordJobOutcome). Best effort, like recordJobOutcome.
 */
export function recordJobEnd(store: RecordWriter, job: Job, recordId = job.instanceId): void {
  try {
    if (job.state === 'succeeded' && (job.kind === 'create' || job.kind === 'clone')) {
      const made = job.result as CreatedInstance;
      const id = recordIdOf(made);
      store.put(id, { name: made.name, engine: made.engine, settings: instanceSettings(made) });
      const detail = made.reusedData ? 'on the data kept from before' : job.kind === 'clone' ? job.title : undefined;
      store.addHistory(id, { action: job.kind, outcome: 'ok', ...(detail ? { detail } : {}) });
      return;
    }
    if (job.state === 'succeeded' && job.kind === 'delete') {
      const r = job.result as DeleteResult;
      if (!r.dataKept) store.delete(r.recordId);
      else store.addHistory(r.recordId, { action: 'delete', outcome: 'ok', detail: 'its data was kept, with these notes and history' });
      return;
    }
  } catch (err) {
    console.error(`dockbase backend: could not record “${job.title}” of ${job.instanceName}:`, err instanceof Error ? err.message : err);
    return;
  }
  recordJobOutcome(store, job, recordId);
}

/**
 * The job's outcome, in its instance's history (the runner's onEnd): the action is the job's kind, `ok` when it
 * succeeded and `failed` otherwise (failed, cancelled, interrupted), the detail its message or else its title,
 * and the bytes it moved when its result says. Best effort: an instance the backend keeps no notes for gets
 * no entry (addHistory answers undefined), and a failure to write is only logged.
 */
export function recordJobOutcome(store: HistoryWriter, job: Job, recordId = job.instanceId): HistoryEntry | undefined {
  const detail = job.message ?? job.title;
  const size = (job.result as { sizeBytes?: unknown } | null | undefined)?.sizeBytes;
  try {
    return store.addHistory(recordId, {
      action: job.kind,
      outcome: job.state === 'succeeded' ? 'ok' : 'failed',
      detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail,
      ...(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
    });
  } catch (err) {
    console.error(`dockbase backend: could not record “${job.title}” in ${job.instanceName}'s history:`, err instanceof Error ? err.message : err);
    return undefined;
  }
}

/** Where a fault test ends the process: a job kind, one of its steps, and the mark's phase. */
export interface FaultAt {
  kind: Job['kind'];
  step: string;
  phase: JobMark['phase'];
}

const PHASES: readonly JobMark['phase'][] = ['begin', 'end', 'commit'];

/**
 * DOCKBASE_FAULT_AT, a hook for fault tests only: `<kind>:<step>:<phase>` (`upgrade:prepare:begin`). Unset or
 * empty: no hook. Anything else that is not of that form is refused, so that a typo cannot pass a test silently.
 */
export function parseFaultAt(text: string | undefined): FaultAt | undefined {
  if (text === undefined || text === '') return undefined;
  const [kind = '', step = '', phase = '', ...rest] = text.split(':');
  if (!(JOB_KINDS as readonly string[]).includes(kind) || step === '' || !(PHASES as readonly string[]).includes(phase) || rest.length > 0) {
    throw new Error(
      `Invalid DOCKBASE_FAULT_AT "${text}": expected <kind>:<step>:<phase>, a kind of ${JOB_KINDS.join(', ')} and a phase of ${PHASES.join(', ')}`,
    );
  }
  return { kind: kind as FaultAt['kind'], step, phase: phase as FaultAt['phase'] };
}

/**
 * The runner's onMark for a fault test: once the mark at `at` is durable, `die` runs (main.ts: the process
 * SIGKILLs itself, as a crash would end it, so that the next start has to recover the job).
 */
export function faultHook(at: FaultAt, die: () => void): (job: Job, mark: JobMark) => void {
  return (job, mark) => {
    if (job.kind === at.kind && mark.step === at.step && mark.phase === at.phase) die();
  };
}
