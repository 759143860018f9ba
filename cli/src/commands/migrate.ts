import {
  InvalidInputError,
  getEngine,
  isEngineId,
  migrationRefusal,
  migrationTargets,
  suggestPort,
  validateCreateInput,
  DockbaseError,
  type MigrateInput,
  type MigrateResult,
} from '@dockbase/core';
import { UsageError } from '../exit-codes';
import { findInstance, instanceJson } from '../instances';
import { runJob } from '../jobs';
import { note, printJson } from '../output';
import { readPassword } from '../password';
import { JSON_OPTION, type CommandModule } from './command';

interface MigrateOptions {
  to: string;
  name?: string;
  version?: string;
  image?: string;
  port?: string;
  passwordStdin?: boolean;
  expose?: boolean;
  json?: boolean;
}

const STEP_TEXT: Record<string, string> = {
  check: 'Checking that the data can move',
  pull: 'Pulling the image',
  copy: 'Copying the data (the instance stops for the copy, and runs again after it)',
  start: 'Starting the new instance',
  ready: 'Waiting for the new instance to load the data',
};

/** `dockbase migrate NAME --to valkey`: a new instance of another engine from an instance's data (the tab's "Migrate to Valkey…"). */
export const migrate: CommandModule = {
  register(program, app) {
    program
      .command('migrate')
      .description("make a new instance of another engine from an instance's data (Redis → Valkey); the instance stays as it was")
      .argument('<name>', 'the instance whose data moves')
      .requiredOption('--to <engine>', 'the engine of the new instance (valkey)')
      .option('--name <name>', 'the new instance name (default: NAME-ENGINE, e.g. cache-valkey)')
      .option('--version <tag>', "the new engine's image tag (default: its current version, e.g. 8.1)")
      .option('--image <repository>', "another image repository, e.g. a mirror (default: the engine's official image)")
      .option('--port <port>', "the host port (default: the engine's own port, or the next free one)")
      .option('--password-stdin', "read the new instance's password from stdin (default: the instance's own)")
      .option('--expose', 'publish the port on every network interface instead of 127.0.0.1 only')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
The instance is stopped for the copy (as for a snapshot) and started again at once if it was running; its
data is only read. The new instance starts on the copy and must answer, or it is removed again. Data in a
format the new version cannot load is refused before anything stops (Redis 7.4 and 8 write RDB format 12,
which Valkey 8 does not load); nothing is made then.

Example:
  dockbase migrate cache --to valkey --name cache-valkey --port 6380`,
      )
      .action(async (name: string, options: MigrateOptions) => {
        const { stdout, stderr } = app.io;
        if (!isEngineId(options.to)) throw new UsageError(`Unknown engine "${options.to}".`);
        const dockbase = app.dockbase();
        const source = await findInstance(dockbase, name);
        const to = getEngine(options.to);
        if (migrationTargets(source.engine).length === 0)
          throw new DockbaseError('incompatible-data', `Dockbase has no way to move ${getEngine(source.engine).displayName} data to another engine.`);
        const usage = options.port === undefined ? await dockbase.creation.usage() : undefined;
        const input: MigrateInput = {
          engine: to.id,
          name: options.name ?? `${source.name}-${to.id}`,
          tag: options.version ?? to.defaultTag,
          image: options.image ?? '',
          hostPort:
            options.port === undefined ? suggestPort(to, usage?.ports ?? new Set()) : /^\s*\d+\s*$/.test(options.port) ? Number(options.port) : Number.NaN,
          exposeOnNetwork: options.expose ?? false,
          ...(options.passwordStdin
            ? { password: await readPassword(app.io.stdin, stderr, `Password for the new ${to.displayName} instance (not shown): `) }
            : {}),
        };
        // Refusals that need no docker, before the job: the engines, the data's format, every field at fault.
        const why = migrationRefusal(source, input);
        if (why) throw new DockbaseError('incompatible-data', `${why} ${source.name} was not changed.`, 'engine');
        // Without a password of its own, the new instance takes the source's, which its engine already took.
        const fields = validateCreateInput({ ...input, password: input.password ?? '', persistData: true });
        if (input.password === undefined) delete fields.password;
        if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
        const made = await runJob<MigrateResult>(
          app,
          { kind: 'migrate', instanceId: source.id, input },
          (job) => `${STEP_TEXT[job.progress.step ?? ''] ?? 'Starting'}…`,
          { cancelling: `Cancelling: ${source.name} runs again as it was, and what was made for ${input.name} is removed…` },
        );
        if (options.json) return printJson(stdout, { ...instanceJson(made, { serverAnswered: true }), migratedFrom: made.migratedFrom });
        const from = getEngine(made.migratedFrom.engine).displayName;
        stdout.write(
          `${made.name}: ${to.displayName} ${made.tag}, ready, on ${made.bindAddress}:${made.hostPort}, with the data of ${made.migratedFrom.name} (${from} ${made.migratedFrom.tag})\n`,
        );
        note(
          stderr,
          `${made.migratedFrom.name} is as it was${source.status === 'running' ? ', and runs' : ''}. ${input.password === undefined ? `${made.name} has its password: only the port changes.` : ''}`.trim(),
        );
      });
  },
};
