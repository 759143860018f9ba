import { useCallback, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getEngine, type CloneInput, type Instance, type RecordedAction, type Snapshot } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';
import { invalidateInstanceMeta, invalidateSnapshots, queryKeys, relistInstances } from '../queries';

export type SnapshotOperation = 'snapshot' | 'restore' | 'delete-snapshot' | 'clone';

export interface SnapshotsState {
  /** Newest first; undefined while loading. */
  snapshots: Snapshot[] | undefined;
  /** Why the list could not be read. */
  error: string | undefined;
  /** The operation running on this instance's snapshots: the others wait for it. */
  busy: SnapshotOperation | undefined;
  take(name: string): Promise<boolean>;
  restore(snapshot: Snapshot): Promise<boolean>;
  remove(snapshot: Snapshot): Promise<boolean>;
  clone(snapshot: Snapshot, input: CloneInput): Promise<boolean>;
  /** The admin password of the instance, for a clone whose data keeps it (undefined when it cannot be read). */
  readPassword(): Promise<string | undefined>;
}

/**
 * An instance's snapshots: the list (a query), and take, restore, delete and clone, one at a time. Each
 * outcome is toasted and recorded in the instance's history (with the bytes copied).
 */
export function useSnapshots(instance: Instance): SnapshotsState {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<SnapshotOperation | undefined>();
  // The guard against double clicks: state updates are too late for a second click in the same tick.
  const running = useRef(false);
  const list = useQuery({ queryKey: queryKeys.snapshots(instance.id), queryFn: () => dockbase.snapshots.list(instance.id) });

  const run = useCallback(
    async (op: SnapshotOperation, work: () => Promise<{ message: string; size?: number; detail?: string }>): Promise<boolean> => {
      if (running.current) return false;
      running.current = true;
      setBusy(op);
      let ok = false;
      let detail: string | undefined;
      let size: number | undefined;
      try {
        const done = await work();
        ok = true;
        size = done.size;
        detail = done.detail;
        desktop.toast.success(done.message);
      } catch (e) {
        detail = errorMessage(e);
        desktop.toast.error(detail);
      } finally {
        running.current = false;
        setBusy(undefined);
        void invalidateSnapshots(queryClient, instance.id);
        void relistInstances(queryClient);
      }
      const action: RecordedAction = op;
      void activity.outcome(instance, action, { ok, ...(detail ? { detail } : {}), ...(size !== undefined ? { size } : {}) }).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance);
      });
      return ok;
    },
    [desktop, activity, queryClient, instance],
  );

  return {
    snapshots: list.data,
    error: list.isError ? errorMessage(list.error) : undefined,
    busy,
    take: (name) =>
      run('snapshot', async () => {
        const s = await dockbase.snapshots.take(instance, { name });
        return { message: `Snapshot "${s.name}" of ${instance.name} taken.`, size: s.sizeBytes, detail: s.name };
      }),
    restore: (snapshot) =>
      run('restore', async () => {
        const { kept } = await dockbase.snapshots.restore(instance, snapshot);
        return { message: `${instance.name} was restored from "${snapshot.name}". Its previous data is kept as "${kept.name}".`, size: snapshot.sizeBytes, detail: snapshot.name };
      }),
    remove: (snapshot) =>
      run('delete-snapshot', async () => {
        await dockbase.snapshots.remove(snapshot);
        return { message: `Snapshot "${snapshot.name}" deleted.`, size: snapshot.sizeBytes, detail: snapshot.name };
      }),
    clone: (snapshot, input) =>
      run('clone', async () => {
        const created = await dockbase.snapshots.clone(snapshot, input, { start: true });
        void activity.created(created, { ...input, engine: snapshot.engine, tag: input.tag ?? snapshot.tag, image: snapshot.image, persistData: true });
        return { message: `${created.name} was created from "${snapshot.name}" and is starting.`, size: snapshot.sizeBytes, detail: `${snapshot.name} → ${created.name}` };
      }),
    readPassword: async () => {
      try {
        const d = await dockbase.lifecycle.details(instance);
        return getEngine(instance.engine).readPassword({ env: d.env, cmd: d.cmd });
      } catch {
        return undefined;
      }
    },
  };
}
