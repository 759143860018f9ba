import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { LineSplitter } from '@dockbase/docker-cli';

export interface BackendOptions {
  /** The backend's entry point (backend/dist/main.js), run with this Node binary. */
  main: string;
  /** The unix socket it should listen on. */
  socket: string;
  /** Where it keeps its data (`--data-dir`). */
  dataDir: string;
  /** How long to wait for GET /health to answer {status:'ok'}. */
  timeoutMs?: number;
  /** Receives the backend's output, line by line (otherwise it is discarded). */
  onOutput?: (line: string) => void;
  /** Called when the backend exits on its own (not through stop()). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Aborting ends a start under way (the host is stopping before it finished starting). */
  signal?: AbortSignal;
}

export interface BackendProcess {
  readonly socket: string;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGTERM at once, without waiting (for a process that is about to exit). */
  kill(): void;
}

/** Starts the backend as a child process and waits until it answers GET /health on its socket. */
export async function startBackend(options: BackendOptions): Promise<BackendProcess> {
  const child = spawn(process.execPath, [options.main, '--socket', options.socket, '--data-dir', options.dataDir], {
    shell: false,
    stdio: ['ignore', options.onOutput ? 'pipe' : 'ignore', 'pipe'],
    env: process.env,
  });
  {
    // Its last line on stderr says why it could not start (the host's log and the page say it again).
    const onLine = (line: string) => {
      if (line.trim()) lastWords = line.trim().slice(0, 300);
      options.onOutput?.(line);
    };
    const out = new LineSplitter((line) => options.onOutput?.(line));
    const err = new LineSplitter(onLine);
    child.stdout?.setEncoding('utf8').on('data', (s: string) => out.push(s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => err.push(s));
    child.once('close', () => {
      out.flush();
      err.flush();
    });
  }
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let exitError: Error | undefined;
  // Said once, by whoever learns of it: an exit during start-up rejects this call (the caller decides what
  // next); only a backend that had answered its health check reports its exit through onExit. Reporting both
  // made a supervisor schedule two restarts for one failure, and the chains doubled at every failure.
  let answered = false;
  let lastWords = '';
  child.once('error', (e) => (exitError = e));
  child.once('exit', (code, signal) => {
    const said = lastWords ? `: ${lastWords}` : '';
    exitError ??= new Error(`the backend exited during start-up (${signal ?? `code ${code}`})${said}`);
    if (!stopping && answered) options.onExit?.(code, signal);
  });

  const stop = async (): Promise<void> => {
    stopping = true;
    await terminate(child, exited);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (options.signal?.aborted) {
      await stop();
      throw new Error('the host is stopping');
    }
    if (exitError) {
      await stop();
      throw exitError;
    }
    if (await healthy(options.socket)) {
      answered = true;
      break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the backend did not answer GET /health in time');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { socket: options.socket, stop, kill: () => void child.kill('SIGTERM') };
}

/** SIGTERM, SIGKILL after `graceMs`; resolves once `exited` does. */
export async function terminate(child: ChildProcess, exited: Promise<void>, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

function healthy(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/health', timeout: 1000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: unknown };
          resolve(res.statusCode === 200 && body.status === 'ok');
        } catch {
          resolve(false);
        }
      });
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** A backend that is started again when it dies on its own. */
export interface SupervisedBackend extends BackendProcess {
  /** Whether a backend process is running and answered its health check. */
  readonly up: boolean;
  /** Why the supervisor gave up (the backend's own words), once it has: it starts no backend after that. */
  readonly failure: string | undefined;
}

export interface SuperviseOptions extends BackendOptions {
  /** Where the supervisor says what it does (exits, restarts); never receives request data. */
  log: (line: string) => void;
  /** The first wait before a restart; it doubles after each failed one, up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A backend that ran this long without dying starts the backoff over. */
  stableAfterMs?: number;
  /** Starts in a row that fail before the supervisor gives up (3 at the host's start, this many later). */
  maxFailedStarts?: number;
}

/** Starts at the host's own start-up that may fail before it runs without a backend. */
const FIRST_STARTS = 3;

/**
 * Starts the backend and keeps it running, with ONE restart chain and at most one backend process at any
 * moment: when it exits on its own it is started again after a wait that doubles with each failure (1 s,
 * 2 s, 4 s … 30 s; it starts over only after a backend ran for stableAfterMs), and each exit and restart is
 * logged. A backend that cannot start is tried a few times, then given up on, and why is said once (the
 * host's log; `failure` for the page's banner). At the host's start that ends in a rejection: the host then
 * runs without a backend.
 */
export async function superviseBackend(options: SuperviseOptions): Promise<SupervisedBackend> {
  const min = options.minBackoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  const maxFailed = options.maxFailedStarts ?? 5;
  let backoff = min;
  let stopped = false;
  let startedAt = 0;
  let failedStarts = 0;
  let failure: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: BackendProcess | undefined;
  let starting: Promise<void> | undefined;
  let restarts = 0;

  const wait = (): number => {
    const ms = backoff;
    backoff = Math.min(max, backoff * 2);
    return ms;
  };

  /** One start; on success the process is `current`, on failure the reason is thrown. */
  const launch = async (): Promise<void> => {
    const process = await startBackend({ ...options, onExit: (code, signal) => onExit(code, signal) });
    if (stopped) {
      await process.stop();
      return;
    }
    current = process;
    startedAt = Date.now();
    failedStarts = 0;
  };

  /** The one restart chain: a timer, then a start; a failed start schedules the next, or gives up. */
  const schedule = () => {
    if (stopped || failure !== undefined || timer || starting) return;
    const ms = wait();
    restarts++;
    options.log(`restarting the backend in ${Math.round(ms / 100) / 10} s (restart ${restarts})`);
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      starting = launch().then(
        () => {
          starting = undefined;
          if (current) options.log(`the backend runs again (restart ${restarts})`);
        },
        (e: unknown) => {
          starting = undefined;
          failedStarts++;
          const why = e instanceof Error ? e.message : String(e);
          if (failedStarts >= maxFailed) giveUp(why);
          else {
            options.log(`the backend did not start again (${why})`);
            schedule();
          }
        },
      );
    }, ms);
  };

  const giveUp = (why: string) => {
    failure = why;
    options.log(`the backend cannot start: ${why}; notes and history are off until the host is started again`);
  };

  function onExit(code: number | null, signal: NodeJS.Signals | null) {
    current = undefined;
    options.onExit?.(code, signal);
    options.log(`the backend exited (${signal ?? `code ${code}`}); backend features fail until it is back`);
    if (Date.now() - startedAt >= stableAfter) backoff = min;
    schedule();
  }

  const stop = async () => {
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    await starting?.catch(() => undefined);
    await current?.stop();
    current = undefined;
  };

  // The host's own start: a few tries, one after the other, before it runs without a backend.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (e) {
      if (options.signal?.aborted) throw e;
      const why = e instanceof Error ? e.message : String(e);
      if (attempt >= FIRST_STARTS) {
        giveUp(why);
        throw e;
      }
      const ms = wait();
      options.log(`the backend did not start (${why}); trying again in ${Math.round(ms / 100) / 10} s`);
      await abortableSleep(ms, options.signal);
    }
  }
  backoff = min;
  return {
    socket: options.socket,
    get up() {
      return current !== undefined;
    },
    get failure() {
      return failure;
    },
    stop,
    kill: () => {
      stopped = true;
      clearTimeout(timer);
      current?.kill();
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
