import { isActive, type Instance } from '@dockbase/core';
import type { CliApp } from '../app';
import { ask } from '../confirm';
import { UsageError } from '../exit-codes';
import { findInstance } from '../instances';
import { runJob } from '../jobs';
import { printJson } from '../output';
import { JSON_OPTION, type CommandModule } from './command';

interface RmOptions {
  withData?: boolean;
  yes?: boolean;
  json?: boolean;
}

export const rm: CommandModule = {
  register(program, app) {
    program
      .command('rm')
      .alias('delete')
      .description('delete an instance; its data volumes are kept unless --with-data')
      .argument('<name>', 'the instance')
      .option('--with-data', 'delete its data volumes too (this cannot be undone)')
      .option('-y, --yes', 'do not ask: delete a running instance, or its data, at once (needed without a terminal)')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
A stopped instance whose data is kept is deleted at once. Deleting a running instance asks first on a
terminal (y/N), and deleting the data asks you to type the instance's name, as the tab does; without a
terminal (scripts, CI) either needs --yes, and otherwise exits with 2 and deletes nothing.
The data of an instance deleted without --with-data stays in its volumes: creating the same name again
reuses it.`,
      )
      .action((name: string, options: RmOptions) => runRm(app, name, options));
  },
};

async function runRm(app: CliApp, name: string, options: RmOptions): Promise<void> {
  const dockbase = app.dockbase();
  const instance = await findInstance(dockbase, name);
  const withData = options.withData ?? false;
  const risks = [
    isActive(instance) ? `${instance.name} is ${instance.status}` : '',
    withData && instance.volumes.length > 0 ? `its data (${instance.volumes.join(', ')}) goes too` : '',
  ].filter(Boolean);
  if (risks.length > 0 && !options.yes) {
    const interactive = app.io.stdin.isTTY && app.io.stderr.isTTY;
    if (!interactive) throw new UsageError(`Not deleted: ${risks.join(', and ')}. Pass --yes to delete it anyway.`);
    // The tab's rule: deleting data takes typing the instance's name; deleting a running instance, a yes.
    const running = isActive(instance) ? `, while it is ${instance.status}` : '';
    const confirmed =
      withData && instance.volumes.length > 0
        ? (await ask(
            app,
            `Delete ${instance.name} and its data (${instance.volumes.join(', ')})${running}? This cannot be undone. Type ${instance.name} to confirm: `,
          )) === instance.name
        : /^y(es)?$/i.test(await ask(app, `Delete ${instance.name}? It is ${instance.status}. [y/N] `));
    if (!confirmed) throw new Error('Nothing was deleted.');
  }

  // A job, like the tab's: refused (exit 5) while another job holds the instance; killed mid-way, the next
  // run says what was not deleted yet, and rm again finishes it.
  await runJob(app, { kind: 'delete', instanceId: instance.id, removeData: withData }, () => `Deleting ${instance.name}${withData ? ' and its data' : ''}…`);
  const kept = withData ? [] : instance.volumes;
  // Its snapshots are not its data volumes: they stay, and deleting its data says so, naming them.
  const staying = withData && instance.volumes.length > 0 ? (await dockbase.snapshots.list(instance).catch(() => [])).map((s) => s.name) : [];
  if (options.json)
    return printJson(app.io.stdout, {
      name: instance.name,
      id: instance.id,
      deleted: true,
      dataDeleted: withData && instance.volumes.length > 0,
      keptVolumes: kept,
      ...(withData ? { keptSnapshots: staying } : {}),
    });
  app.io.stdout.write(`${deletedText(instance, kept)}\n`);
  if (staying.length > 0) {
    app.io.stdout.write(
      `Its snapshots stay: ${staying.map((n) => `"${n}"`).join(', ')} (\`dockbase snapshot ls\` lists them; \`dockbase snapshot rm\` deletes one).\n`,
    );
  }
}

function deletedText(instance: Instance, kept: readonly string[]): string {
  if (kept.length === 0) return `Deleted ${instance.name}${instance.volumes.length > 0 ? ' and its data' : ''}.`;
  return `Deleted ${instance.name}. Its data is kept in ${kept.join(', ')}: \`dockbase create ${instance.engine} --name ${instance.name}\` uses it again (\`docker volume rm ${kept.join(' ')}\` removes it).`;
}
