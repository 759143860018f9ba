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
    stdio: ['ignore', options.onOutput ? 'pipe' : 'ignore', options.onOutput ? 'pipe' : 'ignore'],
    env: process.env,
  });
  if (options.onOutput) {
    const out = new LineSplitter(options.onOutput);
    const err = new LineSplitter(options.onOutput);
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
  child.once('error', (e) => (exitError = e));
  child.once('exit', (code, signal) => {
    exitError ??= new Error(`the backend exited during start-up (${signal ?? `code ${code}`})`);
    if (!stopping) options.onExit?.(code, signal);
  });

  const stop = async (): Promise<void> => {
    stopping = true;
    await terminate(child, exited);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (exitError) {
      await stop();
      throw exitError;
    }
    if (await healthy(options.socket)) break;
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
}

export interface SuperviseOptions extends BackendOptions {
  /** Where the supervisor says what it does (exits, restarts); never receives request data. */
  log: (line: string) => void;
  /** The first wait before a restart; it doubles after each failed one, up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A backend that ran this long without dying starts the backoff over. */
  stableAfterMs?: number;
}

/**
 * Starts the backend and keeps it running: when it exits on its own it is started again after a wait that
 * doubles with each failure (1 s, 2 s, 4 s … 30 s), and each exit and restart is logged. The first start
 * still fails as startBackend does (the host then runs without a backend).
 */
export async function superviseBackend(options: SuperviseOptions): Promise<SupervisedBackend> {
  const min = options.minBackoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  let backoff = min;
  let stopped = false;
  let up = false;
  let startedAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: BackendProcess | undefined;
  let restarts = 0;

  const launch = async (): Promise<BackendProcess> => {
    const process = await startBackend({ ...options, onExit: (code, signal) => onExit(code, signal) });
    up = true;
    startedAt = Date.now();
    return process;
  };

  const schedule = () => {
    if (stopped) return;
    const wait = backoff;
    backoff = Math.min(max, backoff * 2);
    restarts++;
    options.log(`restarting the backend in ${Math.round(wait / 100) / 10} s (restart ${restarts})`);
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      launch().then(
        (p) => {
          if (stopped) {
            void p.stop();
            return;
          }
          current = p;
          options.log(`the backend runs again (restart ${restarts})`);
        },
        (e: unknown) => {
          options.log(`the backend did not start again (${e instanceof Error ? e.message : String(e)})`);
          schedule();
        },
      );
    }, wait);
  };

  function onExit(code: number | null, signal: NodeJS.Signals | null) {
    up = false;
    current = undefined;
    options.onExit?.(code, signal);
    options.log(`the backend exited (${signal ?? `code ${code}`}); backend features fail until it is back`);
    if (Date.now() - startedAt >= stableAfter) backoff = min;
    schedule();
  }

  current = await launch();
  return {
    socket: options.socket,
    get up() {
      return up;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current?.stop();
      current = undefined;
      up = false;
    },
    kill: () => {
      stopped = true;
      clearTimeout(timer);
      current?.kill();
    },
  };
}
