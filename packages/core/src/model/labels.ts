/**
 * The label schema: Dockbase's database. Containers and volumes carry these labels, and everything Dockbase
 * knows about an instance is read back from them, so this module is the one place that writes and reads them.
 */
import { isEngineId, type Accounts, type DataMount, type EngineId } from '../engines';
import { isDataVolumeName, volumeName, type ContainerState, type Health, type Instance, type InstanceSpec, type ProjectRef } from './instance';
import { settingsFromLabel, settingsLabel } from './settings';
import type { Snapshot, SnapshotReason, SnapshotVolume } from './snapshot-model';

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
  /**
   * On containers with data volumes: the id of the instance that created those volumes (its own id, or the
   * id of an earlier instance of the same name whose kept data it reuses). Volumes carry it as `instance`.
   * Notes and history are kept under it, so they stay with the data.
   */
  data: 'io.dockbase.data',
  /** The user and database the connection string names, when they are not the engine's defaults. */
  user: 'io.dockbase.user',
  database: 'io.dockbase.database',
  /** The instance's flavour (engines/flavours.ts), when it has one; on a snapshot's manifest too. */
  flavour: 'io.dockbase.flavour',
  /** The server settings the instance starts with: a JSON object, name → value; only when there are some. */
  settings: 'io.dockbase.settings',
  /** On volumes: which data mount of the engine this volume holds. */
  volume: 'io.dockbase.volume',
  mountPath: 'io.dockbase.mount',
  /** On a snapshot's volumes: the snapshot's id (its manifest volume and each data volume carry it). */
  snapshot: 'io.dockbase.snapshot',
  /** `manifest` (an empty volume whose labels describe the snapshot, made last: a snapshot is complete once it exists) or `data`. */
  snapshotRole: 'io.dockbase.snapshot.role',
  snapshotName: 'io.dockbase.snapshot.name',
  /** The id and name of the instance the snapshot was taken of. */
  snapshotOf: 'io.dockbase.snapshot.instance',
  snapshotOfName: 'io.dockbase.snapshot.instance-name',
  snapshotAt: 'io.dockbase.snapshot.at',
  /** Bytes of data in the snapshot. */
  snapshotSize: 'io.dockbase.snapshot.size',
  /** Why it was taken: `manual`, `before-restore`, `before-import`, `before-upgrade` (a rollback point), `before-rollback`. */
  snapshotReason: 'io.dockbase.snapshot.reason',
  /** On a rollback point: the version the instance was upgraded to from the snapshot's version. */
  snapshotUpgradeTo: 'io.dockbase.snapshot.upgrade-to',
  /**
   * The user and database the instance connected with when the snapshot was taken, on every snapshot made
   * since they are recorded (empty: the engine's default). Snapshots made before have neither label.
   */
  snapshotUser: 'io.dockbase.snapshot.user',
  snapshotDatabase: 'io.dockbase.snapshot.database',
  /**
   * On Dockbase's short-lived helper containers (copying volumes; an upgrade's workers) and on an upgrade's
   * transfer volume: what they do.
   */
  helper: 'io.dockbase.helper',
  /** The project (dockbase.yaml) an instance belongs to: its name and its folder, and the git branch it serves. */
  project: 'io.dockbase.project',
  projectPath: 'io.dockbase.project.path',
  branch: 'io.dockbase.branch',
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
    ...(spec.dataId !== undefined ? { [LABEL.data]: spec.dataId } : {}),
    ...(spec.user ? { [LABEL.user]: spec.user } : {}),
    ...(spec.database ? { [LABEL.database]: spec.database } : {}),
    ...(spec.project ? projectLabels(spec.project) : {}),
    ...(spec.flavour ? { [LABEL.flavour]: spec.flavour } : {}),
    ...(settingsLabel(spec.settings) !== undefined ? { [LABEL.settings]: settingsLabel(spec.settings) as string } : {}),
  };
}

/** The labels naming an instance's project (and the branch it serves). */
export function projectLabels(project: ProjectRef): Record<string, string> {
  return {
    [LABEL.project]: project.name,
    [LABEL.projectPath]: project.path,
    ...(project.branch ? { [LABEL.branch]: project.branch } : {}),
  };
}

