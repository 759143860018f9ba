import { JOB_KINDS, type ActivityStore, type EngineId, type Job, type JobMark } from '@dockbase/core';
import type { HistoryEntry } from '@dockbase/api';

/** What recording a job's end needs of the store: the history, and the instance's record (a create makes it, a delete removes it). */
export interface RecordWriter {
  addHistory(id: string, entry: Omit<HistoryEntry, 'at'>): HistoryEntry | undefined;
  put(id: string, input: { name: string; engine: EngineId; settings: Record<string, unknown> }): unknown;
  delete(id: string): unknown;
}

/**
 * The store as the core's ActivityStore, for its recordJobEnd (the runner's onEnd): the one way a job's end is
 * recorded, whoever ran it. A write that fails is logged here, and the core goes on (best effort). An instance
 * the backend keeps no record of gets no entry (addHistory answers undefined).
 */
export function storeActivity(store: RecordWriter, log: (message: string) => void = (m) => console.error(m)): ActivityStore {
  const guard =
    <A extends unknown[]>(what: string, f: (...args: A) => unknown) =>
    async (...args: A): Promise<void> => {
      try {
        f(...args);
      } catch (err) {
        log(`dockbase backend: could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    };
  return {
    saveInstance: guard('save an instance’s record', (id: string, input: { name: string; engine: EngineId; settings: Record<string, unknown> }) =>
      store.put(id, input),
    ),
    addHistory: guard('record a job in its instance’s history', (id: string, entry: Omit<HistoryEntry, 'at'>) => store.addHistory(id, entry)),
    deleteInstance: guard('remove an instance’s record', (id: string) => store.delete(id)),
  };
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
