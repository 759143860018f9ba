/**
 * A dump and restore (PostgreSQL across major versions): the old version runs in a worker without network
 * on the instance's data, the new one in another worker on a NEW volume; the new version's pg_dumpall copies
 * everything through the old server's socket (a shared transfer volume) into its psql, then the row count of
 * every table must be equal on both sides. Only then is the instance switched to the new volume. The old
 * volume is never written by Dockbase: it stays, as it was, as the rollback point. See upgrades.ts.
 */
import { upgradeWorkerIdsArgs } from '../docker/containers';
import type { VolumePlan } from '../docker/create';
import { execScriptArgs } from '../docker/exec';
import { upgradeWorkerArgs, type UpgradeWorkerPlan } from '../docker/helpers';
import { logsArgs, removeContainerArgs, stopArgs } from '../docker/lifecycle';
import { volumeInspectArgs, volumeRemoveArgs } from '../docker/volumes';
import { UPGRADE_SOURCE } from '../docker/data-scripts';
import { fileStamp } from '../model/dump-files';
import { compareVersions, getEngine, secretEnvNames, tagVersion, versionOf, type EngineDefinition } from '../engines';
import { DockbaseError, commandFailed, stderrExcerpt, throwIfAborted } from '../model/errors';
import { imageRef, isActive, newInstanceId, volumeName, type Instance } from '../model/instance';
import { upgradeTransferLabels, volumeLabels } from '../model/labels';
import type { DockerRunner } from '../docker/runner';
import { runWithSecretEnv } from '../docker/secret-env';
import { snapshotVolumeName, type RollbackPoint } from '../model/snapshot-model';
import { dataVolumesOf } from './snapshots';
import { formatBytes } from './kept-data';
import { READY_TIMEOUT_MS, failed, type UpgradeSteps } from './upgrade-steps';
import { waitUntilAnswers } from './readiness';
import type { ExtensionVersions, UpgradeOptions, UpgradePlan, UpgradeProgress, UpgradeResult, UpgradeStepId } from './upgrade-plan';

/** How long a worker gets to start (the new PostgreSQL's first start runs initdb). */
const WORKER_TIMEOUT_MS = 180_000;

/** A container the upgrade started (a worker), by id and what it runs. */
interface Worker {
  id: string;
  name: string;
  what: string;
}

/**
 * Upgrades `instance` to `plan.to` by dump and restore (its image is there). Cancelling before the switch
 * leaves everything exactly as it was; any failure undoes what was made and runs the old version again.
 */
/**
 * Why a dump-and-restore upgrade to `to` cannot start, or undefined: the volume it would make for that
 * version exists already, most often the data of an earlier upgrade kept by a roll back. The snapshot that
 * holds it is named, with its size, so the user can clone it (to keep its data) or delete it, before pressing
 * Upgrade. Reads only: one `volume inspect` per data mount (and the snapshots when one exists).
 */
export async function dumpRestoreBlocker(steps: Pick<UpgradeSteps, 'docker' | 'snapshots'>, instance: Instance, to: string): Promise<string | undefined> {
  const engine = getEngine(instance.engine);
  const suffix = engine.upgrade.dumpRestore?.volumeSuffix(to);
  if (!suffix) return undefined;
  for (const mount of engine.dataMounts(to)) {
    const name = volumeName(instance.name, mount.key, suffix);
    if ((await steps.docker.tryRun(volumeInspectArgs([name]))).code !== 0) continue;
    const holder = (await steps.snapshots.list()).find((s) => s.volumes.some((v) => v.volume === name));
    return holder
      ? `The ${engine.displayName} ${suffix} data from before a roll back is kept as the snapshot “${holder.name}” of ${holder.instanceName}${holder.sizeBytes > 0 ? ` (${formatBytes(holder.sizeBytes)})` : ''}, in the volume ${name} that this upgrade would make. Clone that snapshot to keep its data, or delete it, then upgrade again.`
      : `A volume named ${name} already exists, and this upgrade would make it. Remove it with docker if it is yours to remove, then upgrade again.`;
  }
  return undefined;
}

