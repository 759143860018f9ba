/** A snapshot: an exact copy of an instance's data volumes, kept as Dockbase-labelled Docker volumes. */
import type { EngineId } from './engines';

export type SnapshotReason = 'manual' | 'before-restore' | 'before-import';

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
  volumes: SnapshotVolume[];
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
