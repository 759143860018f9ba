/**
 * Migration: a new instance of another engine made from an instance's data, the instance itself left as it
 * was. Today one way exists: Redis → Valkey (Valkey is a fork of Redis 7.2 and opens the same data folder:
 * its RDB files up to format 11 and the append-only folder). The Redis instance is stopped for the copy, as for
 * a snapshot (its server flushes and closes its files, so the copy is consistent), and started again at once
 * if it was running; its data volume is only ever mounted read-only. The new instance starts on the copy and
 * must answer, or it is removed again.
 *
 * Refused before anything is stopped or made: a pair of engines without a way, an instance without a data
 * volume, bad settings for the new instance (name, port, password, version), and data in a format the new
 * version cannot load — from the version the instance runs (Redis 7.4 and 8 write RDB format 12, which no
 * Valkey 8 loads) and from the data's own RDB header (read-only, while the server runs).
 */
import { getEngine, rdbVersionOf, type EngineId } from '../engines';
import { helperRunArgs, volumeCopyMounts } from '../docker/helpers';
import { imageExistsArgs } from '../docker/images';
import { HELPER_FROM, RDB_HEADER_SCRIPT } from '../docker/data-scripts';
import { volumeInspectArgs, volumeRemoveArgs } from '../docker/volumes';
import type { DockerRunner } from '../docker/runner';
import { DockbaseError, InvalidInputError, isDockbaseError, throwIfAborted } from '../model/errors';
import { imageRef, newInstanceId, volumeName, type Instance } from '../model/instance';
import { usageConflicts, validateCreateInput, type CreateInstanceInput } from '../model/validation';
import type { StepJournal } from '../jobs/job';
import type { CreatedInstance, InstanceCreation } from './create';
import type { InstanceLifecycle } from './lifecycle';
import { pullImage, type PullProgress } from './pull';
import type { Readiness } from './readiness';
import { copyDataVolumes, dataVolumesOf, type Snapshots } from './snapshots';

/** Which engines an engine's data can move to as it is (its data folder opened by the other server). */
const MIGRATIONS: Partial<Record<EngineId, readonly EngineId[]>> = { redis: ['valkey'] };

/** The engines an instance of `engine` can be migrated to (empty: none). */
export function migrationTargets(engine: EngineId): readonly EngineId[] {
  return MIGRATIONS[engine] ?? [];
}

/**
 * The new instance's settings: its engine (the target), name, version, port, image, exposure, and its password:
 * without one, the source's (read from its container's configuration, in memory only), so that its clients
 * only change the port.
 */
export type MigrateInput = Omit<CreateInstanceInput, 'persistData' | 'user' | 'database' | 'keptDataPassword' | 'password'> & { password?: string };

export interface MigrateOptions {
  /** The new instance's id (the job names it before it exists). */
  id?: string;
  signal?: AbortSignal;
  journal?: StepJournal;
  onProgress?: (p: { step: 'pull' | 'check' | 'copy' | 'start' | 'ready'; pull?: PullProgress }) => void;
}

/** What a migration made: the new instance (running), and the instance its data came from. */
export type MigrateResult = CreatedInstance & { migratedFrom: { id: string; name: string; engine: EngineId; tag: string } };

/**
 * Why `source` cannot be migrated with `input`, from what is known without asking docker, or undefined. The
 * data's format is judged from the version the source runs (the file itself is read by `migrate`).
 */
export function migrationRefusal(
  source: Pick<Instance, 'name' | 'engine' | 'tag' | 'volumes'>,
  input: Pick<MigrateInput, 'engine' | 'tag'>,
): string | undefined {
  const from = getEngine(source.engine);
  const targets = migrationTargets(source.engine);
  if (!targets.includes(input.engine)) {
    const to = getEngine(input.engine).displayName;
    return targets.length
      ? `${from.displayName} data cannot move to ${to}: Dockbase moves it to ${targets.map((t) => getEngine(t).displayName).join(', ')}.`
      : `Dockbase has no way to move ${from.displayName} data to ${to}.`;
  }
  if (source.volumes.length === 0) return `${source.name} keeps its data in no volume (created without "keep data"), so there is nothing to move.`;
  const written = from.transfer.formatWritten?.(source.tag);
  if (written === undefined) return undefined;
  return getEngine(input.engine).transfer.formatRefusal?.(input.tag, written, `The data of ${source.name} (${from.displayName} ${source.tag})`);
}

