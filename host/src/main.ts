import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePortOption, runHost } from './run';
import { DEFAULT_PORT } from './server';

export const USAGE = `Usage: npm start -- [options]

Serves the Dockbase UI on http://127.0.0.1:PORT with a ddClient that runs docker on this machine.
(In the published package, \`dockbase ui [options]\` or just \`dockbase\` does the same.)

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
  const port = values.port === undefined ? DEFAULT_PORT : parsePortOption(values.port);
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
  if (!(await runHost(cli))) process.exitCode = 1;
}

// `node host/dist/main.js [options]` runs the host directly (npm start goes through host/start.mjs).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv.slice(2));
