/**
 * docker CLI argument builders: data in, exact argv out (without the leading `docker`). Values are
 * separate elements, never spliced into a string with other words, so nothing needs quoting.
 *
 * LIFECYCLE_SHAPES, at the end, pairs every lifecycle builder with a reader of its parameters (data safety's
 * builders have theirs in data-policy.ts): together they are what the command policy (command-policy.ts)
 * lets through a bridge, so a new builder needs its shape too (a test checks that none is missing).
 */
import {
  after,
  at,
  containerId,
  dockbaseVolumeName,
  imageId,
  instanceIdFilter,
  mismatch,
  newId,
  params,
  shape,
  wholeNumber,
  type CallEnv,
  type CommandShape,
  type VolumeClaim,
} from './command-shape';
import { ENGINES, getEngine, isEngineId, secretEnvNames, type Accounts, type DataMount, type EngineId } from '../engines';
import { BASELINE_CAPABILITIES, healthArgs, healthSettings, type EngineCapabilities } from './health';
import { imageRef, isDataVolumeName, volumeName, type InstanceSpec } from '../model/instance';
import { LABEL, containerLabels, volumeLabels, type UpgradeWorkerRole } from '../model/labels';
import { splitImageRef, type RestartPolicy } from './parse';
import { MIN_MEMORY_BYTES, validateCreateInput, validateImage, validateTag } from '../model/validation';

const JSON_FORMAT = '{{json .}}';

/** Dockbase containers of one create attempt (found again for clean-up by their unique id). */
export function containerIdsOfInstanceArgs(id: string): string[] {
  return ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${LABEL.instance}=${id}`];
}

/** Every Dockbase container, stopped ones too, in ONE call. */
export function listInstancesArgs(): string[] {
  return ['ps', '--all', '--no-trunc', '--filter', `label=${LABEL.instance}`, '--format', JSON_FORMAT];
}

/** One instance by its Dockbase id. */
export function instanceByIdArgs(id: string): string[] {
  return ['ps', '--all', '--no-trunc', '--filter', `label=${LABEL.instance}=${id}`, '--format', JSON_FORMAT];
}

/**
 * What `listAllContainersArgs` prints of each container: only what conflict checks read (names, state,
 * published ports, the port a Dockbase instance claims), never a foreign container's command or labels,
 * which can hold its secrets.
 */
export const CONTAINER_SUMMARY_FORMAT = `{"Names":{{json .Names}},"State":{{json .State}},"Status":{{json .Status}},"Ports":{{json .Ports}},"Instance":{{json (.Label "${LABEL.instance}")}},"Port":{{json (.Label "${LABEL.port}")}}}`;

/** Every container on the engine (names and published ports, for conflict checks). */
export function listAllContainersArgs(): string[] {
  return ['ps', '--all', '--no-trunc', '--format', CONTAINER_SUMMARY_FORMAT];
}

/** The containers of one upgrade's workers, by the name they share (`<instance>-upgrade-<id>-`), when their ids were never read. */
export function upgradeWorkerIdsArgs(instanceName: string, upgradeId: string): string[] {
  return ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${LABEL.helper}`, '--filter', `name=${instanceName}-upgrade-${upgradeId}-`];
}

export function inspectContainerArgs(containerId: string): string[] {
  return ['container', 'inspect', containerId];
}

export function imageExistsArgs(ref: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', ref];
}

/** The labels an image gives its containers (to tell them from the container’s own, see isOwnInstance). */
export function imageLabelsArgs(id: string): string[] {
  return ['image', 'inspect', '--format', '{{json .Config.Labels}}', id];
}

export function pullArgs(ref: string): string[] {
  return ['pull', ref];
}

export function volumeInspectArgs(names: readonly string[]): string[] {
  return ['volume', 'inspect', ...names];
}

/** A data volume an instance will mount: its name and which of the engine's data folders it holds. */
export interface VolumePlan {
  name: string;
  mount: DataMount;
}

