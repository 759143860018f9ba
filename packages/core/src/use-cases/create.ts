/**
 * Creating an instance: validation, the checks against what the engine already holds (names, ports, kept
 * data), the image pull, one `docker create` or `docker run`, and the rollback of whatever a failed
 * attempt made.
 */
import {
  ALL_CONTAINERS_PATH,
  containerIdsOfInstanceArgs,
  containerSummariesFromApi,
  listAllContainersArgs,
  parseContainerSummaries,
  type ContainerSummary,
} from '../docker/containers';
import { copyInArgs } from '../docker/copy';
import { specOf, type CreatePlan, type VolumePlan } from '../docker/create';
import { imageExistsArgs, imagePath, localImagesArgs } from '../docker/images';
import { removeContainerArgs, startArgs } from '../docker/lifecycle';
import { volumeInfoOf, volumeInspectArgs, volumePath, volumeRemoveArgs, parseVolumeInspect, type VolumeInfo } from '../docker/volumes';
import type { Json } from '../docker/output';
import type { EngineFacts } from '../docker/engine-facts';
import { getEngine, getFlavour, tagVersion, type EngineDefinition, type Flavour } from '../engines';
import { checkImage, imageRefusal, type CandidateTag, type ImageCheck } from './image-check';
import { hostBaseName, isAbsoluteHostPath } from '../model/dump-files';
import { fileError, hostFilesOf } from '../docker/host-files';
import { DockbaseError, InvalidInputError, createError, isStartFailure, startError, throwIfAborted } from '../model/errors';
import { imageRef, newInstanceId, volumeName, type Instance } from '../model/instance';
import { LABEL, instanceFromLabels, containerLabels, keptSettingsVolume, volumeOwner } from '../model/labels';
import { groupKeptData, ownerOfVolume, reuseProblem, type KeptData } from './kept-data';
import type { Snapshot } from '../model/snapshot-model';
import type { StepJournal } from '../jobs/job';
import { pullImage, type PullProgress } from './pull';
import type { DockerRunner } from '../docker/runner';
import { SEED_DIRECTORY } from '../docker/data-scripts';
import { createWithSecrets } from '../docker/secret-env';
import {
  projectRefProblem,
  usageConflicts,
  validateCreateInput,
  validateImage,
  validateTag,
  type CreateInstanceInput,
  type EngineUsage,
  type PortHolder,
} from '../model/validation';
import type { OwnedContainers } from '../policy/ownership';

export interface CreateOptions {
  /** Start the container once created (the UI's create flow); a failed start removes what was made. */
  start?: boolean;
  onPullProgress?: (progress: PullProgress) => void;
  /** The image check before the pull (image-check.ts): told what the registry said, also when it could not be asked. */
  onImageCheck?: (check: ImageCheck) => void;
  /** Tags to name instead when the chosen one does not exist for this platform (Docker Hub's, with their architectures). */
  tagCandidates?: readonly CandidateTag[];
  signal?: AbortSignal;
  /**
   * Seed files (absolute paths on the machine the docker CLI runs on): copied into the official image's
   * /docker-entrypoint-initdb.d before the first start, which runs them in this order once the data folder is
   * initialised. Only for a new data folder: kept data was initialised long ago.
   */
  seedFiles?: readonly string[];
  /** The new instance's id (a create job names its instance before it exists); a new one when absent. */
  id?: string;
  /**
   * The job's journal: the create is begun with what undoes it (its container and the volumes it made
   * removed) and committed once the container is made (and started, when asked).
   */
  journal?: StepJournal;
  /** Whether the create commits the job itself (a clone commits once its password is set: false). */
  commit?: boolean;
  /**
   * Volumes the caller has just made for this instance (a clone's, a migration's or a branch's copy): no
   * snapshot holds them and no deleted instance's settings are recorded beside them, so neither is looked for.
   */
  madeVolumes?: readonly string[];
}

