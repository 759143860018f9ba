import { useCallback, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { isRollbackPoint, rollbackPointFor, type Instance, type RollbackPoint } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { queryKeys } from '../shared/queries';

export interface RollbackPointsState {
  /** The rollback point that applies to the instance now (its newest from before an upgrade to its version). */
  pointFor(instance: Instance): RollbackPoint | undefined;
}

/**
 * Every instance's rollback points, from the view's one list of every snapshot (one `volume ls` and one
 * `volume inspect`, shared with the snapshots of deleted instances), read once the instances are shown and
 * again after an upgrade, a roll back or a snapshot change (see invalidateSnapshots). Failing to read them is
 * silent: Roll back is then not offered, and nothing else depends on them.
 */
export function useRollbackPoints(enabled: boolean): RollbackPointsState {
  const { dockbase } = useAppServices();
  const { data } = useQuery({ queryKey: queryKeys.allSnapshots, queryFn: () => dockbase.snapshots.list(), enabled });
  const points = useMemo(() => data?.filter(isRollbackPoint), [data]);
  return { pointFor: useCallback((instance: Instance) => (points ? rollbackPointFor(instance, points) : undefined), [points]) };
}
