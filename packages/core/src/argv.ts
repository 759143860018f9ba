/**
 * docker CLI argument builders: data in, exact argv out (without the leading `docker`). Values are
 * separate elements, never spliced into a string with other words, so nothing needs quoting.
 */
import { getEngine, type DataMount, type EngineId } from './engines';
import { BASELINE_CAPABILITIES, healthArgs, healthSettings, type EngineCapabilities } from './health';
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
 * the instance needs. Named volumes that do not exist yet are created by the mount itself, labelled. The
 * healthcheck's timing depends on what the engine supports (`capabilities`, the baseline by default).
 */
export function createContainerArgs(plan: CreatePlan, options: { start?: boolean; capabilities?: EngineCapabilities } = {}): string[] {
  const engine = getEngine(plan.engine);
  const args = options.start ? ['run', '--detach', '--pull', 'never', '--name', plan.name] : ['create', '--pull', 'never', '--name', plan.name];
  for (const [k, v] of Object.entries(containerLabels(specOf(plan)))) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(engine.environment(plan.password))) args.push('--env', `${k}=${v}`);
  args.push('--publish', `${plan.bindAddress}:${plan.hostPort}:${engine.containerPort}`);
  for (const v of plan.volumes) {
    const labels = Object.entries(volumeLabels(v.mount, { engine: plan.engine, tag: plan.tag, instanceName: plan.name }));
    args.push('--mount', [`type=volume`, `source=${v.name}`, `target=${v.mount.path}`, ...labels.map(([k, val]) => `volume-label=${k}=${val}`)].join(','));
  }
  args.push(...healthArgs(healthSettings(engine, options.capabilities ?? BASELINE_CAPABILITIES)));
  args.push('--stop-timeout', String(engine.stopTimeoutSeconds));
  args.push(imageRef(plan.image, plan.tag), ...engine.command(plan.password));
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

export function versionArgs(): string[] {
  return ['version', '--format', JSON_FORMAT];
}