export class Migrations {
  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: InstanceLifecycle,
    private readonly readiness: Readiness,
    private readonly creation: InstanceCreation,
    private readonly snapshots: Snapshots,
  ) {}

  /**
   * Makes a new instance of `input.engine` holding a copy of `source`'s data, started and answering. `source`
   * ends as it was: running (and answering) if it was running, its data unchanged. Nothing is left behind when
   * it fails; a refusal (see migrationRefusal, and the data's own RDB format) comes before anything changes.
   */
  async migrate(source: Instance, input: MigrateInput, options: MigrateOptions = {}): Promise<MigrateResult> {
    const { signal, journal } = options;
    const progress = options.onProgress ?? (() => undefined);
    const unchanged = `${source.name} was not changed.`;
    const why = migrationRefusal(source, input);
    if (why) throw new DockbaseError('incompatible-data', `${why} ${unchanged}`, 'engine');
    const target = getEngine(input.engine);
    const from = getEngine(source.engine);
    const password = input.password ?? (from.readPassword(await this.lifecycle.details(source)) || '');
    const full: CreateInstanceInput = { ...input, password, persistData: true };
    const fields = validateCreateInput(full);
    if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
    const conflicts = usageConflicts(full, await this.creation.usage());
    if (conflicts.name) throw new DockbaseError('name-in-use', conflicts.name, 'name');
    if (conflicts.hostPort) throw new DockbaseError('port-in-use', conflicts.hostPort, 'hostPort');
    const sourceVolumes = dataVolumesOf(source);
    const targets = target.dataMounts(input.tag).map((mount) => {
      const volume = sourceVolumes.find((v) => v.key === mount.key && v.path === mount.path);
      if (!volume) throw new DockbaseError('incompatible-data', `${source.name} has no data volume for ${target.displayName}'s ${mount.path}. ${unchanged}`);
      return { mount, from: volume, volume: volumeName(input.name, mount.key) };
    });
    for (const t of targets) {
      if ((await this.docker.tryRun(volumeInspectArgs([t.volume]), signal)).code === 0)
        throw new DockbaseError('volume-conflict', `A volume named ${t.volume} already exists. Choose another name.`, 'name');
    }
    const sourceImage = imageRef(source.image, source.tag);

    // The data's own format: the RDB it loads at start, read-only, while its server may run.
    progress({ step: 'check' });
    const data = targets.find((t) => t.mount.key === 'data') ?? targets[0]!;
    const header = await this.docker.run(
      helperRunArgs('clone', sourceImage, [{ volume: data.from.volume, target: `${HELPER_FROM}/data`, readonly: true }], RDB_HEADER_SCRIPT),
      `read the data of ${source.name}`,
    );
    const format = rdbVersionOf(Uint8Array.from(header.stdout, (c) => c.charCodeAt(0) & 0xff));
    if (format !== undefined) {
      const refusal = target.transfer.formatRefusal?.(input.tag, format, `The data of ${source.name}`);
      if (refusal) throw new DockbaseError('incompatible-data', `${refusal} ${unchanged}`, 'engine');
    }

    // The new version's image first: the source stops only for the copy.
    const ref = imageRef(input.image?.trim() || target.image, input.tag);
    if ((await this.docker.tryRun(imageExistsArgs(ref), signal)).code !== 0) {
      await pullImage(this.docker, ref, { onProgress: (p) => progress({ step: 'pull', pull: p }), ...(signal ? { signal } : {}) });
    }
    throwIfAborted(signal);

    // The copy: the new volumes carry the new instance's labels (its engine and version); create reuses them.
    const dataId = newInstanceId();
    const mounts = volumeCopyMounts(targets, { engine: target.id, tag: input.tag, instanceName: input.name, instanceId: dataId });
    const made = targets.map((t) => t.volume);
    progress({ step: 'copy' });
    let created: CreatedInstance;
    try {
      await this.snapshots.whileStopped(
        source,
        async () => {
          await copyDataVolumes(this.docker, { image: sourceImage, mounts, engine: from, made, journal }, `copy the data of ${source.name}`);
        },
        journal,
      );
      progress({ step: 'start' });
      created = await this.creation.create(full, {
        ...(options.id ? { id: options.id } : {}),
        start: true,
        commit: false,
        madeVolumes: made,
        ...(signal ? { signal } : {}),
        ...(journal ? { journal } : {}),
      });
    } catch (e) {
      await this.docker.bestEffort(volumeRemoveArgs(made));
      throw e;
    }
    // The new server must load the copy and answer: one that cannot is removed with its copy.
    progress({ step: 'ready' });
    try {
      const ready = await this.readiness.waitUntilReady(created, { timeoutMs: 120_000, ...(signal ? { signal } : {}) });
      await journal?.commit('migrated');
      return { ...created, ...ready, migratedFrom: { id: source.id, name: source.name, engine: source.engine, tag: source.tag } };
    } catch (e) {
      await this.lifecycle.remove(created, { removeData: true }).catch(() => undefined);
      if (isDockbaseError(e, 'cancelled')) throw e;
      throw new DockbaseError(
        'command-failed',
        `${target.displayName} ${input.tag} did not start on the data of ${source.name} (${from.displayName} ${source.tag}), so ${input.name} was removed again; ${source.name} keeps its data as it was: ${(e as Error).message}`,
      );
    }
  }
}
