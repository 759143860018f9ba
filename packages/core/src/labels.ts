/**
 * The label schema: Dockbase's database. Containers and volumes carry these labels, and everything Dockbase
 * knows about an instance is read back from them, so this module is the one place that writes and reads them.
 */
import { isEngineId, type DataMount, type EngineId } from './engines';
import type { ContainerState, Health, Instance, InstanceSpec } from './instance';

export const LABEL = {
  instance: 'io.dockbase.instance',
  engine: 'io.dockbase.engine',
  schema: 'io.dockbase.schema',
  name: 'io.dockbase.name',
  image: 'io.dockbase.image',
  tag: 'io.dockbase.tag',
  port: 'io.dockbase.port',
  bind: 'io.dockbase.bind',
  volumes: 'io.dockbase.volumes',
  /** The user and database the connection string names, when they are not the engine's defaults. */
  user: 'io.dockbase.user',
  database: 'io.dockbase.database',
  /** On volumes: which data mount of the engine this volume holds. */
  volume: 'io.dockbase.volume',
  mountPath: 'io.dockbase.mount',
} as const;

/** Bumped when the meaning of the labels changes; older instances stay readable. */
export const LABEL_SCHEMA = '1';

/** The labels of an instance's container: everything `list` needs to show it again. */
export function containerLabels(spec: InstanceSpec): Record<string, string> {
  return {
    [LABEL.instance]: spec.id,
    [LABEL.engine]: spec.engine,
    [LABEL.schema]: LABEL_SCHEMA,
    [LABEL.name]: spec.name,
    [LABEL.image]: spec.image,
    [LABEL.tag]: spec.tag,
    [LABEL.port]: String(spec.hostPort),
    [LABEL.bind]: spec.bindAddress,
    [LABEL.volumes]: spec.volumes.join(' '),
    ...(spec.user ? { [LABEL.user]: spec.user } : {}),
    ...(spec.database ? { [LABEL.database]: spec.database } : {}),
  };
}

/**
 * Whose data a volume holds, so that a later create can reuse it safely: the engine and version that wrote
 * it, the instance (its id keeps notes and history with the data), and the user and database it was
 * initialised with (the image's variables act only on an empty folder).
 */
export interface VolumeOwner {
  engine: EngineId;
  tag: string;
  instanceName: string;
  instanceId?: string;
  user?: string;
  database?: string;
}

export function volumeLabels(mount: DataMount, owner: VolumeOwner): Record<string, string> {
  return {
    [LABEL.volume]: mount.key,
    [LABEL.engine]: owner.engine,
    [LABEL.tag]: owner.tag,
    [LABEL.name]: owner.instanceName,
    [LABEL.mountPath]: mount.path,
    [LABEL.schema]: LABEL_SCHEMA,
    ...(owner.instanceId ? { [LABEL.instance]: owner.instanceId } : {}),
    ...(owner.user ? { [LABEL.user]: owner.user } : {}),
    ...(owner.database ? { [LABEL.database]: owner.database } : {}),
  };
}

/** The owner a data volume's labels record; undefined for a volume Dockbase did not label. */
export function volumeOwner(labels: Readonly<Record<string, string>>): (VolumeOwner & { mountKey: string }) | undefined {
  const engine = labels[LABEL.engine] ?? '';
  const mountKey = labels[LABEL.volume];
  if (!mountKey || !isEngineId(engine)) return undefined;
  return {
    engine,
    mountKey,
    tag: labels[LABEL.tag] ?? '',
    instanceName: labels[LABEL.name] ?? '',
    ...(labels[LABEL.instance] ? { instanceId: labels[LABEL.instance] } : {}),
    ...(labels[LABEL.user] ? { user: labels[LABEL.user] } : {}),
    ...(labels[LABEL.database] ? { database: labels[LABEL.database] } : {}),
  };
}

/** What docker itself says about a container, beside its labels. */
export interface ContainerFacts {
  containerId: string;
  /** The container's name, for labels that lack it. */
  containerName: string;
  /** The image reference the container runs, split, for labels that lack it. */
  image: { image: string; tag: string };
  status: ContainerState;
  health: Health;
  exitCode?: number;
  createdAt: string;
  statusText: string;
}

/** The instance a container's labels describe; undefined for a container without Dockbase's labels. */
export function instanceFromLabels(labels: Readonly<Record<string, string>>, facts: ContainerFacts): Instance | undefined {
  const id = labels[LABEL.instance];
  const engine = labels[LABEL.engine] ?? '';
  if (!id || !isEngineId(engine)) return undefined;
  const port = Number(labels[LABEL.port]);
  return {
    id,
    name: labels[LABEL.name] || facts.containerName,
    engine,
    image: labels[LABEL.image] || facts.image.image,
    tag: labels[LABEL.tag] || facts.image.tag,
    hostPort: Number.isInteger(port) ? port : 0,
    bindAddress: labels[LABEL.bind] || '127.0.0.1',
    volumes: (labels[LABEL.volumes] ?? '').split(' ').filter(Boolean),
    status: facts.status,
    health: facts.status === 'running' ? facts.health : 'none',
    ...(facts.exitCode !== undefined ? { exitCode: facts.exitCode } : {}),
    createdAt: facts.createdAt,
    containerId: facts.containerId,
    statusText: facts.statusText,
    ...(labels[LABEL.user] ? { user: labels[LABEL.user] } : {}),
    ...(labels[LABEL.database] ? { database: labels[LABEL.database] } : {}),
  };
}

/** The port a Dockbase container claims (even while stopped), from its labels. */
export function claimedPort(labels: Readonly<Record<string, string>>): number | undefined {
  const port = Number(labels[LABEL.port]);
  return labels[LABEL.instance] && Number.isInteger(port) && port > 0 ? port : undefined;
}
