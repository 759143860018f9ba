import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_PORT } from '@dockbase/host';
import { parsePortOption, runHost } from '@dockbase/host/run';
import { ReportedFailure, UsageError } from '../exit-codes';
import type { CommandModule } from './command';

/** The standalone host, as `npm start` runs it in the repository: the same code, options and messages. */
export const ui: CommandModule = {
  register(program) {
    program
      .command('ui', { isDefault: true })
      .description('serve the Dockbase UI in your browser on 127.0.0.1 (the default command)')
      .addOption(
        new Option('--port <port>', `TCP port on 127.0.0.1 (0 = any free port)`).default(DEFAULT_PORT).argParser((text) => {
          try {
            return parsePortOption(text);
          } catch (e) {
            throw new InvalidArgumentError((e as Error).message);
          }
        }),
      )
      .option('--no-backend', 'do not start the backend (notes, history and Docker Hub versions are hidden)')
      .option('--docker <path>', 'the docker CLI to run', 'docker')
      .addHelpText(
        'after',
        `
Prints a one-time login link: open it in your browser. It works once, in one tab, which stays signed in
across reloads; press Enter here for a link for another tab. Listens on 127.0.0.1 only. Ctrl-C stops the
host, the backend and every docker process the page started.

Environment: DOCKBASE_DATA_DIR (the backend's data; default ~/.local/share/dockbase).`,
      )
      .action(async (options: { port: number; backend: boolean; docker: string }) => {
        if (options.docker === '') throw new UsageError('--docker needs a path.');
        if (!(await runHost({ port: options.port, backend: options.backend, docker: options.docker }))) {
          throw new ReportedFailure('the standalone host did not start');
        }
      });
  },
};
