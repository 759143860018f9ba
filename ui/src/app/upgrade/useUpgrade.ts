import { useEffect, useState } from 'react';
import {
  getEngine,
  planUpgrade,
  type Instance,
  type JobProgress,
  type RollbackPoint,
  type RollbackResult,
  type UpgradePlan,
  type UpgradeResult,
  type UpgradeStepId,
} from '@dockbase/core';
import { useInstanceJob } from '../shared/useInstanceJob';

/** Where a long operation is: the step running, the steps done, and the copy's or the pull's progress. */
export interface StepsProgress {
  step: UpgradeStepId | undefined;
  done: readonly UpgradeStepId[];
  /** PostgreSQL's copy: bytes restored and the old data's size. */
  copy?: { bytes: number; total: number };
  /** The image pull: layers done and in all. */
  pull?: { done: number; total: number };
}

/** A job's progress as the dialog's checklist reads it. */
function stepsOf(p: JobProgress): StepsProgress {
  return {
    step: p.step as UpgradeStepId | undefined,
    done: (p.done ?? []) as UpgradeStepId[],
    ...(p.bytes !== undefined ? { copy: { bytes: p.bytes, total: p.totalBytes ?? 0 } } : {}),
    ...(p.pull ? { pull: p.pull } : {}),
  };
}

export interface UpgradeState {
  running: boolean;
  progress: StepsProgress;
  /** Whether Cancel would still leave the instance exactly as it was (before the switch-over). */
  canCancel: boolean;
  result: UpgradeResult | undefined;
  failure: string | undefined;
  /** The plan of the upgrade shown: the one started here, or the one an upgrade started elsewhere follows. */
  plan: UpgradePlan | undefined;
  /** Resolves once the upgrade ended: whether it worked. */
  run(plan: UpgradePlan): Promise<boolean>;
  cancel(): void;
}

/** The version an upgrade's title names (“Upgrade to PostgreSQL 17”). */
function targetOf(instance: Instance, title: string): string | undefined {
  const prefix = `Upgrade to ${getEngine(instance.engine).displayName} `;
  return title.startsWith(prefix) ? title.slice(prefix.length) : undefined;
}

/**
 * Upgrading an instance to a newer version as a job (it runs in the backend, and outlives the page), with
 * progress per step and Cancel until the switch-over. The outcome is toasted and recorded by whoever tells
 * and runs jobs (useJobOutcomes, the backend); a cancel is not toasted, but its message says what was left.
 */
export function useUpgrade(instance: Instance): UpgradeState {
  const state = useInstanceJob<UpgradeResult>(instance, 'upgrade');
  // The plan running (or last run): which steps come in which order. An upgrade started elsewhere: its own.
  const [plan, setPlan] = useState<UpgradePlan | undefined>();
  const title = state.job?.title;
  useEffect(() => {
    if (plan || !title) return;
    const to = targetOf(instance, title);
    if (to) setPlan(planUpgrade(instance, to));
  }, [plan, title, instance]);

  const progress = stepsOf(state.progress);
  return {
    running: state.running,
    // Once it worked, every step of its plan is done.
    progress: state.result && plan ? { ...progress, step: undefined, done: plan.steps.map((s) => s.id) } : progress,
    canCancel: state.running && state.cancellable,
    result: state.result,
    failure: state.failure,
    plan,
    async run(started: UpgradePlan) {
      setPlan(started);
      const end = await state.run({ kind: 'upgrade', instanceId: instance.id, to: started.to });
      return end.job?.state === 'succeeded';
    },
    cancel: state.cancel,
  };
}

export interface RollbackState {
  running: boolean;
  progress: StepsProgress;
  result: RollbackResult | undefined;
  failure: string | undefined;
  run(point: RollbackPoint): Promise<boolean>;
}

/** Rolling an instance back to its rollback point in one step, as a job; the outcome told and recorded where jobs' are. */
export function useRollback(instance: Instance): RollbackState {
  const state = useInstanceJob<RollbackResult>(instance, 'rollback');
  return {
    running: state.running,
    progress: stepsOf(state.progress),
    result: state.result,
    failure: state.failure,
    async run(point: RollbackPoint) {
      const end = await state.run({ kind: 'rollback', instanceId: instance.id, pointId: point.id });
      return end.job?.state === 'succeeded';
    },
  };
}
