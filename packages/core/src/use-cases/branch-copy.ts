/**
 * Branch copies: a project's instance copied for a git branch (`dockbase branch`) in ONE copy of its data.
 * The source is stopped (its server flushes and closes its files, so the copy is consistent, and its copy
 * takes its port); its data volumes are copied straight into the new instance's volumes by one helper
 * container (the source's own image, no network); then the copy is created on the same port with the
 * source's password, version, image, flavour, settings, user and database, labelled with the project and the
 * branch, and started, and waited for until its server answers. The source stays stopped: the copy serves.
 *
 * Before, a branch was a snapshot (copy 1) cloned into new volumes (copy 2): twice the bytes written and twice
 * the disk for a while. Docker's `local` volume driver offers no snapshot of a volume, so the copy is `cp -a`
 * with reflinks asked for: copy-on-write where the volumes' filesystem shares blocks (XFS, Btrfs), a file copy
 * elsewhere (copyVolumesScript).
 *
 * Refused before anything stops: an instance without data volumes, a name taken, volumes of that name that
 * exist already. On any failure nothing is half-made (the new container and volumes go) and the source runs
 * again if it ran. As a job (kind `branch`) each step is journaled with its undo, so a process that dies
 * mid-way is put back the same way by the next one (recovery.ts).
 */
import { getEngine } from '../engines';
import { volumeCopyMounts } from '../docker/helpers';
import { volumeInspectArgs, volumeRemoveArgs } from '../docker/volumes';
import type { DockerRunner } from '../docker/runner';
import { DockbaseError, InvalidInputError, isDockbaseError, throwIfAborted } from '../model/errors';
import { imageRef, isActive, newInstanceId, volumeName, type Instance, type ProjectRef } from '../model/instance';
import { projectRefProblem, usageConflicts, validateCreateInput, type CreateInstanceInput } from '../model/validation';
import type { StepJournal } from '../jobs/job';
import type { CreatedInstance, InstanceCreation } from './create';
import type { InstanceLifecycle } from './lifecycle';
import type { Readiness } from './readiness';
import { copyDataVolumes, dataVolumesOf } from './snapshots';

/** The copy's own name and its project labels (with the branch); everything else is the source's. */
export interface BranchCopyInput {
  name: string;
  project: ProjectRef & { branch: string };
}

/** The steps of a branch copy, in order (a job's progress names them). */
export type BranchCopyStep = 'stop' | 'copy' | 'start' | 'ready';

export interface BranchCopyOptions {
  /** The copy's id (a job names it before it exists). */
  id?: string;
  signal?: AbortSignal;
  journal?: StepJournal;
  onStep?: (step: BranchCopyStep) => void;
}

/** What a branch copy made: the copy (running and answering), and the instance its data came from (stopped). */
export type BranchCopyResult = CreatedInstance & { branchedFrom: { id: string; name: string; wasRunning: boolean } };

/** Why `input` cannot be a branch copy of `source`, from what is known without docker, or undefined. */
export function branchCopyRefusal(source: Pick<Instance, 'name' | 'volumes'>, input: BranchCopyInput): string | undefined {
  if (source.volumes.length === 0) return `${source.name} keeps its data in no volume (created without "keep data"), so there is nothing to copy.`;
  const project = projectRefProblem(input.project);
  if (project) return `The project label needs ${project}.`;
  if (!input.project.branch) return 'A branch copy names its branch.';
  return undefined;
}

