/**
 * The one port through which Dockbase talks to Docker: exact argv in, output out.
 * `args` never include the leading `docker`; every element reaches the docker CLI unchanged
 * (no shell, no re-splitting), so values such as passwords are never spliced into a command line.
 */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** Process exit code; 0 is success. */
  code: number;
}

export interface RunOptions {
  /** Aborting kills the process; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * Variables added to the docker CLI's own environment for this call, for secrets that `--env NAME` (without
   * a value) hands on to a container: the value then never appears in any process's argv. Only for adapters
   * whose `passesEnv` is true; callers must not pass it otherwise.
   */
  env?: Readonly<Record<string, string>>;
}

export type StreamName = 'stdout' | 'stderr';

export interface StreamHandlers {
  /** Called once per complete line (without its line break), in order. */
  onLine(line: string, stream: StreamName): void;
  /** Called once when the process has ended (after the last line). */
  onClose?(code: number): void;
}

export interface StreamHandle {
  /** Ends the process (SIGTERM); idempotent. */
  cancel(): void;
  /** Resolves with the exit code when the process ends (a cancelled process resolves too). */
  readonly done: Promise<number>;
}

export interface DockerCli {
  /**
   * Whether `run` hands `options.env` to the docker CLI exactly (added to its environment). Without it the
   * core keeps secrets as exact argv elements (`--env NAME=value`), visible in the process list while the
   * CLI runs.
   */
  readonly passesEnv?: boolean;
  /** Runs `docker ...args` to completion. Resolves for any exit code; rejects only when it cannot run. */
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Runs `docker ...args` and delivers its output line by line as it comes. */
  stream(args: readonly string[], handlers: StreamHandlers): StreamHandle;
}

/**
 * How an adapter reports, on stderr, that the bridge carrying docker's commands failed (Docker Desktop's
 * bridge, the standalone host): not docker's answer, but no answer at all. The core tells it apart from an
 * engine that is down.
 */
export const BRIDGE_FAILURE_PREFIX = 'dockbase-bridge-failure:';

export function isBridgeFailure(stderr: string): boolean {
  return stderr.includes(BRIDGE_FAILURE_PREFIX);
}

/** Splits a growing text buffer into complete lines, keeping the unfinished tail. */
export class LineSplitter {
  private rest = '';

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    const text = this.rest + chunk;
    const parts = text.split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    for (const line of parts) this.emit(line);
  }

  /** Emits whatever is left as a last line. */
  flush(): void {
    if (this.rest !== '') {
      const line = this.rest;
      this.rest = '';
      this.emit(line);
    }
  }
}
