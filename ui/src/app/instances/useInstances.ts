import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isDockbaseError, sleep, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { forgetAllReadiness, forgetReadiness, queryKeys, relistInstances, retryDelay } from '../shared/queries';

/** Events arrive in bursts (stop = kill + die + stop): one `docker ps` per burst. */
export const RELIST_DEBOUNCE_MS = 150;

export type InstancesProblem =
  /** The engine does not answer (list/ping failed that way, or the event stream ended). */
  | { kind: 'engine-unavailable'; message: string }
  /** What carries docker's commands does not answer: the standalone host (or Docker Desktop's bridge). */
  | { kind: 'bridge-unavailable'; message: string }
  /** Listing failed for another reason. */
  | { kind: 'failed'; message: string };

export interface InstancesState {
  /** Undefined until the first list has arrived; with a problem, the last list known (see `stale`). */
  instances: Instance[] | undefined;
  /** Why the list cannot be trusted (shown in the banner, see queries.ts). */
  problem: InstancesProblem | undefined;
  /** The list shown is the last one known, not the engine's current state. */
  stale: boolean;
  /** When the list was last read (ms since the epoch), for "as of …" while stale. */
  listedAt: number;
  retrying: boolean;
  /** Pings the engine, then lists and watches again. */
  retry(): Promise<void>;
  /** When the next automatic retry happens (ms since the epoch), while there is a problem. */
  nextRetryAt: number | undefined;
}

const NONE: readonly string[] = [];

/** An event stream that ends again within this long after a silent reconnect is reported. */
const SILENT_RECONNECT_MS = 5000;
/** Ends in a row, each within SILENT_RECONNECT_MS of the reconnect before it, that are reported. */
const RAPID_ENDS_REPORTED = 3;

const ENGINE_GONE = 'Dockbase lost its connection to the Docker engine. Start Docker (or Docker Desktop) and choose Retry.';

function problemOf(e: unknown): InstancesProblem {
  if (isDockbaseError(e, 'engine-unavailable')) return { kind: 'engine-unavailable', message: errorMessage(e) };
  if (isDockbaseError(e, 'bridge-unavailable')) return { kind: 'bridge-unavailable', message: errorMessage(e) };
  return { kind: 'failed', message: errorMessage(e) };
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
function currentProblem(
  list: { error: Error | null; errorUpdatedAt: number; dataUpdatedAt: number },
  connection: Noticed | undefined,
): InstancesProblem | undefined {
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
  // Never stale by age: the events and the actions say when it changed. The answer main.tsx asked for before the
  // UI loaded (startListing) is the open's one `docker ps`, not listed again as the view mounts.
  const list = useQuery({ queryKey: queryKeys.instances, queryFn: () => dockbase.lifecycle.list(), staleTime: Number.POSITIVE_INFINITY });
  // What the list itself cannot tell: the event stream ended, or Retry's ping failed.
  const [connectionProblem, setConnectionProblem] = useState<Noticed | undefined>();
  // Bumped by a successful Retry: a new event stream and a fresh list.
  const [connection, setConnection] = useState(0);
  const lastSilentReconnect = useRef(0);
  const rapidEnds = useRef(0);

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
      (_code, reason) => {
        if (watching.signal.aborted) return;
        const problem = isDockbaseError(reason, 'bridge-unavailable') ? problemOf(reason) : { kind: 'engine-unavailable' as const, message: ENGINE_GONE };
        const report = (e?: unknown) => {
          // The ping's own answer says best what is away (the engine, or the bridge).
          if (!watching.signal.aborted) setConnectionProblem({ problem: e ? problemOf(e) : problem, at: Date.now() });
        };
        // A stream cut by the browser (it drops its connections when docker changes the network
        // interfaces) while the engine still answers: watched again, and listed, without a banner. The
        // ping is patient (patientPing): under a burst of containers starting, the host's answers are
        // dropped for seconds at a time. A stream that keeps ending within seconds of each reconnect,
        // while the ping answers, is a real problem: after a few in a row it is reported.
        const now = Date.now();
        const rapid = now - lastSilentReconnect.current < SILENT_RECONNECT_MS;
        rapidEnds.current = rapid ? rapidEnds.current + 1 : 0;
        if (rapidEnds.current >= RAPID_ENDS_REPORTED) {
          report();
          return;
        }
        const pause = rapid ? SILENT_RECONNECT_MS - (now - lastSilentReconnect.current) : 0;
        sleep(pause, watching.signal)
          .then(() => dockbase.lifecycle.patientPing(watching.signal))
          .then(() => {
            lastSilentReconnect.current = Date.now();
            if (!watching.signal.aborted) setConnection((c) => c + 1);
          }, report);
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
  const problem = currentProblem(list, connectionProblem);

  // While (and only while) something is down, Retry happens by itself, waiting longer each time.
  const attempts = useRef(0);
  const [nextRetryAt, setNextRetryAt] = useState<number | undefined>();
  const down = problem !== undefined && problem.kind !== 'failed';
  useEffect(() => {
    if (!down) {
      attempts.current = 0;
      setNextRetryAt(undefined);
      return;
    }
    if (retrying) return;
    const wait = retryDelay(attempts.current++);
    setNextRetryAt(Date.now() + wait);
    const timer = setTimeout(() => void retry(), wait);
    return () => clearTimeout(timer);
  }, [down, retrying, retry, connectionProblem, list.errorUpdatedAt]);

  // Rows of instances being created show once their create is over (no "Stopped" flash, no failed row).
  const creating = useQuery<readonly string[]>({ queryKey: queryKeys.creating, queryFn: skipToken }).data ?? NONE;
  const instances = useMemo(() => (list.data && creating.length > 0 ? list.data.filter((i) => !creating.includes(i.name)) : list.data), [list.data, creating]);

  return {
    instances,
    problem,
    stale: problem !== undefined && list.data !== undefined,
    listedAt: list.dataUpdatedAt,
    retrying,
    retry,
    nextRetryAt,
  };
}
