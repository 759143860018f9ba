/**
 * A project's databases from its dockbase.yaml: `up` makes what is missing and starts what is stopped,
 * `down` stops them (and deletes them, asked), `env` writes the app's variables into .env, `init` writes a
 * dockbase.yaml. Every change runs through the same jobs as `create`, `start`, `stop` and `rm`.
 */
import path from 'node:path';
import {
  DockbaseError,
  generatePassword,
  getEngine,
  isActive,
  isDockbaseError,
  type CreatedInstance,
  type EditResult,
  type ImportResult,
  type Instance,
} from '@dockbase/core';
import {
  MANIFEST_FILE,
  copiesOf,
  createInputFor,
  describeSettingDifference,
  draftFromCompose,
  draftFromInstances,
  formatEnv,
  instanceName,
  instanceValues,
  mergeEnv,
  planUp,
  projectInstances,
  projectNameFromFolder,
  renderTemplate,
  servingInstance,
  type DeclaredInstance,
  type InstanceValues,
  type ManifestDraft,
  type UpAction,
} from '@dockbase/core/projects';
import type { CliApp } from '../app';
import { ask } from '../confirm';
import { UsageError } from '../exit-codes';
import { instanceJson } from '../instances';
import { runJob } from '../jobs';
import { note, printJson } from '../output';
import { gitIgnores, loadProject, projectFile, readIfThere, writeFileAtomic, type Project } from '../project';
import { JSON_OPTION, type CommandModule } from './command';
import { waitUntilReady } from './wait';

/** What `up` did (or found) for one declared instance. */
export type UpOutcome = 'created' | 'started' | 'running';

interface UpResult {
  key: string;
  outcome: UpOutcome;
  instance: Instance;
  /** The seed that went into new data, when there was one. */
  seeded?: string;
  /** The settings changes that gave it the settings dockbase.yaml declares ("max_connections 100 → 200"). */
  settingsChanged?: string[];
}

const DIR_OPTION = ['-C, --dir <folder>', 'the project folder (default: this one, or the nearest above with a dockbase.yaml)'] as const;

