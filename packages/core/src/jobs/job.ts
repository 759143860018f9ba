/**
 * Jobs: every operation longer than one docker call (an upgrade, a restore, an import…) runs as a job, in a
 * process that outlives the page (the extension's backend, the standalone host's backend, the CLI). A job
 * has an id, the instance it works on, its kind, its steps and progress, the door that started it, its start
 * and end, and an outcome. Each step that changes docker state is journaled before it runs with what undoes
 * it, so that a process that dies mid-way is recovered by the next one (recovery.ts). One job per instance
 * runs at a time, across every door (lock.ts).
 */
import type { EngineId } from '../engines/ids';

export const JOB_KINDS = [
  'create',
  'clone',
  'start',
  'stop',
  'restart',
  'delete',
  'upgrade',
  'rollback',
  'edit',
  'restore',
  'snapshot',
  'import',
  'export',
  'migrate',
  'branch',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Who started a job. */
export type JobDoor = 'tab' | 'cli' | 'schedule';

/** `interrupted`: the process running it died; recovery then completed or undid it (`recovered`). */
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** Where a job is: its step (each kind names its own), the steps done, and byte or layer counts when there are any. */
export interface JobProgress {
  step?: string;
  done?: string[];
  /** Bytes copied so far, and in all (an upgrade's copy). */
  bytes?: number;
  totalBytes?: number;
  /** An image pull's layers. */
  pull?: { done: number; total: number };
  /** The image check before the pull, when the registry could not be asked (image-check.ts): said, then the pull goes on. */
  imageNote?: string;
}

export interface Job {
  id: string;
  kind: JobKind;
  instanceId: string;
  instanceName: string;
  engine: EngineId;
  /** What it does, in words ("Upgrade to 17"). */
  title: string;
  by: JobDoor;
  startedAt: string;
  endedAt?: string;
  state: JobState;
  progress: JobProgress;
  /** Whether Cancel still leaves everything as it was. */
  cancellable: boolean;
  /** The outcome in words (the error, the cancel, or what recovery did); no secret. */
  message?: string;
  /** A failed job's error code (DockbaseErrorCode): the CLI's exit code, the dialog's field. */
  code?: string;
  /** A failed job's field at fault, when the input was. */
  field?: string;
  /** What it produced, for its dialog (JSON, no secret). */
  result?: unknown;
  /** After an interruption: whether recovery finished the job or put everything back. */
  recovered?: 'completed' | 'undone';
}

/**
 * What undoes a step, or finishes a job, as data: the journal keeps it, and recovery (recovery.ts) runs it with
 * the core's own argv. Each one is safe to run again, and none deletes a volume.
 */
export type Undo =
  /** Start a container again and wait (a while) until it serves. */
  | { do: 'start'; container: string; instanceId: string }
  /** Stop a container. */
  | { do: 'stop'; container: string; engine: EngineId }
  /** Give a container its name back. */
  | { do: 'rename'; container: string; to: string }
  /** Remove every container of the instance but `keep` (the one a swap created). */
  | { do: 'remove-others'; instanceId: string; keep: string }
  /** Remove containers by id (the old one after a swap that finished). */
  | { do: 'remove'; containers: string[] }
  /** Remove an upgrade's workers, found by their names. */
  | { do: 'remove-workers'; instanceName: string; runId: string }
  /** Copy a snapshot's volumes over the instance's (stopped) data volumes. */
  | { do: 'replace-data'; image: string; volumes: { key: string; from: string; to: string }[] }
  /** Remove a snapshot's record (its manifest volume, which holds no data), never its data. */
  | { do: 'forget-snapshot'; manifestVolume: string }
  /** Remove a temporary file from a container (an import's file, an export's dump). */
  | { do: 'remove-temp'; container: string; path: string }
  /** Remove volumes the job itself made that never held the instance's data (an upgrade's unfinished copy). */
  | { do: 'remove-scratch-volumes'; volumes: string[] }
  /** Set the instance's password (from its container) in its data again: an edit put back after it had set a new one. */
  | { do: 'reapply-password'; instanceId: string };

/** One line of a job's journal. */
export type JobMark =
  | { at: string; phase: 'begin'; step: string; undo: Undo[] }
  | { at: string; phase: 'end'; step: string }
  /** From here on an interrupted job is finished, not undone: `forward` is what finishing takes. */
  | { at: string; phase: 'commit'; step: string; forward: Undo[] };

/**
 * What a running job records as it goes: handed to the use cases, which call it around each step that
 * changes docker state. `begin` resolves only once the mark is durable.
 */
export interface StepJournal {
  begin(step: string, undo?: Undo[]): Promise<void>;
  end(step: string): Promise<void>;
  commit(step: string, forward?: Undo[]): Promise<void>;
}

/** Runs `work` as one journaled step: begun (with its undo) before, ended after. */
export async function journaled<T>(journal: StepJournal | undefined, step: string, undo: Undo[], work: () => Promise<T>): Promise<T> {
  await journal?.begin(step, undo);
  const result = await work();
  await journal?.end(step);
  return result;
}

/** An unfinished job as the store has it: the job and its journal. */
export interface UnfinishedJob {
  job: Job;
  marks: JobMark[];
}

/**
 * Where jobs and their journals are kept so that they survive the process (the backend's SQLite; a file for
 * the CLI). `insert`, `mark` and `finish` resolve once what they wrote is durable; `progress` may be lazy.
 */
export interface JobStore {
  /** This store's own id, stable across restarts: the locks its jobs take carry it (lock.ts). */
  readonly owner: string;
  insert(job: Job): Promise<void>;
  mark(id: string, mark: JobMark): Promise<void>;
  progress(id: string, progress: JobProgress, cancellable: boolean): Promise<void>;
  finish(id: string, end: Pick<Job, 'state' | 'endedAt' | 'message' | 'code' | 'field' | 'result' | 'recovered'>): Promise<void>;
  /** Jobs still `running` in the store: after a crash, the ones to recover. */
  unfinished(): Promise<UnfinishedJob[]>;
  /** Running jobs and those that ended after `since` (ISO), newest first. */
  recent(since?: string): Promise<Job[]>;
}

/** A journal that keeps nothing: a use case run outside any job. */
export const NO_JOURNAL: StepJournal = {
  begin: async () => undefined,
  end: async () => undefined,
  commit: async () => undefined,
};
