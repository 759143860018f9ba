/**
 * docker CLI argument builders: data in, exact argv out (without the leading `docker`). Values are
 * separate elements, never spliced into a string with other words, so nothing needs quoting.
 */
import { getEngine, type DataMount, type EngineId } from './engines';
import { imageRef, type InstanceSpec } from './instance';
import { LABEL, containerLabels, volumeLabels } from './labels';

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

/** Every container on the engine (names and published ports, for conflict checks). */
export function listAllContainersArgs(): string[] {
  return ['ps', '--all', '--no-trunc', '--format', JSON_FORMAT];
}

export function inspectContainerArgs(containerId: string): string[] {
  return ['container', 'inspect', containerId];
}

export function imageExistsArgs(ref: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', ref];
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
}

/** The instance a plan describes, as its labels record it. */
export function specOf(plan: CreatePlan): InstanceSpec {
  return { ...plan, volumes: plan.volumes.map((v) => v.name) };
}

/**
 * `docker create` (or, with `start`, `docker run --detach`: one CLI call instead of two) with everything
 * the instance needs. Named volumes that do not exist yet are created by the mount itself, labelled.
 */
export function createContainerArgs(plan: CreatePlan, options: { start?: boolean } = {}): string[] {
  const engine = getEngine(plan.engine);
  const health = engine.healthcheck(engine.containerPort);
  const args = options.start ? ['run', '--detach', '--pull', 'never', '--name', plan.name] : ['create', '--pull', 'never', '--name', plan.name];
  for (const [k, v] of Object.entries(containerLabels(specOf(plan)))) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(engine.environment(plan.password))) args.push('--env', `${k}=${v}`);
  args.push('--publish', `${plan.bindAddress}:${plan.hostPort}:${engine.containerPort}`);
  for (const v of plan.volumes) {
    const labels = Object.entries(volumeLabels(v.mount, { engine: plan.engine, tag: plan.tag, instanceName: plan.name }));
    args.push('--mount', [`type=volume`, `source=${v.name}`, `target=${v.mount.path}`, ...labels.map(([k, val]) => `volume-label=${k}=${val}`)].join(','));
  }
  args.push(
    '--health-cmd', health.command,
    '--health-interval', `${health.intervalSeconds}s`,
    '--health-timeout', `${health.timeoutSeconds}s`,
    '--health-retries', String(health.retries),
    '--health-start-period', `${health.startPeriodSeconds}s`,
    '--stop-timeout', String(engine.stopTimeoutSeconds),
  );
  args.push(imageRef(plan.image, plan.tag), ...engine.command(plan.password));
  return args;
}

/** Gives a container another name (an upgrade sets the old container aside until the new one serves). */
export function renameArgs(containerId: string, newName: string): string[] {
  return ['rename', containerId, newName];
}

/** What an upgrade's worker container runs: one version of the server, without network, on chosen volumes. */
export interface UpgradeWorkerPlan {
  /** `upgrade-from`: the old version on the instance's data; `upgrade-to`: the new version on a new volume. */
  role: 'upgrade-from' | 'upgrade-to';
  /** Container name: `<instance>-upgrade-<id>-from` / `-to`. */
  name: string;
  /** Image reference (repository:tag). */
  image: string;
  /** Environment for the image's own entrypoint (the new version's first start needs the admin password). */
  env: Readonly<Record<string, string>>;
  mounts: readonly HelperMount[];
}

/**
 * `docker run --detach` of an upgrade worker: the image's own entrypoint and command (so it initialises or
 * opens the data exactly as the instance would), no network at all (nothing but Dockbase reaches it), marked
 * with Dockbase's helper label so no list shows it as an instance.
 */
export function upgradeWorkerArgs(plan: UpgradeWorkerPlan): string[] {
  const args = ['run', '--detach', '--pull', 'never', '--name', plan.name, '--network', 'none', '--label', `${LABEL.helper}=${plan.role}`];
  for (const [k, v] of Object.entries(plan.env)) args.push('--env', `${k}=${v}`);
  for (const m of plan.mounts) {
    const parts = ['type=volume', `source=${m.volume}`, `target=${m.target}`];
    if (m.readonly) parts.push('readonly');
    for (const [k, v] of Object.entries(m.labels ?? {})) parts.push(`volume-label=${k}=${v}`);
    args.push('--mount', parts.join(','));
  }
  args.push(plan.image);
  return args;
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

/** The health and death of one container, as JSON lines, until cancelled (waiting for it to be healthy). */
export function healthEventsArgs(containerId: string): string[] {
  return ['events', '--filter', 'type=container', '--filter', `container=${containerId}`, '--filter', 'event=health_status', '--filter', 'event=die', '--format', JSON_FORMAT];
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

/** Copies a file out of a container to a path on the machine the docker CLI runs on. */
export function copyFromContainerArgs(containerId: string, containerPath: string, hostPath: string): string[] {
  return ['cp', `${containerId}:${containerPath}`, hostPath];
}

/** Copies a file on the machine the docker CLI runs on into a container. */
export function copyToContainerArgs(hostPath: string, containerId: string, containerPath: string): string[] {
  return ['cp', hostPath, `${containerId}:${containerPath}`];
}