export function volumeRemoveArgs(names: readonly string[]): string[] {
  return ['volume', 'rm', ...names];
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
  const { id, name, engine, image, tag, hostPort, bindAddress, dataId, user, database } = plan;
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
  for (const { volume, labels, target } of createMounts(plan)) {
    args.push('--mount', [`type=volume`, `source=${volume}`, `target=${target}`, ...Object.entries(labels).map(([k, val]) => `volume-label=${k}=${val}`)].join(','));
  }
  args.push(...healthArgs(healthSettings(engine, options.capabilities ?? BASELINE_CAPABILITIES)));
  args.push('--stop-timeout', String(engine.stopTimeoutSeconds));
  args.push(imageRef(plan.image, plan.tag), ...engine.command(plan.password));
  return args;
}

/** The volumes a create mounts, each with the labels it gets when the mount creates it (its owner: this instance's data). */
export function createMounts(plan: CreatePlan): (VolumeClaim & { target: string })[] {
  const owner = { engine: plan.engine, tag: plan.tag, instanceName: plan.name, instanceId: plan.dataId ?? plan.id, ...accountsOf(plan) };
  return plan.volumes.map((v) => ({ volume: v.name, labels: volumeLabels(v.mount, owner), target: v.mount.path }));
}

export function unpauseArgs(containerId: string): string[] {
  return ['unpause', containerId];
}

/** Gives a container another name (an edit or an upgrade sets the old one aside until the new one serves). */
export function renameArgs(containerId: string, newName: string): string[] {
  return ['rename', containerId, newName];
}

/** What an upgrade's worker container runs: one version of the server, without network, on chosen volumes. */
export interface UpgradeWorkerPlan {
  /** `upgrade-from`: the old version on the instance's data; `upgrade-to`: the new version on a new volume. */
  role: UpgradeWorkerRole;
  /** Container name: `<instance>-upgrade-<id>-from` / `-to`. */
  name: string;
  /** Image reference (repository:tag). */
  image: string;
  /** The admin secret for the image's own entrypoint (the new version's first start needs it), by variable. */
  env: Readonly<Record<string, string>>;
  mounts: readonly HelperMount[];
}

/**
 * `docker run --detach` of an upgrade worker: the image's own entrypoint and command (so it initialises or
 * opens the data exactly as the instance would), no network at all (nothing but Dockbase reaches it), marked
 * with Dockbase's helper label so no list shows it as an instance. With `secretEnv`, the variables go as
 * `--env NAME` and their values through the CLI's environment (plan.env), as create's do.
 */
export function upgradeWorkerArgs(plan: UpgradeWorkerPlan, options: { secretEnv?: boolean } = {}): string[] {
  const args = ['run', '--detach', '--pull', 'never', '--name', plan.name, '--network', 'none', '--label', `${LABEL.helper}=${plan.role}`];
  for (const [k, v] of Object.entries(plan.env)) args.push('--env', options.secretEnv ? k : `${k}=${v}`);
  for (const m of plan.mounts) {
    const parts = ['type=volume', `source=${m.volume}`, `target=${m.target}`];
    if (m.readonly) parts.push('readonly');
    for (const [k, v] of Object.entries(m.labels ?? {})) parts.push(`volume-label=${k}=${v}`);
    args.push('--mount', parts.join(','));
  }
  args.push(plan.image);
  return args;
}

/** The environment `createContainerArgs(plan, { secretEnv: true })` needs: the password's variables. */
export function createContainerEnv(plan: CreatePlan): Record<string, string> {
  const engine = getEngine(plan.engine);
  const all = engine.environment(plan.password, accountsOf(plan));
  return Object.fromEntries(secretEnvNames(engine).map((k) => [k, all[k] as string]));
}

/** The options `docker create`/`run --detach` takes from Dockbase, each with one value. */
const CREATE_OPTIONS = new Set([
  '--pull', '--name', '--label', '--env', '--publish', '--restart', '--memory', '--mount',
  '--health-cmd', '--health-interval', '--health-timeout', '--health-retries', '--health-start-period', '--health-start-interval', '--stop-timeout',
]);

/**
 * Reads a create argv back into its plan (the inverse of createContainerArgs): options as docker's flag
 * parser reads them (`--opt value`), every value checked as create checks user input. Anything the builder
 * does not write is refused, naming the option; the rebuild comparison catches the rest (order, repeats,
 * `=` forms, abbreviations, `--`).
 */
