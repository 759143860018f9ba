import { findInstance, instanceJson } from '../instances';
import { printJson } from '../output';
import { JSON_OPTION, type CommandModule } from './command';

export const url: CommandModule = {
  register(program, app) {
    program
      .command('url')
      .description("print an instance's connection string, the password masked")
      .argument('<name>', 'the instance')
      .option('--show-password', 'print it with the real password')
      .option(...JSON_OPTION)
      .addHelpText('after', '\nExample:\n  psql "$(dockbase url app-db --show-password)"')
      .action(async (name: string, options: { showPassword?: boolean; json?: boolean }) => {
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        // The masked form needs no docker call; the real one reads the password from the container's configuration.
        const value = options.showPassword ? (await dockbase.lifecycle.connection(instance)).uri : instanceJson(instance).url;
        if (options.json) return printJson(app.io.stdout, { name: instance.name, engine: instance.engine, url: value, masked: !options.showPassword });
        app.io.stdout.write(`${value}\n`);
      });
  },
};
