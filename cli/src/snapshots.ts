/** Finding a snapshot by what a user types, and how a snapshot looks in a table and in --json. */
import { DockbaseError, formatBytes, getEngine, type Dockbase, type Instance, type Snapshot } from '@dockbase/core';
import { UsageError } from './exit-codes';

/**
 * The snapshot `ref` names: its id, or its name. A name is looked up among the instance's own snapshots
 * first (when an instance is given), then among all; two snapshots of that name are ambiguous.
 */
export async function findSnapshot(dockbase: Dockbase, ref: string, instance?: Instance): Promise<Snapshot> {
  const all = await dockbase.snapshots.list();
  const byId = all.find((s) => s.id === ref);
  if (byId) return byId;
  const named = all.filter((s) => s.name === ref);
  const own = instance ? named.filter((s) => s.instanceId === instance.id) : [];
  const candidates = own.length > 0 ? own : named;
  if (candidates.length === 1) return candidates[0] as Snapshot;
  if (candidates.length > 1) {
    throw new UsageError(
      `${candidates.length} snapshots are named "${ref}" (${candidates.map((s) => `${s.id} of ${s.instanceName}`).join(', ')}): give its id.`,
    );
  }
  throw new DockbaseError(
    'not-found',
    `No snapshot is named "${ref}"${instance ? ` (of ${instance.name} or another instance)` : ''}. \`dockbase snapshot list\` shows them.`,
  );
}

export interface SnapshotJson {
  id: string;
  name: string;
  instance: string;
  instanceId: string;
  engine: string;
  version: string;
  createdAt: string;
  sizeBytes: number;
  /** manual, before-restore or before-import. */
  reason: string;
  volumes: string[];
}

export function snapshotJson(s: Snapshot): SnapshotJson {
  return {
    id: s.id,
    name: s.name,
    instance: s.instanceName,
    instanceId: s.instanceId,
    engine: s.engine,
    version: s.tag,
    createdAt: s.createdAt,
    sizeBytes: s.sizeBytes,
    reason: s.reason,
    volumes: [s.manifestVolume, ...s.volumes.map((v) => v.volume)],
  };
}

export const SNAPSHOT_HEADER = ['ID', 'NAME', 'INSTANCE', 'VERSION', 'SIZE', 'TAKEN'] as const;

export function snapshotRow(s: Snapshot): string[] {
  return [
    s.id,
    s.name,
    s.instanceName,
    `${getEngine(s.engine).displayName} ${s.tag}`,
    formatBytes(s.sizeBytes),
    s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
  ];
}