export async function upgradeByDumpRestore(
  steps: UpgradeSteps,
  instance: Instance,
  plan: UpgradePlan,
  password: string,
  options: UpgradeOptions,
): Promise<UpgradeResult> {
  const { docker } = steps;
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
  const blocked = await dumpRestoreBlocker(steps, instance, plan.to);
  if (blocked) throw new DockbaseError('volume-conflict', `${blocked} ${instance.name} was not changed.`, 'tag');
  const id = newInstanceId();
  const transfer = `dockbase-${instance.name}-upgrade-${id}`;
  const workers: Worker[] = [];
  const made = [transfer, ...newVolumes.map((v) => v.name)];
  /** Everything before the switch is undone here: workers, the transfer and new volumes, the old instance restarted. */
  const undo = async () => {
    if (workers.length) await docker.bestEffort(removeContainerArgs(...workers.map((w) => w.id)));
    else await removeWorkersByName(docker, instance.name, id);
    await docker.bestEffort(volumeRemoveArgs(made));
    if (wasRunning) await steps.restartOld(instance);
  };

  const journal = options.journal;
  let before: string;
  let totalBytes = 0;
  let serverVersion: string;
  let extensions: ExtensionVersions[] = [];
  try {
    step('stop');
    if (wasRunning) {
      await journal?.begin('stop', [{ do: 'start', container: instance.containerId, instanceId: instance.id }]);
      await steps.lifecycle.stop(instance);
      await journal?.end('stop');
    }
    throwIfAborted(signal);

    step('prepare');
    // Interrupted from here until the switch: the workers go, with the volumes this upgrade made (they hold
    // nothing but a copy that is not finished).
    await journal?.begin('prepare', [
      { do: 'remove-workers', instanceName: instance.name, runId: id },
      { do: 'remove-scratch-volumes', volumes: made },
    ]);
    const from = await startWorker(
      docker,
      {
        role: 'upgrade-from',
        name: `${instance.name}-upgrade-${id}-from`,
        image: imageRef(instance.image, instance.tag),
        env: userEnvOf(engine, instance),
        mounts: [
          ...oldVolumes.map((v) => ({ volume: v.volume, target: v.path })),
          { volume: transfer, target: dr.socketFolder, labels: upgradeTransferLabels(instance.name) },
        ],
      },
      `${engine.displayName} ${instance.tag}`,
      workers,
    );
    const to = await startWorker(
      docker,
      {
        role: 'upgrade-to',
        name: `${instance.name}-upgrade-${id}-to`,
        image: plan.image,
        env: { ...secretEnvOf(engine, password), ...userEnvOf(engine, instance) },
        mounts: [
          ...newVolumes.map((v) => ({
            volume: v.name,
            target: v.mount.path,
            labels: volumeLabels(v.mount, {
              engine: engine.id,
              tag: plan.to,
              instanceName: instance.name,
              instanceId: instance.dataId ?? instance.id,
              ...(instance.flavour ? { flavour: instance.flavour } : {}),
            }),
          })),
          { volume: transfer, target: UPGRADE_SOURCE },
        ],
      },
      `${engine.displayName} ${plan.to}`,
      workers,
    );
    // The old server starts in a moment; the new one initialises its data folder meanwhile.
    await waitForWorker(docker, from, instance.engine, signal, secrets);
    const [fromVersion, fromSize, fingerprint, fromExtensions] = await Promise.all([
      workerScript(docker, to, dr.versionScript, UPGRADE_SOURCE, 'read the old server’s version', secrets),
      workerScript(docker, to, dr.sizeScript, UPGRADE_SOURCE, 'measure the old data', secrets),
      workerScript(docker, to, dr.fingerprintScript, UPGRADE_SOURCE, 'count the rows of the old data', secrets),
      workerScript(docker, to, dr.extensionsScript, UPGRADE_SOURCE, 'list the extensions of the old data', secrets),
      waitForWorker(docker, to, instance.engine, signal, secrets),
    ]);
    before = fingerprint;
    totalBytes = Number(fromSize.trim()) || 0;
    const oldMajor = dr.parseVersion(fromVersion);
    const newMajor = tagVersion(engine, plan.to)!;
    if (oldMajor && compareVersions(oldMajor, newMajor.slice(0, 1)) !== -1) {
      throw new DockbaseError(
        'invalid-input',
        `${instance.name}'s data is from ${engine.displayName} ${oldMajor.join('.')}, not older than ${plan.to}.`,
        'tag',
      );
    }
    throwIfAborted(signal);

    step('copy');
    await copyWithProgress(docker, to, dr.copyScript, totalBytes, signal, progress, secrets);
    throwIfAborted(signal);

    step('verify');
    // The old server has done its part: it shuts down cleanly (its data is the rollback point) meanwhile.
    const fromStopped = docker.run(stopArgs(from.id, engine.stopTimeoutSeconds), `stop ${from.what}`);
    fromStopped.catch(() => undefined);
    // The new server must accept connections before it is asked: once in a full CI run it was found in crash
    // recovery right after the copy ("Consistent recovery state has not been yet reached"). It is waited for
    // (at once when it serves), and the rows counted afterwards prove nothing of the copy was lost.
    await waitForWorker(docker, to, instance.engine, signal, secrets);
    const [after, toVersion, toExtensions] = await Promise.all([
      workerScript(docker, to, dr.fingerprintScript, dr.socketFolder, 'count the rows of the new data', secrets),
      workerScript(docker, to, dr.versionScript, dr.socketFolder, 'read the new server’s version', secrets),
      workerScript(docker, to, dr.extensionsScript, dr.socketFolder, 'list the extensions of the new data', secrets),
    ]);
    await fromStopped;
    const differences = fingerprintDifferences(before, after);
    if (differences.length > 0) {
      throw new DockbaseError('command-failed', `The copy does not hold the same rows: ${differences.join('; ')}.`);
    }
    // After the rows, the extensions: each of the old data's, at its version or a newer one (the new image's).
    const missing = extensionDifferences(fromExtensions, toExtensions);
    if (missing.length > 0) {
      throw new DockbaseError('command-failed', `The copy does not hold the same extensions: ${missing.join('; ')}.`);
    }
    extensions = extensionVersions(fromExtensions, toExtensions);
    const reported = dr.parseVersion(toVersion);
    if (!reported || compareVersions(reported, newMajor.slice(0, 1)) !== 0) {
      throw new DockbaseError('command-failed', `The new server reports version ${toVersion.trim() || '(nothing)'}, not ${plan.to}.`);
    }
    serverVersion = String(reported[0]);
    throwIfAborted(signal);
    // The new server shuts down cleanly too: its data must be on disk before another container opens it.
    await docker.run(stopArgs(to.id, engine.stopTimeoutSeconds), `stop ${to.what}`);
    await docker.run(removeContainerArgs(...workers.map((w) => w.id)), 'remove the upgrade’s workers');
    workers.length = 0;
    await docker.bestEffort(volumeRemoveArgs([transfer]));
    await journal?.end('prepare');
  } catch (e) {
    await undo();
    throw failed(e, `Nothing was changed: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} as before.`, secrets);
  }

  // The switch: the instance's container moves to the new volume; the old volume becomes the rollback point.
  const stopped: Instance = { ...instance, status: 'exited' };
  step('switch');
  let point: RollbackPoint | undefined;
  try {
    // The rollback point's record names the old volume: interrupted before the switch is done, the record
    // goes (the volume is the instance's own data again).
    const pointId = newInstanceId();
    await journal?.begin('switch', [{ do: 'forget-snapshot', manifestVolume: snapshotVolumeName(instance.name, pointId) }]);
    point = (await steps.snapshots.keepAsIs(stopped, oldVolumes, `before upgrade to ${plan.to} ${fileStamp(new Date())}`, 'before-upgrade', {
      upgradeTo: plan.to,
      sizeBytes: totalBytes,
      id: pointId,
    })) as RollbackPoint;
    const result = await steps.switchContainer(stopped, { image: instance.image, tag: plan.to }, newVolumes, password, wasRunning, {
      onStarted: async () => (step('check'), serverVersion),
      readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
      journal,
    });
    return {
      instance: result.instance,
      from: plan.from,
      to: plan.to,
      method: 'dump-restore',
      serverVersion: result.serverVersion,
      rollbackPoint: point,
      verified: fingerprintTotals(before),
      extensions,
      sizeBytes: totalBytes,
    };
  } catch (e) {
    if (point) await steps.snapshots.forget(point).catch(() => undefined);
    await docker.bestEffort(volumeRemoveArgs(newVolumes.map((v) => v.name)));
    throw failed(
      e,
      `The switch to ${plan.to} failed and was undone: ${instance.name} ${wasRunning ? 'runs' : 'is'} ${engine.displayName} ${instance.tag} again, on its data as it was.`,
      secrets,
    );
  }
}