function readCreateArgs(argv: readonly string[], env: CallEnv): [CreatePlan, CreateArgsOptions] {
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
  });
  const field = Object.keys(invalid)[0];
  if (field) mismatch(`its ${field} is not one Dockbase accepts`);
  if (image === '') mismatch('no image label');
  if (bindAddress !== '127.0.0.1' && bindAddress !== '0.0.0.0') mismatch('it publishes on an address Dockbase does not use');
  const dataId = labels.get(LABEL.data);
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
    volumes: volumeNames.length > 0 ? engine.dataMounts(tag).map((mount) => ({ name: volumeNames.find((v) => isDataVolumeName(v, name, mount.key)) ?? volumeName(name, mount.key), mount })) : [],
    ...(dataId !== undefined ? { dataId: newId(dataId) } : {}),
    ...accounts,
    ...(restartPolicy ? { restartPolicy } : {}),
    ...(memoryBytes !== undefined ? { memoryBytes } : {}),
  };
  // The start interval is there exactly when the engine has it (the rebuild then compares every value).
  const capabilities: EngineCapabilities = argv.includes('--health-start-interval') ? { apiVersion: '1.44', healthStartInterval: true } : BASELINE_CAPABILITIES;
  return [plan, { start, secretEnv: envs.some((e) => !e.includes('=')), capabilities }];
}

function describeOption(option: string): string {
  const name = option.split('=')[0] as string;
  return `\`${name.replace(/[^\x21-\x7e]/g, '?').slice(0, 40)}${option.includes('=') ? '=…' : ''}\``;
}

export function startArgs(containerId: string): string[] {
  return ['start', containerId];
}

export function stopArgs(containerId: string, timeoutSeconds: number): string[] {
  return ['stop', '--time', String(timeoutSeconds), containerId];
}

export function restartArgs(containerId: string, timeoutSeconds: number): string[] {
  return ['restart', '--time', String(timeoutSeconds), containerId];
}

/** Removes the container and its anonymous volumes; named data volumes stay unless removed explicitly. */
export function removeContainerArgs(...containerIds: string[]): string[] {
  return ['rm', '--force', '--volumes', ...containerIds];
}

export function logsArgs(containerId: string, options: { tail: number | 'all'; follow?: boolean; timestamps?: boolean }): string[] {
  const args = ['logs', '--tail', String(options.tail)];
  if (options.timestamps) args.push('--timestamps');
  if (options.follow) args.push('--follow');
  args.push(containerId);
  return args;
}

/** Container events of Dockbase instances only, as JSON lines, until cancelled. */
export function eventsArgs(): string[] {
  const args = ['events', '--filter', 'type=container', '--filter', `label=${LABEL.instance}`];
  for (const e of WATCHED_EVENTS) args.push('--filter', `event=${e}`);
  args.push('--format', JSON_FORMAT);
  return args;
}

/** The health, death and removal of one container, as JSON lines, until cancelled (waiting for it to be healthy). */
export function healthEventsArgs(containerId: string): string[] {
  return ['events', '--filter', 'type=container', '--filter', `container=${containerId}`, '--filter', 'event=health_status', '--filter', 'event=die', '--filter', 'event=destroy', '--format', JSON_FORMAT];
}

/** Events that change what the list shows (exec events from healthchecks are left out). */
export const WATCHED_EVENTS = [
  'create', 'start', 'restart', 'stop', 'die', 'kill', 'pause', 'unpause', 'destroy', 'rename', 'health_status', 'oom',
] as const;

/** Runs the engine's own health probe once inside the container (used while it starts). */
export function probeArgs(containerId: string, engineId: EngineId): string[] {
  const engine = getEngine(engineId);
  return ['exec', containerId, 'sh', '-c', engine.healthcheck(engine.containerPort).command];
}

/** Runs one of the engine's fixed credential scripts (verifyPassword, applyPassword) inside the container. */
function credentialScript(containerId: string, script: string): string[] {
  return ['exec', containerId, 'sh', '-c', script];
}

