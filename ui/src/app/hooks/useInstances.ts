import { useCallback, useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isDockbaseError, type Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';
import { forgetAllReadiness, forgetReadiness, queryKeys, relistInstances } from '../queries';

/** Events arrive in bursts (stop = kill + die + stop): one `docker ps` per burst. */
export const RELIST_DEBOUNCE_MS = 150;

export type InstancesProblem =
  /** The engine does not answer (list/ping failed that way, or the event stream ended). */
  | { kind: 'engine-unavailable'; message: string }
  /** Listing failed for another reason. */
  | { kind: 'failed'; message: string };

export interface InstancesState {
  /** Undefined until the first list has arrived. */
  instances: Instance[] | undefined;
  /** Why the list cannot be trusted (shown in the banner, see queries.ts). */
  problem: InstancesProblem | undefined;
  retrying: boolean;
  /** Pings the engine, then lists and watches again. */
  retry(): Promise<void>;
}

const ENGINE_GONE =
  'Dockbase lost its connection to the Docker engine. Start Docker (or Docker Desktop) and choose Retry.';

function problemOf(e: unknown): InstancesProblem {
  return isDockbaseError(e, 'engine-unavailable')
    ? { kind: 'engine-unavailable', message: errorMessage(e) }
    : { kind: 'failed', message: errorMessage(e) };
}

/** A problem and when it was noticed (the clock of the query's own timestamps). */
interface Noticed {
  problem: InstancesProblem;
  at: number;
}

/**
 * The banner's problem: the newest of the last list's failure and the connection's problem (on a tie the
 * list wins: it was asked for after the watch started), and neither once a list has succeeded since.
 */
function currentProblem(list: { error: Error | null; errorUpdatedAt: number; dataUpdatedAt: number }, connection: Noticed | undefined): InstancesProblem | undefined {
  const fromList = list.error ? { problem: problemOf(list.error), at: list.errorUpdatedAt } : undefined;
  const fromConnection = connection && connection.at >= list.dataUpdatedAt ? connection : undefined;
  if (fromList && fromConnection) return (fromList.at >= fromConnection.at ? fromList : fromConnection).problem;
  return (fromList ?? fromConnection)?.problem;
}

/**
 * Every instance, kept current by docker's event stream (no polling): each burst of events invalidates the
 * list query, which lists once more (the newest request wins). When the stream ends by itself the engine is
 * reported unavailable until `retry` succeeds.
 */
export function useInstances(): InstancesState {
  const { dockbase } = useAppServices();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: queryKeys.instances, queryFn: () => dockbase.lifecycle.list() });
  // What the list itself cannot tell: the event stream ended, or Retry's ping failed.
  const [connectionProblem, setConnectionProblem] = useState<Noticed | undefined>();
  // Bumped by a successful Retry: a new event stream and a fresh list.
  const [connection, setConnection] = useState(0);

  const relist = useCallback(() => void relistInstances(queryClient), [queryClient]);

  useEffect(() => {
    const watching = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const handle = dockbase.lifecycle.watch(
      (event) => {
        // A new run of the container: whatever the last run answered no longer counts.
        if (event.action === 'start') void forgetReadiness(queryClient, event.containerId);
        clearTimeout(timer);
        timer = setTimeout(relist, RELIST_DEBOUNCE_MS);
      },
      () => {
        if (!watching.signal.aborted) setConnectionProblem({ problem: { kind: 'engine-unavailable', message: ENGINE_GONE }, at: Date.now() });
      },
    );
    // The query lists on mount; after a Retry, the list may be out of date, and a container may have
    // started unseen while the events were down.
    if (connection > 0) {
      relist();
      void forgetAllReadiness(queryClient);
    }
    watching.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      handle.cancel();
    });
    return () => watching.abort();
  }, [dockbase, relist, connection, queryClient]);

  const { mutateAsync: ping, isPending: retrying } = useMutation({
    mutationFn: () => dockbase.lifecycle.ping(),
    onSuccess: () => setConnection((c) => c + 1),
    onError: (e) => setConnectionProblem({ problem: problemOf(e), at: Date.now() }),
  });
  const retry = useCallback(() => ping().catch(() => undefined), [ping]);

  return { instances: list.data, problem: currentProblem(list, connectionProblem), retrying, retry };
}
