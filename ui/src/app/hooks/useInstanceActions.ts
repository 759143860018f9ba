import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';
import { relistInstances } from '../queries';

export type InstanceAction = 'start' | 'stop' | 'restart' | 'delete';

export interface InstanceActions {
  /** The operation running on each instance (by id); its actions are disabled meanwhile. */
  busy: Readonly<Record<string, InstanceAction>>;
  /** Bumped per instance each time an outcome was written to the backend's history (to show it). */
  recorded: Readonly<Record<string, number>>;
  start(instance: Instance): Promise<boolean>;
  stop(instance: Instance): Promise<boolean>;
  restart(instance: Instance): Promise<boolean>;
  remove(instance: Instance, options: { removeData: boolean }): Promise<boolean>;
}

/**
 * Start, stop, restart and delete, one operation per instance at a time (a second one is ignored).
 * Failures go to a toast with the service's message; with a backend, each outcome lands in the history.
 * Each action lists the instances again, in case its events were missed.
 */
export function useInstanceActions(): InstanceActions {
  const { dockbase, desktop, backend } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<Record<string, InstanceAction>>({});
  const [recorded, setRecorded] = useState<Record<string, number>>({});
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
      if (backend) {
        // Best effort: the notes of a deleted instance go with it; nothing here is worth an error.
        const record =
          ok && action === 'delete'
            ? backend.deleteInstance(instance.id)
            : backend.addHistory(instance.id, { action, outcome: ok ? 'ok' : 'failed', ...(detail ? { detail } : {}) });
        record.then(
          () => setRecorded((r) => ({ ...r, [instance.id]: (r[instance.id] ?? 0) + 1 })),
          () => undefined,
        );
      }
      return ok;
    },
    [desktop, backend, queryClient],
  );

  return {
    busy,
    recorded,
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
