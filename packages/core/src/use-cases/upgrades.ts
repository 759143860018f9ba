/**
 * Upgrades: moving an instance to a newer version of its engine with its data, and rolling it back.
 *
 * The instance keeps its id (so the backend's notes and history follow it), its name, port, exposure and
 * password; only its container is replaced, set aside (stopped, renamed) until the new one serves. Each
 * engine says how its data moves (engines/*: `upgrade`):
 *
 * - in place (MySQL, MariaDB, MongoDB, Redis; PostgreSQL within a major version): the instance is stopped, a
 *   snapshot of its data is kept as the rollback point, and the new version starts on the same volumes with the
 *   image's own upgrade step (MariaDB's MARIADB_AUTO_UPGRADE, MySQL's upgrade on start, MongoDB's feature
 *   compatibility version set before and after), then must report the new version. Any failure puts the
 *   snapshot back and the old container with it.
 * - dump and restore (PostgreSQL across major versions): the old version runs in a worker without network on
 *   the instance's data, the new one in another worker on a NEW volume; the new version's pg_dumpall copies
 *   everything through the old server's socket (a shared transfer volume) into its psql, then the row count of
 *   every table must be equal on both sides. Only then is the instance switched to the new volume. The old
 *   volume is never written by Dockbase: it stays, as it was, as the rollback point.
 *
 * Cancelling before the switch leaves everything exactly as it was; any failure leaves the instance running on
 * its old version with its data, and the error says what failed. A rollback point is a snapshot
 * (reason `before-upgrade`, labelled with the version upgraded to): Roll back returns the instance to its
 * version and data in one step, keeping the data it held in a "before rollback" snapshot.
 *
 * This module holds the plans and the public `Upgrades`; each way has its own module (upgrade-in-place.ts,
 * upgrade-dump-restore.ts, upgrade-rollback.ts), and what they share is in upgrade-steps.ts.
 */
import type { EngineFacts } from '../docker/engine-facts';
import { getEngine } from '../engines';
import { DockbaseError, throwIfAborted } from '../model/errors';
import { isActive, type Instance } from '../model/instance';
import type { InstanceLifecycle } from './lifecycle';
import type { Credentials } from './credentials';
import type { Readiness } from './readiness';
import type { DockerRunner } from '../docker/runner';
import { isRollbackPoint, type RollbackPoint } from '../model/snapshot-model';
import { dataVolumesOf, type Snapshots } from './snapshots';
import { dumpRestoreBlocker, upgradeByDumpRestore } from './upgrade-dump-restore';
import { upgradeInPlace } from './upgrade-in-place';
import { rollBack } from './upgrade-rollback';
import { UpgradeSteps, failed } from './upgrade-steps';
import type { StepJournal } from '../jobs/job';
import { planUpgrade, type RollbackResult, type UpgradeOptions, type UpgradePlan, type UpgradeProgress, type UpgradeResult } from './upgrade-plan';

export * from './upgrade-plan';

// Part of the public surface; they live beside the code that uses them.
export { fingerprintDifferences, fingerprintTotals } from './upgrade-dump-restore';
export { reportsVersion } from './upgrade-steps';

export class Upgrades {
  private readonly steps: UpgradeSteps;

  constructor(
    docker: DockerRunner,
    lifecycle: InstanceLifecycle,
    readiness: Readiness,
    snapshots: Snapshots,
    engineFacts: EngineFacts,
    private readonly credentials?: Credentials,
  ) {
    this.steps = new UpgradeSteps(docker, lifecycle, readiness, snapshots, engineFacts);
  }

  plan(instance: Instance, toTag: string): UpgradePlan {
    return planUpgrade(instance, toTag);
  }

  /**
   * Why the upgrade to `toTag` cannot start now, from what is on the engine (the plan says what the versions
   * allow): a roll back's kept data in the volume the upgrade would make, naming its snapshot. Asked by the
   * dialog before its Upgrade button, and by the job before it takes the instance.
   */
  async blocker(instance: Instance, toTag: string): Promise<string | undefined> {
    const plan = planUpgrade(instance, toTag);
    if (plan.refusal || plan.method !== 'dump-restore') return undefined;
    return dumpRestoreBlocker(this.steps, instance, plan.to);
  }

  /** Every rollback point (of one instance, by id, when given), newest first. */
  async rollbackPoints(of?: string | (Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>)): Promise<RollbackPoint[]> {
    return (await this.steps.snapshots.list(of)).filter(isRollbackPoint);
  }

  /**
   * Upgrades the instance to `toTag` (see the module's comment). Resolves with the upgraded instance and its
   * rollback point; rejects with the reason when refused, cancelled or failed, the instance then being as it
   * was (running on its old version if it ran).
   */
  async upgrade(instance: Instance, toTag: string, options: UpgradeOptions = {}): Promise<UpgradeResult> {
    const plan = planUpgrade(instance, toTag);
    if (plan.refusal) throw new DockbaseError('invalid-input', plan.refusal, 'tag');
    const engine = getEngine(instance.engine);
    if (!['running', 'exited', 'created'].includes(instance.status)) {
      throw new DockbaseError('invalid-input', `${instance.name} is ${instance.status}: start or stop it first, then upgrade it.`);
    }
    if (engine.upgrade.alignScript && instance.status !== 'running') {
      throw new DockbaseError(
        'invalid-input',
        `Start ${instance.name} first: Dockbase checks ${engine.upgrade.alignWhat} of ${engine.displayName} ${instance.tag} before the upgrade.`,
      );
    }
    dataVolumesOf(instance); // nothing to carry over without data volumes: refused before anything happens
    // Only a container Dockbase created is changed; its labels as docker has them now.
    instance = { ...instance, ...(await this.steps.lifecycle.owned(instance)) };
    const password = await this.steps.passwordOf(instance);
    const step = (p: UpgradeProgress) => options.onProgress?.(p);

    step({ step: 'pull' });
    try {
      await this.steps.ensureImage(plan.image, options.signal, (pull) => step({ step: 'pull', pull: { done: pull.done, total: pull.total } }), instance);
      throwIfAborted(options.signal);
    } catch (e) {
      throw failed(e, `Nothing was changed: ${instance.name} ${isActive(instance) ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, [
        password,
      ]);
    }
    return plan.method === 'dump-restore'
      ? upgradeByDumpRestore(this.steps, instance, plan, password, options)
      : upgradeInPlace(this.steps, instance, plan, password, options);
  }

  /**
   * Returns the instance to the version and data of its rollback point, in one step: the data it holds now is
   * kept in a "before rollback" snapshot; the rollback point is used up. Any failure puts everything back.
   */
  async rollback(
    instance: Instance,
    point: RollbackPoint,
    options: { onProgress?(p: UpgradeProgress): void; readyTimeoutMs?: number; journal?: StepJournal } = {},
  ): Promise<RollbackResult> {
    const result = await rollBack(this.steps, instance, point, options);
    // The data from before the upgrade keeps the password it had then (an Edit since changed it): set again
    // where the engine allows it, and checked, so that the connection string works or says it does not.
    if (result.instance.status !== 'running' || !this.credentials) return result;
    return { ...result, password: await this.credentials.reassert(result.instance) };
  }
}
