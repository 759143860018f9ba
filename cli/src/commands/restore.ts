import { passwordAfterReplaceNote, type DataPasswordResult, type Instance, type RestoreResult } from '@dockbase/core';
import { findInstance } from '../instances';
import { runJob } from '../jobs';
import { DATA_PASSWORD_OPTION, readDataPassword, reportDataPassword } from '../data-password';
import { confirmOrYes } from '../confirm';
import { printJson } from '../output';
import { findSnapshot, snapshotJson } from '../snapshots';
import { JSON_OPTION, type CommandModule } from './command';

/** What becomes of the instance's password, said in the question: with a password given, that the instance takes it. */
function passwordNote(instance: Instance, given: boolean): string {
  if (given) return ` ${instance.name} then takes the password you gave, if it opens the snapshot's data; else it keeps its own.`;
  const note = passwordAfterReplaceNote(instance, 'restore');
  return note ? ` ${note}` : '';
}

export const restore: CommandModule = {
  register(program, app) {
    program
      .command('restore')
      .description("put a snapshot's data back into an instance; its current data is kept as a snapshot first")
      .argument('<name>', 'the instance')
      .argument('<snapshot>', "the snapshot's id or name")
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...DATA_PASSWORD_OPTION)
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
The snapshot may be of another instance of the same engine, of a version this one can read. The instance's
current data is kept first as a "before restore" snapshot (and put back if the restore fails); a running
instance is stopped meanwhile and started again.

MySQL, MariaDB and MongoDB keep their password in their data and cannot have it set without the old one: a
snapshot brings back the password it was taken with. By default the instance keeps its own, and Dockbase
checks it opens the restored data. With --data-password-stdin, give the snapshot's password: once the data is
back, the instance takes it (its container is replaced, as \`dockbase edit --password-stdin\` does) if it
opens the data, and keeps its own otherwise (a warning says so). Without a terminal, add --yes:
  printf %s "$SNAPSHOT_PW" | dockbase restore app-db nightly --data-password-stdin --yes`,
      )
      .action(async (name: string, ref: string, options: { yes?: boolean; json?: boolean; dataPasswordStdin?: boolean }) => {
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        const found = await findSnapshot(dockbase, ref, instance);
        const dataPassword = options.dataPasswordStdin ? await readDataPassword(app, instance, 'restore', `snapshot "${found.name}"`) : undefined;
        await confirmOrYes(
          app,
          options.yes,
          `restoring ${instance.name} from "${found.name}" replaces its data`,
          `Replace the data of ${instance.name} with snapshot "${found.name}" (its current data is kept as a snapshot${instance.status === 'running' ? '; it restarts' : ''})?${passwordNote(instance, dataPassword !== undefined)}`,
        );
        const result = await runJob<RestoreResult & DataPasswordResult>(
          app,
          { kind: 'restore', instanceId: instance.id, snapshotId: found.id, ...(dataPassword !== undefined ? { dataPassword } : {}) },
          (job) => `Restoring ${instance.name} from "${found.name}"${job.progress.step === 'password' ? ': giving it the snapshot’s password' : ''}…`,
        );
        const { kept } = result;
        const checked = reportDataPassword(app, result);
        if (options.json) return printJson(app.io.stdout, { name: instance.name, restored: snapshotJson(found), kept: snapshotJson(kept), ...checked });
        app.io.stdout.write(`${instance.name} was restored from "${found.name}". Its previous data is kept as snapshot "${kept.name}" (id ${kept.id}).\n`);
      });
  },
};
