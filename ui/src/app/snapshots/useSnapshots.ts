import { useCallback, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getEngine, type CloneInput, type Instance, type RecordedAction, type Snapshot } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta, invalidateSnapshots, queryKeys, relistInstances } from '../shared/queries';
import { useInstanceJob } from '../shared/useInstanceJob';

export type SnapshotOperation = 'snapshot' | 'restore' | 'delete-snapshot' | 'clone';
type LocalOperation = Exclude<SnapshotOperation, 'snapshot' | 'restore'>;

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

type Run = (op: LocalOperation, work: () => Promise<{ message: string; size?: number; detail?: string }>) => Promise<boolean>;

/**
 * Delete and clone, and the runner they go through: one at a time (the others wait), each outcome toasted,
 * then the snapshots and the instances listed again. With `of`, the instance the snapshots were taken of, each
 * outcome is also recorded in its history (with the bytes copied); the snapshots of a deleted instance have
 * none. (Take and restore are jobs: useSnapshots.)
 */
export function useSnapshotOperations(of: Instance | undefined): SnapshotOperations {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<LocalOperation | undefined>();
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
 * An instance's snapshots: the list (a query), and take, restore, delete and clone, one at a time. Take and
 * restore are jobs on the instance (they run in the backend, outliving the page; their outcome is toasted and
 * recorded where every job's is); delete and clone run here, each outcome toasted and recorded in the
 * instance's history (with the bytes copied).
 */
export function useSnapshots(instance: Instance): SnapshotsState {
  const { dockbase } = useAppServices();
  const { busy, remove, clone } = useSnapshotOperations(instance);
  const taking = useInstanceJob<Snapshot>(instance, 'snapshot');
  const restoring = useInstanceJob<{ kept: Snapshot }>(instance, 'restore');
  const list = useQuery({ queryKey: queryKeys.snapshots(instance.id), queryFn: () => dockbase.snapshots.list(instance.id) });
  const running = busy ?? (taking.running ? 'snapshot' : restoring.running ? 'restore' : undefined);
  const idle = running === undefined;

  return {
    snapshots: list.data,
    error: list.isError ? errorMessage(list.error) : undefined,
    busy: running,
    take: async (name) => idle && (await taking.run({ kind: 'snapshot', instanceId: instance.id, name })).job?.state === 'succeeded',
    restore: async (snapshot) =>
      idle && (await restoring.run({ kind: 'restore', instanceId: instance.id, snapshotId: snapshot.id })).job?.state === 'succeeded',
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
