import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { awaitsReadiness, type Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { queryKeys } from '../queries';

/**
 * How long after an unpause docker's "unhealthy" may still be the verdict of the frozen time: its next probe
 * comes within one interval (30 s) and answers within its timeout (10 s).
 */
export const UNPAUSE_VERDICT_MS = 45_000;

/** What Dockbase's own probe knows of the server, for `displayStatus`. */
export interface ServerReadiness {
  /** This run of the server answered while docker still says "health: starting". */
  serverAnswered: boolean;
  /** The server answered right after an unpause, and docker has not probed it since. */
  answeredSinceUnpause: boolean;
}

/**
 * Whether this run of the instance's server answered Dockbase's own readiness probe, for the status chip
 * while docker has no verdict yet (docker probes every 30 s; on engines without a start interval its first
 * probe comes 30 s after a start). The probe runs only for a running instance docker calls "starting"
 * (just created, started or restarted, here or outside, or found so after a reload): the core's bounded
 * waitUntilReady, a few docker execs with a short backoff, ended at the first answer. Its answer is kept
 * until the container starts again (`forgetReadiness`, on docker's start event), so the idle tab runs no
 * docker command once its instances are ready. After Unpause (useInstanceActions probes the server then),
 * docker's "unhealthy" from the frozen time gives way to that answer until docker probes again.
 */
export function useServerAnswered(instance: Instance): ServerReadiness {
  const { dockbase } = useAppServices();
  const awaiting = awaitsReadiness(instance);
  const answer = useQuery({
    queryKey: queryKeys.readiness(instance.containerId),
    queryFn: async ({ signal }) => {
      await dockbase.readiness.waitUntilReady(instance, { signal });
      return true;
    },
    enabled: awaiting,
    // One answer per run: never asked again until the container starts again.
    staleTime: Number.POSITIVE_INFINITY,
  });
  // Written by the unpause action only (never fetched here).
  const unpaused = useQuery<number>({ queryKey: queryKeys.answeredAfterUnpause(instance.containerId), queryFn: () => Promise.reject(new Error('set by Unpause')), enabled: false });
  const answeredAt = unpaused.data;
  const stale = instance.status === 'running' && instance.health === 'unhealthy';
  const [now, setNow] = useState(() => Date.now());
  const left = answeredAt === undefined ? 0 : answeredAt + UNPAUSE_VERDICT_MS - now;
  useEffect(() => {
    if (!stale || answeredAt === undefined) return undefined;
    // Once docker had its chance to probe again, its verdict stands: look again then.
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, answeredAt + UNPAUSE_VERDICT_MS - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [stale, answeredAt]);
  return { serverAnswered: awaiting && answer.data === true, answeredSinceUnpause: stale && answeredAt !== undefined && left > 0 };
}
