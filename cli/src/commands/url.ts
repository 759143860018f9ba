import { DockbaseError, getEngine } from '@dockbase/core';
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
        // A running server is asked whether that password opens its data: a string that cannot connect is not
        // printed as if it could (exit 1, the server's refusal on stderr). A stopped one cannot be asked.
        const check = getEngine(instance.engine).passwordInData && instance.status === 'running' ? await dockbase.credentials.verify(instance) : undefined;
        const refused = check?.status === 'rejected';
        if (options.json) {
          printJson(app.io.stdout, {
            name: instance.name,
            engine: instance.engine,
            url: value,
            masked: !options.showPassword,
            ...(refused ? { status: 'password-refused' } : {}),
          });
        } else if (!refused) {
          app.io.stdout.write(`${value}\n`);
        }
        if (refused) throw new DockbaseError('command-failed', `${check.message} (status: password-refused)`);
      });
  },
};
