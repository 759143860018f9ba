/**
 * Creating an instance: validation, the checks against what the engine already holds (names, ports, kept
 * data), the image pull, one `docker create` or `docker run`, and the rollback of whatever a failed
 * attempt made.
 */
import {
  containerIdsOfInstanceArgs,
  createContainerArgs,
  imageExistsArgs,
  listAllContainersArgs,
  removeContainerArgs,
  specOf,
  volumeInspectArgs,
  volumeRemoveArgs,
  type CreatePlan,
  type VolumePlan,
} from './argv';
import { localImagesArgs } from './argv';
import { getEngine, type EngineDefinition } from './engines';
import { DockbaseError, InvalidInputError, createError, isStartFailure, startError, throwIfAborted } from './errors';
import { imageRef, newInstanceId, volumeName, type Instance } from './instance';
import { instanceFromLabels, containerLabels, volumeOwner } from './labels';
import { groupKeptData, ownerOfVolume, reuseProblem, type KeptData } from './kept-data';
import { parseContainerSummaries, parseVolumeInspect, type VolumeInfo } from './parse';
import { pullImage, type PullProgress } from './pull';
import type { DockerRunner } from './runner';
import { usageConflicts, validateCreateInput, type CreateInstanceInput, type EngineUsage, type PortHolder } from './validation';

export interface CreateOptions {
  /** Start the container once created (the UI's create flow); a failed start removes what was made. */
  start?: boolean;
  onPullProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

/** A new instance, and the kept data it reuses (whose password, user and database it inherits). */
export type CreatedInstance = Instance & { reusedData?: KeptData };

export class InstanceCreation {
  constructor(private readonly docker: DockerRunner) {}

  /** Names and ports in use by any container, for suggestions and conflict checks before submit. */
  async usage(): Promise<EngineUsage> {
    const all = parseContainerSummaries((await this.docker.run(listAllContainersArgs(), 'list containers')).stdout);
    const names = new Set<string>();
    const ports = new Map<number, PortHolder>();
    for (const c of all) {
      const container = c.names[0] ?? '';
      c.names.forEach((n) => names.add(n));
      // A running holder wins over a stopped one: it is the one that blocks.
      const hold = (port: number) => {
        if (!ports.get(port)?.running) ports.set(port, { container, running: c.running });
      };
      c.publishedPorts.forEach(hold);
      if (c.claimedPort) hold(c.claimedPort);
    }
    return { names, ports };
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
    const engine = getEngine(input.engine);
    const secrets = [input.password];
    const image = input.image?.trim() || engine.image;
    const ref = imageRef(image, input.tag);
    const volumes: VolumePlan[] = input.persistData
      ? engine.dataMounts(input.tag).map((mount) => ({ name: volumeName(input.name, mount.key), mount }))
      : [];

    // Everything the checks need, read at once: names and ports in use, the image, existing volumes.
    const [usage, hasImage, existing] = await Promise.all([
      this.usage(),
      this.docker.tryRun(imageExistsArgs(ref), options.signal).then((r) => r.code === 0),
      this.existingVolumes(volumes.map((v) => v.name)),
    ]);
    const conflicts = usageConflicts(input, usage);
    if (conflicts.name) throw new DockbaseError('name-in-use', conflicts.name, 'name');
    if (conflicts.hostPort) throw new DockbaseError('port-in-use', conflicts.hostPort, 'hostPort');
    for (const v of volumes) {
      const info = existing.get(v.name);
      if (info) checkReusableVolume(v, info, engine, input.tag);
    }
    // Kept data: the instance takes back the id it had (its notes and history) and the user and database
    // the data was initialised with (the image's variables do nothing on a folder that is not empty).
    const reused = groupKeptData([...existing.values()])[0];
    const owner = [...existing.values()].map((v) => volumeOwner(v.labels)).find((o) => o !== undefined);
    const user = existing.size > 0 ? owner?.user : input.user || undefined;
    const database = existing.size > 0 ? owner?.database : input.database || undefined;

    if (!hasImage) {
      await pullImage(this.docker, ref, { ...(options.onPullProgress ? { onProgress: options.onPullProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    }
    throwIfAborted(options.signal);

    const plan: CreatePlan = {
      id: owner?.instanceId && /^[0-9a-f]{12}$/.test(owner.instanceId) ? owner.instanceId : newInstanceId(),
      ...(user ? { user } : {}),
      ...(database ? { database } : {}),
      name: input.name,
      engine: engine.id,
      image,
      tag: input.tag,
      hostPort: input.hostPort,
      bindAddress: input.exposeOnNetwork ? '0.0.0.0' : '127.0.0.1',
      password: input.password,
      volumes,
    };
    const newVolumes = volumes.filter((v) => !existing.has(v.name)).map((v) => v.name);
    const started = options.start ?? false;
    const r = await this.docker.tryRun(createContainerArgs(plan, { start: started }));
    if (r.code !== 0) {
      const error = started && isStartFailure(r.stderr) ? startError(input, r.stderr, secrets) : createError(input, r.stderr, secrets);
      await this.rollback(plan.id, newVolumes);
      throw error;
    }
    const instance = instanceFromLabels(containerLabels(specOf(plan)), {
      containerId: r.stdout.trim().split('\n').pop() ?? '',
      containerName: plan.name,
      image: { image, tag: plan.tag },
      status: started ? 'running' : 'created',
      health: started ? 'starting' : 'none',
      createdAt: new Date().toISOString(),
      statusText: started ? 'Up Less than a second (health: starting)' : 'Created',
    });
    if (!instance) throw new DockbaseError('command-failed', `Could not read back ${plan.name} after creating it.`);
    return reused ? { ...instance, reusedData: reused } : instance;
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

  /** The named volumes that already exist, with their labels. */
  private async existingVolumes(names: readonly string[]): Promise<Map<string, VolumeInfo>> {
    const found = new Map<string, VolumeInfo>();
    // `volume inspect a b` fails as a whole when one is missing: ask one by one (in parallel).
    const results = await Promise.all(names.map((n) => this.docker.tryRun(volumeInspectArgs([n]))));
    results.forEach((r) => {
      if (r.code === 0) for (const v of parseVolumeInspect(r.stdout)) found.set(v.name, v);
    });
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
