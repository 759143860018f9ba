import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  getEngine,
  type Instance,
  type RollbackPoint,
  type RollbackResult,
  type UpgradePlan,
  type UpgradeProgress,
  type UpgradeResult,
  type UpgradeStepId,
} from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage, isCancelled } from '../errors';
import { count } from '../format';
import { invalidateInstanceMeta, invalidateSnapshots, relistInstances } from '../queries';

/** Where a long operation is: the step running, the steps done, and the copy's or the pull's progress. */
export interface StepsProgress {
  step: UpgradeStepId | undefined;
  done: readonly UpgradeStepId[];
  /** PostgreSQL's copy: bytes restored and the old data's size. */
  copy?: { bytes: number; total: number };
  /** The image pull: layers done and in all. */
  pull?: { done: number; total: number };
}

const IDLE: StepsProgress = { step: undefined, done: [] };

/** Folds one progress report into the steps: a new step marks the one before as done. */
function advance(p: StepsProgress, r: UpgradeProgress): StepsProgress {
  const done = p.step && p.step !== r.step && !p.done.includes(p.step) ? [...p.done, p.step] : p.done;
  return {
    step: r.step,
    done,
    ...(r.bytes !== undefined ? { copy: { bytes: r.bytes, total: r.totalBytes ?? 0 } } : p.copy ? { copy: p.copy } : {}),
    ...(r.pull ? { pull: r.pull } : p.pull ? { pull: p.pull } : {}),
  };
}

export interface UpgradeState {
  running: boolean;
  progress: StepsProgress;
  /** Whether Cancel would still leave the instance exactly as it was (before the switch-over). */
  canCancel: boolean;
  result: UpgradeResult | undefined;
  failure: string | undefined;
  run(plan: UpgradePlan): Promise<boolean>;
  cancel(): void;
}

/** The words the history keeps for an upgrade that worked (no secret: versions, method, counts). */
function upgradeDetail(instance: Instance, r: UpgradeResult): string {
  const engine = getEngine(instance.engine).displayName;
  const how = r.method === 'dump-restore' ? 'dump and restore' : 'in place';
  const checked = r.verified ? `, ${count(r.verified.tables, 'table')} and ${count(r.verified.rows, 'row')} checked on both sides` : '';
  return `${engine} ${r.from} → ${r.to} (${how}${checked}); rollback point “${r.rollbackPoint.name}”`;
}

/**
 * Upgrading an instance to a newer version (dockbase.upgrades.upgrade) with progress per step and Cancel until
 * the switch-over; the outcome is toasted and recorded in the instance's history, which follows it (the id
 * stays). Cancelling is not an error worth a toast, but it is recorded.
 */
export function useUpgrade(instance: Instance): UpgradeState {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<StepsProgress>(IDLE);
  const [lastCancellable, setLastCancellable] = useState<number>(-1);
  const [order, setOrder] = useState<readonly UpgradeStepId[]>([]);
  const [result, setResult] = useState<UpgradeResult | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const controller = useRef<AbortController | null>(null);

  const run = useCallback(
    async (plan: UpgradePlan) => {
      if (controller.current) return false;
      const abort = new AbortController();
      controller.current = abort;
      const steps = plan.steps.map((s) => s.id);
      setOrder(steps);
      setLastCancellable(steps.indexOf(plan.lastCancellableStep));
      setRunning(true);
      setProgress(IDLE);
      setResult(undefined);
      setFailure(undefined);
      let outcome: { ok: boolean; detail: string; size?: number };
      try {
        const r = await dockbase.upgrades.upgrade(instance, plan.to, { signal: abort.signal, onProgress: (p) => setProgress((s) => advance(s, p)) });
        setProgress((s) => ({ ...s, step: undefined, done: steps }));
        setResult(r);
        desktop.toast.success(`${instance.name} now runs ${getEngine(instance.engine).displayName} ${r.to}. Its data from ${r.from} is kept as the rollback point.`);
        outcome = { ok: true, detail: upgradeDetail(instance, r), ...(r.sizeBytes !== undefined ? { size: r.sizeBytes } : {}) };
      } catch (e) {
        const message = errorMessage(e);
        setFailure(message);
        if (!isCancelled(e)) desktop.toast.error(message);
        outcome = { ok: false, detail: message };
      } finally {
        controller.current = null;
        setRunning(false);
        void relistInstances(queryClient);
        void invalidateSnapshots(queryClient, instance.id);
      }
      void activity.outcome(instance, 'upgrade', outcome).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance.id);
      });
      return outcome.ok;
    },
    [dockbase, desktop, activity, queryClient, instance],
  );

  const at = progress.step ? order.indexOf(progress.step) : -1;
  return {
    running,
    progress,
    canCancel: running && at <= lastCancellable,
    result,
    failure,
    run,
    cancel: useCallback(() => controller.current?.abort(), []),
  };
}

export interface RollbackState {
  running: boolean;
  progress: StepsProgress;
  result: RollbackResult | undefined;
  failure: string | undefined;
  run(point: RollbackPoint): Promise<boolean>;
}

/** Rolling an instance back to its rollback point in one step; the outcome toasted and recorded. */
export function useRollback(instance: Instance): RollbackState {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<StepsProgress>(IDLE);
  const [result, setResult] = useState<RollbackResult | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const busy = useRef(false);

  const run = useCallback(
    async (point: RollbackPoint) => {
      if (busy.current) return false;
      busy.current = true;
      setRunning(true);
      setProgress(IDLE);
      setResult(undefined);
      setFailure(undefined);
      let outcome: { ok: boolean; detail: string; size?: number };
      const engine = getEngine(instance.engine).displayName;
      try {
        const r = await dockbase.upgrades.rollback(instance, point, { onProgress: (p) => setProgress((s) => advance(s, p)) });
        setProgress((s) => ({ ...s, step: undefined, done: s.step ? [...s.done, s.step] : s.done }));
        setResult(r);
        desktop.toast.success(`${instance.name} runs ${engine} ${r.to} again, with its data from before the upgrade. What ${r.from} held is kept as “${r.kept.name}”.`);
        outcome = { ok: true, detail: `${engine} ${r.from} → ${r.to} from “${point.name}”; ${r.from}'s data kept as “${r.kept.name}”`, size: point.sizeBytes };
      } catch (e) {
        const message = errorMessage(e);
        setFailure(message);
        desktop.toast.error(message);
        outcome = { ok: false, detail: message };
      } finally {
        busy.current = false;
        setRunning(false);
        void relistInstances(queryClient);
        void invalidateSnapshots(queryClient, instance.id);
      }
      void activity.outcome(instance, 'rollback', outcome).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance.id);
      });
      return outcome.ok;
    },
    [dockbase, desktop, activity, queryClient, instance],
  );

  return { running, progress, result, failure, run };
}
