/**
 * An upgrade in place (MySQL, MariaDB, MongoDB, Redis; PostgreSQL within a major version): the instance is
 * stopped, a snapshot of its data is kept as the rollback point, and the new version starts on the same
 * volumes with the image's own upgrade step, then must report the new version. See upgrades.ts.
 */
import { fileStamp } from '../model/dump-files';
import { getEngine } from '../engines';
import { cancelled, throwIfAborted } from '../model/errors';
import { isActive, type Instance } from '../model/instance';
import type { RollbackPoint } from '../model/snapshot-model';
import { dataVolumesOf, replaceDataUndo } from './snapshots';
import { READY_TIMEOUT_MS, failed, plansOf, type UpgradeSteps } from './upgrade-steps';
import type { UpgradeOptions, UpgradePlan, UpgradeResult, UpgradeStepId } from './upgrade-plan';

/**
 * Upgrades `instance` in place to `plan.to` (its image is there). Until the snapshot is kept, a cancel or a
 * failure leaves it as it was; from the switch on, any failure puts the snapshot back and the old container
 * with it.
 */
export async function upgradeInPlace(
  steps: UpgradeSteps,
  instance: Instance,
  plan: UpgradePlan,
  password: string,
  options: UpgradeOptions,
): Promise<UpgradeResult> {
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
      await steps.runVersionScript(instance.containerId, align, engine.upgrade.alignWhat ?? 'the data', secrets);
    }
    throwIfAborted(options.signal);
    step('stop');
    if (wasRunning) {
      await options.journal?.begin('stop', [{ do: 'start', container: instance.containerId, instanceId: instance.id }]);
      await steps.lifecycle.stop(instance);
      await options.journal?.end('stop');
    }
    throwIfAborted(options.signal);
    step('snapshot');
    const taken = await steps.snapshots.copyOut(
      { ...instance, status: 'exited' },
      volumes,
      `before upgrade to ${plan.to} ${fileStamp(new Date())}`,
      'before-upgrade',
      { upgradeTo: plan.to },
    );
    point = taken as RollbackPoint;
    if (options.signal?.aborted) {
      await steps.snapshots.remove(point).catch(() => undefined);
      throw cancelled();
    }
  } catch (e) {
    if (wasRunning) await steps.restartOld(instance);
    throw failed(e, `Nothing was changed: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, secrets);
  }

  // The switch: from here the new version may change the data, and any failure puts the snapshot back.
  const stopped: Instance = { ...instance, status: 'exited' };
  let restored = true;
  try {
    step('switch');
    // Interrupted before the new version served: the data from before goes back into the volumes.
    await options.journal?.begin('switch', [replaceDataUndo(stopped, volumes, point)]);
    const result = await steps.switchContainer(
      stopped,
      { image: instance.image, tag: plan.to },
      plansOf(volumes, engine.dataMounts(plan.to)),
      password,
      wasRunning,
      {
        onStarted: async (i) => {
          step('check');
          if (align) await steps.runVersionScript(i.containerId, align, engine.upgrade.alignWhat ?? 'the data', secrets);
          return steps.checkVersion(i, plan.to, engine.upgrade.versionScript, secrets);
        },
        onFailed: async () => {
          restored = false;
          await steps.snapshots.replaceFrom(stopped, volumes, point, point);
          restored = true;
        },
        readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
        journal: options.journal,
      },
    );
    return {
      instance: result.instance,
      from: plan.from,
      to: plan.to,
      method: 'in-place',
      serverVersion: result.serverVersion,
      rollbackPoint: point,
      sizeBytes: point.sizeBytes,
    };
  } catch (e) {
    // Its data is back as it was: the snapshot is no rollback point of anything. Kept if putting it back failed.
    if (restored) await steps.snapshots.remove(point).catch(() => undefined);
    const how = restored
      ? `${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} again, with its data as it was.`
      : `Its data could not be put back: the snapshot “${point.name}” holds it (restore it from Snapshots).`;
    throw failed(e, `The upgrade to ${plan.to} failed and was undone. ${how}`, secrets);
  }
}