/** Proves the container's configured password authenticates, with the engine's own client. */
export function verifyPasswordArgs(containerId: string, engineId: EngineId): string[] {
  const engine = getEngine(engineId);
  return credentialScript(containerId, engine.verifyPassword(engine.containerPort));
}

/** Sets the data's password to the container's configured one (engines that allow it: see applyPassword). */
export function applyPasswordArgs(containerId: string, engineId: EngineId): string[] {
  const script = getEngine(engineId).applyPassword;
  if (!script) throw new Error(`${engineId} has no way to set a password without the old one`);
  return credentialScript(containerId, script);
}

/** docker's record of several containers at once (their state, for the reason a run ended). */
export function inspectContainersArgs(containerIds: readonly string[]): string[] {
  return ['container', 'inspect', ...containerIds];
}

/** Dockbase's data volumes that no container uses: the data deleted instances left behind. */
export function keptVolumesArgs(): string[] {
  return ['volume', 'ls', '--filter', `label=${LABEL.volume}`, '--filter', 'dangling=true', '--format', JSON_FORMAT];
}

/** The size of every volume (docker computes them on request: slow on big disks, never polled). */
export function volumeSizesArgs(): string[] {
  return ['system', 'df', '--verbose', '--format', '{{json .Volumes}}'];
}

/** CPU and memory of running containers, one sample each (no stream). */
export function statsArgs(containerIds: readonly string[]): string[] {
  return ['stats', '--no-stream', '--no-trunc', '--format', JSON_FORMAT, ...containerIds];
}

/** The tags of an image repository present on this engine. */
export function localImagesArgs(image: string): string[] {
  return ['image', 'ls', '--format', JSON_FORMAT, image];
}

export function versionArgs(): string[] {
  return ['version', '--format', JSON_FORMAT];
}

/** A volume mounted into a data helper container. */
export interface HelperMount {
  volume: string;
  target: string;
  readonly?: boolean;
  /** Labels for a volume the mount creates (ignored when it exists). */
  labels?: Record<string, string>;
}

/**
 * A short-lived helper container that copies data between volumes: the instance's own image (nothing else to
 * pull), run as root with no network, removed when done, marked with Dockbase's helper label.
 */
export function helperRunArgs(purpose: 'snapshot' | 'restore' | 'clone' | 'import', image: string, mounts: readonly HelperMount[], script: string): string[] {
  const args = ['run', '--rm', '--pull', 'never', '--network', 'none', '--label', `${LABEL.helper}=${purpose}`, '--user', '0', '--entrypoint', 'sh'];
  for (const m of mounts) {
    const parts = ['type=volume', `source=${m.volume}`, `target=${m.target}`];
    if (m.readonly) parts.push('readonly');
    for (const [k, v] of Object.entries(m.labels ?? {})) parts.push(`volume-label=${k}=${v}`);
    args.push('--mount', parts.join(','));
  }
  args.push(image, '-c', script);
  return args;
}

export function volumeCreateArgs(name: string, labels: Readonly<Record<string, string>>): string[] {
  const args = ['volume', 'create'];
  for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
  args.push(name);
  return args;
}

/** Every snapshot's manifest volume (names only; read their labels with volume inspect). */
export function snapshotManifestsArgs(): string[] {
  return ['volume', 'ls', '--quiet', '--filter', `label=${LABEL.snapshotRole}=manifest`];
}

/** Every volume of one snapshot (its manifest and its data). */
export function volumesOfSnapshotArgs(snapshotId: string): string[] {
  return ['volume', 'ls', '--quiet', '--filter', `label=${LABEL.snapshot}=${snapshotId}`];
}

/** Runs one of Dockbase's data scripts (data-scripts.ts) in a running container, its arguments as `$1…`. */
export function execScriptArgs(containerId: string, script: string, ...args: string[]): string[] {
  return ['exec', containerId, 'sh', '-c', script, 'sh', ...args];
}

/**
 * Copies a file out of a container as a tar stream on docker's standard output, which Dockbase reads and
 * writes to the host itself (HostFiles.save): docker is never given a host path.
 */
