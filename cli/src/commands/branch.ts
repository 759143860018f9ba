/**
 * Branch databases: `dockbase branch` gives the checked-out git branch its own copy of the project's
 * instances (the data at branching time, copied once straight into new volumes, on the same port and with
 * the same password, so the app's .env does not change); `branch switch` stops the other copies and starts
 * the branch's (the post-checkout hook `dockbase hook install` adds runs it); `branch ls` lists the copies
 * and those of branches git no longer has; `branch rm` deletes a branch's copies when asked. Each step is
 * one of the core's jobs (branch, stop, start, delete).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DockbaseError, isActive, isDockbaseError, type BranchCopyResult, type Instance } from '@dockbase/core';
import { branchInstanceName, projectInstances, servingInstance } from '@dockbase/core/projects';
import type { CliApp } from '../app';
import { ask } from '../confirm';
import { UsageError } from '../exit-codes';
import { runJob } from '../jobs';
import { note, printJson } from '../output';
import { gitBranches, gitHooksDir, loadProject, writeFileAtomic, type Project } from '../project';
import { JSON_OPTION, type CommandModule } from './command';

const DIR_OPTION = ['-C, --dir <folder>', 'the project folder (default: this one, or the nearest above with a dockbase.yaml)'] as const;

interface BranchOptions {
  dir?: string;
  json?: boolean;
}

export const branch: CommandModule = {
  register(program, app) {
    const command = program
      .command('branch')
      .description("branch databases: give the git branch checked out its own copy of the project's instances")
      .addHelpText(
        'after',
        `
\`dockbase branch\` (or \`branch create\`): each instance of dockbase.yaml is copied (its data as it is now)
into a copy of this branch's own, on the same port and with the same password: .env stays as it is. The
copy runs; the instance it was made from stops (its data stays). \`dockbase hook install\` makes
\`git checkout\` switch them; \`dockbase branch switch\` does it by hand. Copies of branches git no longer
has are listed by \`dockbase branch ls\`, and deleted only by \`dockbase branch rm BRANCH\`.`,
      );
    const create = (options: BranchOptions) => runCreate(app, options);
    command
      .option(...DIR_OPTION)
      .option(...JSON_OPTION)
      .action(create);
    command
      .command('create')
      .description("copy the project's instances for the branch checked out")
      .option(...DIR_OPTION)
      .option(...JSON_OPTION)
      .action(create);
    command
      .command('switch')
      .description("serve a branch: stop the other copies of the project's instances and start its own (the project's own when it has none)")
      .argument('[branch]', 'the branch (default: the one checked out)')
      .option(...DIR_OPTION)
      .option('--quiet', 'print nothing when nothing changes (the git hook)')
      .option(...JSON_OPTION)
      .action((name: string | undefined, options: BranchOptions & { quiet?: boolean }) => runSwitch(app, name, options));
    command
      .command('ls')
      .description("list each branch's copies, and those of branches gone from git")
      .option(...DIR_OPTION)
      .option(...JSON_OPTION)
      .action((options: BranchOptions) => runList(app, options));
    command
      .command('rm')
      .description("delete a branch's copies and their data (asks first)")
      .argument('<branch>', 'the branch')
      .option(...DIR_OPTION)
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...JSON_OPTION)
      .action((name: string, options: BranchOptions & { yes?: boolean }) => runRemove(app, name, options));
  },
};

export const hook: CommandModule = {
  register(program, app) {
    program
      .command('hook')
      .description('git hooks for branch databases')
      .command('install')
      .description("add a post-checkout hook: `git checkout` then switches the project's instances to the new branch's")
      .option(...DIR_OPTION)
      .action((options: { dir?: string }) => runHookInstall(app, options));
  },
};

/** The project's instances made in this folder (another checkout's are not this one's). */
function mineOf(project: Project, all: readonly Instance[]): Instance[] {
  return projectInstances(all, project).filter((i) => i.project?.path === project.path);
}

async function checkedOut(project: Project): Promise<string> {
  if (!project.branch) throw new UsageError(`${project.root} is not on a git branch (outside git, or a detached HEAD): branch databases follow git branches.`);
  return project.branch;
}

