import path from 'node:path';
import { Argument, Option } from 'commander';
import {
  ENGINE_IDS,
  InvalidInputError,
  connectionString,
  flavouredName,
  flavoursOf,
  getEngine,
  getFlavour,
  generatePassword,
  imageRef,
  isDockbaseError,
  keptDataForName,
  parseSettingLines,
  suggestName,
  suggestPort,
  validateCreateInput,
  type CreateInstanceInput,
  type CreatedInstance,
  type EngineId,
  type Instance,
  type PasswordCheck,
  type PullProgress,
} from '@dockbase/core';
import type { CliApp } from '../app';
import { UsageError } from '../exit-codes';
import { instanceJson } from '../instances';
import { recordCreated } from '../history';
import { runJob } from '../jobs';
import { reportPassword } from '../password-check';
import { Progress, note, printJson } from '../output';
import { readPassword } from '../password';
import { JSON_OPTION, type CommandModule } from './command';
import { waitUntilReady } from './wait';

/** The engines whose image creates a user, and those whose image creates a database, of a name given. */
const ACCOUNT_ENGINES = {
  user: ENGINE_IDS.filter((id) => getEngine(id).accountVariables.user),
  database: ENGINE_IDS.filter((id) => getEngine(id).accountVariables.database),
};

interface CreateOptions {
  name?: string;
  version?: string;
  image?: string;
  flavour?: string;
  port?: string;
  user?: string;
  database?: string;
  password?: string;
  passwordStdin?: boolean;
  generatePassword?: boolean;
  showPassword?: boolean;
  expose?: boolean;
  data: boolean;
  init: string[];
  setting: string[];
  start: boolean;
  wait: boolean;
  json?: boolean;
}

export const create: CommandModule = {
  register(program, app) {
    program
      .command('create')
      .description('create a database instance and start it (pulling its image if needed)')
      .addArgument(new Argument('<engine>', 'the database engine').choices(ENGINE_IDS))
      .option('--name <name>', 'the instance name (default: a free one, e.g. postgres-1)')
      .option('--version <tag>', "the engine's image tag (default: a current version, e.g. 17 for postgres)")
      .option(
        '--flavour <flavour>',
        `PostgreSQL with extensions built in: ${flavoursOf('postgres')
          .map((f) => f.id)
          .join(', ')} (default: the plain server; --version then takes its tags, e.g. pg17 or 17-3.5)`,
      )
      .option('--image <repository>', "another image repository, e.g. a mirror (default: the flavour's or the engine's official image)")
      .option('--port <port>', "the host port (default: the engine's own port, or the next free one)")
      .option('--user <name>', `a user the image creates and the connection string uses (${ACCOUNT_ENGINES.user.join(', ')}; default: the admin user)`)
      .option(
        '--database <name>',
        `the database the image creates and the connection string names (${ACCOUNT_ENGINES.database.join(', ')}; default: the engine's)`,
      )
      .option('--password-stdin', 'read the password from stdin (typed without echo on a terminal)')
      .option('--generate-password', 'generate a strong password (the default)')
      .addOption(new Option('--password <password>', 'the password on the command line: visible in your shell history and `ps`; prefer --password-stdin'))
      .option('--show-password', 'print the password and the full connection string')
      .option('--expose', 'publish the port on every network interface instead of 127.0.0.1 only')
      .option('--no-data', 'do not keep the data in volumes: it goes with the container')
      .option(
        '--init <file>',
        'a file the engine runs on its first start (.sql, .sh, .js, ...); repeat for several, run in order',
        (file: string, files: string[]) => [...files, file],
        [],
      )
      .option(
        '--setting <name=value>',
        "a server setting, in the engine's own names (postgres: -c name=value; mysql, mariadb: --name=value; redis: a directive; mongo: a mongod option); repeat for several",
        (setting: string, settings: string[]) => [...settings, setting],
        [],
      )
      .option('--no-start', 'create the container without starting it')
      .option('--no-wait', 'return once started, without waiting for the server to accept connections')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
Engines: ${ENGINE_IDS.join(', ')}.
--user and --database are for the engines listed with them (another refuses them, exit 2), and for new data
only: an instance made on the data kept under its name keeps the user and database that data was made with.
The same checks as the Docker Desktop tab: a bad name, port, version or password is refused with the tab's
message and nothing is created. Data is kept in volumes named dockbase-NAME-*, which deleting the instance
keeps (unless \`dockbase rm NAME --with-data\`) and creating NAME again reuses.

Examples:
  dockbase create postgres
  dockbase create redis --name cache --port 6380 --version 7.4
  dockbase create postgres --name shop --init schema.sql --init seed.sql
  dockbase create mysql --name shop --user shop --database shop
  dockbase create postgres --name stats --setting shared_preload_libraries=pg_stat_statements --setting work_mem=64MB
  printf %s "$PGPASSWORD" | dockbase create postgres --name app-db --password-stdin --json`,
      )
      .action((engine: EngineId, options: CreateOptions) => runCreate(app, engine, options));
  },
};

