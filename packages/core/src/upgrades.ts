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
import type { EngineFacts } from './engine-facts';
import { compareVersions, getEngine, versionOf, type EngineDefinition, type UpgradeMethod } from './engines';
import { DockbaseError, throwIfAborted } from './errors';
import { imageRef, isActive, type Instance } from './instance';
import type { InstanceLifecycle } from './lifecycle';
import type { PullProgress } from './pull';
import type { Readiness } from './readiness';
import type { DockerRunner } from './runner';
import { isRollbackPoint, type RollbackPoint, type Snapshot } from './snapshot-model';
import { dataVolumesOf, type Snapshots } from './snapshots';
import { upgradeByDumpRestore } from './upgrade-dump-restore';
import { upgradeInPlace } from './upgrade-in-place';
import { rollBack } from './upgrade-rollback';
import { UpgradeSteps, failed } from './upgrade-steps';

// Part of the public surface, with the plans below; they live beside the code that uses them.
export { fingerprintDifferences, fingerprintTotals } from './upgrade-dump-restore';
export { reportsVersion } from './upgrade-steps';

/** The steps of an upgrade or a roll back, in the order they run (each plan lists its own). */
export type UpgradeStepId = 'pull' | 'align' | 'stop' | 'snapshot' | 'prepare' | 'copy' | 'verify' | 'keep' | 'restore' | 'switch' | 'check';

export interface UpgradeStep {
  id: UpgradeStepId;
  /** What it does, for people. */
  label: string;
}

/** What an upgrade of an instance to a version will do, decided from the tags alone (no docker call). */
export interface UpgradePlan {
  engine: EngineDefinition['id'];
  from: string;
  to: string;
  /** The image the new version comes from (the instance's repository, the new tag). */
  image: string;
  method: UpgradeMethod;
  /** Why it cannot be done, naming the way through; undefined when it can. */
  refusal?: string;
  /** What will happen and how long it may take. */
  explanation: string;
  steps: UpgradeStep[];
  /** Cancelling up to and including this step leaves the instance exactly as it was. */
  lastCancellableStep: UpgradeStepId;
}

export interface UpgradeProgress {
  step: UpgradeStepId;
  /** While copying (PostgreSQL): bytes of data restored so far, and the old data's size. */
  bytes?: number;
  totalBytes?: number;
  /** While pulling: layers done and in all. */
  pull?: Pick<PullProgress, 'done' | 'total'>;
}

export interface UpgradeOptions {
  /** Cancels until the switch-over (see `UpgradePlan.lastCancellableStep`); later it is ignored. */
  signal?: AbortSignal;
  onProgress?(progress: UpgradeProgress): void;
  /** How long the new version gets to serve (its own upgrade step included); 10 minutes by default. */
  readyTimeoutMs?: number;
}

export interface UpgradeResult {
  instance: Instance;
  from: string;
  to: string;
  method: UpgradeMethod;
  /** The version the new server reports. */
  serverVersion: string;
  /** The data and version from before, kept until the user deletes it. */
  rollbackPoint: RollbackPoint;
  /** Dump and restore: the tables whose rows were counted on both sides, and the rows. */
  verified?: { tables: number; rows: number };
  /** Bytes of data moved (the old data's size). */
  sizeBytes?: number;
}

export interface RollbackResult {
  instance: Instance;
  from: string;
  to: string;
  serverVersion: string;
  /** The data the instance held before the roll back, kept until the user deletes it. */
  kept: Snapshot;
}

/** Newer versions first: the tags an instance may be upgraded to, each with its plan (refused ones too, with why). */
export function upgradeTargets(instance: Pick<Instance, 'engine' | 'tag' | 'image' | 'name'>, tags: readonly string[]): UpgradePlan[] {
  const from = versionOf(instance.tag);
  const seen = new Set<string>();
  const out: UpgradePlan[] = [];
  for (const tag of tags) {
    const v = versionOf(tag);
    if (!v || seen.has(tag) || !from) continue;
    // Only newer ones: older and equal tags are not upgrades (a typed one is still refused with its reason).
    const order = compareVersions(from, v);
    if (order !== -1) continue;
    seen.add(tag);
    out.push(planUpgrade(instance, tag));
  }
  return out.sort((a, b) => -(compareVersions(versionOf(a.to)!, versionOf(b.to)!) ?? b.to.length - a.to.length));
}

