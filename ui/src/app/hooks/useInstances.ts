import { useCallback, useEffect, useRef, useState } from 'react';
import { isDockbaseError, type Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';

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
  problem: InstancesProblem | undefined;
  retrying: boolean;
  /** Pings the engine, then lists and watches again. */
  retry(): Promise<void>;
  /** Lists once more (after an action, in case its events were missed). */
  refresh(): void;
}

const ENGINE_GONE =
  'Dockbase lost its connection to the Docker engine. Start Docker (or Docker Desktop) and choose Retry.';

function problemOf(e: unknown): InstancesProblem {
  return isDockbaseError(e, 'engine-unavailable')
    ? { kind: 'engine-unavailable', message: errorMessage(e) }
    : { kind: 'failed', message: errorMessage(e) };
}

/**
 * Every instance, kept current by docker's event stream (no polling): each burst of events triggers one
 * re-list. When the stream ends by itself the engine is reported unavailable until `retry` succeeds.
 */
export function useInstances(): InstancesState {
  const { dockbase } = useAppServices();
  const [instances, setInstances] = useState<Instance[] | undefined>();
  const [problem, setProblem] = useState<InstancesProblem | undefined>();
  const [retrying, setRetrying] = useState(false);
  // Bumped to start over: a new event stream and a fresh list.
  const [connection, setConnection] = useState(0);
  // The newest list request wins, whatever order the answers come in.
  const lastRequest = useRef(0);

  const load = useCallback(() => {
    const request = ++lastRequest.current;
    dockbase.lifecycle.list().then(
      (list) => {
        if (request !== lastRequest.current) return;
        setInstances(list);
        setProblem(undefined);
      },
      (e: unknown) => {
        if (request === lastRequest.current) setProblem(problemOf(e));
      },
    );
  }, [dockbase]);

  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const handle = dockbase.lifecycle.watch(
      () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (active) load();
        }, RELIST_DEBOUNCE_MS);
      },
      () => {
        if (active) setProblem({ kind: 'engine-unavailable', message: ENGINE_GONE });
      },
    );
    load();
    return () => {
      active = false;
      clearTimeout(timer);
      handle.cancel();
    };
  }, [dockbase, load, connection]);

  const retry = useCallback(async () => {
    setRetrying(true);
    try {
      await dockbase.lifecycle.ping();
      setConnection((c) => c + 1);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setRetrying(false);
    }
  }, [dockbase]);

  return { instances, problem, retrying, retry, refresh: load };
}
