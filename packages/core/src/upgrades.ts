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
 */
import {
  containerIdsOfInstanceArgs,
  createContainerArgs,
  createContainerEnv,
  execScriptArgs,
  imageExistsArgs,
  logsArgs,
  probeArgs,
  removeContainerArgs,
  renameArgs,
  startArgs,
  stopArgs,
  upgradeWorkerArgs,
  upgradeWorkerIdsArgs,
  volumeInspectArgs,
  volumeRemoveArgs,
  type CreatePlan,
  type UpgradeWorkerPlan,
  type VolumePlan,
} from './argv';
import { UPGRADE_SOURCE } from './data-scripts';
import { fileStamp } from './dump-files';
import type { EngineFacts } from './engine-facts';
import { compareVersions, getEngine, secretEnvNames, versionOf, type EngineDefinition, type UpgradeMethod } from './engines';
import { DockbaseError, cancelled, commandFailed, createError, isDockbaseError, isStartFailure, redact, startError, stderrExcerpt, throwIfAborted } from './errors';
import { imageRef, isActive, newInstanceId, volumeName, type Instance } from './instance';
import { upgradeTransferLabels, volumeLabels } from './labels';
import type { InstanceLifecycle } from './lifecycle';
import { pullImage, type PullProgress } from './pull';
import type { Readiness } from './readiness';
import { sleep, type DockerRunner } from './runner';
import { isRollbackPoint, snapshotVolumeName, type RollbackPoint, type Snapshot, type SnapshotVolume } from './snapshot-model';
import { dataVolumesOf, type Snapshots } from './snapshots';

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

/** How long a new version gets to serve: MariaDB's and MySQL's own upgrade steps run before they listen. */
const READY_TIMEOUT_MS = 600_000;
/** How long a worker gets to start (the new PostgreSQL's first start runs initdb). */
const WORKER_TIMEOUT_MS = 180_000;

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

/** Whether the server's reported version is the tag's version ("11.8.9-MariaDB…" is 11.8, "17.12" is 17). */
export function reportsVersion(reported: string, tag: string): boolean {
  const got = versionOf(reported);
  const want = versionOf(tag);
  return !!got && !!want && want.every((n, i) => got[i] === n);
}

/** The rows and tables in a PostgreSQL fingerprint (`<db>.<schema>.<table> <rows>` per line). */
export function fingerprintTotals(fingerprint: string): { tables: number; rows: number } {
  const lines = fingerprint.split('\n').filter((l) => l.trim());
  return { tables: lines.length, rows: lines.reduce((sum, l) => sum + (Number(/ (\d+)$/.exec(l)?.[1]) || 0), 0) };
}

/** The first tables whose row counts differ between two fingerprints, for the error message. */
export function fingerprintDifferences(before: string, after: string, max = 3): string[] {
  const parse = (text: string) => new Map(text.split('\n').filter((l) => l.trim()).map((l) => [l.replace(/ \d+$/, ''), /(\d+)$/.exec(l)?.[1] ?? '?'] as const));
  const a = parse(before);
  const b = parse(after);
  const out: string[] = [];
  for (const table of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(table) !== b.get(table)) out.push(`${table}: ${a.get(table) ?? 'missing'} rows before, ${b.get(table) ?? 'missing'} after`);
    if (out.length >= max) break;
  }
  return out;
}

/** A container the upgrade started (a worker), by id and what it runs. */
interface Worker {
  id: string;
  name: string;
  what: string;
}

