/**
 * What `dockbase up` does, decided before it does anything: for each instance dockbase.yaml declares, the
 * instance that serves it now (this branch's own copy, else the project's own), and whether it is made,
 * started or left as it is. Conflicts that would stop it half-way (a name or a port another holds) are
 * found here, all at once, so that nothing is made when `up` cannot finish.
 */
import { flavouredName, getEngine, getFlavour } from '../engines';
import { CONNECT_HOST, connectionString } from '../model/connection';
import type { Instance, ProjectRef } from '../model/instance';
import type { ServerSettings } from '../model/settings';
import { MAX_NAME_LENGTH, type CreateInstanceInput, type EngineUsage } from '../model/validation';
import { instanceName, type DeclaredInstance, type InstanceValues, type ProjectManifest } from './manifest';

/** The project `up` works for: its name, its folder, and the git branch checked out (none outside git). */
export interface ProjectContext {
  name: string;
  path: string;
  branch?: string;
}

/** One server setting on which dockbase.yaml and the instance's container differ (undefined: not set there). */
export interface SettingDifference {
  name: string;
  declared?: string;
  actual?: string;
}

/**
 * The settings dockbase.yaml declares for an instance whose container has others: `up` gives it these (an
 * edit: the container is replaced, the data stays). No `settings:` in the file declares none.
 */
export interface SettingsUpdate {
  settings: ServerSettings;
  differences: SettingDifference[];
}

export type UpAction =
  /** Nothing serves this declaration yet: create it (and seed it). */
  | { kind: 'create'; declared: DeclaredInstance; name: string }
  /**
   * It exists and is stopped: start it (after stopping `stopFirst`, another branch's copy on its port), with
   * the declared settings first when they differ.
   */
  | { kind: 'start'; declared: DeclaredInstance; instance: Instance; stopFirst: Instance[]; settings?: SettingsUpdate }
  /** It runs: nothing to do, unless its settings differ from the declared ones (then they are applied). */
  | { kind: 'keep'; declared: DeclaredInstance; instance: Instance; settings?: SettingsUpdate };

export interface UpPlan {
  actions: UpAction[];
  /** Why `up` cannot go ahead (nothing is done when there is one). */
  problems: string[];
  /** Differences between the file and an existing instance that `up` leaves as they are (said, never changed). */
  drift: string[];
}

/** Where `declared` and `actual` differ, name by name (the order they are given in does not count). */
export function settingDifferences(declared: ServerSettings | undefined, actual: ServerSettings | undefined): SettingDifference[] {
  const d = declared ?? {};
  const a = actual ?? {};
  const has = (o: ServerSettings, n: string) => Object.prototype.hasOwnProperty.call(o, n);
  const out: SettingDifference[] = [];
  for (const name of new Set([...Object.keys(d), ...Object.keys(a)])) {
    if (has(d, name) && has(a, name) && d[name] === a[name]) continue;
    out.push({ name, ...(has(d, name) ? { declared: d[name] } : {}), ...(has(a, name) ? { actual: a[name] } : {}) });
  }
  return out;
}

/** "pg-app: max_connections: dockbase.yaml says 200, it has 100", for people. */
export function describeSettingDifference(instance: string, d: SettingDifference): string {
  const declared = d.declared === undefined ? 'does not set it' : `says ${d.name}=${d.declared}`;
  const actual = d.actual === undefined ? 'it has none' : `it has ${d.name}=${d.actual}`;
  return `${instance}: setting ${d.name}: dockbase.yaml ${declared}, ${actual}`;
}

/** The project's instances among all (matched by project name: the path tells two checkouts apart). */
export function projectInstances(all: readonly Instance[], project: Pick<ProjectContext, 'name'>): Instance[] {
  return all.filter((i) => i.project?.name === project.name);
}

/** The name a branch's own copy of an instance gets: `<project>-<key>--<branch>`, the branch made safe for a name. */
export function branchInstanceName(project: string, key: string, branch: string): string {
  const base = instanceName(project, key);
  // Two branches that read alike once made safe ("a/b", "a-b") get different names: a short hash of the real one.
  const hash = shortHash(`${base}\n${branch}`);
  const safe = branch.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+/, '');
  const full = `${base}--${safe}-${hash}`;
  // An instance name has at most 63 characters: a long one keeps the start of each part and the hash.
  return full.length <= MAX_NAME_LENGTH ? full : `${base.slice(0, 40)}--${safe.slice(0, MAX_NAME_LENGTH - 50)}-${hash}`;
}

