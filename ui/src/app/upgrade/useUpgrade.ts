import { useState } from 'react';
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
import { useAppServices } from '../shared/context';
import { count } from '../shared/format';
import { useInstanceOperation } from '../shared/useInstanceOperation';

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
 * stays). Cancelling is not an error worth a toast, but it is recorded, and its message says what was left.
 */
export function useUpgrade(instance: Instance): UpgradeState {
  const { dockbase } = useAppServices();
  // The plan running (or last run): which steps come in which order, and until which one Cancel is safe.
  const [plan, setPlan] = useState<UpgradePlan | undefined>();
  const state = useInstanceOperation(instance, {
    action: 'upgrade',
    idle: IDLE,
    changesInstance: true,
    showsCancel: true,
    async perform(started: UpgradePlan, { signal, setProgress }) {
      setPlan(started);
      const r = await dockbase.upgrades.upgrade(instance, started.to, { signal, onProgress: (p) => setProgress((s) => advance(s, p)) });
      setProgress((s) => ({ ...s, step: undefined, done: started.steps.map((step) => step.id) }));
      return r;
    },
    succeeded: (r: UpgradeResult) => ({
      toast: `${instance.name} now runs ${getEngine(instance.engine).displayName} ${r.to}. Its data from ${r.from} is kept as the rollback point.`,
      detail: upgradeDetail(instance, r),
      ...(r.sizeBytes !== undefined ? { size: r.sizeBytes } : {}),
    }),
  });

  const order = plan?.steps.map((s) => s.id) ?? [];
  const at = state.progress.step ? order.indexOf(state.progress.step) : -1;
  const lastCancellable = plan ? order.indexOf(plan.lastCancellableStep) : -1;
  return { ...state, canCancel: state.running && at <= lastCancellable };
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
  const { dockbase } = useAppServices();
  const { running, progress, result, failure, run } = useInstanceOperation(instance, {
    action: 'rollback',
    idle: IDLE,
    changesInstance: true,
    async perform(point: RollbackPoint, { setProgress }) {
      const r = await dockbase.upgrades.rollback(instance, point, { onProgress: (p) => setProgress((s) => advance(s, p)) });
      setProgress((s) => ({ ...s, step: undefined, done: s.step ? [...s.done, s.step] : s.done }));
      return r;
    },
    succeeded(r: RollbackResult, point) {
      const engine = getEngine(instance.engine).displayName;
      return {
        toast: `${instance.name} runs ${engine} ${r.to} again, with its data from before the upgrade. What ${r.from} held is kept as “${r.kept.name}”.`,
        detail: `${engine} ${r.from} → ${r.to} from “${point.name}”; ${r.from}'s data kept as “${r.kept.name}”`,
        size: point.sizeBytes,
      };
    },
  });
  return { running, progress, result, failure, run };
}