export class Upgrades {
  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: InstanceLifecycle,
    private readonly readiness: Readiness,
    private readonly snapshots: Snapshots,
    private readonly engineFacts: EngineFacts,
  ) {}

  plan(instance: Instance, toTag: string): UpgradePlan {
    return planUpgrade(instance, toTag);
  }

  /** Every rollback point (of one instance, by id, when given), newest first. */
  async rollbackPoints(instanceId?: string): Promise<RollbackPoint[]> {
    return (await this.snapshots.list(instanceId)).filter(isRollbackPoint);
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
    instance = { ...instance, ...(await this.lifecycle.owned(instance)) };
    const password = await this.passwordOf(instance);
    const step = (p: UpgradeProgress) => options.onProgress?.(p);

    step({ step: 'pull' });
    try {
      await this.ensureImage(plan.image, options.signal, (pull) => step({ step: 'pull', pull: { done: pull.done, total: pull.total } }));
      throwIfAborted(options.signal);
    } catch (e) {
      throw failed(e, `Nothing was changed: ${instance.name} ${isActive(instance) ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, [password]);
    }
    return plan.method === 'dump-restore'
      ? this.dumpRestore(instance, plan, password, options)
      : this.inPlace(instance, plan, password, options);
  }

  /**
   * Returns the instance to the version and data of its rollback point, in one step: the data it holds now is
   * kept in a "before rollback" snapshot; the rollback point is used up. Any failure puts everything back.
   */
  async rollback(instance: Instance, point: RollbackPoint, options: { onProgress?(p: UpgradeProgress): void; readyTimeoutMs?: number } = {}): Promise<RollbackResult> {
    const engine = getEngine(instance.engine);
    if (point.instanceId !== instance.id || point.engine !== instance.engine) {
      throw new DockbaseError('invalid-input', `“${point.name}” is not a rollback point of ${instance.name}.`);
    }
    if (point.upgradeTo !== instance.tag) {
      throw new DockbaseError('invalid-input', `“${point.name}” returns from ${engine.displayName} ${point.upgradeTo}, and ${instance.name} runs ${instance.tag}.`);
    }
    if (!['running', 'exited', 'created'].includes(instance.status)) {
      throw new DockbaseError('invalid-input', `${instance.name} is ${instance.status}: start or stop it first, then roll it back.`);
    }
    const step = (id: UpgradeStepId) => options.onProgress?.({ step: id });
    instance = { ...instance, ...(await this.lifecycle.owned(instance)) };
    const password = await this.passwordOf(instance);
    const wasRunning = isActive(instance);
    const current = dataVolumesOf(instance);
    const oldRef = imageRef(point.image, point.tag);
    const unchanged = `Nothing was changed: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`;
    // A volume mounted by name is created empty when it is missing: the point's data must still be there.
    for (const v of point.volumes) {
      if ((await this.docker.tryRun(volumeInspectArgs([v.volume]))).code !== 0) {
        throw new DockbaseError('not-found', `The data of “${point.name}” (volume ${v.volume}) no longer exists, so there is nothing to roll back to. ${unchanged}`);
      }
    }
    step('pull');
    try {
      await this.ensureImage(oldRef);
    } catch (e) {
      throw failed(e, unchanged, [password]);
    }
    step('stop');
    if (wasRunning) await this.lifecycle.stop(instance);
    const stopped: Instance = { ...instance, status: 'exited' };
    const target = { image: point.image, tag: point.tag };
    // A PostgreSQL rollback point is the old data volume itself; the others are copies made for the snapshot.
    const asIs = !point.volumes.every((v) => v.volume === snapshotVolumeName(point.instanceName, point.id, v.key));
    const check = (i: Instance) => this.checkVersion(i, point.tag, engine.upgrade.versionScript, [password]);
    const label = `before rollback ${fileStamp(new Date())}`;
    try {
      step('keep');
      if (asIs) {
        const kept = await this.snapshots.keepAsIs(stopped, current, label, 'before-rollback');
        let result: { instance: Instance; serverVersion: string };
        try {
          step('switch');
          result = await this.switchContainer(stopped, target, plansOf(point.volumes), password, wasRunning, {
            onStarted: async (i) => (step('check'), check(i)),
            readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
          });
        } catch (e) {
          await this.snapshots.forget(kept).catch(() => undefined);
          throw e;
        }
        // The rollback point's volume holds the instance's data again: only its record goes.
        await this.snapshots.forget(point).catch(() => undefined);
        return { instance: result.instance, from: instance.tag, to: point.tag, serverVersion: result.serverVersion, kept };
      }
      const kept = await this.snapshots.copyOut(stopped, current, label, 'before-rollback');
      // Whether the instance's volumes hold its own (upgraded) data: then `kept` is a spare copy.
      let ownData = true;
      try {
        step('restore');
        ownData = false;
        await this.snapshots.replaceFrom(stopped, current, point, kept).catch((e: unknown) => {
          // replaceFrom puts `kept` back itself when copying the rollback point in fails, and says so.
          ownData = e instanceof DockbaseError && / keeps its data as it was\.$/.test(e.message);
          throw e;
        });
        step('switch');
        const result = await this.switchContainer(stopped, target, plansOf(current, engine.dataMounts(point.tag)), password, wasRunning, {
          onStarted: async (i) => (step('check'), check(i)),
          // The new version's data goes back under its own version.
          onFailed: async () => {
            await this.snapshots.replaceFrom(stopped, current, kept, kept);
            ownData = true;
          },
          readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
        });
        // Its data is the instance's again: the rollback point is used up.
        await this.snapshots.remove(point).catch(() => undefined);
        return { instance: result.instance, from: instance.tag, to: point.tag, serverVersion: result.serverVersion, kept };
      } catch (e) {
        // `kept` goes only once the instance's volumes hold that data again; otherwise it is the way back.
        if (ownData) await this.snapshots.remove(kept).catch(() => undefined);
        else throw failed(e, `Its data could not be put back: the snapshot “${kept.name}” holds it (restore it from Snapshots).`, [password]);
        throw e;
      }
    } catch (e) {
      if (wasRunning) await this.restartOld(instance);
      throw failed(e, `${instance.name} was not rolled back: it ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, [password]);
    }
  }

  // ---- in place ----------------------------------------------------------------------------------------

  private async inPlace(instance: Instance, plan: UpgradePlan, password: string, options: UpgradeOptions): Promise<UpgradeResult> {
    const engine = getEngine(instance.engine);
    const step = (id: UpgradeStepId) => options.onProgress?.({ step: id });
    const wasRunning = isActive(instance);
    const volumes = dataVolumesOf(instance);
    const secrets = [password];
    const align = engine.upgrade.alignScript;
    let point: RollbackPoint;
    try {
      if (align) {
        step('align');
        await this.runVersionScript(instance.containerId, align, engine.upgrade.alignWhat ?? 'the data', secrets);
      }
      throwIfAborted(options.signal);
      step('stop');
      if (wasRunning) await this.lifecycle.stop(instance);
      throwIfAborted(options.signal);
      step('snapshot');
      const taken = await this.snapshots.copyOut({ ...instance, status: 'exited' }, volumes, `before upgrade to ${plan.to} ${fileStamp(new Date())}`, 'before-upgrade', { upgradeTo: plan.to });
      point = taken as RollbackPoint;
      if (options.signal?.aborted) {
        await this.snapshots.remove(point).catch(() => undefined);
        throw cancelled();
      }
    } catch (e) {
      if (wasRunning) await this.restartOld(instance);
      throw failed(e, `Nothing was changed: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, secrets);
    }

    // The switch: from here the new version may change the data, and any failure puts the snapshot back.
    const stopped: Instance = { ...instance, status: 'exited' };
    let restored = true;
    try {
      step('switch');
      const result = await this.switchContainer(stopped, { image: instance.image, tag: plan.to }, plansOf(volumes, engine.dataMounts(plan.to)), password, wasRunning, {
        onStarted: async (i) => {
          step('check');
          if (align) await this.runVersionScript(i.containerId, align, engine.upgrade.alignWhat ?? 'the data', secrets);
          return this.checkVersion(i, plan.to, engine.upgrade.versionScript, secrets);
        },
        onFailed: async () => {
          restored = false;
          await this.snapshots.replaceFrom(stopped, volumes, point, point);
          restored = true;
        },
        readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
      });
      return { instance: result.instance, from: plan.from, to: plan.to, method: 'in-place', serverVersion: result.serverVersion, rollbackPoint: point, sizeBytes: point.sizeBytes };
    } catch (e) {
      // Its data is back as it was: the snapshot is no rollback point of anything. Kept if putting it back failed.
      if (restored) await this.snapshots.remove(point).catch(() => undefined);
      const how = restored
        ? `${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} again, with its data as it was.`
        : `Its data could not be put back: the snapshot “${point.name}” holds it (restore it from Snapshots).`;
      throw failed(e, `The upgrade to ${plan.to} failed and was undone. ${how}`, secrets);
    }
  }

  // ---- dump and restore (PostgreSQL across major versions) ---------------------------------------------

  private async dumpRestore(instance: Instance, plan: UpgradePlan, password: string, options: UpgradeOptions): Promise<UpgradeResult> {
    const engine = getEngine(instance.engine);
    const dr = engine.upgrade.dumpRestore!;
    const signal = options.signal;
    const progress = (p: UpgradeProgress) => options.onProgress?.(p);
    const step = (id: UpgradeStepId) => progress({ step: id });
    const secrets = [password];
    const wasRunning = isActive(instance);
    const oldVolumes = dataVolumesOf(instance);
    const suffix = dr.volumeSuffix(plan.to);
    const newMounts = engine.dataMounts(plan.to);
    const newVolumes: VolumePlan[] = newMounts.map((mount) => ({ name: volumeName(instance.name, mount.key, suffix), mount }));
    for (const v of newVolumes) {
      if ((await this.docker.tryRun(volumeInspectArgs([v.name]))).code === 0) {
        throw new DockbaseError(
          'volume-conflict',
          `A volume named ${v.name} already exists (the ${engine.displayName} ${suffix} data of an earlier upgrade, kept by a roll back?). Delete the snapshot that holds it, or clone it, then upgrade again. ${instance.name} was not changed.`,
        );
      }
    }
    const id = newInstanceId();
    const transfer = `dockbase-${instance.name}-upgrade-${id}`;
    const workers: Worker[] = [];
    const made = [transfer, ...newVolumes.map((v) => v.name)];
    /** Everything before the switch is undone here: workers, the transfer and new volumes, the old instance restarted. */
    const undo = async () => {
      if (workers.length) await this.docker.bestEffort(removeContainerArgs(...workers.map((w) => w.id)));
      else await this.removeWorkersByName(instance.name, id);
      await this.docker.bestEffort(volumeRemoveArgs(made));
      if (wasRunning) await this.restartOld(instance);
    };

    let before: string;
    let totalBytes = 0;
    let serverVersion: string;
    try {
      step('stop');
      if (wasRunning) await this.lifecycle.stop(instance);
      throwIfAborted(signal);

      step('prepare');
      const from = await this.startWorker(
        { role: 'upgrade-from', name: `${instance.name}-upgrade-${id}-from`, image: imageRef(instance.image, instance.tag), env: userEnvOf(engine, instance), mounts: [
          ...oldVolumes.map((v) => ({ volume: v.volume, target: v.path })),
          { volume: transfer, target: dr.socketFolder, labels: upgradeTransferLabels(instance.name) },
        ] },
        `${engine.displayName} ${instance.tag}`,
        workers,
      );
      const to = await this.startWorker(
        { role: 'upgrade-to', name: `${instance.name}-upgrade-${id}-to`, image: plan.image, env: { ...secretEnvOf(engine, password), ...userEnvOf(engine, instance) }, mounts: [
          ...newVolumes.map((v) => ({ volume: v.name, target: v.mount.path, labels: volumeLabels(v.mount, { engine: engine.id, tag: plan.to, instanceName: instance.name, instanceId: instance.dataId ?? instance.id }) })),
          { volume: transfer, target: UPGRADE_SOURCE },
        ] },
        `${engine.displayName} ${plan.to}`,
        workers,
      );
      // The old server starts in a moment; the new one initialises its data folder meanwhile.
      await this.waitForWorker(from, instance.engine, signal, secrets);
      const [fromVersion, fromSize, fingerprint] = await Promise.all([
        this.workerScript(to, dr.versionScript, UPGRADE_SOURCE, 'read the old server’s version', secrets),
        this.workerScript(to, dr.sizeScript, UPGRADE_SOURCE, 'measure the old data', secrets),
        this.workerScript(to, dr.fingerprintScript, UPGRADE_SOURCE, 'count the rows of the old data', secrets),
        this.waitForWorker(to, instance.engine, signal, secrets),
      ]);
      before = fingerprint;
      totalBytes = Number(fromSize.trim()) || 0;
      const oldMajor = dr.parseVersion(fromVersion);
      const newMajor = versionOf(plan.to)!;
      if (oldMajor && compareVersions(oldMajor, newMajor.slice(0, 1)) !== -1) {
        throw new DockbaseError('invalid-input', `${instance.name}'s data is from ${engine.displayName} ${oldMajor.join('.')}, not older than ${plan.to}.`, 'tag');
      }
      throwIfAborted(signal);

      step('copy');
      await this.copyWithProgress(to, dr.copyScript, totalBytes, signal, progress, secrets);
      throwIfAborted(signal);

      step('verify');
      // The old server has done its part: it shuts down cleanly (its data is the rollback point) meanwhile.
      const fromStopped = this.docker.run(stopArgs(from.id, engine.stopTimeoutSeconds), `stop ${from.what}`);
      fromStopped.catch(() => undefined);
      const [after, toVersion] = await Promise.all([
        this.workerScript(to, dr.fingerprintScript, dr.socketFolder, 'count the rows of the new data', secrets),
        this.workerScript(to, dr.versionScript, dr.socketFolder, 'read the new server’s version', secrets),
      ]);
      await fromStopped;
      const differences = fingerprintDifferences(before, after);
      if (differences.length > 0) {
        throw new DockbaseError('command-failed', `The copy does not hold the same rows: ${differences.join('; ')}.`);
      }
      const reported = dr.parseVersion(toVersion);
      if (!reported || compareVersions(reported, newMajor.slice(0, 1)) !== 0) {
        throw new DockbaseError('command-failed', `The new server reports version ${toVersion.trim() || '(nothing)'}, not ${plan.to}.`);
      }
      serverVersion = String(reported[0]);
      throwIfAborted(signal);
      // The new server shuts down cleanly too: its data must be on disk before another container opens it.
      await this.docker.run(stopArgs(to.id, engine.stopTimeoutSeconds), `stop ${to.what}`);
      await this.docker.run(removeContainerArgs(...workers.map((w) => w.id)), 'remove the upgrade’s workers');
      workers.length = 0;
      await this.docker.bestEffort(volumeRemoveArgs([transfer]));
    } catch (e) {
      await undo();
      throw failed(e, `Nothing was changed: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, secrets);
    }

    // The switch: the instance's container moves to the new volume; the old volume becomes the rollback point.
    const stopped: Instance = { ...instance, status: 'exited' };
    step('switch');
    let point: RollbackPoint | undefined;
    try {
      point = (await this.snapshots.keepAsIs(stopped, oldVolumes, `before upgrade to ${plan.to} ${fileStamp(new Date())}`, 'before-upgrade', { upgradeTo: plan.to, sizeBytes: totalBytes })) as RollbackPoint;
      const result = await this.switchContainer(stopped, { image: instance.image, tag: plan.to }, newVolumes, password, wasRunning, {
        onStarted: async () => (step('check'), serverVersion),
        readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
      });
      return {
        instance: result.instance,
        from: plan.from,
        to: plan.to,
        method: 'dump-restore',
        serverVersion: result.serverVersion,
        rollbackPoint: point,
        verified: fingerprintTotals(before),
        sizeBytes: totalBytes,
      };
    } catch (e) {
      if (point) await this.snapshots.forget(point).catch(() => undefined);
      await this.docker.bestEffort(volumeRemoveArgs(newVolumes.map((v) => v.name)));
      throw failed(e, `The switch to ${plan.to} failed and was undone: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} again, on its data as it was.`, secrets);
    }
  }

  /** Runs the copy script in the new version's worker; it reports the restored bytes about every second. */
  private async copyWithProgress(
    worker: Worker,
    copyScript: string,
    totalBytes: number,
    signal: AbortSignal | undefined,
    progress: (p: UpgradeProgress) => void,
    secrets: readonly string[],
  ): Promise<void> {
    const errors: string[] = [];
    progress({ step: 'copy', bytes: 0, totalBytes });
    const handle = this.docker.stream(execScriptArgs(worker.id, copyScript, UPGRADE_SOURCE), {
      onLine: (line, stream) => {
        if (stream === 'stderr') {
          errors.push(line);
          return;
        }
        const m = /^dockbase-progress (\d+)$/.exec(line.trim());
        if (m) progress({ step: 'copy', bytes: Number(m[1]), totalBytes });
      },
    });
    const onAbort = () => handle.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let code: number;
    try {
      code = await handle.done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    throwIfAborted(signal);
    if (code !== 0) throw commandFailed(`copy the data to ${worker.what}`, errors.join('\n'), secrets);
  }

  // ---- shared steps ------------------------------------------------------------------------------------

  /**
   * Replaces the (stopped) instance's container by one running `target` on `volumes`, with the same id, name,
   * port, exposure and password: the old container is renamed aside until the new one serves and passed
   * `onStarted` (the version checks); then it is removed. Otherwise the new container is removed, `onFailed`
   * runs (data put back), and the old one gets its name back and runs again if it ran.
   */
  private async switchContainer(
    instance: Instance,
    target: { image: string; tag: string },
    volumes: VolumePlan[],
    password: string,
    wasRunning: boolean,
    hooks: { onStarted(i: Instance): Promise<string>; onFailed?(): Promise<void>; readyTimeoutMs: number },
  ): Promise<{ instance: Instance; serverVersion: string }> {
    const engine = getEngine(instance.engine);
    const aside = `${instance.name}-before-upgrade-${newInstanceId().slice(0, 6)}`;
    // What the user set on the container carries over with it: "start with Docker" and a memory limit.
    const details = await this.lifecycle.details(instance);
    const plan: CreatePlan = {
      id: instance.id,
      name: instance.name,
      engine: instance.engine,
      image: target.image,
      tag: target.tag,
      hostPort: instance.hostPort,
      bindAddress: instance.bindAddress,
      password,
      volumes,
      // The data keeps the id of the instance that made it (an upgrade's new volume is labelled with it too).
      ...(volumes.length > 0 ? { dataId: instance.dataId ?? instance.id } : {}),
      // The accounts the data was made with: the connection string and the readiness probe name them.
      ...(instance.user ? { user: instance.user } : {}),
      ...(instance.database ? { database: instance.database } : {}),
      ...(details.restartPolicy === 'unless-stopped' || details.restartPolicy === 'always' ? { restartPolicy: 'unless-stopped' as const } : {}),
      ...(details.memoryBytes > 0 ? { memoryBytes: details.memoryBytes } : {}),
    };
    const secrets = [password];
    // Where the CLI can take it from its environment, the password stays out of every argv (as at create).
    const secretEnv = this.docker.cli.passesEnv === true;
    await this.docker.run(renameArgs(instance.containerId, aside), `set ${instance.name} aside`);
    let newId: string | undefined;
    try {
      // Its healthcheck as create gives it on this engine (a start interval where the engine has one).
      const capabilities = await this.engineFacts.capabilities();
      const r = await this.docker.tryRun(createContainerArgs(plan, { start: true, secretEnv, capabilities }), undefined, secretEnv ? createContainerEnv(plan) : undefined);
      newId = r.stdout.trim().split('\n').pop() || undefined;
      if (r.code !== 0) {
        throw isStartFailure(r.stderr) ? startError(plan, r.stderr, secrets) : createError({ ...plan, image: target.image }, r.stderr, secrets);
      }
      const created = await this.lifecycle.get(instance.id);
      const ready = await this.readiness.waitUntilReady(created, { timeoutMs: hooks.readyTimeoutMs });
      const serverVersion = await hooks.onStarted(ready);
      if (!wasRunning) await this.docker.run(stopArgs(ready.containerId, engine.stopTimeoutSeconds), `stop ${instance.name}`);
      await this.docker.bestEffort(removeContainerArgs(instance.containerId));
      return { instance: await this.lifecycle.get(instance.id), serverVersion };
    } catch (e) {
      const id = newId ?? (await this.newContainerId(instance));
      let said = '';
      if (id) {
        const logs = await this.docker.bestEffort(logsArgs(id, { tail: 6 }));
        said = stderrExcerpt(`${logs?.stdout ?? ''}\n${logs?.stderr ?? ''}`, secrets, 400);
        await this.docker.bestEffort(removeContainerArgs(id));
      }
      try {
        await hooks.onFailed?.();
      } finally {
        await this.docker.bestEffort(renameArgs(instance.containerId, instance.name));
        if (wasRunning) await this.restartOld(instance);
      }
      if (said && isDockbaseError(e) && e.code !== 'cancelled') throw new DockbaseError(e.code, `${e.message.replace(/\.?\s*$/, '.')} Its last words: ${said}`, e.field);
      throw e;
    }
  }

  /** The id of a replacement container (same instance label, not the old container). */
  private async newContainerId(instance: Instance): Promise<string | undefined> {
    const r = await this.docker.bestEffort(containerIdsOfInstanceArgs(instance.id));
    return r?.stdout.split('\n').map((l) => l.trim()).find((id) => id && id !== instance.containerId && !instance.containerId.startsWith(id));
  }

  /** Starts the old container again after a cancel or a failure, and waits until it serves (best effort). */
  private async restartOld(instance: Instance): Promise<void> {
    const r = await this.docker.bestEffort(startArgs(instance.containerId));
    if (r?.code !== 0) return;
    await this.readiness.waitUntilReady(instance, { restarted: true, timeoutMs: 120_000 }).catch(() => undefined);
  }

  /** The admin password, read from the instance's container (it carries over to the new one). */
  private async passwordOf(instance: Instance): Promise<string> {
    const details = await this.lifecycle.details(instance);
    const password = getEngine(instance.engine).readPassword({ env: details.env, cmd: details.cmd });
    if (!password) throw new DockbaseError('invalid-input', `Dockbase cannot read the password of ${instance.name} from its container, so the new version could not be given it.`);
    return password;
  }

  private async ensureImage(ref: string, signal?: AbortSignal, onProgress?: (p: PullProgress) => void): Promise<void> {
    if ((await this.docker.tryRun(imageExistsArgs(ref), signal)).code === 0) return;
    await pullImage(this.docker, ref, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
  }

  /** Runs an engine's version script in a running container; its first line of output. */
  private async runVersionScript(containerId: string, script: string, what: string, secrets: readonly string[]): Promise<string> {
    const r = await this.docker.tryRun(execScriptArgs(containerId, script));
    const first = r.stdout.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
    if (r.code !== 0 || first.startsWith('dockbase-error')) {
      throw new DockbaseError('command-failed', `Could not check ${what}: ${stderrExcerpt(`${first.replace(/^dockbase-error\s*/, '')}\n${r.stderr}`, secrets) || `exit code ${r.code}`}`);
    }
    return first;
  }

  /** The server's own version must be the tag's; returns what it reported. */
  private async checkVersion(instance: Instance, tag: string, script: string, secrets: readonly string[]): Promise<string> {
    const reported = await this.runVersionScript(instance.containerId, script, 'the server’s version', secrets);
    if (!reportsVersion(reported, tag)) {
      const engine = getEngine(instance.engine);
      throw new DockbaseError('command-failed', `The new server reports ${engine.displayName} ${reported || '(nothing)'}, not ${tag}.`);
    }
    return reported;
  }

  private async startWorker(spec: UpgradeWorkerPlan, what: string, workers: Worker[]): Promise<Worker> {
    const secretEnv = this.docker.cli.passesEnv === true && Object.keys(spec.env).length > 0;
    const r = await this.docker.tryRun(upgradeWorkerArgs(spec, { secretEnv }), undefined, secretEnv ? { ...spec.env } : undefined);
    const id = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0 || !id) throw commandFailed(`start ${what} for the upgrade`, r.stderr, Object.values(spec.env));
    const worker = { id, name: spec.name, what };
    workers.push(worker);
    return worker;
  }

  /** Removes the workers of one upgrade by their names (when their ids were never read). */
  private async removeWorkersByName(instanceName: string, id: string): Promise<void> {
    // By their full ids, as every removal is (the standalone host refuses a removal by name).
    const ids = (await this.docker.bestEffort(upgradeWorkerIdsArgs(instanceName, id)))?.stdout.split('\n').filter(Boolean) ?? [];
    if (ids.length) await this.docker.bestEffort(removeContainerArgs(...ids));
  }

  /** Waits until a worker's server answers its engine's own probe; a worker that stops is explained by its log. */
  private async waitForWorker(worker: Worker, engineId: Instance['engine'], signal: AbortSignal | undefined, secrets: readonly string[]): Promise<void> {
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    for (let delay = 100; ; delay = Math.min(1000, Math.round(delay * 1.5))) {
      throwIfAborted(signal);
      const probe = await this.docker.tryRun(probeArgs(worker.id, engineId), signal);
      if (probe.code === 0) return;
      if (/is not running|No such container/i.test(probe.stderr)) {
        const logs = await this.docker.bestEffort(logsArgs(worker.id, { tail: 8 }));
        const said = stderrExcerpt(`${logs?.stdout ?? ''}\n${logs?.stderr ?? ''}`, secrets, 500);
        throw new DockbaseError('command-failed', `${worker.what} stopped while starting${said ? `: ${said}` : '.'}`);
      }
      if (Date.now() > deadline) throw new DockbaseError('command-failed', `${worker.what} did not start in time.`);
      await sleep(delay, signal);
    }
  }

  /** Runs one of the dump-and-restore scripts in the new version's worker against a server's socket folder. */
  private async workerScript(worker: Worker, script: string, socketFolder: string, action: string, secrets: readonly string[]): Promise<string> {
    const r = await this.docker.run(execScriptArgs(worker.id, script, socketFolder), action, { secrets });
    return r.stdout;
  }
}

/** The admin secret's variables of the engine's environment: all a worker's first start needs. */
/**
 * The variable naming the instance's own superuser (PostgreSQL's POSTGRES_USER), for both workers: the new
 * version's first start creates that role (not the image's default), and the upgrade's scripts connect as it.
 * The database variable is left out: the copy creates every database itself.
 */
function userEnvOf(engine: EngineDefinition, instance: Pick<Instance, 'user'>): Record<string, string> {
  const variable = engine.accountVariables?.user;
  return variable && instance.user ? { [variable]: instance.user } : {};
}

function secretEnvOf(engine: EngineDefinition, password: string): Record<string, string> {
  const all = engine.environment(password);
  return Object.fromEntries(secretEnvNames(engine).map((k) => [k, all[k] as string]));
}

/** Volume plans for the new container: the given volumes at the mounts of the version it runs. */
function plansOf(volumes: readonly SnapshotVolume[], mounts?: ReturnType<EngineDefinition['dataMounts']>): VolumePlan[] {
  return volumes.map((v) => {
    const mount = mounts?.find((m) => m.key === v.key) ?? { key: v.key, path: v.path };
    return { name: v.volume, mount };
  });
}

/** The error a user sees: what failed (cancelled stays cancelled), then what state the instance is in. */
function failed(e: unknown, state: string, secrets: readonly string[]): DockbaseError {
  if (isDockbaseError(e, 'cancelled')) return cancelled(`Upgrade cancelled. ${state}`);
  const message = redact(e instanceof Error ? e.message : String(e), secrets).replace(/\.?\s*$/, '.');
  if (isDockbaseError(e)) return new DockbaseError(e.code, `${message} ${state}`, e.field);
  return new DockbaseError('command-failed', `${message} ${state}`);
}