/** The project a container's labels name; undefined without a project label. */
export function projectFromLabels(labels: Readonly<Record<string, string>>): ProjectRef | undefined {
  const name = labels[LABEL.project];
  if (!name) return undefined;
  return { name, path: labels[LABEL.projectPath] ?? '', ...(labels[LABEL.branch] ? { branch: labels[LABEL.branch] } : {}) };
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
  /** The id of the instance creating the volume (the container records it as its data id). */
  instanceId: string;
  user?: string;
  database?: string;
  /** The port and image of the instance that made it: a re-create on this data offers them again (hints only). */
  hostPort?: number;
  image?: string;
  /** The flavour it was made with (a re-create on this data offers it again). */
  flavour?: string;
}

export function volumeLabels(mount: DataMount, owner: VolumeOwner): Record<string, string> {
  return {
    [LABEL.volume]: mount.key,
    [LABEL.engine]: owner.engine,
    [LABEL.tag]: owner.tag,
    [LABEL.name]: owner.instanceName,
    [LABEL.mountPath]: mount.path,
    [LABEL.schema]: LABEL_SCHEMA,
    [LABEL.instance]: owner.instanceId,
    ...(owner.user ? { [LABEL.user]: owner.user } : {}),
    ...(owner.database ? { [LABEL.database]: owner.database } : {}),
    ...(owner.hostPort ? { [LABEL.port]: String(owner.hostPort) } : {}),
    ...(owner.image ? { [LABEL.image]: owner.image } : {}),
    ...(owner.flavour ? { [LABEL.flavour]: owner.flavour } : {}),
  };
}

/**
 * The `volume` label of a kept-settings marker: an empty volume, `dockbase-<name>-settings`, that deleting an
 * instance while keeping its data writes beside the data, its labels recording the settings the server ran with
 * at that moment. A data volume's labels are fixed when it is made and an edit changes the settings later, so
 * only the delete knows the final ones. No engine has a data mount of this key; kept data groups the marker with
 * the data of the same instance (and deletes it with them), and a create that reuses the data removes it.
 */
export const KEPT_SETTINGS_KEY = 'settings';

/** The name of an instance's kept-settings marker volume. */
export function keptSettingsVolume(instanceName: string): string {
  return volumeName(instanceName, KEPT_SETTINGS_KEY);
}

/** The labels of the kept-settings marker of `instance` (its data id, as its data volumes carry it). */
export function keptSettingsLabels(instance: Pick<Instance, 'id' | 'dataId' | 'name' | 'engine' | 'tag' | 'settings'>): Record<string, string> {
  const settings = settingsLabel(instance.settings);
  return {
    [LABEL.volume]: KEPT_SETTINGS_KEY,
    [LABEL.engine]: instance.engine,
    [LABEL.tag]: instance.tag,
    [LABEL.name]: instance.name,
    [LABEL.schema]: LABEL_SCHEMA,
    [LABEL.instance]: instance.dataId ?? instance.id,
    ...(settings !== undefined ? { [LABEL.settings]: settings } : {}),
  };
}

/**
 * The owner a data volume's labels record (volumes from before data ids have no instance id); undefined for
 * a volume Dockbase did not label.
 */
export function volumeOwner(
  labels: Readonly<Record<string, string>>,
): (Omit<VolumeOwner, 'instanceId'> & { instanceId?: string; mountKey: string }) | undefined {
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
    ...(Number(labels[LABEL.port]) > 0 ? { hostPort: Number(labels[LABEL.port]) } : {}),
    ...(labels[LABEL.image] ? { image: labels[LABEL.image] } : {}),
    ...(labels[LABEL.flavour] ? { flavour: labels[LABEL.flavour] } : {}),
  };
}

/**
 * Whether a container's Dockbase labels are its own, i.e. it is a Dockbase instance. docker merges an image's
 * labels into its containers' (and `ps --filter label=…` shows them alike), so a container run by hand from
 * an image built with `LABEL io.dockbase.instance=…` would otherwise pass for an instance. Dockbase gives
 * each container a fresh random instance id, which no image can carry in advance: an instance label equal
 * to the image's own is inherited. (Dockbase also sets every other label of containerLabels explicitly, so
 * a container whose instance label is its own has its own values for the rest.)
 */
