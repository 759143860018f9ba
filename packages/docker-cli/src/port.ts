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

/**
 * One question to a server over TCP on 127.0.0.1: `hello` is sent on connect, and `answered` reads what came
 * back so far: true (the server answers), false (it does not, yet), or undefined (more bytes are needed).
 * Resolves false when nothing decisive came within `timeoutMs`, or the connection failed or closed.
 */
export type WireProbe = (
  port: number,
  question: { hello: Uint8Array; answered(reply: Uint8Array): boolean | undefined },
  options?: { timeoutMs?: number; signal?: AbortSignal },
) => Promise<boolean>;

/** What the engine's API answered to one GET: its status and its JSON body (undefined when it sent none). */
export interface EngineReadResult {
  status: number;
  body: unknown;
}

/**
 * Read-only questions to the engine's own API, for a process beside the engine: the answer without spawning
 * a docker CLI (about 20 ms each). Only GET, so nothing can be changed through it; every change still goes
 * through the CLI's argv. Rejects when the engine's API cannot be reached: callers then ask the CLI.
 */
export interface EngineReads {
  /** GET `path` (`/containers/json?all=1`, `/images/<ref>/json`, `/volumes/<name>`) from the engine the CLI uses. */
  get(path: string, options?: { signal?: AbortSignal }): Promise<EngineReadResult>;
}

export interface DockerCli {
  /**
   * Whether `run` hands `options.env` to the docker CLI exactly (added to its environment). Without it the
   * core keeps secrets as exact argv elements (`--env NAME=value`), visible in the process list while the
   * CLI runs.
   */
  readonly passesEnv?: boolean;
  /** How files move between the host and a container through this CLI (export, import, seed files). */
  readonly files?: HostFiles;
  /**
   * Asks a server on a loopback port for an answer in its own protocol, where this adapter runs beside the
   * engine (a process on the host): published ports are then this machine's. Absent elsewhere (the page).
   */
  readonly wire?: WireProbe;
  /**
   * The engine's API for reads, where this adapter runs beside the engine and knows the CLI's endpoint: the
   * checks before a create ask it instead of spawning the CLI. Absent elsewhere (the page).
   */
  readonly engine?: EngineReads;
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

// ---- files between the host and a container ------------------------------------------------------------

/**
 * Where a file copied out of a container goes: a NEW file in `directory`, named `${stem}${extension}`, or
 * `${stem}-2${extension}` … when that name is taken. An existing name is never reused, and a link is never
 * followed.
 */
export interface SaveTarget {
  /** An absolute folder on the machine the docker CLI runs on. */
  directory: string;
  stem: string;
  extension: string;
}

export interface SavedFile {
  /** The file written. */
  path: string;
  sizeBytes: number;
}

/** A host file copied into a container: read from `path` (one regular file, never through a link), named `name` there. */
export interface SendSource {
  path: string;
  name: string;
}

/** Why a copy between the host and a container failed, as the user reads it (no secret is ever in it). */
export type HostFileErrorCode =
  /** The container held something other than exactly one regular file (a link, a folder, a device…). */
  | 'not-regular'
  /** The host file is missing, a link, a folder, or cannot be read. */
  | 'unreadable'
  /** The host folder is missing, or the file could not be created or written there (disk full…). */
  | 'unwritable'
  /** docker itself failed (its own words follow). */
  | 'docker'
  | 'cancelled';

export class HostFileError extends Error {
  override readonly name = 'HostFileError';
  constructor(
    readonly code: HostFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether `e` is a HostFileError. Told by its name and code, not its class: one may come from another bundle
 * (the standalone host's page script carries its own copy of this module).
 */
export function isHostFileError(e: unknown): e is HostFileError {
  const failure = e as { name?: unknown; code?: unknown; message?: unknown } | null | undefined;
  return failure?.name === 'HostFileError' && typeof failure.code === 'string' && typeof failure.message === 'string';
}

/**
 * Copies files between the machine the docker CLI runs on and a container, with the host side written and
 * read by Dockbase itself, never by docker: docker's `cp` follows a link at its destination, writes any
 * file type it is handed and overwrites what is there, so no docker command is ever given a host path.
 * Failures reject with a HostFileError.
 */
export interface HostFiles {
  /**
   * Runs `docker ...args` (`cp CONTAINER:PATH -`), whose standard output is a tar stream, and writes the one
   * regular file it must hold into a new file (see SaveTarget), readable by its owner only. Anything but
   * exactly one regular file is refused; on any failure nothing is left in the folder.
   */
  save(args: readonly string[], to: SaveTarget, options?: { signal?: AbortSignal }): Promise<SavedFile>;
  /**
   * Reads one regular host file and runs `docker ...args` (`cp - CONTAINER:FOLDER`) with a tar stream on its
   * standard input that holds that file's bytes as `from.name`.
   */
  send(args: readonly string[], from: SendSource, options?: { signal?: AbortSignal }): Promise<{ sizeBytes: number }>;
}