export const up: CommandModule = {
  register(program, app) {
    program
      .command('up')
      .description("make and start the project's instances (dockbase.yaml): what runs is left as it is")
      .option(...DIR_OPTION)
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
Reads dockbase.yaml in this folder or the nearest above. For each instance it declares: made if missing
(a password of this machine's own, its init files or seed run once into the new data), started if stopped,
left alone if it runs. Server settings that differ from the file's are said and changed to the file's (the
container is replaced, the data stays); a version, port or flavour that differs is said, never changed.
Running it again changes nothing. On a git branch with its own copies (\`dockbase
branch\`), those serve instead. Conflicts (a port or a name another holds) are reported before anything is
made; if one step fails half-way, what was made stays and \`dockbase up\` again finishes the job.
Then \`dockbase env\` writes the app's variables into .env.`,
      )
      .action((options: { dir?: string; json?: boolean }) => runUp(app, options));
  },
};

async function runUp(app: CliApp, options: { dir?: string; json?: boolean }): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  const dockbase = app.dockbase();
  const [all, usage] = await Promise.all([dockbase.lifecycle.list(), dockbase.creation.usage()]);
  const plan = planUp(project.manifest, project, all, usage);
  if (plan.problems.length > 0) {
    const code = plan.problems.some((p) => /^Port /.test(p)) ? 'port-in-use' : 'name-in-use';
    throw new DockbaseError(code, `Nothing was made or started:\n  ${plan.problems.join('\n  ')}`);
  }
  // Every file the plan will read, checked before anything is made.
  const files = new Map<string, { init: string[]; seed?: string }>();
  for (const a of plan.actions) {
    if (a.kind !== 'create') continue;
    const init = await Promise.all(a.declared.init.map((f) => projectFile(project, f, 'The init file')));
    const seed = a.declared.seed && 'file' in a.declared.seed ? await projectFile(project, a.declared.seed.file, 'The seed file') : undefined;
    files.set(a.declared.key, { init, ...(seed ? { seed } : {}) });
  }
  const snapshots = plan.actions.some((a) => a.kind === 'create' && a.declared.seed && 'snapshot' in a.declared.seed) ? await dockbase.snapshots.list() : [];
  for (const a of plan.actions) {
    const seed = a.kind === 'create' ? a.declared.seed : undefined;
    if (seed && 'snapshot' in seed && !snapshots.some((s) => s.name === seed.snapshot && s.engine === a.declared.engine))
      throw new UsageError(`The seed snapshot “${seed.snapshot}” of ${a.declared.key} is not on this machine (\`dockbase snapshot ls\`). Nothing was made.`);
  }
  for (const d of plan.drift) note(app.io.stderr, `Note: ${d}`);
  // Settings are not destructive: up gives the instance the file's, after saying which and from what.
  const settingDifferences = plan.actions.flatMap((a) =>
    a.kind !== 'create' && a.settings ? a.settings.differences.map((d) => ({ key: a.declared.key, instance: a.instance.name, ...d })) : [],
  );
  for (const d of settingDifferences) note(app.io.stderr, `${describeSettingDifference(d.instance, d)}: up sets what the file says.`);

  const done: UpResult[] = [];
  for (const action of plan.actions) {
    try {
      done.push(await applyAction(app, project, action, files.get(action.declared.key), snapshots));
    } catch (e) {
      throw halfway(e, done, plan.actions, action);
    }
  }
  if (options.json)
    return printJson(app.io.stdout, {
      project: project.name,
      path: project.root,
      ...(project.branch ? { branch: project.branch } : {}),
      instances: done.map((r) => ({
        key: r.key,
        outcome: r.outcome,
        ...(r.seeded ? { seeded: r.seeded } : {}),
        ...(r.settingsChanged ? { settingsChanged: r.settingsChanged } : {}),
        ...instanceJson(r.instance, r.outcome === 'running' ? {} : { serverAnswered: true }),
      })),
      drift: plan.drift,
      settingDifferences,
    });
  for (const r of done) {
    const outcome = r.outcome === 'created' ? `created${r.seeded ? `, seeded from ${r.seeded}` : ''}` : r.outcome === 'started' ? 'started' : 'already running';
    const what = r.settingsChanged ? `${outcome}; settings changed: ${r.settingsChanged.join(', ')}` : outcome;
    app.io.stdout.write(
      `${r.key}: ${what} (${r.instance.name}, ${getEngine(r.instance.engine).displayName} ${r.instance.tag}, 127.0.0.1:${r.instance.hostPort})\n`,
    );
  }
  if (project.manifest.env.length > 0 && done.some((r) => r.outcome === 'created'))
    note(app.io.stderr, '`dockbase env` writes the variables for the app into .env.');
}

/** An up that failed part-way: what it made or started, what it did not, and that running it again finishes. */
function halfway(e: unknown, done: readonly UpResult[], actions: readonly UpAction[], failed: UpAction): Error {
  if (isDockbaseError(e, 'cancelled')) return e;
  const doneText = done.length > 0 ? done.map((r) => `${r.key} (${r.outcome})`).join(', ') : 'nothing';
  const rest = actions.slice(actions.indexOf(failed) + 1).map((a) => a.declared.key);
  const message =
    `up stopped at ${failed.declared.key}: ${(e as Error).message}\n` +
    `  Done: ${doneText}.\n  Not done: ${[failed.declared.key, ...rest].join(', ')}.\n` +
    '  Fix the cause and run `dockbase up` again: it keeps what is done and finishes the rest.';
  return isDockbaseError(e) ? new DockbaseError(e.code, message, e.field) : new Error(message);
}

