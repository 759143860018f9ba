import { execFile } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { DEFAULT_PATHS, type AppPaths } from './paths';
import { startHost, type HostHandle } from './server';

/**
 * Running the standalone host from a command line, with its start-up message, its one-time login links and
 * its signals: what `npm start` (main.ts) and `dockbase ui` (the CLI) both do, so they behave the same.
 */
export interface RunHostOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Run the backend. */
  backend: boolean;
  /** The docker CLI to run. */
  docker: string;
  /** Where the UI build, the page script and the backend are (default: DEFAULT_PATHS). */
  paths?: AppPaths;
}

/** A `--port` value: 0 to 65535, digits only; throws with a readable message otherwise. */
export function parsePortOption(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`invalid --port ${JSON.stringify(text)}: expected 0 to 65535`);
  return port;
}

/**
 * Starts the host, prints where it listens and the first login link (stdout), and stops everything on
 * SIGINT, SIGTERM or SIGHUP (then exits). Resolves false, after saying why on stderr, when it could not start.
 */
export async function runHost(options: RunHostOptions): Promise<boolean> {
  const paths = options.paths ?? DEFAULT_PATHS;
  // A signal while the host still starts (its backend may take a few tries) stops that start at once.
  const starting = new AbortController();
  let stop: (signal: NodeJS.Signals) => void = (signal) => {
    console.error(`\nStopping (${signal}) while starting…`);
    starting.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  const engine = await engineVersion(options.docker);
  let host: HostHandle;
  try {
    if (starting.signal.aborted) throw new Error('stopped before it started');
    host = await startHost({
      port: options.port,
      backend: options.backend,
      docker: options.docker,
      ...paths,
      log: (line) => console.error(`[host] ${line}`),
      backendOutput: (line) => console.error(`[backend] ${line}`),
      signal: starting.signal,
    });
  } catch (e) {
    console.error(`Dockbase host could not start: ${e instanceof Error ? e.message : String(e)}`);
    if (starting.signal.aborted) process.exit(1);
    return false;
  }

  const newLinks = newLinkInput();
  const lines = [
    'Dockbase standalone host',
    `  UI build:  ${paths.uiDist}`,
    `  docker:    ${engine.ok ? `engine ${engine.text}` : `WARNING: no engine reachable (${engine.text})`}`,
    `  backend:   ${host.backend ? `running, data in ${host.dataDir}` : options.backend ? `NOT running (${host.backendFailure ?? 'see the message above'}); notes and history are off` : 'off (--no-backend)'}`,
    `  listening: ${host.url} (this machine only)`,
    '',
    'Open Dockbase with this one-time login link (it works once, in one tab; reloading that tab keeps you signed in):',
    '',
    `  ${host.loginUrl}`,
    '',
    newLinks === 'terminal'
      ? 'Press Enter for a new link (another tab or browser), Ctrl-C to stop.'
      : newLinks === 'pipe'
        ? 'Write a line to stdin for a new link (another tab or browser); SIGINT or SIGTERM stops.'
        : 'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));
  if (newLinks) offerNewLinks(host, newLinks);

  let stopping = false;
  stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`(${signal}: already stopping)`);
      return;
    }
    stopping = true;
    console.error(`\nStopping (${signal}): docker processes, backend, server…`);
    host.close().then(
      () => {
        console.error('Stopped.');
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`Stopping failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  return true;
}

/**
 * Where a request for a new login link can come from: Enter in the host's terminal, or a line written to its
 * stdin by the program that started it (a pipe or a socket, e.g. a test or a supervisor). Nothing is read
 * from a file or /dev/null.
 */
function newLinkInput(): 'terminal' | 'pipe' | undefined {
  if (process.stdin.isTTY) return 'terminal';
  try {
    const stat = fs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket() ? 'pipe' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each line on stdin prints a new one-time login link (the previous one, if unused, stops working).
 * Run in the background of an interactive shell (`npm start &`), reading the terminal would stop the whole
 * process (SIGTTIN); with the signal handled, the read fails instead, stdin ends and the host runs on.
 */
function offerNewLinks(host: HostHandle, from: 'terminal' | 'pipe') {
  if (from === 'terminal') process.on('SIGTTIN', () => {});
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  input.on('line', () => console.log(`\nA new one-time login link (the previous one, if unused, no longer works):\n\n  ${host.newLoginUrl()}\n`));
  process.stdin.on('error', () => input.close());
}

/** `docker version` of the engine, for the start-up message (never fatal). */
function engineVersion(docker: string): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    execFile(docker, ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000, shell: false }, (error, stdout, stderr) => {
      if (error) {
        const reason = (stderr || error.message).trim().split('\n')[0] ?? '';
        resolve({ ok: false, text: reason.slice(0, 200) });
      } else {
        resolve({ ok: true, text: stdout.trim() });
      }
    });
  });
}
