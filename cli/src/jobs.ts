/**
 * Long operations from the command line run as jobs (the core's JobRunner), like the tab's: the instance's
 * lock keeps the tab, another CLI and this one from running two on one instance (a second one exits 5,
 * naming who holds it), and the journal in the user's state folder lets the next `dockbase` run recover an
 * instance whose CLI was killed mid-way. Ctrl-C cancels while the job can still leave everything as it was.
 */
import {
  DockbaseError,
  ENGINE_AWAY_STEP,
  type JobRunner,
  MemoryJobStore,
  jobError,
  type DockbaseErrorCode,
  type Job,
  type JobMark,
  type JobRequest,
  type JobStore,
} from '@dockbase/core';
import type { CliApp } from './app';
import { callBackend } from './backend';
import { Progress } from './output';

/** How the CLI keeps its jobs: a file store and the engine lock in the real process; memory and no lock in unit tests. */
export interface JobsConfig {
  store(): JobStore;
  engineLock: boolean;
  /** The socket of a running standalone host's backend to hand jobs to (their progress then shows in its tab too). */
  remote?(): Promise<string | undefined>;
  /**
   * The socket of a running standalone host's backend whose history records what this CLI does itself (its
   * own jobs, and what it does without a job: history.ts); asked each time, since one may have started meanwhile.
   */
  history?(): Promise<string | undefined>;
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

/** A job's progress line: the command's own words, but one wording for a job waiting for the engine to come back. */
export function progressLine(job: Job, describeStep: (job: Job) => string): string {
  return job.progress.step === ENGINE_AWAY_STEP ? `${job.title} (${job.instanceName}): waiting for the Docker engine to come back…` : describeStep(job);
}

/**
 * Runs a job to its end, its step shown by `describe`, and resolves with its result; a failed or cancelled
 * job rejects with its error (its code gives the exit code).
 */
export async function runJob<R>(app: CliApp, request: JobRequest, describeStep: (job: Job) => string, options: { cancelling?: string } = {}): Promise<R> {
  const describe = (job: Job) => progressLine(job, describeStep);
  const socket = await app.jobsConfig.remote?.();
  if (socket) return runRemoteJob<R>(app, socket, request, describe, options);
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

/**
 * The job run by a standalone host's backend (`dockbase ui` runs): started there for the command line, its
 * progress followed here, Ctrl-C asks it to cancel. The tab shows it meanwhile.
 */
async function runRemoteJob<R>(app: CliApp, socket: string, request: JobRequest, describe: (job: Job) => string, options: { cancelling?: string }): Promise<R> {
  const started = await callBackend(socket, 'POST', '/jobs', { ...request, by: 'cli' });
  if (started.status !== 202) {
    const code = (typeof started.json.error === 'string' ? started.json.error : 'command-failed') as DockbaseErrorCode;
    const field = typeof started.json.field === 'string' ? started.json.field : undefined;
    throw new DockbaseError(code, String(started.json.message ?? `The backend refused the job (${started.status}).`), field);
  }
  let job = started.json.job as Job;
  const progress = new Progress(app.io.stderr);
  const offInterrupt = app.io.onInterrupt(() => {
    void callBackend(socket, 'POST', `/jobs/${job.id}/cancel`).then((r) =>
      progress.done(
        r.status === 202 ? (options.cancelling ?? 'Cancelling…') : `${String(r.json.message ?? 'It can no longer be cancelled.')} Waiting for it to finish.`,
      ),
    );
  });
  try {
    while (job.state === 'running') {
      progress.update(describe(job));
      await new Promise((r) => setTimeout(r, 300));
      const r = await callBackend(socket, 'GET', `/jobs/${job.id}`);
      if (r.status === 200) job = r.json.job as Job;
    }
  } finally {
    offInterrupt();
    progress.done();
  }
  if (job.state !== 'succeeded') throw jobError(job);
  return job.result as R;
}
