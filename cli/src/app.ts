/**
 * What every command gets: the core over a DockerCli, the process's streams, and Ctrl-C as an AbortSignal.
 * main.ts wires the real process (NodeDockerCli, process.std*, signals); unit tests pass doubles.
 */
import { JobRunner, createDockbase, type Dockbase } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { recordJobEnd } from './history';
import { IN_MEMORY_JOBS, type JobsConfig } from './jobs';

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Input extends AsyncIterable<string | Buffer> {
  readonly isTTY?: boolean;
  setRawMode?(on: boolean): unknown;
  setEncoding?(encoding: BufferEncoding): unknown;
  on?(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  off?(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  resume?(): unknown;
  pause?(): unknown;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: Input;
  /** Subscribes to Ctrl-C / SIGTERM; returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
}

export interface CliApp {
  readonly io: Io;
  /** The docker CLI every command runs (the Node adapter in the real process). */
  readonly docker: DockerCli;
  /** The core over that docker CLI, made on first use (`--help` runs no docker). */
  dockbase(): Dockbase;
  /**
   * Runs `work` with a signal that Ctrl-C aborts; `onInterrupt` says what happens meanwhile (e.g. "removing
   * what was made"). The core turns the abort into a `cancelled` error (exit code 130).
   */
  interruptible<T>(work: (signal: AbortSignal) => Promise<T>, onInterrupt?: () => void): Promise<T>;
  /** Where jobs are kept, and whether a host's backend takes them (jobs.ts). */
  readonly jobsConfig: JobsConfig;
  /** The job runner (jobs.ts), made on first use; `first` runs once, when it is made (recovery). */
  jobs(first?: (runner: JobRunner) => Promise<void>): Promise<JobRunner>;
}

export function createApp(io: Io, docker: DockerCli, jobsConfig: JobsConfig = IN_MEMORY_JOBS): CliApp {
  let dockbase: Dockbase | undefined;
  let runner: Promise<JobRunner> | undefined;
  const app: CliApp = {
    io,
    docker,
    jobsConfig,
    dockbase: () => (dockbase ??= createDockbase(docker)),
    jobs(first) {
      runner ??= (async () => {
        const made = new JobRunner({
          dockbase: app.dockbase(),
          cli: docker,
          store: jobsConfig.store(),
          door: 'cli',
          engineLock: jobsConfig.engineLock,
          ...(jobsConfig.onMark ? { onMark: jobsConfig.onMark } : {}),
          // Its jobs' ends in the instances' history, when a host's backend runs (best effort).
          onEnd: (job) => recordJobEnd(app, job).then(() => undefined),
        });
        await first?.(made);
        return made;
      })();
      return runner;
    },
    async interruptible(work, onInterrupt) {
      const controller = new AbortController();
      const off = io.onInterrupt(() => {
        if (controller.signal.aborted) return;
        onInterrupt?.();
        controller.abort();
      });
      try {
        return await work(controller.signal);
      } finally {
        off();
      }
    },
  };
  return app;
}
