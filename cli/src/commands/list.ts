import { DockbaseError } from '@dockbase/core';
import { printJson, formatTable } from '../output';
import { byName, instanceJson, instanceRow, TABLE_HEADER } from '../instances';
import { JSON_OPTION, type CommandModule } from './command';

export const list: CommandModule = {
  register(program, app) {
    program
      .command('list')
      .alias('ls')
      .description('list the Dockbase instances, stopped ones too')
      .argument('[names...]', 'only these instances (exit code 3 if one does not exist)')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        "\nThe same instances as the Docker Desktop tab: containers with Dockbase's labels.\nPasswords are never shown; `dockbase url NAME --show-password` prints one.\n\nExample:\n  dockbase list app-db --json    # one instance's state, or exit code 3",
      )
      .action(async (names: string[], options: { json?: boolean }) => {
        let instances = (await app.dockbase().lifecycle.list()).sort(byName);
        if (names.length > 0) {
          const missing = names.filter((n) => !instances.some((i) => i.name === n || i.id === n));
          if (missing.length > 0) throw new DockbaseError('not-found', `No Dockbase instance is named ${missing.map((n) => `"${n}"`).join(', ')}.`, 'name');
          instances = instances.filter((i) => names.includes(i.name) || names.includes(i.id));
        }
        if (options.json) return printJson(app.io.stdout, instances.map((i) => instanceJson(i)));
        if (instances.length === 0) {
          app.io.stdout.write('No Dockbase instances yet. Create one with `dockbase create postgres`.\n');
          return;
        }
        app.io.stdout.write(formatTable(TABLE_HEADER, instances.map(instanceRow)));
      });
  },
};
