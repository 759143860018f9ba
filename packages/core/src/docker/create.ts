/**
 * Creating an instance: `docker create` (or `docker run --detach`, created and started in one call) with
 * everything the instance needs, the plan it is built from, the reader that finds the plan back in an argv,
 * and the shapes the command policy checks (command-policy.ts).
 *
 * Builders here and in the other command families' files (containers.ts, lifecycle.ts, exec.ts, helpers.ts,
 * volumes.ts, images.ts, usage.ts, copy.ts): data in, exact argv out (without the leading `docker`). Values are
 * separate elements, never spliced into a string with other words, so nothing needs quoting. Each family pairs
 * its builders with readers of their parameters in its `…_SHAPES`: together they are what the command policy
 * lets through a bridge, so a new builder needs its shape too (a test checks that none is missing).
 */
import { at, mismatch, newId, shape, type CallEnv, type CommandShape, type VolumeClaim } from './command-shape';
import { getEngine, isEngineId, secretEnvNames, type Accounts, type DataMount } from '../engines';
import { BASELINE_CAPABILITIES, healthArgs, healthSettings, type EngineCapabilities } from './health';
import { imageRef, isDataVolumeName, volumeName, type InstanceSpec } from '../model/instance';
import { LABEL, containerLabels, projectFromLabels, volumeLabels } from '../model/labels';
import { mountValue } from './mounts';
import { MIN_MEMORY_BYTES, projectRefProblem, validateCreateInput } from '../model/validation';
import { settingsFromLabel, settingsLabel } from '../model/settings';

/** The restart policies Dockbase offers: none, or "start with Docker" (`unless-stopped`). */
export type RestartPolicy = 'no' | 'unless-stopped';

/** A data volume an instance will mount: its name and which of the engine's data folders it holds. */
export interface VolumePlan {
  name: string;
  mount: DataMount;
}

/** Everything `docker create` needs, decided before any call is made: the instance as its labels will record it. */
export interface CreatePlan extends Omit<InstanceSpec, 'volumes'> {
  password: string;
  volumes: VolumePlan[];
  /** "Start with Docker" (`unless-stopped`); none by default. */
  restartPolicy?: RestartPolicy;
  /** A memory limit in bytes; none by default. */
  memoryBytes?: number;
}

/** The instance a plan describes, as its labels record it. */
export function specOf(plan: CreatePlan): InstanceSpec {
  const { id, name, engine, image, tag, hostPort, bindAddress, dataId, user, database, project, flavour, settings } = plan;
  return {
    id,
    name,
    engine,
    image,
    tag,
    hostPort,
    bindAddress,
    volumes: plan.volumes.map((v) => v.name),
    ...(dataId !== undefined ? { dataId } : {}),
    ...(user ? { user } : {}),
    ...(database ? { database } : {}),
    ...(project ? { project } : {}),
    ...(flavour ? { flavour } : {}),
    ...(settings && Object.keys(settings).length > 0 ? { settings } : {}),
  };
}

/** The user and database a plan creates (the image's variables), as the engines take them. */
function accountsOf(plan: Pick<CreatePlan, 'user' | 'database'>): Accounts {
  return { ...(plan.user ? { user: plan.user } : {}), ...(plan.database ? { database: plan.database } : {}) };
}

export interface CreateArgsOptions {
  /** `docker run --detach` instead of `docker create`: created and started in one CLI call. */
  start?: boolean;
  /**
   * The password's variables as `--env NAME`, without a value: docker takes the value from its own
   * environment (createContainerEnv), so it is in no argv. Only for a DockerCli that `passesEnv`.
   */
  secretEnv?: boolean;
  /** What the engine supports: its healthcheck's timing depends on it (the baseline by default). */
  capabilities?: EngineCapabilities;
}

/**
 * `docker create` (or, with `start`, `docker run --detach`: one CLI call instead of two) with everything
 * the instance needs. Named volumes that do not exist yet are created by the mount itself, labelled. The
 * healthcheck's timing depends on what the engine supports (`capabilities`, the baseline by default).
 */