function shortHash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36).padStart(6, '0').slice(0, 6);
}

/**
 * The instance serving `declared` on `branch`: the branch's own copy when it has one, else the project's own
 * (no branch label). Undefined when neither exists.
 */
export function servingInstance(mine: readonly Instance[], project: ProjectContext, declared: Pick<DeclaredInstance, 'key'>): Instance | undefined {
  const name = instanceName(project.name, declared.key);
  const own = mine.find((i) => i.name === name && !i.project?.branch);
  if (!project.branch) return own;
  return mine.find((i) => i.project?.branch === project.branch && i.name === branchInstanceName(project.name, declared.key, project.branch ?? '')) ?? own;
}

/** Every copy of `declared` (the project's own and each branch's), which share its port. */
export function copiesOf(mine: readonly Instance[], project: Pick<ProjectContext, 'name'>, declared: Pick<DeclaredInstance, 'key'>): Instance[] {
  const name = instanceName(project.name, declared.key);
  return mine.filter((i) => i.name === name || i.name.startsWith(`${name}--`));
}

export function planUp(manifest: ProjectManifest, project: ProjectContext, all: readonly Instance[], usage: EngineUsage): UpPlan {
  const problems: string[] = [];
  const drift: string[] = [];
  const actions: UpAction[] = [];
  const mine = projectInstances(all, project);
  const elsewhere = mine.filter((i) => i.project?.path !== project.path);
  if (elsewhere.length > 0) {
    const other = elsewhere[0]?.project?.path ?? '';
    problems.push(
      `The project “${project.name}” already has instances from another folder (${other}): ${elsewhere.map((i) => i.name).join(', ')}. ` +
        `Run \`dockbase down --delete\` there, or give this copy another name with "project:" in its dockbase.yaml.`,
    );
    return { actions, problems, drift };
  }
  for (const declared of manifest.instances) {
    const name = instanceName(project.name, declared.key);
    const serving = servingInstance(mine, project, declared);
    const copies = copiesOf(mine, project, declared);
    if (!serving) {
      // The name held by a container that is not this project's.
      const holder = all.find((i) => i.name === name);
      if (holder) problems.push(nameHeldProblem(name, holder));
      else if (usage.names.has(name))
        problems.push(`A container that is not Dockbase's is already named ${name}: rename or remove it, or give the project another name.`);
      const port = portProblem(declared, project, all, usage, copies);
      if (port) problems.push(port);
      actions.push({ kind: 'create', declared, name });
      continue;
    }
    if (serving.engine !== declared.engine) {
      problems.push(
        `${serving.name} is a ${getEngine(serving.engine).displayName} instance, and dockbase.yaml declares ${declared.key} as ${getEngine(declared.engine).displayName}. ` +
          `Delete it (\`dockbase down --delete\`) or change the file.`,
      );
      continue;
    }
    const flavourDrift = flavourDifference(serving, declared);
    // A flavour is its image: the flavour's own (or the declared mirror of it), else the engine's.
    const declaredImage = declared.image ?? (declared.flavour ? getFlavour(declared.flavour)?.image : undefined) ?? getEngine(declared.engine).image;
    if (flavourDrift) drift.push(flavourDrift);
    else if (serving.tag !== declared.version || serving.image !== declaredImage)
      drift.push(
        `${serving.name} runs ${serving.image}:${serving.tag}; dockbase.yaml says ${declaredImage}:${declared.version} (\`dockbase upgrade\` moves it; up leaves it).`,
      );
    const differences = settingDifferences(declared.settings, serving.settings);
    const settings: SettingsUpdate | undefined = differences.length > 0 ? { settings: declared.settings ?? {}, differences } : undefined;
    if (serving.hostPort !== declared.port)
      drift.push(
        `${serving.name} is on port ${serving.hostPort}; dockbase.yaml says ${declared.port} (\`dockbase edit ${serving.name} --port ${declared.port}\` moves it).`,
      );
    if (serving.status === 'running' || serving.status === 'restarting') {
      actions.push({ kind: 'keep', declared, instance: serving, ...(settings ? { settings } : {}) });
      continue;
    }
    // Another branch's copy on the same port runs: it stops first (its data stays).
    const stopFirst = copies.filter((c) => c.id !== serving.id && (c.status === 'running' || c.status === 'restarting' || c.status === 'paused'));
    const port = portProblem({ ...declared, port: serving.hostPort }, project, all, usage, copies);
    if (port) problems.push(port);
    actions.push({ kind: 'start', declared, instance: serving, stopFirst, ...(settings ? { settings } : {}) });
  }
  return { actions, problems, drift };
}