export function isOwnInstance(labels: Readonly<Record<string, string>>, imageLabels: Readonly<Record<string, string>>): boolean {
  const id = labels[LABEL.instance];
  return Boolean(id) && id !== imageLabels[LABEL.instance] && isEngineId(labels[LABEL.engine] ?? '');
}

/** The roles of an upgrade's worker containers (their helper label). */
export const UPGRADE_WORKER_ROLES = ['upgrade-from', 'upgrade-to'] as const;
export type UpgradeWorkerRole = (typeof UPGRADE_WORKER_ROLES)[number];

/**
 * Whether a container is one of an upgrade's workers that Dockbase started: its own helper label names a worker
 * role, and it does not come from its image (an image carrying that label makes no container of it a worker).
 */
export function isOwnUpgradeWorker(labels: Readonly<Record<string, string>>, imageLabels: Readonly<Record<string, string>>): boolean {
  const role = labels[LABEL.helper] ?? '';
  return (UPGRADE_WORKER_ROLES as readonly string[]).includes(role) && imageLabels[LABEL.helper] === undefined;
}

/** Whether a volume is an upgrade's transfer volume (volumes have no image: their labels are their own). */
export function isUpgradeTransferVolume(labels: Readonly<Record<string, string>>): boolean {
  return labels[LABEL.helper] === 'upgrade';
}

/**
 * Why a volume may not be removed as the data of `instance`, or undefined when it may: the volume itself
 * must say it holds this instance's data. Its Dockbase labels name the engine, the instance's name and the
 * data mount (and its name is `dockbase-<name>-<key>`, or `…-<major>` for data a PostgreSQL upgrade made), and, for volumes made since data ids exist, the id
 * recorded on the container. Volumes from earlier versions, without an id, are matched on the rest.
 */
export function volumeMismatch(
  volume: { name: string; labels: Readonly<Record<string, string>> },
  instance: Pick<InstanceSpec, 'id' | 'name' | 'engine' | 'dataId'>,
): string | undefined {
  const labels = volume.labels;
  const key = labels[LABEL.volume];
  if (!key) return `${volume.name} does not carry Dockbase's volume labels`;
  if (labels[LABEL.engine] !== instance.engine || labels[LABEL.name] !== instance.name || !isDataVolumeName(volume.name, instance.name, key)) {
    return `${volume.name} is not labelled as ${instance.name}'s ${instance.engine} data`;
  }
  const owner = labels[LABEL.instance];
  if (owner !== undefined && owner !== (instance.dataId ?? instance.id)) return `${volume.name} holds the data of another instance`;
  return undefined;
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
    ...(labels[LABEL.data] ? { dataId: labels[LABEL.data] } : {}),
    status: facts.status,
    health: facts.status === 'running' ? facts.health : 'none',
    ...(facts.exitCode !== undefined ? { exitCode: facts.exitCode } : {}),
    createdAt: facts.createdAt,
    containerId: facts.containerId,
    statusText: facts.statusText,
    ...(labels[LABEL.user] ? { user: labels[LABEL.user] } : {}),
    ...(labels[LABEL.database] ? { database: labels[LABEL.database] } : {}),
    ...(projectFromLabels(labels) ? { project: projectFromLabels(labels) } : {}),
    ...(labels[LABEL.flavour] ? { flavour: labels[LABEL.flavour] } : {}),
    ...(settingsFromLabel(labels[LABEL.settings]) ? { settings: settingsFromLabel(labels[LABEL.settings]) } : {}),
  };
}

/** The port a Dockbase container claims (even while stopped), from its labels. */
export function claimedPort(labels: Readonly<Record<string, string>>): number | undefined {
  const port = Number(labels[LABEL.port]);
  return labels[LABEL.instance] && Number.isInteger(port) && port > 0 ? port : undefined;
}

