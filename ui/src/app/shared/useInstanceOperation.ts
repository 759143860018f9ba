import { useCallback, useLayoutEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Instance, RecordedAction } from '@dockbase/core';
import { useAppServices } from './context';
import { errorMessage, isCancelled } from './errors';
import { invalidateInstanceMeta, invalidateSnapshots, relistInstances } from './queries';

/** What a success says: the toast, and the words and size the instance's history keeps (no secret). */
export interface OperationSuccess {
  toast: string;
  detail: string;
  size?: number;
}

/** One long operation on an instance: what it does, and what is said of it. */
export interface InstanceOperation<A, R, P> {
  /** The action its outcome is recorded under in the instance's history. */
  action: RecordedAction;
  /** The progress before any report (each run starts from it). */
  idle: P;
  /** Does the work: `signal` is Cancel, `setProgress` moves the progress shown. */
  perform(arg: A, run: { signal: AbortSignal; setProgress: Dispatch<SetStateAction<P>> }): Promise<R>;
  succeeded(result: R, arg: A): OperationSuccess;
  /** It changes the instance's container or data: once it ends, however it ends, list the instances and its snapshots again. */
  changesInstance: boolean;
  /**
   * Whether a cancel's own message stays as the failure (the upgrade's says what it left as it was). A cancel
   * is never toasted either way: it is the user's own doing.
   */
  showsCancel?: boolean;
}

export interface InstanceOperationState<A, R, P> {
  running: boolean;
  progress: P;
  result: R | undefined;
  failure: string | undefined;
  /** Resolves whether it worked; false at once while a run is still going. */
  run(arg: A): Promise<boolean>;
  /** Aborts the signal the operation was given (one that takes none runs to its end). */
  cancel(): void;
}

/**
 * A long operation on an instance that runs in the page itself, one run at a time: running, progress, result
 * and failure for its dialog, Cancel, a toast for the outcome (not for a cancel) and the outcome in the
 * instance's history, whose meta is then read again. The operation itself and its words come from
 * `operation`. Only the export runs so (its dump streams into a file the page writes); the operations that
 * change an instance are jobs (useInstanceJob), which outlive the page.
 */
export function useInstanceOperation<A, R, P>(instance: Instance, operation: InstanceOperation<A, R, P>): InstanceOperationState<A, R, P> {
  const { desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<P>(operation.idle);
  const [result, setResult] = useState<R | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const controller = useRef<AbortController | null>(null);
  // The newest render's operation (its closures see the newest instance and services) without making `run` new each render.
  const latest = useRef(operation);
  useLayoutEffect(() => {
    latest.current = operation;
  });

  const run = useCallback(
    async (arg: A) => {
      if (controller.current) return false;
      const abort = new AbortController();
      controller.current = abort;
      const op = latest.current;
      setRunning(true);
      setProgress(op.idle);
      setResult(undefined);
      setFailure(undefined);
      let outcome: { ok: boolean; detail: string; size?: number };
      try {
        const r = await op.perform(arg, { signal: abort.signal, setProgress });
        setResult(r);
        const said = op.succeeded(r, arg);
        desktop.toast.success(said.toast);
        outcome = { ok: true, detail: said.detail, ...(said.size !== undefined ? { size: said.size } : {}) };
      } catch (e) {
        const message = errorMessage(e);
        if (!isCancelled(e)) {
          setFailure(message);
          desktop.toast.error(message);
        } else if (op.showsCancel) {
          setFailure(message);
        }
        outcome = { ok: false, detail: message };
      } finally {
        controller.current = null;
        setRunning(false);
        if (op.changesInstance) {
          void relistInstances(queryClient);
          void invalidateSnapshots(queryClient, instance.id);
        }
      }
      void activity.outcome(instance, op.action, outcome).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance);
      });
      return outcome.ok;
    },
    [desktop, activity, queryClient, instance],
  );

  return { running, progress, result, failure, run, cancel: useCallback(() => controller.current?.abort(), []) };
}
