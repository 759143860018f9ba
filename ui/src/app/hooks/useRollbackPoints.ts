import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import { rollbackPointFor, type Instance, type RollbackPoint } from '@dockbase/core';
import { useAppServices } from '../context';
import { queryKeys } from '../queries';

export interface RollbackPointsState {
  /** The rollback point that applies to the instance now (its newest from before an upgrade to its version). */
  pointFor(instance: Instance): RollbackPoint | undefined;
}

/**
 * Every instance's rollback points, in one query (one `volume ls` and one `volume inspect`), read when the view
 * opens and again after an upgrade, a roll back or a snapshot change (see invalidateSnapshots). Failing to read
 * them is silent: Roll back is then not offered, and nothing else depends on them.
 */
export function useRollbackPoints(enabled: boolean): RollbackPointsState {
  const { dockbase } = useAppServices();
  const { data } = useQuery({ queryKey: queryKeys.rollbackPoints, queryFn: () => dockbase.upgrades.rollbackPoints(), enabled });
  return { pointFor: useCallback((instance: Instance) => (data ? rollbackPointFor(instance, data) : undefined), [data]) };
}
