import { useCallback } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { EngineUsage } from '@dockbase/core';
import { useAppServices } from './context';
import { queryKeys } from './queries';

export interface EngineUsageState {
  /** Names and host ports taken by any container; undefined until known (or when it could not be read). */
  usage: EngineUsage | undefined;
  /** True once this form's own answer (or failure) is in: suggestions no longer change under the user. */
  settled: boolean;
  refresh(): void;
}

/**
 * The names and ports already in use, for unique suggestions and conflicts shown before submit. Read
 * afresh each time a form mounts (what an earlier form read only shows meanwhile). A failure is silent:
 * the form still works, and the service refuses a taken name or port on create.
 */
export function useEngineUsage(): EngineUsageState {
  const { dockbase } = useAppServices();
  const queryClient = useQueryClient();
  const usage = useQuery({ queryKey: queryKeys.engineUsage, queryFn: () => dockbase.creation.usage() });
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: queryKeys.engineUsage, exact: true }), [queryClient]);
  // An answer that could not be refreshed is no answer: an old one would show conflicts that are gone.
  return { usage: usage.isError ? undefined : usage.data, settled: usage.isFetchedAfterMount, refresh };
}
