import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';
import { invalidateInstanceMeta, relistInstances } from '../queries';

export type InstanceAction = 'start' | 'stop' | 'restart' | 'delete';

export interface InstanceActions {
  /** The operation running on each instance (by id); its actions are disabled meanwhile. */
  busy: Readonly<Record<string, InstanceAction>>;
  start(instance: Instance): Promise<boolean>;
  stop(instance: Instance): Promise<boolean>;
  restart(instance: Instance): Promise<boolean>;
  remove(instance: Instance, options: { removeData: boolean }): Promise<boolean>;
}

/**
 * Start, stop, restart and delete, one operation per instance at a time (a second one is ignored).
 * Failures go to a toast with the service's message; each outcome goes to the activity log (the backend's
 * history), and the instance's history is read again once it is recorded. Each action lists the instances
 * again, in case its events were missed.
 */
export function useInstanceActions(): InstanceActions {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<Record<string, InstanceAction>>({});
  const running = useRef(new Set<string>());

  const run = useCallback(
    async (instance: Instance, action: InstanceAction, operation: () => Promise<void>, success?: string): Promise<boolean> => {
      if (running.current.has(instance.id)) return false;
      running.current.add(instance.id);
      setBusy((b) => ({ ...b, [instance.id]: action }));
      let ok = false;
      let detail: string | undefined;
      try {
        await operation();
        ok = true;
        if (success) desktop.toast.success(success);
      } catch (e) {
        detail = errorMessage(e);
        desktop.toast.error(detail);
      } finally {
        running.current.delete(instance.id);
        setBusy(({ [instance.id]: _done, ...rest }) => rest);
        void relistInstances(queryClient);
      }
      // Best effort: the log never fails (and a deleted instance's notes go with it).
      void activity.outcome(instance, action, { ok, ...(detail ? { detail } : {}) }).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance.id);
      });
      return ok;
    },
    [desktop, activity, queryClient],
  );

  return {
    busy,
    start: useCallback((i: Instance) => run(i, 'start', () => dockbase.lifecycle.start(i)), [run, dockbase]),
    stop: useCallback((i: Instance) => run(i, 'stop', () => dockbase.lifecycle.stop(i)), [run, dockbase]),
    restart: useCallback((i: Instance) => run(i, 'restart', () => dockbase.lifecycle.restart(i)), [run, dockbase]),
    remove: useCallback(
      (i: Instance, options: { removeData: boolean }) =>
        run(i, 'delete', () => dockbase.lifecycle.remove(i, options), options.removeData ? `${i.name} and its data were deleted.` : `${i.name} was deleted.`),
      [run, dockbase],
    ),
  };
}
