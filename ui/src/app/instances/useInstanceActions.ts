import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { bulkTargets, isDockbaseError, type BulkAction, type Instance, type JobRequest, type ServerAnswer } from '@dockbase/core';
import type { InstanceAction, InstanceActions } from '../shared/instance-actions';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta, queryKeys, relistInstances } from '../shared/queries';
import { startJob, useJobs } from '../shared/useJobs';

export type { InstanceAction, InstanceActions } from '../shared/instance-actions';

/** The kinds of job that are an instance action (a row shows them as it showed the action). */
const ACTION_JOBS: ReadonlySet<string> = new Set<InstanceAction>(['start', 'stop', 'restart', 'delete']);

/**
 * Start, stop, restart and delete are jobs (AppServices.jobs: they go on without the page, and whoever runs
 * them records each outcome in the history); pause (one docker call) and unpause (one, and a bounded probe) run here. One
 * operation per instance at a time: `busy` is the action asked for until its job shows, then any running job
 * of those kinds on the instance, whoever started it (another tab, the command line). A job's outcome is
 * toasted where every job's is (useJobOutcomes: a failure, a delete), but a bulk action's: it says how it went
 * in one summary.
 */
export function useInstanceActions(): InstanceActions {
  const { dockbase, desktop, activity, jobs } = useAppServices();
  const queryClient = useQueryClient();
  const { data: jobList } = useJobs();
  const [asked, setAsked] = useState<Record<string, InstanceAction>>({});
  const running = useRef(new Set<string>());

  // The same object while nothing changed for the actions (the list is asked for every 500 ms while a job runs).
  const heldKey = (jobList ?? [])
    .filter((j) => j.state === 'running' && ACTION_JOBS.has(j.kind))
    .map((j) => `${j.instanceId}:${j.kind}`)
    .join(',');
  const busy = useMemo(() => {
    const held: Record<string, InstanceAction> = {};
    for (const pair of heldKey ? heldKey.split(',') : []) {
      const [id = '', kind] = pair.split(':');
      held[id] ??= kind as InstanceAction;
    }
    return { ...held, ...asked };
  }, [heldKey, asked]);
  const latestBusy = useRef(busy);
  useEffect(() => {
    latestBusy.current = busy;
  }, [busy]);

  /** Marks the instances as asked for (their actions wait), or no longer. */
  const mark = useCallback((instances: readonly Instance[], action: InstanceAction | undefined) => {
    for (const i of instances) {
      if (action) running.current.add(i.id);
      else running.current.delete(i.id);
    }
    setAsked((b) => {
      const next = { ...b };
      for (const i of instances) {
        if (action) next[i.id] = action;
        else delete next[i.id];
      }
      return next;
    });
  }, []);

  /**
   * Starts an action's job on an instance (not when one runs on it already); resolves once it ended, with
   * whether it worked. A refusal (another door's job holds the instance) is toasted here (no job exists).
   */
  const act = useCallback(
    async (instance: Instance, request: JobRequest & { kind: InstanceAction }, options: { tellsItself?: boolean } = {}): Promise<boolean> => {
      if (running.current.has(instance.id)) return false;
      mark([instance], request.kind);
      try {
        const { ended } = await startJob(queryClient, jobs, request, options).finally(() => setAsked(({ [instance.id]: _shown, ...rest }) => rest));
        return (await ended).state === 'succeeded';
      } catch (e) {
        if (!options.tellsItself) desktop.toast.error(errorMessage(e));
        // Held by a job the list does not show yet (just started elsewhere): its row shows it at once.
        if (isDockbaseError(e, 'busy')) void queryClient.invalidateQueries({ queryKey: queryKeys.jobs, exact: true });
        return false;
      } finally {
        running.current.delete(instance.id);
      }
    },
    [jobs, desktop, queryClient, mark],
  );

  const bulk = useCallback(
    async (action: BulkAction, instances: readonly Instance[]) => {
      const targets = bulkTargets(instances, action);
      // One job per instance, all asked for at once: the runner runs a few at a time, the others wait their turn
      // (their rows say so). Their outcomes are said here, in one toast.
      const results = await Promise.all(targets.map((i) => act(i, { kind: action, instanceId: i.id }, { tellsItself: true })));
      const done = results.filter(Boolean).length;
      const failed = results.length - done;
      const errors = targets.filter((_, n) => !results[n]).map((i) => i.name);
      const verb = action === 'start' ? 'Started' : 'Stopped';
      if (failed === 0) desktop.toast.success(`${verb} ${done} instance${done === 1 ? '' : 's'}.`);
      else desktop.toast.error(`${verb} ${done} of ${targets.length}; could not ${action} ${errors.join(', ')} (see each one’s history).`);
      return { done, failed };
    },
    [act, desktop],
  );

  /**
   * An action run here, at once (one docker call, no job): Pause, and Unpause (one call and a bounded probe).
   * One at a time per instance; a failure is toasted; the outcome is recorded in the history (best effort).
   */
  const direct = useCallback(
    async (i: Instance, action: 'pause' | 'unpause', work: () => Promise<void>): Promise<boolean> => {
      if (running.current.has(i.id) || latestBusy.current[i.id]) return false;
      mark([i], action);
      let ok = false;
      let detail: string | undefined;
      try {
        await work();
        ok = true;
      } catch (e) {
        detail = errorMessage(e);
        desktop.toast.error(detail);
      } finally {
        mark([i], undefined);
        void relistInstances(queryClient);
      }
      // Best effort: the log never fails.
      void activity.outcome(i, action, { ok, ...(detail ? { detail } : {}) }).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, i);
      });
      return ok;
    },
    [desktop, activity, queryClient, mark],
  );

  /** Pause: the list then shows it Paused, with Unpause. */
  const pause = useCallback((i: Instance) => direct(i, 'pause', () => dockbase.lifecycle.pause(i)), [direct, dockbase]);

  const unpause = useCallback(
    (i: Instance) =>
      direct(i, 'unpause', async () => {
        await dockbase.lifecycle.unpause(i);
        // Docker's health verdict may be from the frozen time: ask the server itself (bounded), and keep the
        // answer for the status chip, as the watch would (useServerAnswered). No answer is no error: the
        // chip says unhealthy.
        const answered = await dockbase.readiness.waitUntilReady(i, { restarted: true, timeoutMs: 30_000 }).then(
          () => true,
          () => false,
        );
        const answer: ServerAnswer = { answered, at: Date.now(), failures: answered ? 0 : 1 };
        queryClient.setQueryData(queryKeys.liveness(i.containerId), answer);
      }),
    [direct, dockbase, queryClient],
  );

  return {
    busy,
    start: useCallback((i: Instance) => act(i, { kind: 'start', instanceId: i.id }), [act]),
    stop: useCallback((i: Instance) => act(i, { kind: 'stop', instanceId: i.id }), [act]),
    restart: useCallback((i: Instance) => act(i, { kind: 'restart', instanceId: i.id }), [act]),
    pause,
    unpause,
    remove: useCallback((i: Instance, options: { removeData: boolean }) => act(i, { kind: 'delete', instanceId: i.id, removeData: options.removeData }), [act]),
    bulk,
  };
}