export function createContainerArgs(plan: CreatePlan, options: CreateArgsOptions = {}): string[] {
  const engine = getEngine(plan.engine);
  const secret = options.secretEnv ? secretEnvNames(engine) : [];
  const args = options.start ? ['run', '--detach', '--pull', 'never', '--name', plan.name] : ['create', '--pull', 'never', '--name', plan.name];
  for (const [k, v] of Object.entries(containerLabels(specOf(plan)))) args.push('--label', `${k}=${v}`);
  const accounts = accountsOf(plan);
  for (const [k, v] of Object.entries(engine.environment(plan.password, accounts))) args.push('--env', secret.includes(k) ? k : `${k}=${v}`);
  args.push('--publish', `${plan.bindAddress}:${plan.hostPort}:${engine.containerPort}`);
  if (plan.restartPolicy && plan.restartPolicy !== 'no') args.push('--restart', plan.restartPolicy);
  if (plan.memoryBytes) args.push('--memory', String(plan.memoryBytes));
  for (const { volume, labels, target } of createMounts(plan)) args.push('--mount', mountValue({ volume, target, labels }));
  args.push(...healthArgs(healthSettings(engine, options.capabilities ?? BASELINE_CAPABILITIES)));
  args.push('--stop-timeout', String(engine.stopTimeoutSeconds));
  args.push(imageRef(plan.image, plan.tag), ...engine.command(plan.password, plan.settings));
  return args;
}

/** The volumes a create mounts, each with the labels it gets when the mount creates it (its owner: this instance's data). */
export function createMounts(plan: CreatePlan): (VolumeClaim & { target: string })[] {
  const owner = {
    engine: plan.engine,
    tag: plan.tag,
    instanceName: plan.name,
    instanceId: plan.dataId ?? plan.id,
    ...accountsOf(plan),
    hostPort: plan.hostPort,
    image: plan.image,
    ...(plan.flavour ? { flavour: plan.flavour } : {}),
  };
  return plan.volumes.map((v) => ({ volume: v.name, labels: volumeLabels(v.mount, owner), target: v.mount.path }));
}

/** The environment `createContainerArgs(plan, { secretEnv: true })` needs: the password's variables. */
export function createContainerEnv(plan: CreatePlan): Record<string, string> {
  const engine = getEngine(plan.engine);
  const all = engine.environment(plan.password, accountsOf(plan));
  return Object.fromEntries(secretEnvNames(engine).map((k) => [k, all[k] as string]));
}

/** The options `docker create`/`run --detach` takes from Dockbase, each with one value. */
const CREATE_OPTIONS = new Set([
  '--pull',
  '--name',
  '--label',
  '--env',
  '--publish',
  '--restart',
  '--memory',
  '--mount',
  '--health-cmd',
  '--health-interval',
  '--health-timeout',
  '--health-retries',
  '--health-start-period',
  '--health-start-interval',
  '--stop-timeout',
]);

/**
 * Reads a create argv back into its plan (the inverse of createContainerArgs): options as docker's flag
 * parser reads them (`--opt value`), every value checked as create checks user input. Anything the builder
 * does not write is refused, naming the option; the rebuild comparison catches the rest (order, repeats,
 * `=` forms, abbreviations, `--`).
 */