async function runCreate(app: CliApp, engineId: EngineId, options: CreateOptions): Promise<void> {
  const { stderr, stdout } = app.io;
  const sources = [options.password !== undefined, options.passwordStdin, options.generatePassword].filter(Boolean).length;
  if (sources > 1) throw new UsageError('Give one of --password-stdin, --generate-password and --password.');
  const engine = getEngine(engineId);

  let password: string;
  if (options.passwordStdin) {
    password = await readPassword(app.io.stdin, stderr, `Password for the new ${engine.displayName} instance (not shown): `);
  } else if (options.password !== undefined) {
    note(stderr, 'Warning: a password given with --password stays in your shell history and shows in `ps`; prefer --password-stdin.');
    password = options.password;
  } else {
    password = generatePassword();
  }

  const settings = parseSettingLines(options.setting);
  if (settings.error) throw new UsageError(`--setting: ${settings.error}`);

  const dockbase = app.dockbase();
  const flavour = options.flavour ? getFlavour(options.flavour) : undefined;
  // Suggestions as the tab makes them, from the names and ports in use (create checks them again).
  const usage = options.name === undefined || options.port === undefined ? await dockbase.creation.usage() : undefined;
  const input: CreateInstanceInput = {
    engine: engineId,
    name: options.name ?? suggestName(engine, usage?.names ?? new Set()),
    tag: options.version ?? (flavour ?? engine).defaultTag,
    image: options.image ?? '',
    ...(options.flavour !== undefined ? { flavour: options.flavour } : {}),
    hostPort: options.port === undefined ? suggestPort(engine, usage?.ports ?? new Set()) : portNumber(options.port),
    password,
    persistData: options.data,
    exposeOnNetwork: options.expose ?? false,
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
    ...(Object.keys(settings.settings).length > 0 ? { settings: settings.settings } : {}),
  };
  // On the data a delete kept under this name, without --setting: the settings the server had when it was
  // deleted, as the tab's Re-create offers them (said on stderr; --setting chooses others).
  if (input.persistData && input.settings === undefined) {
    const kept = keptDataForName(await dockbase.keptData.list(), input.name, engine, input.tag);
    if (kept?.engine === engineId && kept.settings) {
      input.settings = { ...kept.settings };
      note(
        stderr,
        `Note: ${input.name} reuses its kept data with the settings it had when it was deleted: ${Object.entries(kept.settings)
          .map(([n, v]) => `${n}=${v}`)
          .join(', ')} (--setting chooses others).`,
      );
    }
  }

  // Every field at fault at once, as the tab shows them, before anything runs (a failed job carries one).
  const fields = validateCreateInput(input);
  if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);

  const ref = imageRef(input.image || (flavour ?? engine).image, input.tag);
  const seedFiles = options.init.map((f) => path.resolve(f));
  const cancelling = `Cancelling: removing what was made for ${input.name}…`;
  let instance: Instance;
  let passwordCheck: PasswordCheck | undefined;
  if (options.start) {
    // A job (pull, create, start), like the tab's: killed mid-way, the next `dockbase` run removes what it had
    // made. Ctrl-C cancels until the container is made. On kept data, the job checks that the password opens it.
    const made = await runJob<CreatedInstance & { passwordCheck?: PasswordCheck }>(
      app,
      { kind: 'create', input, ...(seedFiles.length > 0 ? { seedFiles } : {}) },
      (job) =>
        job.progress.step === 'password'
          ? `Checking that the password opens the data kept for ${input.name}…`
          : job.progress.pull
            ? pullText(ref, job.progress.pull)
            : `Creating ${input.name}…`,
      { cancelling },
    );
    ({ passwordCheck, ...instance } = made);
  } else {
    // --no-start: a create job always starts its instance, so a container that is only made stays one call
    // of the core here, as before (Ctrl-C still removes what it made).
    const progress = new Progress(stderr);
    let made: CreatedInstance;
    try {
      made = await app.interruptible(
        (signal) =>
          dockbase.creation.create(input, {
            start: false,
            signal,
            ...(seedFiles.length > 0 ? { seedFiles } : {}),
            onPullProgress: (p) => progress.update(pullText(ref, p)),
            // Said when the registry could not be asked: the pull then says whether the tag exists.
            onImageCheck: (c) => (c.verdict === 'unchecked' ? note(stderr, c.message) : undefined),
          }),
        () => progress.done(cancelling),
      );
    } finally {
      progress.done();
    }
    instance = made;
    // Not a job: recorded here, where a host's backend keeps the history (a create job's end is recorded by whoever ran it).
    await recordCreated(app, made);
  }

  let ready = false;
  if (options.start && options.wait) {
    try {
      instance = await waitUntilReady(app, instance);
      ready = true;
    } catch (e) {
      if (isDockbaseError(e, 'cancelled')) note(stderr, `${instance.name} was created and is still starting.`);
      throw e;
    }
  }

  // Kept data keeps the user and database it was made with: a --user or --database it did not take is said.
  const ignored = [
    options.user && options.user !== instance.user ? `--user ${options.user}` : '',
    options.database && options.database !== instance.database ? `--database ${options.database}` : '',
  ].filter(Boolean);
  if (ignored.length > 0)
    note(stderr, `Note: ${instance.name} uses the data kept under its name, made with another user or database: ${ignored.join(' and ')} did not apply.`);
  // The data's own password, when it is not the one given: said on stderr (the url would not work).
  const checked = reportPassword(app, passwordCheck);
  if (instance.bindAddress !== '127.0.0.1') note(stderr, `Note: port ${instance.hostPort} is reachable from other machines on your network (--expose).`);
  const uri = connectionString(instance, password);
  if (options.json) {
    return printJson(stdout, {
      ...instanceJson(instance, { serverAnswered: ready }),
      ready,
      // `password` is the password itself with --show-password: the check's verdict has its own key.
      ...(checked.password ? { passwordCheck: checked.password } : {}),
      ...(options.showPassword ? { password, connectionString: uri } : {}),
    });
  }
  const state = !options.start ? 'created (not started)' : ready ? 'ready' : 'starting';
  const lines = [
    `${instance.name}: ${flavouredName(engine.displayName, instance.flavour)} ${instance.tag}, ${state}, on ${instance.bindAddress}:${instance.hostPort}`,
    `  url:      ${options.showPassword ? uri : instanceJson(instance).url}`,
    ...(options.showPassword ? [`  password: ${password}`] : []),
    `  data:     ${instance.volumes.length > 0 ? `${instance.volumes.join(', ')} (kept when the instance is deleted)` : 'not kept (--no-data)'}`,
  ];
  stdout.write(`${lines.join('\n')}\n`);
  if (!options.showPassword) note(stderr, `The password is not shown: \`dockbase url ${instance.name} --show-password\` prints it.`);
}

/** "5432" → 5432; anything else → NaN, which the core's validation explains as the tab does. */
function portNumber(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

function pullText(ref: string, p: Pick<PullProgress, 'done' | 'total'>): string {
  return p.total > 0 ? `Pulling ${ref}: ${p.done}/${p.total} layers` : `Pulling ${ref}…`;
}
