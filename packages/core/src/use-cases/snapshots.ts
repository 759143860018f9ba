/**
 * Snapshots: exact copies of an instance's data volumes, kept as Dockbase-labelled Docker volumes (the engine
 * stays the source of truth), made by a helper container running the instance's own image. A running
 * instance is stopped for the copy (its engine flushes and closes its files, so the copy is consistent) and
 * started again. Restore first keeps the current data in a "before restore" snapshot, and puts it back if
 * anything fails; clone copies a snapshot into the volumes of a new instance.
 */
import { helperRunArgs, volumeCopyMounts, type HelperMount } from '../docker/helpers';
import { snapshotManifestsArgs, volumeCreateArgs, volumeInspectArgs, volumeRemoveArgs, volumesOfSnapshotArgs, parseVolumeInspect } from '../docker/volumes';
import type { CreateOptions, InstanceCreation } from './create';
import { copyVolumesScript, HELPER_FROM, HELPER_TO, MEASURE_VOLUMES_SCRIPT, REPLACE_VOLUMES_SCRIPT } from '../docker/data-scripts';
import { fileStamp } from '../model/dump-files';
import { getEngine, type EngineDefinition } from '../engines';
import { DockbaseError, InvalidInputError, commandFailed, isDockbaseError, throwIfAborted } from '../model/errors';
import { imageRef, instanceVolumeFor, isActive, newInstanceId, volumeName, type Instance } from '../model/instance';
import { snapshotDataLabels, snapshotFromLabels, snapshotManifestLabels, volumeOwner } from '../model/labels';
import type { InstanceLifecycle } from './lifecycle';
import type { Readiness } from './readiness';
import type { DockerRunner } from '../docker/runner';
import type { StepJournal, Undo } from '../jobs/job';
import {
  checkSnapshotName,
  freeSnapshotName,
  snapshotBelongsTo,
  snapshotNameTaken,
  snapshotVolumeName,
  type Snapshot,
  type SnapshotReason,
  type SnapshotVolume,
} from '../model/snapshot-model';
import { Credentials, type PasswordCheck } from './credentials';
import type { Accounts } from '../engines';
import { CONFLICT, validateCreateInput, type CreateInstanceInput } from '../model/validation';

export interface SnapshotOptions {
  name: string;
  reason?: SnapshotReason;
  signal?: AbortSignal;
  /** The job's journal (jobs/job.ts): the stop is recorded with its undo, and the copy commits the job. */
  journal?: StepJournal;
}

/** What `clone` needs besides the snapshot: the new instance's settings (its engine and data come from the snapshot). */
/** What a restore did: the data from before, kept; and, for a running instance, whether its password opens the data now. */
export interface RestoreResult {
  kept: Snapshot;
  password?: PasswordCheck;
}

export type CloneInput = Omit<CreateInstanceInput, 'engine' | 'persistData' | 'tag' | 'image'> & { tag?: string };

