import { checkSnapshotName, fileStamp, formatBytes, InvalidInputError, type Snapshot } from '@dockbase/core';
import { detailOf, recordOutcome } from '../history';
import { runJob } from '../jobs';
import type { CliApp } from '../app';
import { confirmOrYes } from '../confirm';
import { findInstance } from '../instances';
import { Progress, formatTable, printJson } from '../output';
import { SNAPSHOT_HEADER, findSnapshot, snapshotJson, snapshotRow } from '../snapshots';
import { JSON_OPTION, type CommandModule } from './command';

/**
 * `dockbase snapshot NAME` takes a snapshot (an exact copy of the instance's data volumes, kept as Docker
 * volumes; a running instance is stopped for the copy and started again); `snapshot list` and `snapshot rm`
 * show and delete them. `dockbase restore` puts one back.
 */
export const snapshot: CommandModule = {
  register(program, app) {
    const group = program
      .command('snapshot')
      .description("take (the default), list or delete snapshots: exact copies of an instance's data")
      .addHelpText(
        'after',
        '\nExamples:\n  dockbase snapshot app-db --as "before migration"\n  dockbase snapshot list app-db\n  dockbase restore app-db "before migration"',
      );

    group
      .command('take', { isDefault: true })
      .description('snapshot an instance (a running one is stopped for the copy and started again)')
      .argument('<name>', 'the instance')
      .option('--as <snapshot-name>', 'the snapshot\'s name, unique per instance (default: "snapshot" and the time)')
      .option(...JSON_OPTION)
      .action(async (name: string, options: { as?: string; json?: boolean }) => {
        const why = checkSnapshotName(options.as ?? 'snapshot');
        if (why) throw new InvalidInputError({ name: why });
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        // Names are unique per instance (`restore NAME` finds it by name): a taken one exits 2 before anything
        // stops; the default one is made free (`… 2`).
        if (options.as !== undefined) await dockbase.snapshots.refuseTakenName(instance, options.as);
        const label = options.as ?? (await dockbase.snapshots.freeName(instance, `snapshot ${fileStamp(new Date())}`));
        const taken = await runJob<Snapshot>(
          app,
          { kind: 'snapshot', instanceId: instance.id, name: label },
          () => `Taking snapshot "${label}" of ${instance.name}${instance.status === 'running' ? ' (stopped meanwhile)' : ''}…`,
        );
        if (options.json) return printJson(app.io.stdout, snapshotJson(taken));
        app.io.stdout.write(`Snapshot "${taken.name}" of ${instance.name}: ${formatBytes(taken.sizeBytes)}, id ${taken.id}.\n`);
      });

    group
      .command('list')
      .alias('ls')
      .description("list snapshots, newest first: all, or one instance's")
      .argument('[name]', 'only the snapshots of this instance')
      .option(...JSON_OPTION)
      .action(async (name: string | undefined, options: { json?: boolean }) => {
        const dockbase = app.dockbase();
        const instance = name === undefined ? undefined : await findInstance(dockbase, name);
        const snapshots = await dockbase.snapshots.list(instance);
        if (options.json) return printJson(app.io.stdout, snapshots.map(snapshotJson));
        if (snapshots.length === 0) {
          app.io.stdout.write(`No snapshots${instance ? ` of ${instance.name}` : ''} yet. Take one with \`dockbase snapshot ${instance?.name ?? 'NAME'}\`.\n`);
          return;
        }
        app.io.stdout.write(formatTable(SNAPSHOT_HEADER, snapshots.map(snapshotRow)));
      });

    group
      .command('rm')
      .alias('delete')
      .description('delete a snapshot (its data volumes); asks first, or --yes')
      .argument('<snapshot>', "the snapshot's id or name")
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...JSON_OPTION)
      .action(async (ref: string, options: { yes?: boolean; json?: boolean }) => {
        const dockbase = app.dockbase();
        const found = await findSnapshot(dockbase, ref);
        await confirmOrYes(
          app,
          options.yes,
          `deleting snapshot "${found.name}" of ${found.instanceName}`,
          `Delete snapshot "${found.name}" of ${found.instanceName} (${formatBytes(found.sizeBytes)})? This cannot be undone.`,
        );
        // Not a job: recorded in the history of the instance it was taken of, as the tab records it.
        const of = async () => (await dockbase.lifecycle.list()).find((i) => i.id === found.instanceId) ?? { id: found.instanceId };
        try {
          await withProgress(app, `Deleting snapshot "${found.name}"…`, () => dockbase.snapshots.remove(found));
        } catch (e) {
          await recordOutcome(app, of, 'delete-snapshot', { ok: false, detail: detailOf(e) });
          throw e;
        }
        await recordOutcome(app, of, 'delete-snapshot', { ok: true, detail: found.name, size: found.sizeBytes });
        if (options.json) return printJson(app.io.stdout, { ...snapshotJson(found), deleted: true });
        app.io.stdout.write(`Deleted snapshot "${found.name}" of ${found.instanceName}.\n`);
      });
  },
};

/** `work` with one line of progress on stderr. */
export async function withProgress<T>(app: CliApp, text: string, work: () => Promise<T>): Promise<T> {
  const progress = new Progress(app.io.stderr);
  progress.update(text);
  try {
    return await work();
  } finally {
    progress.done();
  }
}
