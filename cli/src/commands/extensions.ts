import { DockbaseError, settingsWithPreload, type EditResult, type ExtensionsView } from '@dockbase/core';
import { UsageError } from '../exit-codes';
import { findInstance } from '../instances';
import { runJob } from '../jobs';
import { note, printJson } from '../output';
import { JSON_OPTION, type CommandModule } from './command';

interface ExtensionsOptions {
  enable?: string;
  database?: string;
  addPreload?: boolean;
  json?: boolean;
}

/** One line per extension: its name, version, where it is installed, and whether it needs a preload. */
function table(view: ExtensionsView): string {
  return view.extensions
    .map((e) => {
      const where = e.installed.length > 0 ? `installed in ${e.installed.map((i) => `${i.database} (${i.version})`).join(', ')}` : 'available';
      const preload = e.preload ? (e.preloaded ? ', preloaded' : `, needs ${e.preload} in shared_preload_libraries`) : '';
      return `${e.name} ${e.defaultVersion}: ${where}${preload}`;
    })
    .join('\n');
}

/** `dockbase extensions NAME [--enable EXT --database DB]`: PostgreSQL's extensions, as the card shows them. */
export const extensions: CommandModule = {
  register(program, app) {
    program
      .command('extensions')
      .description("list a PostgreSQL instance's extensions (what the server has, what each database installed), or enable one")
      .argument('<name>', 'the instance (running)')
      .option('--enable <extension>', 'CREATE EXTENSION in the database given with --database')
      .option('--database <name>', 'the database to enable it in (default: the instance’s own)')
      .option('--add-preload', 'for an extension whose library must be preloaded: add it to shared_preload_libraries first (the server restarts)')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        '\nExamples:\n  dockbase extensions app-db\n  dockbase extensions app-db --enable pg_stat_statements --database postgres --add-preload',
      )
      .action(async (name: string, options: ExtensionsOptions) => {
        const dockbase = app.dockbase();
        let instance = await findInstance(dockbase, name);
        let view = await dockbase.extensions.list(instance);
        if (options.enable === undefined) {
          if (options.database !== undefined || options.addPreload) throw new UsageError('--database and --add-preload go with --enable.');
          if (options.json) return printJson(app.io.stdout, view);
          app.io.stdout.write(`${table(view)}\n`);
          return;
        }
        const request = { extension: options.enable, database: options.database ?? instance.database ?? instance.user ?? 'postgres' };
        const ext = view.extensions.find((e) => e.name === request.extension);
        if (ext?.preload && !ext.preloaded) {
          if (!options.addPreload) {
            throw new DockbaseError(
              'invalid-input',
              `${ext.name} needs the library ${ext.preload} in shared_preload_libraries, which means restarting ${instance.name}. Run again with --add-preload to add it and restart.`,
            );
          }
          note(app.io.stderr, `${ext.name} needs ${ext.preload} preloaded: adding it to shared_preload_libraries and restarting ${instance.name}…`);
          const settings = settingsWithPreload(instance, view, ext.preload);
          const edited = await runJob<EditResult>(
            app,
            { kind: 'edit', instanceId: instance.id, changes: { settings } },
            (job) => `Restarting ${instance.name} with ${ext.preload} preloaded: ${job.progress.step ?? 'starting'}…`,
            { cancelling: 'Cancelling the change (possible until its new container is made)…' },
          );
          instance = await dockbase.readiness.waitUntilReady(edited.instance, { timeoutMs: 120_000 });
        }
        view = await dockbase.extensions.enable(instance, request);
        if (options.json) return printJson(app.io.stdout, view);
        app.io.stdout.write(`${request.extension} is enabled in ${request.database}.\n`);
      });
  },
};