async function runCreate(app: CliApp, options: BranchOptions): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  const name = await checkedOut(project);
  const dockbase = app.dockbase();
  const mine = mineOf(project, await dockbase.lifecycle.list());
  const made: Array<{ key: string; instance: Instance; from: string; copied: boolean }> = [];
  // Check first: every declared instance has a source, and no copy of this branch exists yet.
  const plans = project.manifest.instances.map((d) => {
    const copyName = branchInstanceName(project.name, d.key, name);
    const existing = mine.find((i) => i.name === copyName);
    const copies = mine.filter((i) => i.name === `${project.name}-${d.key}` || i.name.startsWith(`${project.name}-${d.key}--`));
    // The data the branch starts from: the copy serving now (running), else the project's own.
    const source = copies.find((i) => isActive(i)) ?? servingInstance(mine, { ...project, branch: undefined }, d);
    if (!existing && !source) throw new DockbaseError('not-found', `${d.key} has no instance to copy: run \`dockbase up\` first.`);
    return { declared: d, copyName, existing, source: source as Instance };
  });
  for (const p of plans) {
    if (p.existing) {
      made.push({ key: p.declared.key, instance: p.existing, from: '', copied: false });
      continue;
    }
    try {
      made.push({ key: p.declared.key, instance: await copyForBranch(app, project, name, p.source, p.copyName), from: p.source.name, copied: true });
    } catch (e) {
      const done = made.filter((m) => m.copied).map((m) => m.key);
      const message =
        `branch stopped at ${p.declared.key}: ${(e as Error).message}\n  Copied: ${done.length > 0 ? done.join(', ') : 'nothing'}.\n` +
        '  Run `dockbase branch` again to finish (what is copied stays).';
      throw isDockbaseError(e) ? new DockbaseError(e.code, message) : new Error(message);
    }
  }
  // Copies that existed already are served now too.
  const serving = await switchTo(app, project, name);
  if (options.json)
    return printJson(app.io.stdout, {
      project: project.name,
      branch: name,
      instances: made.map((m) => ({ key: m.key, name: m.instance.name, copied: m.copied, ...(m.from ? { from: m.from } : {}), port: m.instance.hostPort })),
      ...serving,
    });
  for (const m of made)
    app.io.stdout.write(
      `${m.key}: ${m.copied ? `copied from ${m.from} into ${m.instance.name}` : `${m.instance.name} (this branch's copy already)`}, port ${m.instance.hostPort}\n`,
    );
}

/** What the progress line says at each step of the core's branch copy. */
const BRANCH_STEP_WORDS: Record<string, string> = {
  stop: 'stopping it (its copy takes the port)',
  copy: 'copying its data',
  start: 'starting the copy',
  ready: 'waiting for the copy to answer',
};

/**
 * One copy, as the core's `branch` job (the same for every door, one job per instance at a time): the source
 * stopped (the copy takes its port), its data volumes copied straight into the copy's, the copy started on
 * the same port with the source's password and waited for. On a failure the job leaves nothing of the copy
 * and the source runs again if it ran.
 */
async function copyForBranch(app: CliApp, project: Project, name: string, source: Instance, copyName: string): Promise<Instance> {
  return runJob<BranchCopyResult>(
    app,
    { kind: 'branch', instanceId: source.id, input: { name: copyName, project: { name: project.name, path: project.path, branch: name } } },
    (job) => `Copying ${source.name} into ${copyName}${job.progress.step ? `: ${BRANCH_STEP_WORDS[job.progress.step] ?? job.progress.step}` : ''}…`,
  );
}

/** Stops every copy that does not serve `name` and starts those that do; what changed. */
async function switchTo(app: CliApp, project: Project, name: string | undefined): Promise<{ stopped: string[]; started: string[] }> {
  const dockbase = app.dockbase();
  const mine = mineOf(project, await dockbase.lifecycle.list());
  const stopped: string[] = [];
  const started: string[] = [];
  const targets = project.manifest.instances.map((d) => ({ d, target: servingInstance(mine, { ...project, branch: name }, d) }));
  const keep = new Set(targets.map((t) => t.target?.id));
  // Stops first: a copy and the one it replaces share a port.
  for (const i of mine) {
    if (keep.has(i.id) || !isActive(i)) continue;
    await runJob(app, { kind: 'stop', instanceId: i.id }, () => `Stopping ${i.name}…`);
    stopped.push(i.name);
  }
  for (const { d, target } of targets) {
    if (!target) {
      note(app.io.stderr, `${d.key} has no instance yet: \`dockbase up\` makes it.`);
      continue;
    }
    if (target.status === 'running') continue;
    await runJob(app, { kind: 'start', instanceId: target.id }, () => `Starting ${target.name}…`);
    started.push(target.name);
  }
  return { stopped, started };
}

async function runSwitch(app: CliApp, name: string | undefined, options: BranchOptions & { quiet?: boolean }): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  const target = name ?? project.branch;
  const changed = await switchTo(app, project, target);
  if (options.json) return printJson(app.io.stdout, { project: project.name, ...(target ? { branch: target } : {}), ...changed });
  if (options.quiet && changed.stopped.length === 0 && changed.started.length === 0) return;
  for (const s of changed.stopped) app.io.stdout.write(`${s}: stopped\n`);
  for (const s of changed.started) app.io.stdout.write(`${s}: started\n`);
  if (changed.stopped.length === 0 && changed.started.length === 0) app.io.stdout.write(`${project.name}: ${target ?? 'its own instances'} served already\n`);
}

