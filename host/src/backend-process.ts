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