/** The rows and tables in a PostgreSQL fingerprint (`<db>.<schema>.<table> <rows>` per line). */
export function fingerprintTotals(fingerprint: string): { tables: number; rows: number } {
  const lines = fingerprint.split('\n').filter((l) => l.trim());
  return { tables: lines.length, rows: lines.reduce((sum, l) => sum + (Number(/ (\d+)$/.exec(l)?.[1]) || 0), 0) };
}

/** The first tables whose row counts differ between two fingerprints, for the error message. */
export function fingerprintDifferences(before: string, after: string, max = 3): string[] {
  const parse = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => [l.replace(/ \d+$/, ''), /(\d+)$/.exec(l)?.[1] ?? '?'] as const),
    );
  const a = parse(before);
  const b = parse(after);
  const out: string[] = [];
  for (const table of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(table) !== b.get(table)) out.push(`${table}: ${a.get(table) ?? 'missing'} rows before, ${b.get(table) ?? 'missing'} after`);
    if (out.length >= max) break;
  }
  return out;
}

/** `<db> <extension> <version>` lines, by database and extension. */
function parseExtensions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [db, name, version] = line.trim().split(' ');
    if (db && name && version) out.set(`${db} ${name}`, version);
  }
  return out;
}

/**
 * What the new data lacks of the old one's extensions (the first `max`): an extension missing from a database,
 * or at an older version than before. A newer version is what the new image ships (PostGIS 3.3 → 3.5).
 */
