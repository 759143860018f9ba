import { DockbaseError } from '@dockbase/core';
import { printJson, formatTable } from '../output';
import { byName, instanceJson, instanceRow, serverViews, TABLE_HEADER, type CliView } from '../instances';
import { JSON_OPTION, type CommandModule } from './command';

export const list: CommandModule = {
  register(program, app) {
    program
      .command('list')
      .alias('ls')
      .description('list the Dockbase instances, stopped ones too')
      .argument('[names...]', 'only these instances (exit code 3 if one does not exist)')
      .option(...JSON_OPTION)
      .option('--no-probe', "show docker's own health verdict without asking the running servers (docker asks every 20 minutes)")
      .addHelpText(
        'after',
        "\nThe same instances as the Docker Desktop tab: containers with Dockbase's labels.\nPasswords are never shown; `dockbase url NAME --show-password` prints one.\n\nExample:\n  dockbase list app-db --json    # one instance's state, or exit code 3",
      )
      .action(async (names: string[], options: { json?: boolean; probe: boolean }) => {
        const dockbase = app.dockbase();
        let instances = (await dockbase.lifecycle.list()).sort(byName);
        if (names.length > 0) {
          const missing = names.filter((n) => !instances.some((i) => i.name === n || i.id === n));
          if (missing.length > 0) throw new DockbaseError('not-found', `No Dockbase instance is named ${missing.map((n) => `"${n}"`).join(', ')}.`, 'name');
          instances = instances.filter((i) => names.includes(i.name) || names.includes(i.id));
        }
        const views = options.probe ? await serverViews(dockbase, instances) : new Map<string, CliView>();
        if (options.json)
          return printJson(
            app.io.stdout,
            instances.map((i) => instanceJson(i, views.get(i.id))),
          );
        if (instances.length === 0) {
          app.io.stdout.write('No Dockbase instances yet. Create one with `dockbase create postgres`.\n');
          return;
        }
        app.io.stdout.write(
          formatTable(
            TABLE_HEADER,
            instances.map((i) => instanceRow(i, views.get(i.id))),
          ),
        );
      });
  },
};
