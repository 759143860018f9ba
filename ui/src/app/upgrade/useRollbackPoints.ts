import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import { isRollbackPoint, rollbackPointFor, type Instance, type LeftBehind, type RollbackPoint } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { leftBehindQuery } from '../shared/queries';

export interface RollbackPointsState {
  /** The rollback point that applies to the instance now (its newest from before an upgrade to its version). */
  pointFor(instance: Instance): RollbackPoint | undefined;
}

/**
 * Every instance's rollback points, from the view's one list of every snapshot (one `volume ls`, shared with
 * the snapshots of deleted instances and the kept data: leftBehindQuery), read once the instances are shown and
 * again after an upgrade, a roll back or a snapshot change (see invalidateSnapshots). Failing to read them is
 * silent: Roll back is then not offered, and nothing else depends on them.
 */
export function useRollbackPoints(enabled: boolean): RollbackPointsState {
  const { dockbase } = useAppServices();
  const { data: points } = useQuery({ ...leftBehindQuery(dockbase), select: pointsOf, enabled });
  return { pointFor: useCallback((instance: Instance) => (points ? rollbackPointFor(instance, points) : undefined), [points]) };
}

const pointsOf = (left: LeftBehind) => left.snapshots.filter(isRollbackPoint);