export function copyOutArgs(containerId: string, containerPath: string): string[] {
  return ['cp', `${containerId}:${containerPath}`, '-'];
}

/** Extracts the tar stream Dockbase writes on docker's standard input (HostFiles.send) into a container's folder. */
export function copyInArgs(containerId: string, containerFolder: string): string[] {
  return ['cp', '-', `${containerId}:${containerFolder}`];
}

// ---- the shapes: every builder above with the reader of its parameters -----------------------------------

/** An image reference as create and pull use it: a valid repository and an explicit tag. */
function imageReference(ref: string): string {
  const { image, tag } = splitImageRef(ref);
  if (image === '' || validateImage(image) !== undefined || validateTag(tag) !== undefined || imageRef(image, tag) !== ref) {
    mismatch('not an image reference Dockbase uses');
  }
  return ref;
}

const logTail = (value: string): number | 'all' => (value === 'all' ? 'all' : wholeNumber(value, 1_000_000));
/** The call acts on this container, which must be a Dockbase instance. */
const own = (id: string, ..._rest: unknown[]) => ({ containers: [id] });

/**
 * Every argv shape the core emits, each with its builder: the one definition of what a bridge may run
 * (see command-policy.ts). Adding a docker call to the core means adding its builder above and its shape
 * here; without one, the standalone host refuses the call.
 */
