/**
 * docker CLI argument builders: data in, exact argv out (without the leading `docker`). Values are
 * separate elements, never spliced into a string with other words, so nothing needs quoting.
 */
import { getEngine, type DataMount, type EngineId } from './engines';
import { imageRef, type InstanceSpec } from './instance';
import { LABEL, containerLabels, volumeLabels } from './labels';
import type { RestartPolicy } from './parse';

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
  /** "Start with Docker" (`unless-stopped`); none by default. */
  restartPolicy?: RestartPolicy;
  /** A memory limit in bytes; none by default. */
  memoryBytes?: number;
}

/** The instance a plan describes, as its labels record it. */
export function specOf(plan: CreatePlan): InstanceSpec {
  const { id, name, engine, image, tag, hostPort, bindAddress, user, database } = plan;
  return {
    id,
    name,
    engine,
    image,
    tag,
    hostPort,
    bindAddress,
    volumes: plan.volumes.map((v) => v.name),
    ...(user ? { user } : {}),
    ...(database ? { database } : {}),
  };
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
  const accounts = { ...(plan.user ? { user: plan.user } : {}), ...(plan.database ? { database: plan.database } : {}) };
  for (const [k, v] of Object.entries(engine.environment(plan.password, accounts))) args.push('--env', `${k}=${v}`);
  args.push('--publish', `${plan.bindAddress}:${plan.hostPort}:${engine.containerPort}`);
  if (plan.restartPolicy && plan.restartPolicy !== 'no') args.push('--restart', plan.restartPolicy);
  if (plan.memoryBytes) args.push('--memory', String(plan.memoryBytes));
  for (const v of plan.volumes) {
    const owner = { engine: plan.engine, tag: plan.tag, instanceName: plan.name, instanceId: plan.id, ...accounts };
    const labels = Object.entries(volumeLabels(v.mount, owner));
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

export function unpauseArgs(containerId: string): string[] {
  return ['unpause', containerId];
}

/** Renames a container (an edit sets the old one aside under another name until the new one serves). */
export function renameArgs(containerId: string, newName: string): string[] {
  return ['rename', containerId, newName];
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

/** Runs one of the engine's fixed credential scripts (verifyPassword, applyPassword) inside the container. */
export function credentialScriptArgs(containerId: string, script: string): string[] {
  return ['exec', containerId, 'sh', '-c', script];
}

/** Proves the container's configured password authenticates, with the engine's own client. */
export function verifyPasswordArgs(containerId: string, engineId: EngineId): string[] {
  const engine = getEngine(engineId);
  return credentialScriptArgs(containerId, engine.verifyPassword(engine.containerPort));
}

/** Sets the data's password to the container's configured one (engines that allow it: see applyPassword). */
export function applyPasswordArgs(containerId: string, engineId: EngineId): string[] {
  const script = getEngine(engineId).applyPassword;
  if (!script) throw new Error(`${engineId} has no way to set a password without the old one`);
  return credentialScriptArgs(containerId, script);
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
