/**
 * Long operations from the command line run as jobs (the core's JobRunner), like the tab's: the instance's
 * lock keeps the tab, another CLI and this one from running two on one instance (a second one exits 5,
 * naming who holds it), and the journal in the user's state folder lets the next `dockbase` run recover an
 * instance whose CLI was killed mid-way. Ctrl-C cancels while the job can still leave everything as it was.
 */
import { JobRunner, MemoryJobStore, jobError, type Job, type JobMark, type JobRequest, type JobStore } from '@dockbase/core';
import type { CliApp } from './app';
import { Progress } from './output';

/** How the CLI keeps its jobs: a file store and the engine lock in the real process; memory and no lock in unit tests. */
export interface JobsConfig {
  store(): JobStore;
  engineLock: boolean;
  /** Called once a mark is durable (the fault hook: main.ts). */
  onMark?(job: Job, mark: JobMark): void;
}

/**
 * The fault hook for tests: with DOCKBASE_FAULT_AT=<kind>:<step>:<phase> (e.g. `upgrade:prepare:begin`), the
 * process kills itself (SIGKILL) right after that mark is durable, as a crash there would.
 */
export function faultHook(spec: string | undefined, kill: () => void): JobsConfig['onMark'] {
  if (!spec) return undefined;
  const [kind, step, phase] = spec.split(':');
  return (job, mark) => {
    if (job.kind === kind && mark.step === step && mark.phase === phase) kill();
  };
}

export const IN_MEMORY_JOBS: JobsConfig = { store: () => new MemoryJobStore(), engineLock: false };

/**
 * Before any command: a job a killed `dockbase` left unfinished is recovered (and said on stderr), so that
 * the instance is consistent again whatever this run does. Costs one read of the journal folder otherwise.
 */
export async function recoverInterrupted(app: CliApp, config: JobsConfig): Promise<void> {
  if (!config.engineLock) return;
  const pending = await config.store().unfinished();
  if (pending.length > 0) await jobRunner(app);
}

/** The runner, made on first use; an interrupted job of an earlier run is recovered first (and said). */
export async function jobRunner(app: CliApp): Promise<JobRunner> {
  return app.jobs(async (runner) => {
    for (const job of await runner.recover()) app.io.stderr.write(`${job.message}\n`);
  });
}

/**
 * Runs a job to its end, its step shown by `describe`, and resolves with its result; a failed or cancelled
 * job rejects with its error (its code gives the exit code).
 */
export async function runJob<R>(app: CliApp, request: JobRequest, describe: (job: Job) => string, options: { cancelling?: string } = {}): Promise<R> {
  const runner = await jobRunner(app);
  const job = await runner.start(request, 'cli');
  const progress = new Progress(app.io.stderr);
  const off = runner.subscribe((j) => {
    if (j.id === job.id && j.state === 'running') progress.update(describe(j));
  });
  const offInterrupt = app.io.onInterrupt(() => {
    runner.cancel(job.id).then(
      () => progress.done(options.cancelling ?? 'Cancelling…'),
      (e: unknown) => progress.done(`${(e as Error).message} Waiting for it to finish.`),
    );
  });
  let end: Job | undefined;
  try {
    progress.update(describe(job));
    end = await runner.wait(job.id);
  } finally {
    off();
    offInterrupt();
    progress.done();
  }
  if (!end) throw new Error(`the job ${job.id} was lost`);
  if (end.state !== 'succeeded') throw jobError(end);
  return end.result as R;
}
