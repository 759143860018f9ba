import { useEffect, useState } from 'react';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';

/** Lines kept in the panel; older ones scroll away. */
export const MAX_LOG_LINES = 5000;

/** How far back the panel starts: the last N lines, or the whole log. */
export type LogTail = 100 | 200 | 1000 | 'all';

export interface FollowOptions {
  tail?: LogTail;
  /** Docker's own timestamp in front of each line. */
  timestamps?: boolean;
}

export interface FollowedLogs {
  lines: readonly string[];
  /** The stream ended by itself (the container was removed, or the engine went away). */
  ended: boolean;
}

/**
 * Follows `docker logs` of the instance while mounted; the stream is cancelled on unmount. Mount it with
 * `key={instance.containerId}` so another container starts from an empty panel.
 */
export function useFollowLogs(instance: Instance, options: FollowOptions = {}): FollowedLogs {
  const tail = options.tail ?? 200;
  const timestamps = options.timestamps ?? false;
  const { dockbase } = useAppServices();
  const [lines, setLines] = useState<string[]>([]);
  const [ended, setEnded] = useState(false);

  // A stream, not a query: it stays an effect, cancelled the way the other subscriptions are (an
  // AbortController whose abort cancels `docker logs` and silences whatever it still delivers).
  useEffect(() => {
    // Another tail or the timestamps toggled: the panel starts again from what docker gives.
    setLines([]);
    setEnded(false);
    const following = new AbortController();
    const { signal } = following;
    const handle = dockbase.lifecycle.followLogs(
      instance,
      (line) => {
        if (!signal.aborted) setLines((all) => [...all, line].slice(-MAX_LOG_LINES));
      },
      tail,
      { timestamps },
    );
    handle.done.then(
      () => {
        if (!signal.aborted) setEnded(true);
      },
      () => undefined,
    );
    signal.addEventListener('abort', () => handle.cancel());
    return () => following.abort();
  }, [dockbase, instance, tail, timestamps]);

  return { lines, ended };
}
