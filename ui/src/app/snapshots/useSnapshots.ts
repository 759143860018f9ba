import { useCallback, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getEngine, type CloneInput, type Instance, type RecordedAction, type Snapshot } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta, invalidateSnapshots, queryKeys, relistInstances } from '../shared/queries';

export type SnapshotOperation = 'snapshot' | 'restore' | 'delete-snapshot' | 'clone';

/** What any list of snapshots offers: delete and clone, one at a time. */
export interface SnapshotOperations {
  /** The operation running on these snapshots: the others wait for it. */
  busy: SnapshotOperation | undefined;
  remove(snapshot: Snapshot): Promise<boolean>;
  clone(snapshot: Snapshot, input: CloneInput): Promise<boolean>;
}

export interface SnapshotsState extends SnapshotOperations {
  /** Newest first; undefined while loading. */
  snapshots: Snapshot[] | undefined;
  /** Why the list could not be read. */
  error: string | undefined;
  take(name: string): Promise<boolean>;
  restore(snapshot: Snapshot): Promise<boolean>;
  /** The admin password of the instance, for a clone whose data keeps it (undefined when it cannot be read). */
  readPassword(): Promise<string | undefined>;
}

type Run = (op: SnapshotOperation, work: () => Promise<{ message: string; size?: number; detail?: string }>) => Promise<boolean>;

/**
 * Delete and clone, and the runner every snapshot operation goes through: one at a time (the others wait),
 * each outcome toasted, then the snapshots and the instances listed again. With `of`, the instance the
 * snapshots were taken of, each outcome is also recorded in its history (with the bytes copied); the
 * snapshots of a deleted instance have none.
 */
export function useSnapshotOperations(of: Instance | undefined): SnapshotOperations & { run: Run } {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<SnapshotOperation | undefined>();
  // The guard against double clicks: state updates are too late for a second click in the same tick.
  const running = useRef(false);

  const run = useCallback<Run>(
    async (op, work) => {
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
        void invalidateSnapshots(queryClient, of?.id);
        void relistInstances(queryClient);
      }
      if (of) {
        const action: RecordedAction = op;
        void activity.outcome(of, action, { ok, ...(detail ? { detail } : {}), ...(size !== undefined ? { size } : {}) }).then((recorded) => {
          if (recorded) void invalidateInstanceMeta(queryClient, of);
        });
      }
      return ok;
    },
    [desktop, activity, queryClient, of],
  );

  return {
    busy,
    run,
    remove: (snapshot) =>
      run('delete-snapshot', async () => {
        await dockbase.snapshots.remove(snapshot);
        return { message: `Snapshot "${snapshot.name}" deleted.`, size: snapshot.sizeBytes, detail: snapshot.name };
      }),
    clone: (snapshot, input) =>
      run('clone', async () => {
        const created = await dockbase.snapshots.clone(snapshot, input, { start: true });
        void activity.created(created, { ...input, engine: snapshot.engine, tag: input.tag ?? snapshot.tag, image: snapshot.image, persistData: true });
        return {
          message: `${created.name} was created from "${snapshot.name}" and is starting.`,
          size: snapshot.sizeBytes,
          detail: `${snapshot.name} → ${created.name}`,
        };
      }),
  };
}

/**
 * An instance's snapshots: the list (a query), and take, restore, delete and clone, one at a time. Each
 * outcome is toasted and recorded in the instance's history (with the bytes copied).
 */
export function useSnapshots(instance: Instance): SnapshotsState {
  const { dockbase } = useAppServices();
  const { busy, run, remove, clone } = useSnapshotOperations(instance);
  const list = useQuery({ queryKey: queryKeys.snapshots(instance.id), queryFn: () => dockbase.snapshots.list(instance.id) });

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
        return {
          message: `${instance.name} was restored from "${snapshot.name}". Its previous data is kept as "${kept.name}".`,
          size: snapshot.sizeBytes,
          detail: snapshot.name,
        };
      }),
    remove,
    clone,
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