/** The name a seed file gets in SEED_DIRECTORY: its position (the images run them in name order) and a safe form of its name. */
export function seedFileName(index: number, hostPath: string): string {
  const base = hostBaseName(hostPath).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${String(index + 1).padStart(2, '0')}-${base}`;
}

/** Why these seed files cannot be used with the engine, or undefined. */
export function seedRefusal(engine: EngineDefinition, files: readonly string[]): string | undefined {
  const kinds = engine.transfer.seedExtensions;
  if (files.length > 0 && kinds.length === 0) return `${engine.displayName} runs no init files on its first start.`;
  for (const f of files) {
    if (!isAbsoluteHostPath(f)) return `${f} is not an absolute path.`;
    if (!kinds.some((k) => f.toLowerCase().endsWith(k))) return `${hostBaseName(f)}: ${engine.displayName} runs ${kinds.join(', ')} init files.`;
  }
  return undefined;
}

/** The names and ports the containers hold: a running holder wins over a stopped one (it is the one that blocks). */
function usageOf(all: readonly ContainerSummary[]): EngineUsage {
  const names = new Set<string>();
  const ports = new Map<number, PortHolder>();
  for (const c of all) {
    const container = c.names[0] ?? '';
    c.names.forEach((n) => names.add(n));
    const hold = (port: number) => {
      if (!ports.get(port)?.running) ports.set(port, { container, running: c.running });
    };
    c.publishedPorts.forEach(hold);
    if (c.claimedPort) hold(c.claimedPort);
  }
  return { names, ports };
}

/** A new instance, and the kept data it reuses (whose password, user and database it inherits). */
export type CreatedInstance = Instance & { reusedData?: KeptData };

export class InstanceCreation {
  constructor(
    private readonly docker: DockerRunner,
    private readonly engineFacts: EngineFacts,
    /** Every snapshot (Snapshots.list): a volume one holds is never mounted as a new instance's data. */
    private readonly snapshots: () => Promise<readonly Pick<Snapshot, 'name' | 'instanceName' | 'volumes'>[]> = async () => [],
    /** Where a container this creates is remembered as Dockbase's (its next start or stop need not inspect it). */
    private readonly known?: OwnedContainers,
  ) {}

  /**
   * Names and ports in use by any container, for suggestions and conflict checks before submit. Beside the
   * engine (a job in the host or the backend), the engine's API answers without spawning the CLI.
   */
  async usage(signal?: AbortSignal): Promise<EngineUsage> {
    const read = await this.docker.read(ALL_CONTAINERS_PATH, signal);
    const all =
      (read?.status === 200 ? containerSummariesFromApi(read.body) : undefined) ??
      parseContainerSummaries((await this.docker.run(listAllContainersArgs(), 'list containers')).stdout);
    return usageOf(all);
  }

  /** Whether the image is on the engine: from its API where there is one, else `image inspect`. */
  private async hasImage(ref: string, signal?: AbortSignal): Promise<boolean> {
    const path = imagePath(ref);
    const read = path ? await this.docker.read(path, signal) : undefined;
    if (read?.status === 200 || read?.status === 404) return read.status === 200;
    return (await this.docker.tryRun(imageExistsArgs(ref), signal)).code === 0;
  }

  /**
   * Creates an instance: validates, refuses a taken name or port or a volume holding other data, pulls
   * the image if needed, then one `docker create` (or, with `start`, `docker run --detach`) whose mounts
   * create the named volumes or reuse kept ones. On any failure, whatever this call made is removed again.
   * Returns the instance as `list` reads it from the labels.
   */
  async create(input: CreateInstanceInput, options: CreateOptions = {}): Promise<CreatedInstance> {
    const fields = validateCreateInput(input);
    if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
    const projectProblem = input.project ? projectRefProblem(input.project) : undefined;
    if (projectProblem) throw new DockbaseError('invalid-input', `The project label needs ${projectProblem}.`, 'project');
    const engine = getEngine(input.engine);
    const seeds = options.seedFiles ?? [];
    const seedProblem = seedRefusal(engine, seeds);
    if (seedProblem) throw new DockbaseError('invalid-input', seedProblem, 'seedFiles');
    const secrets = [input.password];
    // A flavour's own image unless another repository (a mirror of it) is given.
    const flavour = input.flavour ? getFlavour(input.flavour) : undefined;
    const image = input.image?.trim() || flavour?.image || engine.image;
    const ref = imageRef(image, input.tag);
    const planned: VolumePlan[] = input.persistData ? engine.dataMounts(input.tag).map((mount) => ({ name: volumeName(input.name, mount.key), mount })) : [];
    // Data a PostgreSQL upgrade made for this major version sits beside the older data (its rollback point):
    // an instance of this name at this version gets it back first.
    const suffix = engine.upgrade.dumpRestore?.volumeSuffix(input.tag);
    const upgraded = suffix ? planned.map((v) => ({ ...v, name: volumeName(input.name, v.mount.key, suffix) })) : [];

    // Everything the checks need, read at once: names and ports in use, the image, existing volumes, and
    // what the engine supports (read once per core instance, then known).
    const [usage, hasImage, existing, capabilities] = await Promise.all([
      this.usage(options.signal),
      this.hasImage(ref, options.signal),
      this.existingVolumes(
        [...planned, ...upgraded].map((v) => v.name),
        options.signal,
      ),
      this.engineFacts.capabilities(),
    ]);
    const volumes = planned.map((v, i) => (upgraded[i] && existing.has(upgraded[i].name) ? upgraded[i] : v));
    const conflicts = usageConflicts(input, usage);
    if (conflicts.name) throw new DockbaseError('name-in-use', conflicts.name, 'name');
    if (conflicts.hostPort) throw new DockbaseError('port-in-use', conflicts.hostPort, 'hostPort');
    for (const v of volumes) {
      const info = existing.get(v.name);
      if (info) checkReusableVolume(v, info, engine, input.tag);
    }
    // An upgrade's rollback point keeps the old data volume as it is: mounted again, the snapshot would change.
    const made = new Set(options.madeVolumes ?? []);
    const reusing = new Set(volumes.map((v) => v.name).filter((name) => existing.has(name) && !made.has(name)));
    if (reusing.size > 0) {
      for (const snapshot of await this.snapshots()) {
        const held = snapshot.volumes.find((sv) => reusing.has(sv.volume));
        if (held) {
          throw new DockbaseError(
            'volume-conflict',
            `Volume ${held.volume} is held by the snapshot “${snapshot.name}” of ${snapshot.instanceName}. Clone that snapshot to get its data back, or choose another name.`,
            'name',
          );
        }
      }
    }
    // Kept data: the instance takes the user and database the data was initialised with (the image's
    // variables do nothing on a folder that is not empty), and its data id (the volumes' instance id), under
    // which its notes and history are kept. Only the volumes it will mount count (not an upgrade's rollback point).
    const keptVolumes = volumes.map((v) => existing.get(v.name)).filter((v): v is NonNullable<typeof v> => v !== undefined);
    const reused = groupKeptData(keptVolumes)[0];
    const owner = keptVolumes.map((v) => volumeOwner(v.labels)).find((o) => o !== undefined);
    const user = keptVolumes.length > 0 ? owner?.user : input.user || undefined;
    const database = keptVolumes.length > 0 ? owner?.database : input.database || undefined;
    if (seeds.length > 0 && keptVolumes.length > 0) {
      throw new DockbaseError(
        'invalid-input',
        `Init files run only on a new data folder, and ${input.name} would reuse its kept data. Choose another name or no init files.`,
        'seedFiles',
      );
    }

    if (!hasImage) {
      // Before the pull: does the tag exist for this machine's platform? If not, the nearest that do.
      const check = await this.registryCheck(engine, flavour, ref, options.tagCandidates, options.signal);
      options.onImageCheck?.(check);
      const refusal = imageRefusal(check);
      if (refusal) throw refusal;
      await pullImage(this.docker, ref, {
        ...(options.onPullProgress ? { onProgress: options.onPullProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    throwIfAborted(options.signal);

    // Kept data is recognised later by the id its volumes carry: the id of the instance that made them.
    const dataIds = [...new Set(volumes.map((v) => existing.get(v.name)?.labels[LABEL.instance]).filter((d): d is string => Boolean(d)))];
    if (dataIds.length > 1) {
      throw new DockbaseError('volume-conflict', `The kept volumes of ${input.name} hold the data of different instances. Choose another name.`, 'name');
    }
    const id = options.id ?? newInstanceId();
    const plan: CreatePlan = {
      id,
      ...(volumes.length > 0 ? { dataId: dataIds[0] ?? id } : {}),
      ...(user ? { user } : {}),
      ...(database ? { database } : {}),
      ...(flavour ? { flavour: flavour.id } : {}),
      name: input.name,
      engine: engine.id,
      image,
      tag: input.tag,
      hostPort: input.hostPort,
      bindAddress: input.exposeOnNetwork ? '0.0.0.0' : '127.0.0.1',
      password: input.password,
      volumes,
      ...(input.project ? { project: input.project } : {}),
      ...(input.settings && Object.keys(input.settings).length > 0 ? { settings: input.settings } : {}),
    };
    const newVolumes = volumes.filter((v) => !existing.has(v.name)).map((v) => v.name);
    const started = options.start ?? false;
    // With seed files: create, copy them in, then start (a run would start the init before they are there).
    // Interrupted from here on, the job is undone: its container and the volumes it made go (they never held the user's data).
    await options.journal?.begin('create', [
      { do: 'remove-others', instanceId: plan.id, keep: '' },
      ...(newVolumes.length > 0 ? [{ do: 'remove-scratch-volumes' as const, volumes: newVolumes }] : []),
    ]);
    const r = await createWithSecrets(this.docker, plan, { start: started && seeds.length === 0, capabilities });
    if (r.code !== 0) {
      const error = started && isStartFailure(r.stderr) ? startError(input, r.stderr, secrets) : createError(input, r.stderr, secrets);
      await this.rollback(plan.id, newVolumes);
      throw error;
    }
    const containerId = r.stdout.trim().split('\n').pop() ?? '';
    if (seeds.length > 0) await this.seed(containerId, seeds, started, input, plan.id, newVolumes);
    await options.journal?.end('create');
    if (options.commit !== false) await options.journal?.commit('create');
    const labels = containerLabels(specOf(plan));
    this.known?.remember(containerId, labels);
    const instance = instanceFromLabels(labels, {
      containerId,
      containerName: plan.name,
      image: { image, tag: plan.tag },
      status: started ? 'running' : 'created',
      health: started ? 'starting' : 'none',
      createdAt: new Date().toISOString(),
      statusText: started ? 'Up Less than a second (health: starting)' : 'Created',
    });
    if (!instance) throw new DockbaseError('command-failed', `Could not read back ${plan.name} after creating it.`);
    // The data is in use again: the settings its last delete recorded beside it are history (the new
    // container's label holds the settings now). Left behind, the marker is ignored (kept data without data).
    if (keptVolumes.some((v) => !made.has(v.name))) await this.docker.bestEffort(volumeRemoveArgs([keptSettingsVolume(plan.name)]));
    return reused ? { ...instance, reusedData: reused } : instance;
  }

  /**
   * The image check the create form asks as a version is chosen (the create asks again before its pull):
   * undefined when the image is on this engine already or the input names no valid image yet.
   */
  async checkImage(
    input: Pick<CreateInstanceInput, 'engine' | 'tag' | 'image' | 'flavour'>,
    options: { tagCandidates?: readonly CandidateTag[]; signal?: AbortSignal } = {},
  ): Promise<ImageCheck | undefined> {
    const engine = getEngine(input.engine);
    const flavour = input.flavour ? getFlavour(input.flavour) : undefined;
    const image = input.image?.trim() || flavour?.image || engine.image;
    if (validateTag(input.tag) || validateImage(input.image ?? '', input.engine)) return undefined;
    const ref = imageRef(image, input.tag);
    if ((await this.docker.tryRun(imageExistsArgs(ref), options.signal)).code === 0) return undefined;
    return this.registryCheck(engine, flavour, ref, options.tagCandidates, options.signal);
  }

  private async registryCheck(
    engine: EngineDefinition,
    flavour: Flavour | undefined,
    ref: string,
    candidates: readonly CandidateTag[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ImageCheck> {
    return checkImage(this.docker, ref, {
      platform: await this.engineFacts.platform(),
      candidates: candidates ?? (flavour ?? engine).suggestedTags.map((name) => ({ name })),
      versionOf: (t) => tagVersion(engine, t),
      signal,
    });
  }

  /** The tags of an image present on this engine (one `docker image ls`): versions that need no download. */
  async localTags(image: string): Promise<string[]> {
    const r = await this.docker.tryRun(localImagesArgs(image));
    if (r.code !== 0) return [];
    const tags = new Set<string>();
    for (const line of r.stdout.split('\n')) {
      if (!line.trim()) continue;
      try {
        const tag = (JSON.parse(line) as { Tag?: unknown }).Tag;
        if (typeof tag === 'string' && tag && tag !== '<none>') tags.add(tag);
      } catch {
        // not a JSON line: skipped
      }
    }
    return [...tags];
  }

  /** Copies the seed files into the created container, then starts it; any failure removes what create made. */
  private async seed(
    containerId: string,
    files: readonly string[],
    start: boolean,
    input: CreateInstanceInput,
    id: string,
    newVolumes: string[],
  ): Promise<void> {
    for (const [i, file] of files.entries()) {
      try {
        await hostFilesOf(this.docker)
          .send(copyInArgs(containerId, SEED_DIRECTORY), { path: file, name: seedFileName(i, file) })
          .catch(fileError(`copy ${hostBaseName(file)} into ${input.name}`, 'seedFiles'));
      } catch (e) {
        await this.rollback(id, newVolumes);
        throw e;
      }
    }
    if (!start) return;
    const s = await this.docker.tryRun(startArgs(containerId));
    if (s.code !== 0) {
      await this.rollback(id, newVolumes);
      throw startError(input, s.stderr, [input.password]);
    }
  }

  /** The named volumes that already exist, with their labels. */
  private async existingVolumes(names: readonly string[], signal?: AbortSignal): Promise<Map<string, VolumeInfo>> {
    const found = new Map<string, VolumeInfo>();
    // `volume inspect a b` fails as a whole when one is missing: ask one by one (in parallel), the engine's
    // API first where there is one.
    const one = async (name: string): Promise<VolumeInfo[]> => {
      const path = volumePath(name);
      const read = path ? await this.docker.read(path, signal) : undefined;
      if (read?.status === 404) return [];
      if (read?.status === 200 && read.body && typeof read.body === 'object') return [volumeInfoOf(read.body as Json)];
      const r = await this.docker.tryRun(volumeInspectArgs([name]), signal);
      return r.code === 0 ? parseVolumeInspect(r.stdout) : [];
    };
    for (const v of (await Promise.all(names.map(one))).flat()) found.set(v.name, v);
    return found;
  }

  /** Removes what a failed create made: its container (found by its unique label) and new volumes. */
  private async rollback(instanceId: string, volumes: readonly string[]): Promise<void> {
    // Best effort: the original error is what the user needs to see.
    const ids = (await this.docker.bestEffort(containerIdsOfInstanceArgs(instanceId)))?.stdout.split('\n').filter(Boolean) ?? [];
    if (ids.length) await this.docker.bestEffort(removeContainerArgs(...ids));
    if (volumes.length) await this.docker.bestEffort(volumeRemoveArgs(volumes));
  }
}

/** Refuses a volume that exists but does not hold this engine's data in a version it can open (the form's rule too). */
function checkReusableVolume(v: VolumePlan, info: VolumeInfo, engine: EngineDefinition, tag: string): void {
  const problem = reuseProblem(ownerOfVolume(info), v.name, v.mount, engine, tag);
  if (problem) throw new DockbaseError('volume-conflict', problem.message, problem.field);
}
