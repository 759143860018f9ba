import { useQuery } from '@tanstack/react-query';
import { awaitsReadiness, type Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { queryKeys } from '../queries';

/**
 * Whether this run of the instance's server answered Dockbase's own readiness probe, for the status chip
 * while docker has no verdict yet (docker probes every 30 s; on engines without a start interval its first
 * probe comes 30 s after a start). The probe runs only for a running instance docker calls "starting"
 * (just created, started or restarted, here or outside, or found so after a reload): the core's bounded
 * waitUntilReady, a few docker execs with a short backoff, ended at the first answer. Its answer is kept
 * until the container starts again (`forgetReadiness`, on docker's start event), so the idle tab runs no
 * docker command once its instances are ready.
 */
export function useServerAnswered(instance: Instance): boolean {
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
  return awaiting && answer.data === true;
}
