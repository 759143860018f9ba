/**
 * A roll back: the instance returns to the version and data of its rollback point in one step; the data it
 * holds now is kept in a "before rollback" snapshot, and the rollback point is used up. A PostgreSQL rollback
 * point is the old data volume itself (the instance is switched back onto it); the others are copies, put back
 * into the instance's volumes. Any failure puts everything back. See upgrades.ts.
 */
import { volumeInspectArgs } from '../docker/volumes';
import { fileStamp } from '../model/dump-files';
import { getEngine } from '../engines';
import { DockbaseError } from '../model/errors';
import { imageRef, isActive, newInstanceId, type Instance } from '../model/instance';
import { snapshotVolumeName, type RollbackPoint } from '../model/snapshot-model';
import { dataVolumesOf, replaceDataUndo } from './snapshots';
import type { StepJournal } from '../jobs/job';
import { READY_TIMEOUT_MS, failed, plansOf, type UpgradeSteps } from './upgrade-steps';
import type { RollbackResult, UpgradeProgress, UpgradeStepId } from './upgrade-plan';

/** Rolls `instance` back to `point` (see the module's comment); `Upgrades.rollback` is the public door. */
export async function rollBack(
  steps: UpgradeSteps,
  instance: Instance,
  point: RollbackPoint,
  options: { onProgress?(p: UpgradeProgress): void; readyTimeoutMs?: number; journal?: StepJournal },
): Promise<RollbackResult> {
  const engine = getEngine(instance.engine);
  if (point.instanceId !== instance.id || point.engine !== instance.engine) {
    throw new DockbaseError('invalid-input', `“${point.name}” is not a rollback point of ${instance.name}.`);
  }
  if (point.upgradeTo !== instance.tag) {
    throw new DockbaseError(
      'invalid-input',
      `“${point.name}” returns from ${engine.displayName} ${point.upgradeTo}, and ${instance.name} runs ${instance.tag}.`,
    );
  }
  if (!['running', 'exited', 'created'].includes(instance.status)) {
    throw new DockbaseError('invalid-input', `${instance.name} is ${instance.status}: start or stop it first, then roll it back.`);
  }
  const step = (id: UpgradeStepId) => options.onProgress?.({ step: id });
  instance = { ...instance, ...(await steps.lifecycle.owned(instance)) };
  const password = await steps.passwordOf(instance);
  const wasRunning = isActive(instance);
  const current = dataVolumesOf(instance);
  const oldRef = imageRef(point.image, point.tag);
  const unchanged = `Nothing was changed: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`;
  // A volume mounted by name is created empty when it is missing: the point's data must still be there.
  for (const v of point.volumes) {
    if ((await steps.docker.tryRun(volumeInspectArgs([v.volume]))).code !== 0) {
      throw new DockbaseError(
        'not-found',
        `The data of “${point.name}” (volume ${v.volume}) no longer exists, so there is nothing to roll back to. ${unchanged}`,
      );
    }
  }
  step('pull');
  try {
    await steps.ensureImage(oldRef);
  } catch (e) {
    throw failed(e, unchanged, [password]);
  }
  const { journal } = options;
  step('stop');
  if (wasRunning) {
    await journal?.begin('stop', [{ do: 'start', container: instance.containerId, instanceId: instance.id }]);
    await steps.lifecycle.stop(instance);
    await journal?.end('stop');
  }
  const stopped: Instance = { ...instance, status: 'exited' };
  const target = { image: point.image, tag: point.tag };
  // A PostgreSQL rollback point is the old data volume itself; the others are copies made for the snapshot.
  const asIs = !point.volumes.every((v) => v.volume === snapshotVolumeName(point.instanceName, point.id, v.key));
  const check = (i: Instance) => steps.checkVersion(i, point.tag, engine.upgrade.versionScript, [password]);
  const label = `before rollback ${fileStamp(new Date())}`;
  try {
    step('keep');
    if (asIs) {
      const keptId = newInstanceId();
      await journal?.begin('keep', [{ do: 'forget-snapshot', manifestVolume: snapshotVolumeName(instance.name, keptId) }]);
      const kept = await steps.snapshots.keepAsIs(stopped, current, label, 'before-rollback', { id: keptId });
      let result: { instance: Instance; serverVersion: string };
      try {
        step('switch');
        result = await steps.switchContainer(stopped, target, plansOf(point.volumes), password, wasRunning, {
          onStarted: async (i) => (step('check'), check(i)),
          readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
          journal,
        });
      } catch (e) {
        await steps.snapshots.forget(kept).catch(() => undefined);
        throw e;
      }
      // The rollback point's volume holds the instance's data again: only its record goes.
      await steps.snapshots.forget(point).catch(() => undefined);
      return { instance: result.instance, from: instance.tag, to: point.tag, serverVersion: result.serverVersion, kept };
    }
    const kept = await steps.snapshots.copyOut(stopped, current, label, 'before-rollback');
    // Whether the instance's volumes hold its own (upgraded) data: then `kept` is a spare copy.
    let ownData = true;
    try {
      step('restore');
      ownData = false;
      await journal?.begin('restore', [replaceDataUndo(stopped, current, kept)]);
      await steps.snapshots.replaceFrom(stopped, current, point, kept).catch((e: unknown) => {
        // replaceFrom puts `kept` back itself when copying the rollback point in fails, and says so.
        ownData = e instanceof DockbaseError && / keeps its data as it was\.$/.test(e.message);
        throw e;
      });
      step('switch');
      const result = await steps.switchContainer(stopped, target, plansOf(current, engine.dataMounts(point.tag)), password, wasRunning, {
        onStarted: async (i) => (step('check'), check(i)),
        // The new version's data goes back under its own version.
        onFailed: async () => {
          await steps.snapshots.replaceFrom(stopped, current, kept, kept);
          ownData = true;
        },
        readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
        journal,
      });
      // Its data is the instance's again: the rollback point is used up.
      await steps.snapshots.remove(point).catch(() => undefined);
      return { instance: result.instance, from: instance.tag, to: point.tag, serverVersion: result.serverVersion, kept };
    } catch (e) {
      // `kept` goes only once the instance's volumes hold that data again; otherwise it is the way back.
      if (ownData) await steps.snapshots.remove(kept).catch(() => undefined);
      else throw failed(e, `Its data could not be put back: the snapshot “${kept.name}” holds it (restore it from Snapshots).`, [password]);
      throw e;
    }
  } catch (e) {
    if (wasRunning) await steps.restartOld(instance);
    throw failed(e, `${instance.name} was not rolled back: it ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, [password]);
  }
}