async function applyAction(
  app: CliApp,
  project: Project,
  action: UpAction,
  files: { init: string[]; seed?: string } | undefined,
  snapshots: readonly { id: string; name: string; engine: string }[],
): Promise<UpResult> {
  const dockbase = app.dockbase();
  const key = action.declared.key;
  // The declared settings, through the same edit as `dockbase edit --setting` (the instance keeps running or stopped as it was).
  let settingsChanged: string[] | undefined;
  // Another branch's copy on the port stops first: the edit proves new settings with a start.
  if (action.kind === 'start')
    for (const other of action.stopFirst) await runJob(app, { kind: 'stop', instanceId: other.id }, () => `Stopping ${other.name} (it shares the port)…`);
  if (action.kind !== 'create' && action.settings) {
    const edited = await runJob<EditResult>(
      app,
      { kind: 'edit', instanceId: action.instance.id, changes: { settings: action.settings.settings } },
      (job) => `Changing the settings of ${action.instance.name} to dockbase.yaml's: ${job.progress.step ?? 'starting'}…`,
      { cancelling: 'Cancelling the change (possible until its new container is made)…' },
    );
    settingsChanged = edited.changes;
  }
  const changed = settingsChanged ? { settingsChanged } : {};
  if (action.kind === 'keep')
    return { key, outcome: 'running', instance: settingsChanged ? await dockbase.lifecycle.get(action.instance.id) : action.instance, ...changed };
  if (action.kind === 'start') {
    await runJob(app, { kind: 'start', instanceId: action.instance.id }, () => `Starting ${action.instance.name}…`);
    return { key, outcome: 'started', instance: await dockbase.lifecycle.get(action.instance.id), ...changed };
  }
  const ref = { name: project.name, path: project.path };
  const input = createInputFor(action.declared, action.name, ref, generatePassword());
  const seed = action.declared.seed;
  let made: Instance;
  if (seed && 'snapshot' in seed) {
    const snapshot = snapshots.find((s) => s.name === seed.snapshot && s.engine === action.declared.engine);
    if (!snapshot) throw new UsageError(`The seed snapshot “${seed.snapshot}” is not on this machine.`);
    const { engine: _engine, image: _image, persistData: _persist, ...cloneInput } = input;
    made = await runJob<Instance>(
      app,
      { kind: 'clone', snapshotId: snapshot.id, input: { ...cloneInput, tag: input.tag } },
      () => `Creating ${action.name} from “${seed.snapshot}”…`,
    );
  } else {
    const created = await runJob<CreatedInstance>(
      app,
      { kind: 'create', input, ...(files && files.init.length > 0 ? { seedFiles: files.init } : {}) },
      (job) => (job.progress.pull ? `Pulling the image for ${action.name}…` : `Creating ${action.name}…`),
    );
    made = created;
    if (created.reusedData) {
      note(
        app.io.stderr,
        `${key}: ${action.name} uses the data kept under its name${files?.seed ? `; the seed ${path.basename(files.seed)} was not imported into it` : ''}.`,
      );
    } else if (files?.seed) {
      made = await waitUntilReady(app, made);
      await seedFromFile(app, made, files.seed);
      return { key, outcome: 'created', instance: await dockbase.lifecycle.get(made.id), seeded: path.relative(project.root, files.seed) };
    }
  }
  return {
    key,
    outcome: 'created',
    instance: await waitUntilReady(app, made),
    ...(seed && 'snapshot' in seed ? { seeded: `snapshot “${seed.snapshot}”` } : {}),
  };
}

/**
 * A seed dump imported with the engine's own tool into new data. When it fails, the new instance and its
 * new data go again (they held nothing else), so that the next `up` makes and seeds it from the start.
 */
async function seedFromFile(app: CliApp, instance: Instance, file: string): Promise<void> {
  const dockbase = app.dockbase();
  try {
    const sent = await dockbase.backups.sendImportFile(instance, file);
    try {
      const result = await runJob<ImportResult>(
        app,
        { kind: 'import', instanceId: instance.id, file: sent.temp, fileName: sent.fileName },
        () => `Seeding ${instance.name} from ${sent.fileName}…`,
      );
      // The import kept the data from before as a snapshot: the new instance's empty data, of use to no one.
      await dockbase.snapshots.remove(result.kept).catch(() => undefined);
    } catch (e) {
      await dockbase.backups.discardImportFile(instance, sent);
      throw e;
    }
  } catch (e) {
    await runJob(app, { kind: 'delete', instanceId: instance.id, removeData: true }, () => `Removing ${instance.name} again (its seed failed)…`).catch(
      () => undefined,
    );
    throw new DockbaseError(
      isDockbaseError(e) ? e.code : 'command-failed',
      `its seed ${path.basename(file)} could not be imported, so ${instance.name} was removed again: ${(e as Error).message}`,
    );
  }
}

