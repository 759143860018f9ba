import { passwordAfterReplaceNote, type RestoreResult } from '@dockbase/core';
import { findInstance } from '../instances';
import { runJob } from '../jobs';
import { reportPassword } from '../password-check';
import { confirmOrYes } from '../confirm';
import { printJson } from '../output';
import { findSnapshot, snapshotJson } from '../snapshots';
import { JSON_OPTION, type CommandModule } from './command';

export const restore: CommandModule = {
  register(program, app) {
    program
      .command('restore')
      .description("put a snapshot's data back into an instance; its current data is kept as a snapshot first")
      .argument('<name>', 'the instance')
      .argument('<snapshot>', "the snapshot's id or name")
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
The snapshot may be of another instance of the same engine, of a version this one can read. The instance's
current data is kept first as a "before restore" snapshot (and put back if the restore fails); a running
instance is stopped meanwhile and started again.`,
      )
      .action(async (name: string, ref: string, options: { yes?: boolean; json?: boolean }) => {
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        const found = await findSnapshot(dockbase, ref, instance);
        await confirmOrYes(
          app,
          options.yes,
          `restoring ${instance.name} from "${found.name}" replaces its data`,
          `Replace the data of ${instance.name} with snapshot "${found.name}" (its current data is kept as a snapshot${instance.status === 'running' ? '; it restarts' : ''})?${passwordAfterReplaceNote(instance, 'restore') ? ` ${passwordAfterReplaceNote(instance, 'restore')}` : ''}`,
        );
        const { kept, password } = await runJob<RestoreResult>(
          app,
          { kind: 'restore', instanceId: instance.id, snapshotId: found.id },
          () => `Restoring ${instance.name} from "${found.name}"…`,
        );
        const checked = reportPassword(app, password);
        if (options.json) return printJson(app.io.stdout, { name: instance.name, restored: snapshotJson(found), kept: snapshotJson(kept), ...checked });
        app.io.stdout.write(`${instance.name} was restored from "${found.name}". Its previous data is kept as snapshot "${kept.name}" (id ${kept.id}).\n`);
      });
  },
};
