import { printJson, formatTable } from '../output';
import { byName, instanceJson, instanceRow, TABLE_HEADER } from '../instances';
import { JSON_OPTION, type CommandModule } from './command';

export const list: CommandModule = {
  register(program, app) {
    program
      .command('list')
      .alias('ls')
      .description('list the Dockbase instances, stopped ones too')
      .option(...JSON_OPTION)
      .addHelpText('after', '\nThe same instances as the Docker Desktop tab: containers with Dockbase\'s labels.\nPasswords are never shown; `dockbase url NAME --show-password` prints one.')
      .action(async (options: { json?: boolean }) => {
        const instances = (await app.dockbase().lifecycle.list()).sort(byName);
        if (options.json) return printJson(app.io.stdout, instances.map(instanceJson));
        if (instances.length === 0) {
          app.io.stdout.write('No Dockbase instances yet. Create one with `dockbase create postgres`.\n');
          return;
        }
        app.io.stdout.write(formatTable(TABLE_HEADER, instances.map(instanceRow)));
      });
  },
};