export const down: CommandModule = {
  register(program, app) {
    program
      .command('down')
      .description("stop the project's instances (dockbase.yaml); --delete removes them too")
      .option(...DIR_OPTION)
      .option('--delete', "remove the instances too (each branch's copies as well); their data is kept unless --with-data")
      .option('--with-data', 'with --delete: delete their data volumes too (asks first; this cannot be undone)')
      .option('-y, --yes', 'do not ask (needed for --with-data without a terminal)')
      .option(...JSON_OPTION)
      .action((options: { dir?: string; delete?: boolean; withData?: boolean; yes?: boolean; json?: boolean }) => runDown(app, options));
  },
};

async function runDown(app: CliApp, options: { dir?: string; delete?: boolean; withData?: boolean; yes?: boolean; json?: boolean }): Promise<void> {
  if (options.withData && !options.delete) throw new UsageError('--with-data goes with --delete.');
  const project = await loadProject(options.dir ?? process.cwd());
  const dockbase = app.dockbase();
  const mine = projectInstances(await dockbase.lifecycle.list(), project).filter((i) => i.project?.path === project.path);
  if (options.withData && mine.some((i) => i.volumes.length > 0) && !options.yes) {
    if (!(app.io.stdin.isTTY && app.io.stderr.isTTY))
      throw new UsageError(`Not deleted: the data of ${mine.map((i) => i.name).join(', ')} goes too. Pass --yes to delete it anyway.`);
    const answer = await ask(
      app,
      `Delete ${mine.map((i) => i.name).join(', ')} and their data (${mine.flatMap((i) => i.volumes).join(', ')})? This cannot be undone. Type ${project.name} to confirm: `,
    );
    if (answer !== project.name) throw new Error('Nothing was deleted.');
  }
  const results: Array<{ name: string; outcome: 'stopped' | 'stopped already' | 'deleted' }> = [];
  for (const i of mine) {
    if (isActive(i)) await runJob(app, { kind: 'stop', instanceId: i.id }, () => `Stopping ${i.name}…`);
    if (options.delete) {
      await runJob(app, { kind: 'delete', instanceId: i.id, removeData: options.withData ?? false }, () => `Deleting ${i.name}…`);
      results.push({ name: i.name, outcome: 'deleted' });
    } else results.push({ name: i.name, outcome: isActive(i) ? 'stopped' : 'stopped already' });
  }
  if (options.json) return printJson(app.io.stdout, { project: project.name, path: project.root, instances: results, dataDeleted: Boolean(options.withData) });
  if (results.length === 0) app.io.stdout.write(`${project.name} has no instances.\n`);
  for (const r of results) app.io.stdout.write(`${r.name}: ${r.outcome}\n`);
  if (options.delete && !options.withData && mine.some((i) => i.volumes.length > 0))
    note(app.io.stderr, 'Their data is kept in its volumes: `dockbase up` makes the instances again on it.');
}

export const env: CommandModule = {
  register(program, app) {
    program
      .command('env')
      .description("write the app's variables (dockbase.yaml's env) into .env, keeping the rest of the file as it is")
      .option(...DIR_OPTION)
      .option('--print', 'print the variables on stdout instead of writing .env')
      .option('--file <name>', 'the file to write, in the project folder', '.env')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
Only the keys dockbase.yaml's env lists are written: a key already in the file gets its new value on its
own line; a missing one is added at the end; every other line (comments, other keys) stays byte for byte.
The values hold this machine's passwords: keep .env out of git (a warning says so when git would commit it).`,
      )
      .action((options: { dir?: string; print?: boolean; file: string; json?: boolean }) => runEnv(app, options));
  },
};