/** The labels of a snapshot's manifest volume: everything `listSnapshots` shows, read back by `snapshotFromLabels`. */
export function snapshotManifestLabels(s: Snapshot): Record<string, string> {
  return {
    [LABEL.snapshot]: s.id,
    [LABEL.snapshotRole]: 'manifest',
    [LABEL.snapshotName]: s.name,
    [LABEL.snapshotOf]: s.instanceId,
    [LABEL.snapshotOfName]: s.instanceName,
    [LABEL.snapshotAt]: s.createdAt,
    [LABEL.snapshotSize]: String(s.sizeBytes),
    [LABEL.snapshotReason]: s.reason,
    [LABEL.engine]: s.engine,
    [LABEL.image]: s.image,
    [LABEL.tag]: s.tag,
    // key:volume pairs; volume names and keys hold no spaces or colons.
    [LABEL.volumes]: s.volumes.map((v) => `${v.key}:${v.volume}:${v.path}`).join(' '),
    ...(s.upgradeTo ? { [LABEL.snapshotUpgradeTo]: s.upgradeTo } : {}),
    ...(s.flavour ? { [LABEL.flavour]: s.flavour } : {}),
    ...(s.accounts ? { [LABEL.snapshotUser]: s.accounts.user ?? '', [LABEL.snapshotDatabase]: s.accounts.database ?? '' } : {}),
    ...(settingsLabel(s.settings) !== undefined ? { [LABEL.settings]: settingsLabel(s.settings) as string } : {}),
    [LABEL.schema]: LABEL_SCHEMA,
  };
}

/** The labels of one of a snapshot's data volumes. */
export function snapshotDataLabels(snapshotId: string, v: SnapshotVolume): Record<string, string> {
  return { [LABEL.snapshot]: snapshotId, [LABEL.snapshotRole]: 'data', [LABEL.volume]: v.key, [LABEL.mountPath]: v.path, [LABEL.schema]: LABEL_SCHEMA };
}

const REASONS: readonly SnapshotReason[] = ['manual', 'before-restore', 'before-import', 'before-upgrade', 'before-rollback'];

/** The snapshot a manifest volume describes; undefined for any other volume. */
export function snapshotFromLabels(volumeName: string, labels: Readonly<Record<string, string>>): Snapshot | undefined {
  const id = labels[LABEL.snapshot];
  const engine = labels[LABEL.engine] ?? '';
  if (!id || labels[LABEL.snapshotRole] !== 'manifest' || !isEngineId(engine)) return undefined;
  const reason = labels[LABEL.snapshotReason] as SnapshotReason;
  const size = Number(labels[LABEL.snapshotSize]);
  return {
    id,
    name: labels[LABEL.snapshotName] ?? id,
    instanceId: labels[LABEL.snapshotOf] ?? '',
    instanceName: labels[LABEL.snapshotOfName] ?? '',
    engine,
    image: labels[LABEL.image] ?? '',
    tag: labels[LABEL.tag] ?? '',
    createdAt: labels[LABEL.snapshotAt] ?? '',
    sizeBytes: Number.isFinite(size) ? size : 0,
    reason: REASONS.includes(reason) ? reason : 'manual',
    manifestVolume: volumeName,
    volumes: (labels[LABEL.volumes] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((entry) => {
        const [key = '', volume = '', ...path] = entry.split(':');
        return { key, volume, path: path.join(':') };
      }),
    ...(labels[LABEL.snapshotUpgradeTo] ? { upgradeTo: labels[LABEL.snapshotUpgradeTo] } : {}),
    ...(labels[LABEL.flavour] ? { flavour: labels[LABEL.flavour] } : {}),
    ...(labels[LABEL.snapshotUser] !== undefined ? { accounts: snapshotAccounts(labels[LABEL.snapshotUser], labels[LABEL.snapshotDatabase]) } : {}),
    ...(settingsFromLabel(labels[LABEL.settings]) ? { settings: settingsFromLabel(labels[LABEL.settings]) } : {}),
  };
}

/** The recorded user and database, each absent when it is the engine's default (an empty label). */
function snapshotAccounts(user: string | undefined, database: string | undefined): Accounts {
  return { ...(user ? { user } : {}), ...(database ? { database } : {}) };
}

/** The labels of an upgrade's transfer volume (the old server's socket folder, shared with the new one). */
export function upgradeTransferLabels(instanceName: string): Record<string, string> {
  return { [LABEL.helper]: 'upgrade', [LABEL.name]: instanceName, [LABEL.schema]: LABEL_SCHEMA };
}
