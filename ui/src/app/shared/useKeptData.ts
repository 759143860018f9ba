import { useCallback } from 'react';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { KeptData, LeftBehind } from '@dockbase/core';
import { useAppServices } from './context';
import { errorMessage } from './errors';
import { invalidateKeptData, leftBehindQuery, queryKeys } from './queries';

export interface KeptDataState {
  /** Undefined until listed (or when it could not be: the form then learns of kept data on create). */
  kept: readonly KeptData[] | undefined;
  loading: boolean;
  /** Deletes kept data for good (after the user typed its name); its notes and history go too. */
  remove(kept: KeptData): Promise<boolean>;
  removing: boolean;
}

/**
 * The data deleted instances left behind: the view's one `docker volume ls` of what they left (leftBehindQuery),
 * read once and again after what changes it; `fresh` asks again when the caller mounts (a dialog opening).
 */
export function useKeptData(options: { fresh?: boolean } = {}): KeptDataState {
  const { dockbase, desktop, activity } = useAppServices();
  const client = useQueryClient();
  const list = useQuery({ ...leftBehindQuery(dockbase), select: keptOf, ...(options.fresh ? { staleTime: 0 } : {}) });
  const { mutateAsync, isPending } = useMutation({
    mutationFn: (kept: KeptData) => dockbase.keptData.remove(kept),
    onSuccess: (_done, kept) => {
      desktop.toast.success(`The data of ${kept.instanceName} was deleted.`);
      void activity.keptDataDeleted(kept.instanceId);
    },
    onError: (e) => desktop.toast.error(errorMessage(e)),
    onSettled: () => invalidateKeptData(client),
  });
  const remove = useCallback(
    (kept: KeptData) =>
      mutateAsync(kept).then(
        () => true,
        () => false,
      ),
    [mutateAsync],
  );
  return { kept: list.data, loading: list.isFetching, remove, removing: isPending };
}

const keptOf = (left: LeftBehind) => left.kept;

/** When kept data was written and how big it is (one volume inspect and one system df), once it is shown. */
export function useKeptDataDetails(kept: KeptData | undefined): KeptData | undefined {
  const { dockbase } = useAppServices();
  const details = useQuery({
    queryKey: queryKeys.keptDataDetails(kept?.volumes ?? []),
    queryFn: kept ? () => dockbase.keptData.details(kept) : skipToken,
    staleTime: 60_000,
  });
  return kept ? (details.data ?? kept) : undefined;
}

/** Dates and sizes of every kept data at once (one volume inspect and one system df), once the list is opened. */
export function useKeptDataDetailsOfAll(kept: readonly KeptData[] | undefined, enabled: boolean): readonly KeptData[] | undefined {
  const { dockbase } = useAppServices();
  const details = useQuery({
    queryKey: queryKeys.keptDataDetailsOfAll(kept?.flatMap((k) => k.volumes) ?? []),
    queryFn: kept && enabled ? () => dockbase.keptData.detailsOfAll(kept) : skipToken,
    staleTime: 60_000,
  });
  return details.data ?? kept;
}
