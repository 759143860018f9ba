/** A snapshot: an exact copy of an instance's data volumes, kept as Dockbase-labelled Docker volumes. */
import type { Accounts, EngineId } from '../engines';
import type { Instance } from './instance';

/**
 * Why a snapshot was taken. `before-upgrade`: the rollback point of an upgrade (the data and version from
 * before it); `before-rollback`: the data an instance held when it was rolled back.
 */
export type SnapshotReason = 'manual' | 'before-restore' | 'before-import' | 'before-upgrade' | 'before-rollback';

/** One copied data volume: which of the engine's data folders it holds, and where it is mounted. */
export interface SnapshotVolume {
  key: string;
  path: string;
  /** The snapshot's volume holding that folder's copy. */
  volume: string;
}

export interface Snapshot {
  id: string;
  name: string;
  /** The instance it was taken of (which may since have been deleted). */
  instanceId: string;
  instanceName: string;
  engine: EngineId;
  image: string;
  /** The version whose data it holds: restore refuses it where the instance's version cannot read it. */
  tag: string;
  /** ISO 8601. */
  createdAt: string;
  sizeBytes: number;
  reason: SnapshotReason;
  /** The empty volume whose labels describe the snapshot. */
  manifestVolume: string;
  /**
   * The volumes holding its data: copies made for it, or (a PostgreSQL upgrade's rollback point, a roll back's
   * kept data) the instance's own former data volume, kept as it was instead of copied.
   */
  volumes: SnapshotVolume[];
  /** The instance's flavour when it was taken (a clone gets it, with the image). */
  flavour?: string;
  /** On a rollback point: the version the instance was upgraded to (the point applies while it runs that version). */
  upgradeTo?: string;
  /**
   * The user and database the instance connected with (each absent: the engine's default), which its data
   * was initialised with: a clone connects with the same. Absent on snapshots taken before Dockbase recorded
   * them (then unknown, not the defaults).
   */
  accounts?: Accounts;
  /** The server settings the instance started with (its label), when it had some: a clone starts with them too. */
  settings?: Readonly<Record<string, string>>;
}

/** A rollback point: the data and version from before an upgrade, kept until the user deletes it. */
export type RollbackPoint = Snapshot & { reason: 'before-upgrade'; upgradeTo: string };

export function isRollbackPoint(s: Snapshot): s is RollbackPoint {
  return s.reason === 'before-upgrade' && typeof s.upgradeTo === 'string' && s.upgradeTo !== '';
}

/**
 * The snapshots whose instance no longer exists: no instance has the id they were taken of. Nothing else
 * lists them (an instance's snapshots are found by its id), yet they take space and may be the last copy of
 * that data, so the tab and the CLI show them apart, to clone or delete. Whatever the reason they were taken:
 * a rollback point of a deleted instance can no longer be rolled back to, but it still holds the data from
 * before the upgrade. An instance re-created on kept data has a new id (its data id is the old one): the
 * snapshots of the instance it replaced count here too, as its own list does not show them. Keeps their order.
 * With no instances known yet (undefined), none: every snapshot would look orphaned.
 */
export function orphanSnapshots<S extends Pick<Snapshot, 'instanceId'>>(
  snapshots: readonly S[],
  instances: readonly (Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>)[] | undefined,
): S[] {
  if (!instances) return [];
  return snapshots.filter((s) => !instances.some((i) => snapshotBelongsTo(s, i)));
}

/**
 * Whether a snapshot is the instance's: taken of it, or of the instance that made its data (a re-create on
 * kept data gets a new id, and its data keeps the old one: its snapshots stay its own, to restore or roll back).
 */
export function snapshotBelongsTo(snapshot: Pick<Snapshot, 'instanceId'>, instance: Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>): boolean {
  return snapshot.instanceId === instance.id || (instance.dataId !== undefined && snapshot.instanceId === instance.dataId);
}

/** Volume names of a snapshot: `dockbase-<instance>-snap-<id>` (manifest) and `…-<key>` (data). */
export function snapshotVolumeName(instanceName: string, snapshotId: string, key?: string): string {
  return `dockbase-${instanceName}-snap-${snapshotId}${key ? `-${key}` : ''}`;
}

/** Snapshot names: what a user types, kept simple enough for labels and messages. */
export const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/;

export function checkSnapshotName(name: string): string | undefined {
  if (!name.trim()) return 'A snapshot needs a name.';
  if (!SNAPSHOT_NAME.test(name)) return 'Use up to 63 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit.';
  return undefined;
}

/**
 * Names are unique per instance (a name is how `restore NAME` finds one): why `name` cannot be taken for a
 * new snapshot of the instance whose snapshots are `taken`, naming the snapshot that has it; undefined when free.
 */
export function snapshotNameTaken(name: string, taken: readonly Pick<Snapshot, 'id' | 'name' | 'instanceName' | 'createdAt'>[]): string | undefined {
  const same = taken.find((s) => s.name === name);
  if (!same) return undefined;
  const when = same.createdAt ? `, taken ${same.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : '';
  return `${same.instanceName} already has a snapshot named "${name}" (id ${same.id}${when}). Choose another name, or delete that snapshot first.`;
}

/**
 * `name`, or the first of `name 2`, `name 3`… that none of `taken` has: for the names Dockbase gives
 * ("before import <time>"), which must never collide with one already there. Kept within SNAPSHOT_NAME's 63
 * characters by shortening `name`.
 */
export function freeSnapshotName(name: string, taken: readonly Pick<Snapshot, 'name'>[]): string {
  const names = new Set(taken.map((s) => s.name));
  if (!names.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = ` ${n}`;
    const candidate = `${name.slice(0, 63 - suffix.length).trimEnd()}${suffix}`;
    if (!names.has(candidate)) return candidate;
  }
}
