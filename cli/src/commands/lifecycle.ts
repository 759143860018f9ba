import type { Instance } from '@dockbase/core';
import type { CliApp } from '../app';
import { findInstance, instanceJson } from '../instances';
import { Progress, printJson } from '../output';
import { JSON_OPTION, type CommandModule } from './command';
import { waitUntilReady } from './wait';

interface ActionOptions {
  wait: boolean;
  json?: boolean;
}

/** start, stop and restart: the same shape over the core's lifecycle. */
function action(
  name: 'start' | 'stop' | 'restart',
  description: string,
  doing: string,
  run: (app: CliApp, instance: Instance) => Promise<void>,
  waits: boolean,
): CommandModule {
  return {
    register(program, app) {
      const command = program.command(name).description(description).argument('<name>', 'the instance');
      if (waits) command.option('--no-wait', 'return once started, without waiting for the server to accept connections');
      command.option(...JSON_OPTION).action(async (instanceName: string, options: ActionOptions) => {
        const dockbase = app.dockbase();
        let instance = await findInstance(dockbase, instanceName);
        const progress = new Progress(app.io.stderr);
        progress.update(`${doing} ${instance.name}…`);
        try {
          await run(app, instance);
        } finally {
          progress.done();
        }
        let ready = false;
        if (waits && options.wait) {
          instance = await waitUntilReady(app, instance);
          ready = true;
        } else {
          instance = await dockbase.lifecycle.get(instance.id);
        }
        if (options.json) return printJson(app.io.stdout, { ...instanceJson(instance, { serverAnswered: ready }), ...(waits ? { ready } : {}) });
        app.io.stdout.write(`${instance.name}: ${waits && ready ? 'ready' : instanceJson(instance).status}\n`);
      });
    },
  };
}

export const start = action(
  'start',
  'start an instance and wait until it accepts connections',
  'Starting',
  (app, i) => app.dockbase().lifecycle.start(i),
  true,
);
export const stop = action(
  'stop',
  'stop an instance gracefully (its engine gets time to flush)',
  'Stopping',
  (app, i) => app.dockbase().lifecycle.stop(i),
  false,
);
export const restart = action(
  'restart',
  'restart an instance and wait until it accepts connections',
  'Restarting',
  (app, i) => app.dockbase().lifecycle.restart(i),
  true,
);