export function readCreate(argv: readonly string[], env: CallEnv): [CreatePlan, CreateArgsOptions] {
  const start = argv[0] === 'run';
  if (start && argv[1] !== '--detach') mismatch('`docker run` is only run detached');
  const labels = new Map<string, string>();
  const envs: string[] = [];
  let restartPolicy: RestartPolicy | undefined;
  let memoryBytes: number | undefined;
  let i = start ? 2 : 1;
  for (; i < argv.length && (argv[i] as string).startsWith('-'); i += 2) {
    const option = argv[i] as string;
    if (!CREATE_OPTIONS.has(option)) mismatch(`${describeOption(option)} is not an option Dockbase gives \`docker ${argv[0]}\``);
    const value = at(argv, i + 1);
    if (option === '--restart') {
      // "Start with Docker" only: never a policy that restarts a crashing server in a loop.
      if (value !== 'unless-stopped') mismatch('a restart policy Dockbase does not set');
      restartPolicy = value;
    } else if (option === '--memory') {
      // Bytes, as the builder writes them: at least Dockbase's minimum, at most 1 TiB.
      memoryBytes = /^\d{1,13}$/.test(value) ? Number(value) : mismatch('not a memory limit Dockbase writes');
      if (memoryBytes < MIN_MEMORY_BYTES || memoryBytes > 1024 ** 4) mismatch('a memory limit outside what Dockbase allows');
    } else if (option === '--label') {
      const eq = value.indexOf('=');
      if (eq <= 0 || labels.has(value.slice(0, eq))) mismatch('a label is not one Dockbase writes');
      labels.set(value.slice(0, eq), value.slice(eq + 1));
    } else if (option === '--env') {
      envs.push(value);
    }
  }
  const cmd = argv.slice(i + 1);
  const engineId = labels.get(LABEL.engine) ?? '';
  if (!isEngineId(engineId)) mismatch('no Dockbase engine label');
  const engine = getEngine(engineId);
  const resolved = envs.map((e) => {
    if (e.includes('=')) return e;
    if (!Object.prototype.hasOwnProperty.call(env, e)) mismatch('an --env without value has none in the environment');
    return `${e}=${env[e]}`;
  });
  const password = engine.readPassword({ env: resolved, cmd }) ?? mismatch('no password');
  const accounts = engine.readAccounts(resolved);
  const name = labels.get(LABEL.name) ?? '';
  const tag = labels.get(LABEL.tag) ?? '';
  const image = labels.get(LABEL.image) ?? '';
  const bindAddress = labels.get(LABEL.bind) ?? '';
  const volumeNames = (labels.get(LABEL.volumes) ?? '').split(' ').filter(Boolean);
  const hostPort = Number(labels.get(LABEL.port));
  const flavour = labels.get(LABEL.flavour);
  // The settings are the label's; the rebuild then compares the command they make with the argv's.
  const settingsText = labels.get(LABEL.settings);
  const settings = settingsFromLabel(settingsText);
  if (settingsText !== undefined && (settings === undefined || settingsLabel(settings) !== settingsText))
    mismatch('its settings label is not one Dockbase writes');
  const invalid = validateCreateInput({
    engine: engineId,
    name,
    tag,
    image,
    hostPort,
    password,
    persistData: volumeNames.length > 0,
    exposeOnNetwork: bindAddress === '0.0.0.0',
    ...accounts,
    ...(flavour !== undefined ? { flavour } : {}),
    ...(settings ? { settings } : {}),
  });
  const field = Object.keys(invalid)[0];
  if (field) mismatch(`its ${field} is not one Dockbase accepts`);
  if (image === '') mismatch('no image label');
  if (bindAddress !== '127.0.0.1' && bindAddress !== '0.0.0.0') mismatch('it publishes on an address Dockbase does not use');
  const dataId = labels.get(LABEL.data);
  // The project an instance serves (dockbase.yaml): only as Dockbase writes it (the rebuild then compares each label).
  const project = projectFromLabels(Object.fromEntries(labels));
  if (project && projectRefProblem(project)) mismatch('a project label Dockbase does not write');
  const plan: CreatePlan = {
    id: newId(labels.get(LABEL.instance)),
    name,
    engine: engineId,
    image,
    tag,
    hostPort,
    bindAddress,
    password,
    // Each data mount's volume: its plain name, or the one a PostgreSQL upgrade made (`…-<major>`).
    volumes:
      volumeNames.length > 0
        ? engine.dataMounts(tag).map((mount) => ({ name: volumeNames.find((v) => isDataVolumeName(v, name, mount.key)) ?? volumeName(name, mount.key), mount }))
        : [],
    ...(dataId !== undefined ? { dataId: newId(dataId) } : {}),
    ...accounts,
    ...(flavour !== undefined ? { flavour } : {}),
    ...(settings ? { settings } : {}),
    ...(restartPolicy ? { restartPolicy } : {}),
    ...(memoryBytes !== undefined ? { memoryBytes } : {}),
    ...(project ? { project } : {}),
  };
  // The start interval is there exactly when the engine has it (the rebuild then compares every value).
  const capabilities: EngineCapabilities = argv.includes('--health-start-interval') ? { apiVersion: '1.44', healthStartInterval: true } : BASELINE_CAPABILITIES;
  return [plan, { start, secretEnv: envs.some((e) => !e.includes('=')), capabilities }];
}

function describeOption(option: string): string {
  const name = option.split('=')[0] as string;
  return `\`${name.replace(/[^\x21-\x7e]/g, '?').slice(0, 40)}${option.includes('=') ? '=…' : ''}\``;
}

/** A create mounts only volumes that are new or already this instance's data (a kept volume it reuses). */
function createClaims(plan: CreatePlan, _options?: CreateArgsOptions): { claims: VolumeClaim[] } {
  return { claims: createMounts(plan).map(({ volume, labels }) => ({ volume, labels })) };
}

function createEnvOf(plan: CreatePlan, options: CreateArgsOptions = {}): Record<string, string> {
  return options.secretEnv ? createContainerEnv(plan) : {};
}

export const CREATE_SHAPES: readonly CommandShape[] = [
  shape({ name: 'create an instance', words: ['create'], build: createContainerArgs, read: readCreate, env: createEnvOf, targets: createClaims }),
  shape({ name: 'create and start an instance', words: ['run'], build: createContainerArgs, read: readCreate, env: createEnvOf, targets: createClaims }),
];