export class BranchCopies {
  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: InstanceLifecycle,
    private readonly readiness: Readiness,
    private readonly creation: InstanceCreation,
    /** What the engine supports (read once per core, then known): create needs it, asked here before the copy. */
    private readonly capabilities: () => Promise<unknown> = async () => undefined,
  ) {}

  /**
   * Makes `input.name`, a copy of `source`'s data as it is now, running and answering on `source`'s port;
   * `source` ends stopped (its data unchanged). On failure, nothing of the copy is left and `source` runs
   * again if it ran.
   */
  async branch(source: Instance, input: BranchCopyInput, options: BranchCopyOptions = {}): Promise<BranchCopyResult> {
    const { signal, journal } = options;
    const step = options.onStep ?? (() => undefined);
    const why = branchCopyRefusal(source, input);
    if (why) throw new DockbaseError('invalid-input', `${why} ${source.name} was not changed.`);
    const engine = getEngine(source.engine);
    const sourceVolumes = dataVolumesOf(source);
    const targets = engine.dataMounts(source.tag).map((mount) => {
      const from = sourceVolumes.find((v) => v.key === mount.key);
      if (!from) throw new DockbaseError('incompatible-data', `${source.name} has no data volume for ${mount.path}. ${source.name} was not changed.`);
      return { mount, from, volume: volumeName(input.name, mount.key) };
    });
    // What the checks need, asked at once: the source's configuration, the names and ports in use, whether
    // the copy's volumes exist; and the engine's capabilities, which create reads after the copy (known by then).
    const [details, usage, taken] = await Promise.all([
      this.lifecycle.details(source),
      this.creation.usage(),
      Promise.all(targets.map(async (t) => ((await this.docker.tryRun(volumeInspectArgs([t.volume]), signal)).code === 0 ? t.volume : undefined))),
      this.capabilities().catch(() => undefined),
    ]);
    // The copy opens with the source's password: its data holds it, and the app's .env names it.
    const password = engine.readPassword(details) ?? '';
    const full: CreateInstanceInput = {
      engine: engine.id,
      name: input.name,
      tag: source.tag,
      image: source.image,
      ...(source.flavour ? { flavour: source.flavour } : {}),
      hostPort: source.hostPort,
      password,
      persistData: true,
      exposeOnNetwork: source.bindAddress !== '127.0.0.1',
      ...(source.user ? { user: source.user } : {}),
      ...(source.database ? { database: source.database } : {}),
      ...(source.settings && Object.keys(source.settings).length > 0 ? { settings: { ...source.settings } } : {}),
      project: { ...input.project },
    };
    const fields = validateCreateInput(full);
    if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
    // The port is the source's (stopped for the copy); another container running on it is refused now.
    const name = usageConflicts(full, usage).name;
    if (name) throw new DockbaseError('name-in-use', name, 'name');
    const port = usageConflicts(full, usage, source.name).hostPort;
    if (port) throw new DockbaseError('port-in-use', port, 'hostPort');
    const existing = taken.find((v) => v !== undefined);
    if (existing) throw new DockbaseError('volume-conflict', `A volume named ${existing} already exists. ${source.name} was not changed.`, 'name');
    throwIfAborted(signal);

    // The new volumes carry the copy's labels (its data id, user and database): create finds and reuses them.
    const dataId = newInstanceId();
    const mounts = volumeCopyMounts(targets, {
      engine: engine.id,
      tag: source.tag,
      instanceName: input.name,
      instanceId: dataId,
      ...(source.user ? { user: source.user } : {}),
      ...(source.database ? { database: source.database } : {}),
      ...(source.flavour ? { flavour: source.flavour } : {}),
    });
    const made = targets.map((t) => t.volume);
    const wasRunning = isActive(source);
    let created: CreatedInstance | undefined;
    try {
      if (wasRunning) {
        step('stop');
        // Interrupted from here on, the source starts again (its undo runs after the copy's are removed).
        await journal?.begin('stop', [{ do: 'start', container: source.containerId, instanceId: source.id }]);
        await this.lifecycle.stop(source);
        await journal?.end('stop');
      }
      throwIfAborted(signal);
      step('copy');
      await copyDataVolumes(this.docker, { image: imageRef(source.image, source.tag), mounts, engine, made, journal }, `copy the data of ${source.name}`);
      throwIfAborted(signal);
      step('start');
      created = await this.creation.create(full, {
        ...(options.id ? { id: options.id } : {}),
        start: true,
        commit: false,
        madeVolumes: made,
        ...(signal ? { signal } : {}),
        ...(journal ? { journal } : {}),
      });
      step('ready');
      const ready = await this.readiness.waitUntilReady(created, { timeoutMs: 120_000, ...(signal ? { signal } : {}) });
      // The copy serves: from here an interruption leaves it (and the source stopped).
      await journal?.commit('branched');
      return { ...created, ...ready, branchedFrom: { id: source.id, name: source.name, wasRunning } };
    } catch (e) {
      if (created) await this.lifecycle.remove(created, { removeData: true }).catch(() => undefined);
      await this.docker.bestEffort(volumeRemoveArgs(made));
      if (wasRunning) {
        await this.lifecycle.start(source).catch(() => undefined);
        await this.readiness.waitUntilReady(source, { restarted: true, timeoutMs: 60_000 }).catch(() => undefined);
      }
      if (isDockbaseError(e, 'cancelled') || !created) throw e;
      throw new DockbaseError(
        'command-failed',
        `${input.name} did not start on its copy of ${source.name}'s data, so it was removed again; ${source.name} keeps its data as it was${wasRunning ? ' and runs again' : ''}: ${(e as Error).message}`,
      );
    }
  }
}
