import type { Instance, Job } from '@dockbase/core';
import type { CliApp } from '../app';
import { findInstance, instanceJson } from '../instances';
import { detailOf, recordOutcome } from '../history';
import { runJob } from '../jobs';
import { Progress, printJson } from '../output';
import { JSON_OPTION, type CommandModule } from './command';

interface ActionOptions {
  wait: boolean;
  json?: boolean;
}

/**
 * start, stop and restart: the same shape, each run as a job (kind = the command) like the tab's, so that
 * the instance is held against every other door meanwhile (a job already on it exits 5, naming it).
 */
function action(
  name: 'start' | 'stop' | 'restart',
  description: string,
  doing: string,
  /** For start and restart, which wait for the server: the single call `--no-wait` makes instead of the job. */
  direct?: (app: CliApp, instance: Instance) => Promise<void>,
): CommandModule {
  const waits = direct !== undefined;
  return {
    register(program, app) {
      const command = program.command(name).description(description).argument('<name>', 'the instance');
      if (waits) command.option('--no-wait', 'return once started, without waiting for the server to accept connections');
      command.option(...JSON_OPTION).action(async (instanceName: string, options: ActionOptions) => {
        const dockbase = app.dockbase();
        let instance = await findInstance(dockbase, instanceName);
        const describe = (job: Job) => {
          if (job.progress.step === 'ready') return `Waiting for ${instance.name} to accept connections…`;
          if (job.progress.step === 'queued') return `${doing} ${instance.name}: waiting for other starts and stops to end…`;
          return `${doing} ${instance.name}…`;
        };
        let ready = false;
        if (direct && !options.wait) {
          // A start (or restart) job ends only once the server answers: --no-wait stays the single docker call
          // it was, which takes no lock and leaves no journal (nothing to recover: it changes one thing).
          const progress = new Progress(app.io.stderr);
          progress.update(`${doing} ${instance.name}…`);
          const recorded = name as 'start' | 'restart';
          try {
            await direct(app, instance);
          } catch (e) {
            await recordOutcome(app, instance, recorded, { ok: false, detail: detailOf(e) });
            throw e;
          } finally {
            progress.done();
          }
          // Not a job: recorded here, as the tab records its actions (a job's end is recorded by whoever ran it).
          await recordOutcome(app, instance, recorded, {
            ok: true,
            detail: `${name === 'start' ? 'Started' : 'Restarted'} without waiting for the server (--no-wait)`,
          });
        } else {
          await runJob(app, { kind: name, instanceId: instance.id }, describe);
          ready = waits;
        }
        instance = await dockbase.lifecycle.get(instance.id);
        if (options.json) return printJson(app.io.stdout, { ...instanceJson(instance, { serverAnswered: ready }), ...(waits ? { ready } : {}) });
        app.io.stdout.write(`${instance.name}: ${waits && ready ? 'ready' : instanceJson(instance).status}\n`);
      });
    },
  };
}

export const start = action('start', 'start an instance and wait until it accepts connections', 'Starting', (app, i) => app.dockbase().lifecycle.start(i));
export const stop = action('stop', 'stop an instance gracefully (its engine gets time to flush)', 'Stopping');
export const restart = action('restart', 'restart an instance and wait until it accepts connections', 'Restarting', (app, i) =>
  app.dockbase().lifecycle.restart(i),
);
