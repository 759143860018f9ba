import { DockbaseError, describeChanges, parseSettingLines, type EditChanges, type EditResult } from '@dockbase/core';
import { UsageError } from '../exit-codes';
import { findInstance, instanceJson } from '../instances';
import { runJob } from '../jobs';
import { printJson } from '../output';
import { readPassword } from '../password';
import { JSON_OPTION, type CommandModule } from './command';

interface EditOptions {
  port?: string;
  expose?: boolean;
  restart?: string;
  memory?: string;
  passwordStdin?: boolean;
  setting: string[];
  unsetSetting: string[];
  json?: boolean;
}

/** `dockbase edit NAME --port …`: the tab's Edit (port, exposure, restart policy, memory limit, password), run as a job. */
export const edit: CommandModule = {
  register(program, app) {
    program
      .command('edit')
      .description("change an instance's port, exposure, restart policy, memory limit, server settings or password (its container is replaced, its data kept)")
      .argument('<name>', 'the instance')
      .option('--port <port>', 'the new host port')
      .option('--expose', 'publish the port on every network interface, not only 127.0.0.1')
      .option('--no-expose', 'publish the port on 127.0.0.1 only')
      .option('--restart <policy>', 'start with Docker: unless-stopped, or no')
      .option('--memory <MiB>', 'a memory limit in MiB, or none')
      .option('--password-stdin', 'read a new password from stdin (typed without echo on a terminal)')
      .option('--setting <name=value>', 'add or change a server setting (repeat for several); the others stay', (s: string, all: string[]) => [...all, s], [])
      .option('--unset-setting <name>', 'remove a server setting (repeat for several)', (s: string, all: string[]) => [...all, s], [])
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        '\nThe old container is set aside until the new one serves; any failure puts it back. Another door cannot change the instance meanwhile.',
      )
      .action(async (name: string, options: EditOptions) => {
        const changes: EditChanges = {};
        if (options.port !== undefined) {
          if (!/^\d+$/.test(options.port)) throw new UsageError(`--port takes a number, not ${options.port}`);
          changes.hostPort = Number(options.port);
        }
        if (options.expose !== undefined) changes.exposeOnNetwork = options.expose;
        if (options.restart !== undefined) {
          if (options.restart !== 'no' && options.restart !== 'unless-stopped') throw new UsageError('--restart takes unless-stopped or no');
          changes.restartPolicy = options.restart;
        }
        if (options.memory !== undefined) {
          if (options.memory === 'none') changes.memoryBytes = null;
          else if (/^\d+$/.test(options.memory)) changes.memoryBytes = Number(options.memory) * 2 ** 20;
          else throw new UsageError('--memory takes a number of MiB, or none');
        }
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        if (options.setting.length > 0 || options.unsetSetting.length > 0) {
          const given = parseSettingLines(options.setting);
          if (given.error) throw new UsageError(`--setting: ${given.error}`);
          const settings: Record<string, string> = { ...(instance.settings ?? {}) };
          for (const n of options.unsetSetting) {
            if (!Object.prototype.hasOwnProperty.call(settings, n)) throw new UsageError(`${instance.name} has no setting ${n}.`);
            delete settings[n];
          }
          changes.settings = { ...settings, ...given.settings };
        }
        if (options.passwordStdin) changes.password = await readPassword(app.io.stdin, app.io.stderr, `New password for ${instance.name} (not shown): `);
        if (Object.keys(changes).length === 0)
          throw new UsageError('Say what to change: --port, --expose/--no-expose, --restart, --memory, --setting, --unset-setting or --password-stdin.');
        const said = describeChanges(await dockbase.editing.settings(instance), changes);
        if (said.length === 0) throw new DockbaseError('invalid-input', `${instance.name} already has these settings: nothing to change.`);
        const result = await runJob<EditResult>(
          app,
          { kind: 'edit', instanceId: instance.id, changes },
          (job) => `Changing ${instance.name} (${said.join(', ')}): ${job.progress.step ?? 'starting'}…`,
          { cancelling: 'Cancelling the change (possible until its new container is made)…' },
        );
        if (options.json) return printJson(app.io.stdout, { ...instanceJson(result.instance), changes: result.changes });
        app.io.stdout.write(`${instance.name}: ${result.changes.join(', ')}.\n`);
      });
  },
};