export class Snapshots {
  /** Sets a clone's own password in its copied data (see `clone`). */
  private readonly credentials: Credentials;

  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: InstanceLifecycle,
    private readonly readiness: Readiness,
    private readonly creation: InstanceCreation,
  ) {
    this.credentials = new Credentials(docker, readiness);
  }

  /** Every snapshot (of one instance, by its id, when given), newest first: one `volume ls` and one `volume inspect`. */
  /** Every snapshot, or those of one instance (by id, or its own: see snapshotBelongsTo), newest first. */
  async list(of?: string | (Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>)): Promise<Snapshot[]> {
    const owner = typeof of === 'string' ? { id: of } : of;
    const names = (await this.docker.run(snapshotManifestsArgs(), 'list snapshots')).stdout
      .split('\n')
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) return [];
    const r = await this.docker.run(volumeInspectArgs(names), 'read snapshots');
    return parseVolumeInspect(r.stdout)
      .map((v) => snapshotFromLabels(v.name, v.labels))
      .filter((s): s is Snapshot => s !== undefined && (owner === undefined || snapshotBelongsTo(s, owner)))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Takes a snapshot; a running instance is stopped for the copy and started again (and waited for). A name
   * the instance's snapshots already have is refused before anything stops (names are unique per instance);
   * a name Dockbase gives (any reason but `manual`) gets a suffix instead (`… 2`).
   */
  async take(instance: Instance, options: SnapshotOptions): Promise<Snapshot> {
    const why = checkSnapshotName(options.name);
    if (why) throw new InvalidInputError({ name: why });
    const volumes = dataVolumesOf(instance);
    const reason = options.reason ?? 'manual';
    if (reason === 'manual') await this.refuseTakenName(instance, options.name);
    const name = reason === 'manual' ? options.name : await this.freeName(instance, options.name);
    throwIfAborted(options.signal);
    const journal = options.journal;
    return this.whileStopped(
      instance,
      async () => {
        const snapshot = await this.copyOut(instance, volumes, name, reason);
        // The snapshot is complete: an interruption from here on only starts the instance again.
        await journal?.commit('copied', isActive(instance) ? [{ do: 'start', container: instance.containerId, instanceId: instance.id }] : []);
        return snapshot;
      },
      journal,
    );
  }

  /**
   * Restores a snapshot into an instance. Refuses a snapshot of another engine or of a version the instance
   * cannot read. The current data is kept first in a "before restore" snapshot (returned), which is also put
   * back when the restore fails; the instance ends as it was: running if it was running.
   */
  async restore(instance: Instance, snapshot: Snapshot, options: { journal?: StepJournal } = {}): Promise<RestoreResult> {
    checkCompatible(instance, snapshot);
    const volumes = dataVolumesOf(instance);
    const { journal } = options;
    const name = await this.freeName(instance, `before restore ${fileStamp(new Date())}`);
    const restored = await this.whileStopped(
      instance,
      async () => {
        const kept = await this.copyOut(instance, volumes, name, 'before-restore');
        // Interrupted while the snapshot's data is copied in: the data from before goes back in.
        await journal?.begin('replace', [replaceDataUndo(instance, volumes, kept)]);
        await this.replaceFrom(instance, volumes, snapshot, kept);
        await journal?.commit('replaced', isActive(instance) ? [{ do: 'start', container: instance.containerId, instanceId: instance.id }] : []);
        return { kept };
      },
      journal,
    );
    // The snapshot's data keeps the passwords it had (an older one, another instance's): the instance's is set
    // again where the engine allows it, and checked, so that its connection string works or says it does not.
    if (!isActive(instance)) return restored;
    return { ...restored, password: await this.credentials.reassert(instance) };
  }

  /**
   * Deletes a snapshot: its manifest and data volumes — the copies made for it, and a former data volume it
   * kept as it was (a PostgreSQL rollback point). Docker refuses to remove a volume a container uses.
   */
  async remove(snapshot: Snapshot): Promise<void> {
    const labelled = (await this.docker.run(volumesOfSnapshotArgs(snapshot.id), `find snapshot ${snapshot.name}`)).stdout
      .split('\n')
      .map((n) => n.trim())
      .filter(Boolean);
    const kept = snapshot.volumes.map((v) => v.volume).filter((v) => v.startsWith('dockbase-') && !labelled.includes(v));
    const names = [...labelled, ...kept];
    // The manifest last: a snapshot without its data must not stay listed as complete.
    const ordered = [...names.filter((n) => n !== snapshot.manifestVolume), ...names.filter((n) => n === snapshot.manifestVolume)];
    if (ordered.length) await this.docker.run(volumeRemoveArgs(ordered), `delete snapshot ${snapshot.name}`);
  }

  /**
   * Records volumes that already hold the data as a snapshot, without copying them (an upgrade's old data volume
   * becomes its rollback point; a roll back keeps the upgraded volume). Deleting the snapshot deletes them.
   */
  async keepAsIs(
    instance: Instance,
    volumes: readonly SnapshotVolume[],
    name: string,
    reason: SnapshotReason,
    options: { upgradeTo?: string; sizeBytes?: number; id?: string } = {},
  ): Promise<Snapshot> {
    const id = options.id ?? newInstanceId();
    const snapshot: Snapshot = {
      ...this.describe(instance, id, name, reason, [...volumes]),
      sizeBytes: options.sizeBytes ?? (await this.measure(instance, volumes)),
      ...(options.upgradeTo ? { upgradeTo: options.upgradeTo } : {}),
    };
    await this.docker.run(volumeCreateArgs(snapshot.manifestVolume, snapshotManifestLabels(snapshot)), `record ${name}`);
    return snapshot;
  }

  /** What volumes hold, in bytes (one read-only helper run); 0 when it cannot be told, which is no reason to fail. */
  private async measure(instance: Instance, volumes: readonly SnapshotVolume[]): Promise<number> {
    const mounts: HelperMount[] = volumes.map((v) => ({ volume: v.volume, target: `${HELPER_FROM}/${v.key}`, readonly: true }));
    const r = await this.docker.bestEffort(helperRunArgs('snapshot', imageRef(instance.image, instance.tag), mounts, MEASURE_VOLUMES_SCRIPT));
    return r?.code === 0 ? parseDuKib(r.stdout) * 1024 : 0;
  }

  /** Refuses a name one of the instance's snapshots already has, naming that snapshot (InvalidInputError on `name`). */
  async refuseTakenName(instance: Pick<Instance, 'id'>, name: string): Promise<void> {
    const taken = snapshotNameTaken(name, await this.list(instance.id));
    if (taken) throw new InvalidInputError({ name: taken });
  }

  /** `name`, or `name 2`, `name 3`… when the instance has a snapshot of that name already (see freeSnapshotName). */
  async freeName(instance: Pick<Instance, 'id'>, name: string): Promise<string> {
    return freeSnapshotName(name, await this.list(instance.id));
  }

  /** Removes a snapshot's record only, leaving its data volumes (they hold an instance's live data again). */
  async forget(snapshot: Snapshot): Promise<void> {
    await this.docker.run(volumeRemoveArgs([snapshot.manifestVolume]), `remove the record of ${snapshot.name}`);
  }

  /**
   * A new instance holding a copy of the snapshot's data: the snapshot is copied into the new instance's
   * (labelled) data volumes, then `create` finds and reuses them. Nothing is left behind when it fails.
   *
   * A clone is faithful: it connects with the user and database the snapshot's instance had (its data was
   * initialised with them; see `accountsOf`), so its connection string and Shell name them. The copied data
   * keeps the source's roles and their passwords: where the engine lets Dockbase set a password without the
   * old one (PostgreSQL, through its trusted local socket, as Edit does), the clone's own password is set
   * for its user once its server answers, then proved with the engine's client; the clone runs for that
   * even without `start` (and is stopped again). Other engines keep the data's password: the clone's must
   * be the source's.
   */
  async clone(snapshot: Snapshot, input: CloneInput, options: CreateOptions = {}): Promise<Instance> {
    const engine = getEngine(snapshot.engine);
    const tag = input.tag ?? snapshot.tag;
    const accounts = await this.accountsOf(snapshot, input);
    // The clone starts with the settings its snapshot's instance had, unless it is given its own.
    const settings = input.settings ?? snapshot.settings;
    const full: CreateInstanceInput = {
      ...input,
      engine: engine.id,
      tag,
      image: snapshot.image,
      ...(snapshot.flavour ? { flavour: snapshot.flavour } : {}),
      persistData: true,
      ...accounts,
      ...(settings ? { settings: { ...settings } } : {}),
    };
    const fields = validateCreateInput(full);
    if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
    if (!engine.canReuseData(snapshot.tag, tag)) {
      throw new DockbaseError(
        'incompatible-data',
        `Snapshot "${snapshot.name}" holds ${engine.displayName} ${snapshot.tag} data, which version ${tag} cannot read.`,
        'tag',
      );
    }
    const targets = engine.dataMounts(tag).map((mount) => {
      const from = snapshot.volumes.find((v) => v.key === mount.key && v.path === mount.path);
      if (!from) throw new DockbaseError('incompatible-data', `Snapshot "${snapshot.name}" has no copy of ${mount.path}.`);
      return { mount, from, volume: volumeName(input.name, mount.key) };
    });
    const usage = await this.creation.usage();
    if (usage.names.has(input.name)) throw new DockbaseError('name-in-use', CONFLICT.name(input.name), 'name');
    // The clone's data gets its own id; the new container adopts it when create reuses these volumes.
    const dataId = newInstanceId();
    for (const t of targets) {
      const exists = (await this.docker.tryRun(volumeInspectArgs([t.volume]), options.signal)).code === 0;
      if (exists) throw new DockbaseError('volume-conflict', `A volume named ${t.volume} already exists. Choose another name.`, 'name');
    }
    // The volumes record the user and database the data was initialised with: create takes them from there.
    const mounts = volumeCopyMounts(targets, {
      engine: engine.id,
      tag,
      instanceName: input.name,
      instanceId: dataId,
      ...accounts,
      ...(snapshot.flavour ? { flavour: snapshot.flavour } : {}),
    });
    const made = targets.map((t) => t.volume);
    // The data's own password is the source's: the clone's is set in it once the server answers (below).
    const setPassword = engine.passwordInData && engine.applyPassword !== undefined;
    const start = options.start ?? false;
    let created: Instance;
    const journal = options.journal;
    try {
      await copyDataVolumes(this.docker, { image: imageRef(snapshot.image, snapshot.tag), mounts, engine, made, journal }, `copy snapshot ${snapshot.name}`);
      created = await this.creation.create(full, { ...options, start: start || setPassword, commit: false, madeVolumes: made });
    } catch (e) {
      await this.docker.bestEffort(volumeRemoveArgs(made));
      throw e;
    }
    if (!setPassword) {
      await journal?.commit('cloned');
      return created;
    }
    try {
      const done = await this.setClonePassword(created, start, options.signal);
      await journal?.commit('cloned');
      return done;
    } catch (e) {
      await this.lifecycle.remove(created, { removeData: true }).catch(() => undefined);
      if (isDockbaseError(e, 'cancelled')) throw e;
      throw new DockbaseError(
        'command-failed',
        `Could not set the password of ${input.name} in its copy of "${snapshot.name}", so it was removed again: ${(e as Error).message}`,
      );
    }
  }

  /**
   * The user and database a clone of `snapshot` connects with: those the snapshot recorded; for a snapshot
   * taken before they were recorded, those of its instance (when it, or an instance re-created on its data,
   * still exists) or of its kept data volumes; else the ones asked for (empty: the engine's defaults). Asking
   * for others than the data's is refused: the data holds no such user.
   */
  async accountsOf(snapshot: Snapshot, input: Pick<CloneInput, 'user' | 'database'>): Promise<Accounts> {
    const engine = getEngine(snapshot.engine);
    const asked: Accounts = { ...(input.user ? { user: input.user } : {}), ...(input.database ? { database: input.database } : {}) };
    const known = snapshot.accounts ?? (await this.sourceAccounts(snapshot));
    if (!known) return asked;
    // The data's user (the engine's admin when none is recorded), and its database when one is recorded.
    const theirs = { user: known.user ?? engine.defaultUser, database: known.database };
    const wrong = (['user', 'database'] as const).find((f) => asked[f] !== undefined && theirs[f] !== undefined && asked[f] !== theirs[f]);
    if (wrong) {
      throw new InvalidInputError({ [wrong]: `The data of "${snapshot.name}" has the ${wrong} ${theirs[wrong]}: a clone keeps it. Leave this empty.` });
    }
    return { ...(known.user ? { user: known.user } : {}), ...(known.database ? { database: known.database } : {}) };
  }

  /** For a snapshot that did not record its accounts: its instance's, or those its instance's kept data volumes record. */
  private async sourceAccounts(snapshot: Snapshot): Promise<Accounts | undefined> {
    const pick = (a: { user?: string | undefined; database?: string | undefined }): Accounts => ({
      ...(a.user ? { user: a.user } : {}),
      ...(a.database ? { database: a.database } : {}),
    });
    const instances = await this.lifecycle.list().catch(() => []);
    const source = instances.find((i) => i.id === snapshot.instanceId) ?? instances.find((i) => i.dataId === snapshot.instanceId);
    if (source) return pick(source);
    for (const v of snapshot.volumes) {
      const r = await this.docker.tryRun(volumeInspectArgs([volumeName(snapshot.instanceName, v.key)]));
      if (r.code !== 0) continue;
      const kept = parseVolumeInspect(r.stdout)[0];
      const owner = kept ? volumeOwner(kept.labels) : undefined;
      if (owner && owner.instanceId === snapshot.instanceId && owner.engine === snapshot.engine) return pick(owner);
    }
    return undefined;
  }

  /**
   * Sets a new clone's own password for its user (the data keeps the source's), once its server answers, and
   * proves it with the engine's client. A clone not asked to start is stopped again.
   */
  private async setClonePassword(created: Instance, start: boolean, signal?: AbortSignal): Promise<Instance> {
    const ready = await this.readiness.waitUntilReady(created, { timeoutMs: 120_000, ...(signal ? { signal } : {}) });
    await this.credentials.apply(ready, signal);
    const check = await this.credentials.verify(ready, signal);
    if (check.status === 'rejected') throw new DockbaseError('command-failed', check.message);
    if (start) return { ...created, ...ready };
    await this.lifecycle.stop(ready);
    return { ...created, ...(await this.lifecycle.get(created.id)) };
  }

  /**
   * Runs `work` with the instance stopped, then starts it again if it was running and waits until it serves,
   * whatever `work` did. Used by every operation that must not copy files a running server is writing.
   */
  async whileStopped<T>(instance: Instance, work: () => Promise<T>, journal?: StepJournal): Promise<T> {
    const wasRunning = isActive(instance);
    if (wasRunning) {
      await journal?.begin('stop', [{ do: 'start', container: instance.containerId, instanceId: instance.id }]);
      await this.lifecycle.stop(instance);
      await journal?.end('stop');
    }
    let result: T;
    try {
      result = await work();
    } catch (e) {
      if (wasRunning) await this.lifecycle.start(instance).catch(() => undefined);
      throw e;
    }
    if (wasRunning) {
      await this.lifecycle.start(instance);
      await this.readiness.waitUntilReady(instance, { restarted: true });
    }
    return result;
  }

  /**
   * Copies the (stopped) instance's volumes into a new snapshot; its manifest is written last. `upgradeTo`
   * makes it an upgrade's rollback point. The name is the caller's to check (see `take` and `freeName`).
   */
  async copyOut(
    instance: Instance,
    volumes: readonly SnapshotVolume[],
    name: string,
    reason: SnapshotReason,
    options: { upgradeTo?: string } = {},
  ): Promise<Snapshot> {
    const id = newInstanceId();
    const copies = volumes.map((v) => ({ ...v, volume: snapshotVolumeName(instance.name, id, v.key) }));
    const mounts: HelperMount[] = volumes.flatMap((v, i) => [
      { volume: v.volume, target: `${HELPER_FROM}/${v.key}`, readonly: true },
      { volume: copies[i]!.volume, target: `${HELPER_TO}/${v.key}`, labels: snapshotDataLabels(id, copies[i]!) },
    ]);
    const snapshot: Snapshot = { ...this.describe(instance, id, name, reason, copies), ...(options.upgradeTo ? { upgradeTo: options.upgradeTo } : {}) };
    try {
      const r = await this.docker.run(
        helperRunArgs('snapshot', imageRef(instance.image, instance.tag), mounts, copyVolumesScript(getEngine(instance.engine))),
        `snapshot ${instance.name}`,
      );
      snapshot.sizeBytes = parseDuKib(r.stdout) * 1024;
      await this.docker.run(volumeCreateArgs(snapshot.manifestVolume, snapshotManifestLabels(snapshot)), `record snapshot ${name}`);
    } catch (e) {
      await this.docker.bestEffort(volumeRemoveArgs([...copies.map((c) => c.volume), snapshot.manifestVolume]));
      throw e;
    }
    return snapshot;
  }

  private describe(instance: Instance, id: string, name: string, reason: SnapshotReason, volumes: SnapshotVolume[]): Snapshot {
    return {
      id,
      name,
      instanceId: instance.id,
      instanceName: instance.name,
      engine: instance.engine,
      image: instance.image,
      tag: instance.tag,
      createdAt: new Date().toISOString(),
      sizeBytes: 0,
      reason,
      manifestVolume: snapshotVolumeName(instance.name, id),
      volumes,
      accounts: { ...(instance.user ? { user: instance.user } : {}), ...(instance.database ? { database: instance.database } : {}) },
      ...(instance.flavour ? { flavour: instance.flavour } : {}),
      ...(instance.settings ? { settings: instance.settings } : {}),
    };
  }

  /**
   * Replaces the (stopped) instance's data with the snapshot's. When that fails, the data kept in `kept` is
   * put back, and the error says so.
   */
  async replaceFrom(instance: Instance, volumes: readonly SnapshotVolume[], snapshot: Snapshot, kept: Snapshot): Promise<void> {
    try {
      await this.replaceData(instance, volumes, snapshot);
    } catch (e) {
      await this.replaceData(instance, volumes, kept);
      throw new DockbaseError('command-failed', `${(e as Error).message} ${instance.name} keeps its data as it was.`);
    }
  }

  /** Replaces the (stopped) instance's data with an exact copy of `from`'s; nothing is put back when it fails. */
  async replaceData(instance: Instance, volumes: readonly SnapshotVolume[], from: Snapshot): Promise<void> {
    const mounts: HelperMount[] = volumes.flatMap((v) => {
      const source = from.volumes.find((s) => s.key === v.key);
      if (!source) throw new DockbaseError('incompatible-data', `Snapshot "${from.name}" has no copy of ${v.path}.`);
      return [
        { volume: source.volume, target: `${HELPER_FROM}/${v.key}`, readonly: true },
        { volume: v.volume, target: `${HELPER_TO}/${v.key}` },
      ];
    });
    const r = await this.docker.tryRun(helperRunArgs('restore', imageRef(instance.image, instance.tag), mounts, REPLACE_VOLUMES_SCRIPT));
    if (r.code !== 0) throw commandFailed(`restore ${instance.name} from "${from.name}"`, r.stderr);
  }
}

