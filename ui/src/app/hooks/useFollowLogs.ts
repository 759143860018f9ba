import { useEffect, useState } from 'react';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../context';

/** Lines kept in the panel; older ones scroll away. */
export const MAX_LOG_LINES = 2000;
const TAIL = 200;

export interface FollowedLogs {
  lines: readonly string[];
  /** The stream ended by itself (the container was removed, or the engine went away). */
  ended: boolean;
}

/**
 * Follows `docker logs` of the instance while mounted; the stream is cancelled on unmount. Mount it with
 * `key={instance.containerId}` so another container starts from an empty panel.
 */
export function useFollowLogs(instance: Instance): FollowedLogs {
  const { dockbase } = useAppServices();
  const [lines, setLines] = useState<string[]>([]);
  const [ended, setEnded] = useState(false);

  // A stream, not a query: it stays an effect, cancelled the way the other subscriptions are (an
  // AbortController whose abort cancels `docker logs` and silences whatever it still delivers).
  useEffect(() => {
    const following = new AbortController();
    const { signal } = following;
    const handle = dockbase.lifecycle.followLogs(
      instance,
      (line) => {
        if (!signal.aborted) setLines((all) => [...all, line].slice(-MAX_LOG_LINES));
      },
      TAIL,
    );
    handle.done.then(
      () => {
        if (!signal.aborted) setEnded(true);
      },
      () => undefined,
    );
    signal.addEventListener('abort', () => handle.cancel());
    return () => following.abort();
  }, [dockbase, instance]);

  return { lines, ended };
}