/** The plan of upgrading `instance` to `toTag`: method, steps, explanation, or why not. Pure. */
export function planUpgrade(instance: Pick<Instance, 'engine' | 'tag' | 'image' | 'name'>, toTag: string): UpgradePlan {
  const engine = getEngine(instance.engine);
  const to = toTag.trim();
  const refusal = engine.upgrade.refusal(instance.tag, to);
  const method = engine.upgrade.method(instance.tag, to);
  const name = `${engine.displayName}`;
  const steps: UpgradeStep[] = [{ id: 'pull', label: `Get the image ${imageRef(instance.image, to)}` }];
  if (method === 'dump-restore') {
    steps.push(
      { id: 'stop', label: `Stop ${instance.name} (nothing can write to it during the copy)` },
      { id: 'prepare', label: `Start ${name} ${instance.tag} and ${to} side by side, without network` },
      { id: 'copy', label: `Copy every database and role with pg_dumpall ${to} into psql` },
      { id: 'verify', label: 'Count the rows of every table on both sides' },
      { id: 'switch', label: `Switch ${instance.name} to ${to} on its new data volume; keep the ${instance.tag} volume as the rollback point` },
      { id: 'check', label: `Check that the server reports ${to}` },
    );
  } else {
    const align = engine.upgrade.alignWhat;
    if (align) steps.push({ id: 'align', label: `Check ${align} of ${instance.tag} (and set it if it is lower)` });
    steps.push(
      { id: 'stop', label: `Stop ${instance.name}` },
      { id: 'snapshot', label: 'Keep a snapshot of its data: the rollback point' },
      { id: 'switch', label: `Start ${name} ${to} on the same data${engine.id === 'mariadb' ? ' (the image runs mariadb-upgrade first)' : ''}` },
      { id: 'check', label: `Check that the server reports ${to}${align ? ` and set ${align} to it` : ''}` },
    );
  }
  return {
    engine: engine.id,
    from: instance.tag,
    to,
    image: imageRef(instance.image, to),
    method,
    ...(refusal ? { refusal } : {}),
    explanation: engine.upgrade.explain(instance.tag, to),
    steps,
    lastCancellableStep: method === 'dump-restore' ? 'verify' : 'snapshot',
  };
}

/** The rollback point that applies to the instance now: its newest one from before an upgrade to the version it runs. */
export function rollbackPointFor(instance: Pick<Instance, 'id' | 'engine' | 'tag'>, snapshots: readonly Snapshot[]): RollbackPoint | undefined {
  return snapshots
    .filter(isRollbackPoint)
    .filter((s) => s.instanceId === instance.id && s.engine === instance.engine && s.upgradeTo === instance.tag)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

export class Upgrades {
  private readonly steps: UpgradeSteps;

  constructor(docker: DockerRunner, lifecycle: InstanceLifecycle, readiness: Readiness, snapshots: Snapshots, engineFacts: EngineFacts) {
    this.steps = new UpgradeSteps(docker, lifecycle, readiness, snapshots, engineFacts);
  }

  plan(instance: Instance, toTag: string): UpgradePlan {
    return planUpgrade(instance, toTag);
  }

  /** Every rollback point (of one instance, by id, when given), newest first. */
  async rollbackPoints(instanceId?: string): Promise<RollbackPoint[]> {
    return (await this.steps.snapshots.list(instanceId)).filter(isRollbackPoint);
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
      throw new DockbaseError('invalid-input', `Start ${instance.name} first: Dockbase checks ${engine.upgrade.alignWhat} of ${engine.displayName} ${instance.tag} before the upgrade.`);
    }
    dataVolumesOf(instance); // nothing to carry over without data volumes: refused before anything happens
    // Only a container Dockbase created is changed; its labels as docker has them now.
    instance = { ...instance, ...(await this.steps.lifecycle.owned(instance)) };
    const password = await this.steps.passwordOf(instance);
    const step = (p: UpgradeProgress) => options.onProgress?.(p);

    step({ step: 'pull' });
    try {
      await this.steps.ensureImage(plan.image, options.signal, (pull) => step({ step: 'pull', pull: { done: pull.done, total: pull.total } }));
      throwIfAborted(options.signal);
    } catch (e) {
      throw failed(e, `Nothing was changed: ${instance.name} ${isActive(instance) ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, [password]);
    }
    return plan.method === 'dump-restore'
      ? upgradeByDumpRestore(this.steps, instance, plan, password, options)
      : upgradeInPlace(this.steps, instance, plan, password, options);
  }

  /**
   * Returns the instance to the version and data of its rollback point, in one step: the data it holds now is
   * kept in a "before rollback" snapshot; the rollback point is used up. Any failure puts everything back.
   */
  rollback(instance: Instance, point: RollbackPoint, options: { onProgress?(p: UpgradeProgress): void; readyTimeoutMs?: number } = {}): Promise<RollbackResult> {
    return rollBack(this.steps, instance, point, options);
  }
}
