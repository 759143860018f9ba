import { useEffect, useMemo } from 'react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { awaitsReadiness, isWatched, noteVerdict, serverView, startedLately, type Instance, type ServerAnswer, type ServerView } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { queryKeys } from '../shared/queries';
import { useSeenVerdicts, type SeenVerdicts } from './ServerVerdicts';

/** What Dockbase's own probes know of the server, for `displayStatus`. */
export type ServerReadiness = ServerView;

/** Whether nobody can see the tab: the watch skips its turn then (Docker Desktop, a browser tab in the background). */
function hidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/**
 * What this run of the instance's server told Dockbase's own probes, for the status chip. Docker probes every
 * 20 minutes, and on engines without a start interval its first probe comes 20 minutes after a start, so:
 * - while docker still says "starting" after a start of less than a minute ago (just created, started or
 *   restarted, here or outside, or found so after a reload), the core's bounded readiness wait asks the
 *   server, one docker exec that ends at its first answer, kept until the container starts again
 *   (`forgetReadiness`);
 * - a server docker still calls "starting" that has run for longer (found so as the tab opens) is not asked
 *   at once: opening the tab costs no docker command per instance. It shows as running, and the watch below
 *   asks it on its own cadence;
 * - from then on, while the tab is open and visible, the core's watch probes the running server every 40 s
 *   (liveness.ts): a server that hangs shows as unhealthy within 50 s. Its last answer counts when it is
 *   newer than docker's verdict as this tab first saw it (so after an Unpause, whose probe writes the same
 *   answer, docker's "unhealthy" from the frozen time gives way).
 */
export function useServerAnswered(instance: Instance): ServerReadiness {
  const { dockbase } = useAppServices();
  const queryClient = useQueryClient();
  const verdicts = useSeenVerdicts();
  const awaiting = awaitsReadiness(instance);
  const answer = useQuery({
    queryKey: queryKeys.readiness(instance.containerId),
    queryFn: async ({ signal }) => {
      await dockbase.readiness.waitUntilReady(instance, { signal });
      return true;
    },
    // A wait asked for goes on to its answer even once the start is no longer recent.
    enabled: awaiting && startedLately(instance),
    // One answer per run: never asked again until the container starts again.
    staleTime: Number.POSITIVE_INFINITY,
  });
  const serverAnswered = awaiting && answer.data === true;
  // A wait that ended without an answer (docker or the bridge failed it) hands the server to the watch at once.
  const waitFailed = answer.isError;
  const unprobed = isUnprobed(instance, answer.data, answer.fetchStatus === 'fetching', waitFailed);

  // Written by the watch below and by the Unpause action (never fetched by the query itself).
  const { containerId, engine, health } = instance;
  const probed = useQuery<ServerAnswer>({
    queryKey: queryKeys.liveness(containerId),
    queryFn: () => Promise.reject(new Error('written by the watch')),
    enabled: false,
  });
  const watched = isWatched(instance, { serverAnswered }) || unprobed;
  useEffect(() => {
    if (!watched) return undefined;
    const stop = new AbortController();
    const key = queryKeys.liveness(containerId);
    void dockbase.liveness.watch({ containerId, engine, health }, (a) => queryClient.setQueryData(key, a), {
      signal: stop.signal,
      paused: hidden,
      previous: queryClient.getQueryData<ServerAnswer>(key),
      firstProbeNow: waitFailed,
    });
    return () => stop.abort();
    // The watch restarts when the container or whether it is watched changes, not on every verdict.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [watched, containerId, engine, dockbase, queryClient]);

  return viewOf(instance, answer.data, probed.data, verdicts, answer.fetchStatus === 'fetching', waitFailed);
}

/**
 * Whether docker's "starting" is only its not having probed the server: no readiness wait asks it (none was
 * asked for this run of a server that has run for a while, or the wait failed), and the watch takes it over.
 * A failed wait counts whenever the start was: the list's "Up 5 seconds" is not read again until docker's
 * next event, so waiting for the start to look old could leave the card without a verdict.
 */
function isUnprobed(instance: Instance, answered: boolean | undefined, waiting: boolean, waitFailed = false): boolean {
  return awaitsReadiness(instance) && (waitFailed || !startedLately(instance)) && answered === undefined && !waiting;
}

/**
 * The view of one instance from what the tab's probes left in the cache (`answered`, the readiness wait's
 * answer for this run; `probed`, the watch's last answer), by the core's rule (liveness.ts). Docker's verdict
 * is noted first, shared by every card and row that shows it: when this tab first saw it decides whether the
 * watch's answer is the newer word. Every state is noted, paused ones too: an unpause must not look like a
 * new verdict.
 */
function viewOf(
  instance: Instance,
  answered: boolean | undefined,
  probed: ServerAnswer | undefined,
  verdicts: SeenVerdicts,
  waiting = false,
  waitFailed = false,
): ServerView {
  const seen = noteVerdict(verdicts.get(instance.containerId), instance, Date.now());
  verdicts.set(instance.containerId, seen);
  const view = serverView(instance, { answered, probed }, seen.at);
  return isUnprobed(instance, answered, waiting, waitFailed) ? { ...view, unprobed: true } : view;
}

/**
 * The same views for a whole list (the status filter), read from the cache the cards and rows fill: nothing
 * is fetched here, but a new answer re-renders.
 */
export function useServerViews(instances: readonly Instance[]): (instance: Instance) => ServerView {
  const verdicts = useSeenVerdicts();
  const never = () => Promise.reject(new Error('written by the cards and rows'));
  const readiness = useQueries({
    queries: instances.map((i) => ({ queryKey: queryKeys.readiness(i.containerId), queryFn: never, enabled: false })),
    combine: (results) => results.map((r) => ({ answered: r.data as boolean | undefined, waiting: r.fetchStatus === 'fetching', failed: r.isError })),
  });
  const liveness = useQueries({
    queries: instances.map((i) => ({ queryKey: queryKeys.liveness(i.containerId), queryFn: never, enabled: false })),
    combine: (results) => results.map((r) => r.data as ServerAnswer | undefined),
  });
  return useMemo(() => {
    const answers = new Map(instances.map((i, n) => [i.containerId, { ...readiness[n], probed: liveness[n] }]));
    return (instance: Instance) => {
      const a = answers.get(instance.containerId);
      return viewOf(instance, a?.answered, a?.probed, verdicts, a?.waiting, a?.failed);
    };
  }, [instances, readiness, liveness, verdicts]);
}