export function extensionDifferences(before: string, after: string, max = 3): string[] {
  const a = parseExtensions(before);
  const b = parseExtensions(after);
  const out: string[] = [];
  for (const [key, version] of a) {
    const [db, name] = key.split(' ');
    const now = b.get(key);
    const order = now === undefined ? undefined : compareVersions(versionOf(version) ?? [], versionOf(now) ?? []);
    if (now === undefined) out.push(`${name} ${version} of the database ${db} is missing (the new image does not have it)`);
    else if (now !== version && order === 1) out.push(`${name} of the database ${db} is ${now}, older than ${version}`);
    if (out.length >= max) break;
  }
  return out;
}

/** Every extension of the old data, with its version before and after. */
export function extensionVersions(before: string, after: string): ExtensionVersions[] {
  const b = parseExtensions(after);
  return [...parseExtensions(before)].map(([key, version]) => {
    const [database = '', name = ''] = key.split(' ');
    return { database, name, before: version, after: b.get(key) ?? '' };
  });
}

/** Runs the copy script in the new version's worker; it reports the restored bytes about every second. */
async function copyWithProgress(
  docker: DockerRunner,
  worker: Worker,
  copyScript: string,
  totalBytes: number,
  signal: AbortSignal | undefined,
  progress: (p: UpgradeProgress) => void,
  secrets: readonly string[],
): Promise<void> {
  const errors: string[] = [];
  progress({ step: 'copy', bytes: 0, totalBytes });
  const handle = docker.stream(execScriptArgs(worker.id, copyScript, UPGRADE_SOURCE), {
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

async function startWorker(docker: DockerRunner, spec: UpgradeWorkerPlan, what: string, workers: Worker[]): Promise<Worker> {
  const r = await runWithSecretEnv(docker, spec.env, (secretEnv) => upgradeWorkerArgs(spec, { secretEnv }));
  const id = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !id) throw commandFailed(`start ${what} for the upgrade`, r.stderr, Object.values(spec.env));
  const worker = { id, name: spec.name, what };
  workers.push(worker);
  return worker;
}

/** Removes the workers of one upgrade by their names (when their ids were never read). */
async function removeWorkersByName(docker: DockerRunner, instanceName: string, id: string): Promise<void> {
  // By their full ids, as every removal is (the standalone host refuses a removal by name).
  const ids = (await docker.bestEffort(upgradeWorkerIdsArgs(instanceName, id)))?.stdout.split('\n').filter(Boolean) ?? [];
  if (ids.length) await docker.bestEffort(removeContainerArgs(...ids));
}

/** Waits until a worker's server answers its engine's own probe; a worker that stops is explained by its log. */
async function waitForWorker(
  docker: DockerRunner,
  worker: Worker,
  engineId: Instance['engine'],
  signal: AbortSignal | undefined,
  secrets: readonly string[],
): Promise<void> {
  // The same wait as an instance's readiness: the probe repeated inside the worker, seen within 50 ms.
  const failure = await waitUntilAnswers(docker, worker.id, engineId, signal, WORKER_TIMEOUT_MS);
  if (failure === 'stopped') {
    const logs = await docker.bestEffort(logsArgs(worker.id, { tail: 8 }));
    const said = stderrExcerpt(`${logs?.stdout ?? ''}\n${logs?.stderr ?? ''}`, secrets, 500);
    throw new DockbaseError('command-failed', `${worker.what} stopped while starting${said ? `: ${said}` : '.'}`);
  }
  if (failure === 'timeout') throw new DockbaseError('command-failed', `${worker.what} did not start in time.`);
}

/** Runs one of the dump-and-restore scripts in the new version's worker against a server's socket folder. */
async function workerScript(
  docker: DockerRunner,
  worker: Worker,
  script: string,
  socketFolder: string,
  action: string,
  secrets: readonly string[],
): Promise<string> {
  const r = await docker.run(execScriptArgs(worker.id, script, socketFolder), action, { secrets });
  return r.stdout;
}

/**
 * The variable naming the instance's own superuser (PostgreSQL's POSTGRES_USER), for both workers: the new
 * version's first start creates that role (not the image's default), and the upgrade's scripts connect as it.
 * The database variable is left out: the copy creates every database itself.
 */
function userEnvOf(engine: EngineDefinition, instance: Pick<Instance, 'user'>): Record<string, string> {
  const variable = engine.accountVariables?.user;
  return variable && instance.user ? { [variable]: instance.user } : {};
}

/** The admin secret's variables of the engine's environment: all a worker's first start needs. */
function secretEnvOf(engine: EngineDefinition, password: string): Record<string, string> {
  const all = engine.environment(password);
  return Object.fromEntries(secretEnvNames(engine).map((k) => [k, all[k] as string]));
}
