import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { orphanSnapshots, type Instance, type LeftBehind, type Snapshot } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { leftBehindQuery } from '../shared/queries';
import { useSnapshotOperations, type SnapshotOperations } from './useSnapshots';

export interface OrphanSnapshotsState extends SnapshotOperations {
  /** Newest first; empty until both the snapshots and the instances are known (or when the snapshots cannot be read). */
  orphans: readonly Snapshot[];
}

/**
 * The snapshots of deleted instances (orphanSnapshots): every snapshot (the view's one `volume ls` of what deleted
 * instances left, once the instances are known, and again after a snapshot operation or an instance delete), less those of
 * the instances listed; with delete and clone, as an instance's own. Failing to read them is silent: the
 * section is then not shown, and nothing else depends on it.
 */
export function useOrphanSnapshots(instances: readonly Instance[] | undefined): OrphanSnapshotsState {
  const { dockbase } = useAppServices();
  const { busy, remove, clone } = useSnapshotOperations(undefined);
  const { data } = useQuery({ ...leftBehindQuery(dockbase), select: snapshotsOf, enabled: instances !== undefined });
  const orphans = useMemo(() => orphanSnapshots(data ?? [], instances), [data, instances]);
  return { orphans, busy, remove, clone };
}

const snapshotsOf = (left: LeftBehind) => left.snapshots;