/** What puts `from`'s data back into the instance's volumes (a job's undo). */
export function replaceDataUndo(instance: Pick<Instance, 'image' | 'tag'>, volumes: readonly SnapshotVolume[], from: Snapshot): Undo {
  return {
    do: 'replace-data',
    image: imageRef(instance.image, instance.tag),
    volumes: volumes.flatMap((v) => {
      const source = from.volumes.find((s) => s.key === v.key);
      return source ? [{ key: v.key, from: source.volume, to: v.volume }] : [];
    }),
  };
}

/**
 * The copy of data volumes into new ones that a clone, a branch copy and a migration make (`made`, mounted by
 * `mounts`): the helper's copy, copy-on-write where the filesystem shares blocks. Journaled: interrupted, the
 * volumes it made go again, since they hold only a copy.
 */
export async function copyDataVolumes(
  docker: DockerRunner,
  copy: { image: string; mounts: readonly HelperMount[]; engine: Pick<EngineDefinition, 'transfer'>; made: string[]; journal?: StepJournal | undefined },
  what: string,
): Promise<void> {
  await copy.journal?.begin('copy', [{ do: 'remove-scratch-volumes', volumes: copy.made }]);
  await docker.run(helperRunArgs('clone', copy.image, copy.mounts, copyVolumesScript(copy.engine)), what);
  await copy.journal?.end('copy');
}