export const LIFECYCLE_SHAPES: readonly CommandShape[] = [
  shape({ name: 'list instances', words: ['ps'], build: listInstancesArgs, read: () => params() }),
  shape({ name: 'list containers', words: ['ps'], build: listAllContainersArgs, read: () => params() }),
  shape({ name: 'find an instance', words: ['ps'], build: instanceByIdArgs, read: (a) => params(instanceIdFilter(after(at(a, 4), `label=${LABEL.instance}=`))) }),
  shape({
    name: 'find an upgrade’s workers',
    words: ['ps'],
    build: upgradeWorkerIdsArgs,
    read: (a) => {
      const [, name = '', id] = /^name=(.+)-upgrade-([0-9a-f]{12})-$/.exec(at(a, 7)) ?? mismatch('not the name of an upgrade’s workers');
      return params(containerName(name), newId(id));
    },
  }),
  shape({ name: 'find a create attempt', words: ['ps'], build: containerIdsOfInstanceArgs, read: (a) => params(instanceIdFilter(after(at(a, 5), `label=${LABEL.instance}=`))) }),
  shape({ name: 'inspect an instance', words: ['container', 'inspect'], build: inspectContainerArgs, read: (a) => params(containerId(at(a, 2))), targets: own }),
  shape({ name: 'look for an image', words: ['image', 'inspect'], build: imageExistsArgs, read: (a) => params(imageReference(at(a, 4))) }),
  shape({ name: 'read an image’s labels', words: ['image', 'inspect'], build: imageLabelsArgs, read: (a) => params(imageId(at(a, 4))) }),
  shape({ name: 'pull an image', words: ['pull'], build: pullArgs, read: (a) => params(imageReference(at(a, 1))) }),
  shape({ name: 'inspect data volumes', words: ['volume', 'inspect'], build: volumeInspectArgs, read: (a) => params(a.slice(2).map(dockbaseVolumeName)) }),
  shape({
    name: 'delete data volumes',
    words: ['volume', 'rm'],
    build: volumeRemoveArgs,
    read: (a) => params(a.slice(2).map(dockbaseVolumeName)),
    targets: (volumes) => ({ volumes }),
  }),
  shape({ name: 'create an instance', words: ['create'], build: createContainerArgs, read: readCreateArgs, env: createEnvOf, targets: createClaims }),
  shape({ name: 'create and start an instance', words: ['run'], build: createContainerArgs, read: readCreateArgs, env: createEnvOf, targets: createClaims }),
  shape({ name: 'start an instance', words: ['start'], build: startArgs, read: (a) => params(containerId(at(a, 1))), targets: own }),
  shape({ name: 'stop an instance', words: ['stop'], build: stopArgs, read: (a) => params(containerId(at(a, 3)), wholeNumber(at(a, 2), 3600)), targets: own }),
  shape({ name: 'restart an instance', words: ['restart'], build: restartArgs, read: (a) => params(containerId(at(a, 3)), wholeNumber(at(a, 2), 3600)), targets: own }),
  shape({ name: 'delete instances', words: ['rm'], build: removeContainerArgs, read: (a) => a.slice(3).map(containerId), targets: (...containers) => ({ containers }) }),
  shape({
    name: 'read an instance’s logs',
    words: ['logs'],
    build: logsArgs,
    read: (a) => params(containerId(at(a, a.length - 1)), { tail: logTail(at(a, 2)), follow: a.includes('--follow'), timestamps: a.includes('--timestamps') }),
    targets: own,
  }),
  shape({ name: 'watch instances', words: ['events'], build: eventsArgs, read: () => params() }),
  shape({ name: 'wait for an instance’s health', words: ['events'], build: healthEventsArgs, read: (a) => params(containerId(after(at(a, 4), 'container='))), targets: own }),
  shape({
    name: 'probe an instance',
    words: ['exec'],
    build: probeArgs,
    read: (a) => params(containerId(at(a, 1)), ENGINES.find((e) => e.healthcheck(e.containerPort).command === at(a, 4))?.id ?? mismatch('not an engine’s health probe')),
    targets: own,
  }),
  shape({ name: 'reach the engine', words: ['version'], build: versionArgs, read: () => params() }),
  // Everyday use: unpause, the edit's container swap, failure reasons, kept data, usage, local versions.
  shape({ name: 'unpause an instance', words: ['unpause'], build: unpauseArgs, read: (a) => params(containerId(at(a, 1))), targets: own }),
  shape({ name: 'set an instance aside or back', words: ['rename'], build: renameArgs, read: (a) => params(containerId(at(a, 1)), containerName(at(a, 2))), targets: own }),
  shape({
    name: 'check an instance’s password',
    words: ['exec'],
    build: verifyPasswordArgs,
    read: (a) => params(containerId(at(a, 1)), ENGINES.find((e) => e.verifyPassword(e.containerPort) === at(a, 4))?.id ?? mismatch('not an engine’s password check')),
    targets: own,
  }),
  shape({
    name: 'set an instance’s password',
    words: ['exec'],
    build: applyPasswordArgs,
    read: (a) => params(containerId(at(a, 1)), ENGINES.find((e) => e.applyPassword !== undefined && e.applyPassword === at(a, 4))?.id ?? mismatch('not an engine’s password setting')),
    targets: own,
  }),
  shape({
    name: 'inspect instances',
    words: ['container', 'inspect'],
    build: inspectContainersArgs,
    read: (a) => params(a.slice(2).map(containerId)),
    targets: (containers) => ({ containers }),
  }),
  shape({ name: 'list the data of deleted instances', words: ['volume', 'ls'], build: keptVolumesArgs, read: () => params() }),
  shape({ name: 'measure the volumes', words: ['system', 'df'], build: volumeSizesArgs, read: () => params() }),
  shape({ name: 'measure instances', words: ['stats'], build: statsArgs, read: (a) => params(a.slice(5).map(containerId)), targets: (containers) => ({ containers }) }),
  shape({ name: 'list an image’s local versions', words: ['image', 'ls'], build: localImagesArgs, read: (a) => params(imageRepository(at(a, 4))) }),
];

/** A container name as Dockbase gives it: an instance's name, or one set aside during an edit. */
function containerName(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value) ? value : mismatch('not a container name Dockbase gives');
}

/** An image repository without a tag, as the image field takes it. */
function imageRepository(value: string): string {
  return value !== '' && validateImage(value) === undefined ? value : mismatch('not an image repository');
}

/** A create mounts only volumes that are new or already this instance's data (a kept volume it reuses). */
function createClaims(plan: CreatePlan, _options?: CreateArgsOptions): { claims: VolumeClaim[] } {
  return { claims: createMounts(plan).map(({ volume, labels }) => ({ volume, labels })) };
}

function createEnvOf(plan: CreatePlan, options: CreateArgsOptions = {}): Record<string, string> {
  return options.secretEnv ? createContainerEnv(plan) : {};
}
