import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { bulkTargets, type BulkAction, type Instance, type ServerAnswer } from '@dockbase/core';
import type { InstanceAction, InstanceActions } from '../shared/instance-actions';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta, invalidateLeftBehind, queryKeys, relistInstances } from '../shared/queries';

export type { InstanceAction, InstanceActions } from '../shared/instance-actions';

/** How many docker commands a bulk action runs at once (each stop may take the engine's whole stop timeout). */
const BULK_CONCURRENCY = 4;

/**
 * Start, stop, restart, unpause and delete, one operation per instance at a time (a second one is ignored).
 * Failures go to a toast with the service's message; each outcome goes to the activity log (the backend's
 * history), and the instance's history is read again once it is recorded. Each action lists the instances
 * again, in case its events were missed.
 */
export function useInstanceActions(): InstanceActions {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<Record<string, InstanceAction>>({});
  const running = useRef(new Set<string>());
  const usage = useCallback(() => dockbase.creation.usage(), [dockbase]);

  const perform = useCallback(
    async (
      instance: Instance,
      action: InstanceAction,
      operation: () => Promise<void>,
      options: { success?: string; quiet?: boolean; dataKept?: boolean } = {},
    ): Promise<boolean> => {
      if (running.current.has(instance.id)) return false;
      running.current.add(instance.id);
      setBusy((b) => ({ ...b, [instance.id]: action }));
      let ok = false;
      let detail: string | undefined;
      try {
        await operation();
        ok = true;
        if (options.success) desktop.toast.success(options.success);
      } catch (e) {
        detail = errorMessage(e);
        if (!options.quiet) desktop.toast.error(detail);
      } finally {
        running.current.delete(instance.id);
        setBusy(({ [instance.id]: _done, ...rest }) => rest);
        void relistInstances(queryClient);
      }
      // Best effort: the log never fails (a delete that keeps the data keeps the notes too).
      void activity
        .outcome(instance, action, {
          ok,
          ...(detail ? { detail } : {}),
          ...(options.dataKept !== undefined ? { dataKept: options.dataKept } : {}),
        })
        .then((recorded) => {
          if (recorded) void invalidateInstanceMeta(queryClient, instance);
        });
      return ok;
    },
    [desktop, activity, queryClient],
  );

  const bulk = useCallback(
    async (action: BulkAction, instances: readonly Instance[]) => {
      const targets = bulkTargets(instances, action);
      let done = 0;
      let failed = 0;
      const errors: string[] = [];
      const queue = [...targets];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const i = next;
          const ok = await perform(i, action, () => (action === 'start' ? dockbase.lifecycle.start(i, usage) : dockbase.lifecycle.stop(i)), { quiet: true });
          if (ok) done++;
          else {
            failed++;
            errors.push(i.name);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, queue.length) }, worker));
      const verb = action === 'start' ? 'Started' : 'Stopped';
      if (failed === 0) desktop.toast.success(`${verb} ${done} instance${done === 1 ? '' : 's'}.`);
      else desktop.toast.error(`${verb} ${done} of ${targets.length}; could not ${action} ${errors.join(', ')} (see each one’s history).`);
      return { done, failed };
    },
    [perform, dockbase, desktop, usage],
  );

  return {
    busy,
    start: useCallback((i: Instance) => perform(i, 'start', () => dockbase.lifecycle.start(i, usage)), [perform, dockbase, usage]),
    stop: useCallback((i: Instance) => perform(i, 'stop', () => dockbase.lifecycle.stop(i)), [perform, dockbase]),
    restart: useCallback((i: Instance) => perform(i, 'restart', () => dockbase.lifecycle.restart(i, usage)), [perform, dockbase, usage]),
    unpause: useCallback(
      (i: Instance) =>
        perform(i, 'unpause', async () => {
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
      [perform, dockbase, queryClient],
    ),
    remove: useCallback(
      (i: Instance, options: { removeData: boolean }) =>
        perform(
          i,
          'delete',
          async () => {
            await dockbase.lifecycle.remove(i, options);
            void invalidateLeftBehind(queryClient);
          },
          { success: options.removeData ? `${i.name} and its data were deleted.` : `${i.name} was deleted.`, dataKept: !options.removeData },
        ),
      [perform, dockbase, queryClient],
    ),
    bulk,
  };
}