async function runList(app: CliApp, options: BranchOptions): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  const mine = mineOf(project, await app.dockbase().lifecycle.list());
  const known = new Set(await gitBranches(project.root));
  const byBranch = new Map<string, Instance[]>();
  for (const i of mine) if (i.project?.branch) byBranch.set(i.project.branch, [...(byBranch.get(i.project.branch) ?? []), i]);
  const rows = [...byBranch].map(([b, list]) => ({ branch: b, gone: !known.has(b), instances: list.map((i) => ({ name: i.name, state: i.status })) }));
  if (options.json) return printJson(app.io.stdout, { project: project.name, ...(project.branch ? { checkedOut: project.branch } : {}), branches: rows });
  if (rows.length === 0) app.io.stdout.write(`${project.name} has no branch copies.\n`);
  for (const r of rows)
    app.io.stdout.write(
      `${r.branch}${r.gone ? ' (gone from git)' : ''}${r.branch === project.branch ? ' (checked out)' : ''}: ${r.instances.map((i) => `${i.name} ${i.state}`).join(', ')}\n`,
    );
  const gone = rows.filter((r) => r.gone).map((r) => r.branch);
  if (gone.length > 0)
    note(app.io.stderr, `Branches gone from git keep their copies until you delete them: ${gone.map((b) => `\`dockbase branch rm ${b}\``).join(', ')}.`);
}

async function runRemove(app: CliApp, name: string, options: BranchOptions & { yes?: boolean }): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  const copies = mineOf(project, await app.dockbase().lifecycle.list()).filter((i) => i.project?.branch === name);
  if (copies.length === 0) throw new DockbaseError('not-found', `${project.name} has no copies for the branch ${name}.`);
  if (!options.yes) {
    if (!(app.io.stdin.isTTY && app.io.stderr.isTTY)) throw new UsageError(`Not deleted: the copies of ${name} and their data go. Pass --yes to delete them.`);
    const answer = await ask(app, `Delete ${copies.map((i) => i.name).join(', ')} and their data? This cannot be undone. Type ${name} to confirm: `);
    if (answer !== name) throw new Error('Nothing was deleted.');
  }
  for (const i of copies) await runJob(app, { kind: 'delete', instanceId: i.id, removeData: true }, () => `Deleting ${i.name}…`);
  if (options.json) return printJson(app.io.stdout, { project: project.name, branch: name, deleted: copies.map((i) => i.name) });
  app.io.stdout.write(`Deleted ${copies.map((i) => i.name).join(', ')}.\n`);
}

/** The marker Dockbase's hook carries: a hook with it is Dockbase's to rewrite; any other is the user's. */
export const HOOK_MARKER = '# dockbase: branch databases';

/** The post-checkout hook: on a branch checkout (not a file checkout), switch the project's instances. */
export function hookScript(fallback: { node: string; bin: string }): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    "# On `git checkout <branch>` / `git switch`, the project's instances switch to the new branch's copies",
    '# (`dockbase branch switch`). A failure is said and never fails the checkout.',
    '[ "$3" = "1" ] || exit 0',
    'if command -v dockbase >/dev/null 2>&1; then',
    '  dockbase branch switch --quiet || echo "dockbase: the branch databases were not switched (see above)" >&2',
    `elif [ -x ${q(fallback.node)} ] && [ -f ${q(fallback.bin)} ]; then`,
    `  ${q(fallback.node)} ${q(fallback.bin)} branch switch --quiet || echo "dockbase: the branch databases were not switched (see above)" >&2`,
    'fi',
    'exit 0',
    '',
  ].join('\n');
}

async function runHookInstall(app: CliApp, options: { dir?: string }): Promise<void> {
  const project = await loadProject(options.dir ?? process.cwd());
  const hooks = await gitHooksDir(project.root);
  if (!hooks) throw new UsageError(`${project.root} is not in a git repository.`);
  await fs.mkdir(hooks, { recursive: true });
  const file = path.join(hooks, 'post-checkout');
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current !== undefined && !current.includes(HOOK_MARKER))
    throw new UsageError(`${file} exists and is not Dockbase's: add this line to it yourself:\n  [ "$3" = "1" ] && dockbase branch switch --quiet`);
  const script = hookScript({ node: process.execPath, bin: path.resolve(process.argv[1] ?? '') });
  await writeFileAtomic(file, script, { mode: 0o755 });
  app.io.stdout.write(`${current === undefined ? 'Installed' : 'Updated'} ${file}: \`git checkout\` now switches ${project.name}'s instances.\n`);
}
