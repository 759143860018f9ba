import { useCallback, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getEngine, type CloneInput, type Instance, type RecordedAction, type Snapshot } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta, invalidateSnapshots, queryKeys, relistInstances } from '../shared/queries';
import { useInstanceJob } from '../shared/useInstanceJob';
import { startJob } from '../shared/useJobs';

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
  /** `dataPassword`: the snapshot's password, for the instance to take once its data is back (engines that ask: asksDataPassword). */
  restore(snapshot: Snapshot, dataPassword?: string): Promise<boolean>;
  /** The admin password of the instance, for a clone whose data keeps it (undefined when it cannot be read). */
  readPassword(): Promise<string | undefined>;
}

/**
 * Delete and clone, one at a time (the others wait). A delete runs here: its outcome is toasted, and with `of`,
 * the instance the snapshots were taken of, recorded in its history (with the bytes it freed); the snapshots of
 * a deleted instance have none. A clone is a job (it runs in the backend, outliving the page), whose outcome is
 * toasted and recorded where every job's is. Then the snapshots and the instances are listed again. (Take and
 * restore are jobs too: useSnapshots.)
 */
export function useSnapshotOperations(of: Instance | undefined): SnapshotOperations {
  const { dockbase, desktop, activity, jobs } = useAppServices();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<LocalOperation | undefined>();
  // The guard against double clicks: state updates are too late for a second click in the same tick.
  const running = useRef(false);

  const hold = useCallback(
    async (op: LocalOperation, work: () => Promise<boolean>): Promise<boolean> => {
      if (running.current) return false;
      running.current = true;
      setBusy(op);
      try {
        return await work();
      } finally {
        running.current = false;
        setBusy(undefined);
        void invalidateSnapshots(queryClient, of?.id);
        void relistInstances(queryClient);
      }
    },
    [queryClient, of],
  );

  const remove = useCallback(
    (snapshot: Snapshot) =>
      hold('delete-snapshot', async () => {
        let ok = false;
        let detail = snapshot.name;
        try {
          await dockbase.snapshots.remove(snapshot);
          ok = true;
          desktop.toast.success(`Snapshot "${snapshot.name}" deleted.`);
        } catch (e) {
          detail = errorMessage(e);
          desktop.toast.error(detail);
        }
        if (of) {
          const action: RecordedAction = 'delete-snapshot';
          void activity.outcome(of, action, { ok, detail, ...(ok ? { size: snapshot.sizeBytes } : {}) }).then((recorded) => {
            if (recorded) void invalidateInstanceMeta(queryClient, of);
          });
        }
        return ok;
      }),
    [hold, dockbase, desktop, activity, queryClient, of],
  );

  const clone = useCallback(
    (snapshot: Snapshot, input: CloneInput) =>
      hold('clone', async () => {
        try {
          const { ended } = await startJob(queryClient, jobs, { kind: 'clone', snapshotId: snapshot.id, input });
          return (await ended).state === 'succeeded';
        } catch (e) {
          // Refused before it started: no job exists to tell it.
          desktop.toast.error(errorMessage(e));
          return false;
        }
      }),
    [hold, jobs, desktop, queryClient],
  );

  return { busy, remove, clone };
}

/**
 * An instance's snapshots: the list (a query), and take, restore, delete and clone, one at a time. Take,
 * restore and clone are jobs (they run in the backend, outliving the page; their outcome is toasted and
 * recorded where every job's is); delete runs here, its outcome toasted and recorded in the instance's history.
 */
export function useSnapshots(instance: Instance): SnapshotsState {
  const { dockbase } = useAppServices();
  const { busy, remove, clone } = useSnapshotOperations(instance);
  const taking = useInstanceJob<Snapshot>(instance, 'snapshot');
  const restoring = useInstanceJob<{ kept: Snapshot }>(instance, 'restore');
  const list = useQuery({ queryKey: queryKeys.snapshots(instance.id), queryFn: () => dockbase.snapshots.list(instance) });
  const running = busy ?? (taking.running ? 'snapshot' : restoring.running ? 'restore' : undefined);
  const idle = running === undefined;

  return {
    snapshots: list.data,
    error: list.isError ? errorMessage(list.error) : undefined,
    busy: running,
    take: async (name) => idle && (await taking.run({ kind: 'snapshot', instanceId: instance.id, name })).job?.state === 'succeeded',
    restore: async (snapshot, dataPassword) =>
      idle &&
      (await restoring.run({ kind: 'restore', instanceId: instance.id, snapshotId: snapshot.id, ...(dataPassword !== undefined ? { dataPassword } : {}) })).job
        ?.state === 'succeeded',
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
