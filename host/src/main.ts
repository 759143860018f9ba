import { execFile } from 'node:child_process';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PATHS, DEFAULT_PORT, startHost, type HostHandle } from './server';

export const USAGE = `Usage: npm start -- [options]

Serves the Dockbase UI on http://127.0.0.1:PORT with a ddClient that runs docker on this machine.

Options:
  --port N        TCP port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)
  --no-backend    do not start the backend (backend features are hidden)
  --docker PATH   the docker CLI to run (default: docker from PATH)
  -h, --help      show this help

Environment: DOCKBASE_DATA_DIR (backend data; default ~/.local/share/dockbase).`;

export interface CliOptions {
  port: number;
  backend: boolean;
  docker: string;
  help: boolean;
}

/** Parses the command line; throws with a readable message on anything unknown or malformed. */
export function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'no-backend': { type: 'boolean' },
      docker: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`invalid --port ${JSON.stringify(values.port)}: expected 0 to 65535`);
  }
  if (values.docker !== undefined && values.docker === '') throw new Error('--docker needs a path');
  return { port, backend: !values['no-backend'], docker: values.docker ?? 'docker', help: values.help ?? false };
}

export async function main(argv: readonly string[]): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (cli.help) {
    console.log(USAGE);
    return;
  }

  const engine = await engineVersion(cli.docker);
  let host: HostHandle;
  try {
    host = await startHost({
      port: cli.port,
      backend: cli.backend,
      docker: cli.docker,
      log: (line) => console.error(`[host] ${line}`),
      backendOutput: (line) => console.error(`[backend] ${line}`),
    });
  } catch (e) {
    console.error(`Dockbase host could not start: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
    return;
  }

  const lines = [
    'Dockbase standalone host',
    `  UI build:  ${DEFAULT_PATHS.uiDist}`,
    `  docker:    ${engine.ok ? `engine ${engine.text}` : `WARNING: no engine reachable (${engine.text})`}`,
    `  backend:   ${host.backend ? `running, data in ${host.dataDir}` : cli.backend ? 'NOT running (see the message above); backend features are hidden' : 'off (--no-backend)'}`,
    `  listening: ${host.url} (this machine only)`,
    '',
    'Open Dockbase with this one-time login link (it works once, in one tab; reloading that tab keeps you signed in):',
    '',
    `  ${host.loginUrl}`,
    '',
    process.stdin.isTTY ? 'Press Enter for a new link (another tab or browser), Ctrl-C to stop.' : 'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));
  if (process.stdin.isTTY) offerNewLinks(host);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
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
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
}

/**
 * Each Enter in the terminal prints a new one-time login link (the previous one, if unused, stops working).
 * Run in the background of an interactive shell (`npm start &`), reading the terminal would stop the whole
 * process (SIGTTIN); with the signal handled, the read fails instead, stdin ends and the host runs on.
 */
function offerNewLinks(host: HostHandle) {
  process.on('SIGTTIN', () => {});
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

// `node host/dist/main.js [options]` runs the host directly (npm start goes through host/start.mjs).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv.slice(2));