/**
 * What to say when the instance's flavour is not the declared one; undefined when they agree. `up` never
 * changes it: a flavour is another image, and its data goes over with the engine's own dump and restore.
 */
function flavourDifference(serving: Instance, declared: DeclaredInstance): string | undefined {
  if ((serving.flavour ?? '') === (declared.flavour ?? '')) return undefined;
  const engine = getEngine(serving.engine).displayName;
  const has = flavouredName(engine, serving.flavour);
  const wants = flavouredName(engine, declared.flavour);
  const said = declared.flavour ? `flavour ${declared.flavour} (${wants})` : `no flavour (plain ${engine})`;
  return (
    `${serving.name} is ${has} (${serving.image}:${serving.tag}); dockbase.yaml says ${said}. up does not change a flavour: it replaces the image. ` +
    `To change it, keep a dump (\`dockbase export ${serving.name}\`), delete the instance with its data (\`dockbase rm ${serving.name} --with-data\`), ` +
    `run \`dockbase up\` to make it as declared, and load the dump (\`dockbase import ${serving.name} FILE\`); or change the file back.`
  );
}

function nameHeldProblem(name: string, holder: Instance): string {
  if (holder.project)
    return `${name} belongs to the project “${holder.project.name}” at ${holder.project.path}. Two projects cannot share a name: give one of them another "project:" in its dockbase.yaml.`;
  return `An instance named ${name} exists and belongs to no project: delete it (\`dockbase rm ${name}\`), or give the project another name.`;
}

/** Why `declared`'s port cannot serve it now: held by a running container that is not one of its own copies. */
function portProblem(
  declared: Pick<DeclaredInstance, 'key' | 'port'>,
  project: ProjectContext,
  all: readonly Instance[],
  usage: EngineUsage,
  copies: readonly Instance[],
): string | undefined {
  const holder = usage.ports.get(declared.port);
  if (!holder || !holder.running || copies.some((c) => c.name === holder.container)) return undefined;
  const instance = all.find((i) => i.name === holder.container);
  if (instance?.project && instance.project.name !== project.name)
    return (
      `Port ${declared.port} (${declared.key}) is wanted by two projects: “${project.name}” here and “${instance.project.name}” at ${instance.project.path}, ` +
      `whose ${instance.name} runs on it. Stop that project (\`dockbase down\` in its folder) or change the port in one of the two dockbase.yaml files.`
    );
  if (instance)
    return `Port ${declared.port} (${declared.key}) is in use by the Dockbase instance ${instance.name}, which runs: stop it (\`dockbase stop ${instance.name}\`) or change the port in dockbase.yaml.`;
  return `Port ${declared.port} (${declared.key}) is in use by the container ${holder.container}, which runs: stop it or change the port in dockbase.yaml.`;
}

/** The create input for a declaration: the project's labels, a password of this machine, data kept in volumes. */
export function createInputFor(declared: DeclaredInstance, name: string, project: ProjectRef, password: string): CreateInstanceInput {
  return {
    engine: declared.engine,
    name,
    tag: declared.version,
    image: declared.image ?? '',
    hostPort: declared.port,
    password,
    persistData: true,
    exposeOnNetwork: false,
    ...(declared.user ? { user: declared.user } : {}),
    ...(declared.database ? { database: declared.database } : {}),
    ...(declared.flavour ? { flavour: declared.flavour } : {}),
    ...(declared.settings ? { settings: declared.settings } : {}),
    project,
  };
}

/** What templates read of an instance, with its password (from its container: the same on every read). */
export function instanceValues(instance: Instance, password: string): InstanceValues {
  const engine = getEngine(instance.engine);
  return {
    url: connectionString(instance, password),
    host: CONNECT_HOST,
    port: String(instance.hostPort),
    user: instance.user ?? engine.defaultUser,
    password,
    database: instance.database ?? '',
  };
}