async function runEnv(app: CliApp, options: { dir?: string; print?: boolean; file: string; json?: boolean }): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  if (project.manifest.env.length === 0) throw new UsageError(`${MANIFEST_FILE} lists no variables under "env:".`);
  if (options.file.includes('/') || options.file.includes(path.sep) || options.file.startsWith('..'))
    throw new UsageError('--file names a file in the project folder, without a path.');
  const dockbase = app.dockbase();
  const mine = projectInstances(await dockbase.lifecycle.list(), project).filter((i) => i.project?.path === project.path);
  const values = new Map<string, InstanceValues>();
  const used = new Set(project.manifest.env.flatMap((v) => [...v.template.matchAll(/\{\{\s*([a-z0-9_-]+)\./g)].map((m) => m[1] ?? '')));
  for (const d of project.manifest.instances) {
    if (!used.has(d.key)) continue;
    const instance = servingInstance(mine, project, d);
    if (!instance) throw new DockbaseError('not-found', `${d.key} has no instance yet (${instanceName(project.name, d.key)}): run \`dockbase up\` first.`);
    values.set(d.key, await valuesOf(app, instance));
  }
  const pairs = project.manifest.env.map((v) => [v.name, renderTemplate(v.template, values)] as const);
  if (options.print) {
    if (options.json) return printJson(app.io.stdout, Object.fromEntries(pairs));
    app.io.stdout.write(formatEnv(pairs));
    return;
  }
  const file = path.join(project.root, options.file);
  const merged = mergeEnv((await readIfThere(file)) ?? '', pairs);
  if (merged.updated.length > 0 || merged.added.length > 0) await writeFileAtomic(file, merged.text, { mode: 0o600 });
  if ((await gitIgnores(project.root, options.file)) === false)
    note(app.io.stderr, `Warning: git does not ignore ${options.file}, which holds this machine's passwords: add it to .gitignore.`);
  if (options.json) return printJson(app.io.stdout, { file, updated: merged.updated, added: merged.added });
  const changed = [...merged.updated, ...merged.added];
  app.io.stdout.write(changed.length > 0 ? `${options.file}: ${changed.join(', ')} written\n` : `${options.file}: up to date\n`);
}

/** What templates read of an instance: its real connection string and password, from its container. */
export async function valuesOf(app: CliApp, instance: Instance): Promise<InstanceValues> {
  const dockbase = app.dockbase();
  const d = await dockbase.lifecycle.details(instance);
  const password = getEngine(instance.engine).readPassword({ env: d.env, cmd: d.cmd }) ?? '';
  const connection = await dockbase.lifecycle.connection(instance);
  return { ...instanceValues(instance, password), url: connection.uri };
}

export const init: CommandModule = {
  register(program, app) {
    program
      .command('init')
      .description('write a dockbase.yaml from instances you pick, or from the database services of a docker-compose file')
      .argument('[instances...]', 'the instances to declare (by name)')
      .option('--from-compose [file]', 'read the database services of a compose file (default: docker-compose.yaml, compose.yaml, ...)')
      .option('--project <name>', "the project's name (default: the folder's)")
      .option('--print', 'print the file on stdout instead of writing it')
      .option(...DIR_OPTION)
      .addHelpText(
        'after',
        `
dockbase.yaml is never overwritten. Passwords are never written into it: each machine makes its own.
From instances: their engine, version, image, port, user and database; \`dockbase up\` then makes the
project's own instances (named <project>-<key>), which need the port: stop the picked ones first.

Examples:
  dockbase init --from-compose
  dockbase init app-db cache --project shop`,
      )
      .action((names: string[], options: { fromCompose?: string | boolean; project?: string; print?: boolean; dir?: string }) => runInit(app, names, options));
  },
};

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

async function runInit(
  app: CliApp,
  names: string[],
  options: { fromCompose?: string | boolean; project?: string; print?: boolean; dir?: string },
): Promise<void> {
  const root = path.resolve(options.dir ?? process.cwd());
  const target = path.join(root, MANIFEST_FILE);
  if (!options.print && (await readIfThere(target)) !== undefined) throw new UsageError(`${target} already exists: Dockbase does not overwrite it.`);
  const folderName = projectNameFromFolder(path.basename(root));
  const project = options.project ?? (folderName || undefined);
  if (options.project !== undefined && projectNameFromFolder(options.project) !== options.project)
    throw new UsageError('--project: use lower-case letters, digits, "_", "." and "-".');
  // The project's name is written only when the folder's name would not give it.
  const named = options.project !== undefined && options.project !== folderName ? options.project : undefined;
  let draft: ManifestDraft;
  if (options.fromCompose !== undefined) {
    if (names.length > 0) throw new UsageError('Give instances or --from-compose, not both.');
    const file = typeof options.fromCompose === 'string' ? path.resolve(root, options.fromCompose) : await firstCompose(root);
    const text = await readIfThere(file);
    if (text === undefined) throw new UsageError(`No such file: ${file}.`);
    draft = draftFromCompose(named, text);
    for (const s of draft.skipped) note(app.io.stderr, `Skipped the service ${s.service}: ${s.reason}.`);
  } else {
    const all = await app.dockbase().lifecycle.list();
    let picked: Instance[];
    if (names.length > 0) {
      picked = names.map((n) => {
        const found = all.find((i) => i.name === n);
        if (!found) throw new DockbaseError('not-found', `No Dockbase instance is named "${n}". \`dockbase list\` shows them.`);
        return found;
      });
    } else {
      picked = await pickInstances(app, all);
    }
    draft = draftFromInstances(named, picked, project);
  }
  if (options.print) {
    app.io.stdout.write(draft.text);
    return;
  }
  await writeFileAtomic(target, draft.text, { exclusive: true });
  app.io.stdout.write(
    `Wrote ${target}: ${draft.manifest.instances.map((d: DeclaredInstance) => `${d.key} (${d.engine} ${d.version}, port ${d.port})`).join(', ')}.\n`,
  );
  note(app.io.stderr, '`dockbase up` makes and starts them; `dockbase env` writes .env.');
}

async function firstCompose(root: string): Promise<string> {
  for (const name of COMPOSE_FILES) if ((await readIfThere(path.join(root, name))) !== undefined) return path.join(root, name);
  throw new UsageError(`No compose file in ${root} (${COMPOSE_FILES.join(', ')}): give it with --from-compose <file>.`);
}

/** On a terminal: the instances listed, the user types the numbers of those to declare. */
async function pickInstances(app: CliApp, all: readonly Instance[]): Promise<Instance[]> {
  if (!(app.io.stdin.isTTY && app.io.stderr.isTTY)) throw new UsageError('Name the instances to declare (dockbase init NAME...), or use --from-compose.');
  const free = all.filter((i) => !i.project);
  if (free.length === 0) throw new UsageError('No instance belongs to no project: create one first, or use --from-compose.');
  app.io.stderr.write(free.map((i, n) => `  ${n + 1}. ${i.name} (${getEngine(i.engine).displayName} ${i.tag}, port ${i.hostPort})\n`).join(''));
  const answer = await ask(app, 'Numbers of the instances to declare (e.g. 1 3): ');
  const picked = answer
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((n) => free[Number(n) - 1]);
  if (picked.length === 0 || picked.some((i) => i === undefined)) throw new UsageError('No instance picked: nothing was written.');
  return picked as Instance[];
}

/** The copies of each declared instance on this machine (for `branch`). */
export function declaredCopies(project: Project, all: readonly Instance[]): Map<string, Instance[]> {
  const mine = projectInstances(all, project).filter((i) => i.project?.path === project.path);
  return new Map(project.manifest.instances.map((d) => [d.key, copiesOf(mine, project, d)]));
}