/** The instance's data volumes with the engine's folder each holds; an instance without volumes has nothing to copy. */
export function dataVolumesOf(instance: Instance): SnapshotVolume[] {
  const volumes = getEngine(instance.engine)
    .dataMounts(instance.tag)
    .flatMap((m) => {
      const volume = instanceVolumeFor(instance, m.key);
      return volume ? [{ key: m.key, path: m.path, volume }] : [];
    });
  if (volumes.length === 0) {
    throw new DockbaseError('invalid-input', `${instance.name} keeps its data in no volume (created without "keep data"), so there is nothing to copy.`);
  }
  return volumes;
}

/** Refuses a snapshot the instance cannot read: another engine, or a version it cannot open. Names both. */
export function checkCompatible(instance: Instance, snapshot: Snapshot): void {
  const why = restoreRefusal(instance, snapshot);
  if (why) throw new DockbaseError('incompatible-data', why);
}

/**
 * Why `snapshot` cannot be restored into `instance`, or undefined: another engine's data, or a version this
 * one cannot read (PostgreSQL 17 data on a 15 instance). The Snapshots dialog sets those apart with this reason.
 */
export function restoreRefusal(instance: Pick<Instance, 'name' | 'engine' | 'tag'>, snapshot: Snapshot): string | undefined {
  const engine = getEngine(instance.engine);
  const theirs = getEngine(snapshot.engine);
  if (snapshot.engine !== instance.engine) return `Snapshot "${snapshot.name}" holds ${theirs.displayName} data; ${instance.name} is ${engine.displayName}.`;
  const sameFolders = engine.dataMounts(instance.tag).every((m) => snapshot.volumes.some((v) => v.key === m.key && v.path === m.path));
  if (!engine.canReuseData(snapshot.tag, instance.tag) || !sameFolders) {
    return `Snapshot "${snapshot.name}" holds ${engine.displayName} ${snapshot.tag} data, which ${instance.name} (${engine.displayName} ${instance.tag}) cannot read. Clone it into a new ${engine.displayName} ${snapshot.tag} instance instead.`;
  }
  return undefined;
}

/** `du -sk`'s first number. */
function parseDuKib(stdout: string): number {
  const m = /(\d+)\s+\S+\s*$/.exec(stdout.trim());
  return m ? Number(m[1]) : 0;
}
