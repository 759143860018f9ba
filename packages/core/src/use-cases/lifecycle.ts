/**
 * The life of existing instances: list and read them, connect, start, stop, restart, delete, logs and
 * events. Containers are the source of truth: the list is one `docker ps` filtered by Dockbase's label,
 * and only containers carrying that label are ever touched.
 */
import type { StreamHandle } from '@dockbase/docker-cli';
import {
  inspectContainerArgs,
  inspectContainersArgs,
  instanceByIdArgs,
  listInstancesArgs,
  parseInspect,
  parseInspectAll,
  parseInstances,
  type ContainerDetails,
} from '../docker/containers';
import {
  eventsArgs,
  pauseArgs,
  unpauseArgs,
  logsArgs,
  removeContainerArgs,
  restartArgs,
  startArgs,
  stopArgs,
  versionArgs,
  parseEvent,
  type InstanceEvent,
} from '../docker/lifecycle';
import { volumeCreateArgs, volumeInspectArgs, volumeRemoveArgs, parseVolumeInspect } from '../docker/volumes';
import { connectionString, maskedConnectionString } from '../model/connection';
import { getEngine } from '../engines';
import { DockbaseError, bridgeUnavailable, commandFailed, isDockbaseError, engineUnavailable, looksLikeEngineDown, startError } from '../model/errors';
import { failureFromState, initFailure, initFailureFromLogs } from './failure';
import { mayHaveFailed, type Instance } from '../model/instance';
import { instanceFromLabels, keptSettingsLabels, keptSettingsVolume, volumeMismatch } from '../model/labels';
import { OwnedContainers, containerOwnership, notManaged } from '../policy/ownership';
import { BRIDGE_RETRY_MS, sleep, type DockerRunner } from '../docker/runner';
import { CONFLICT, type EngineUsage } from '../model/validation';
import { isBridgeFailure } from '@dockbase/docker-cli';

/** How much of a crashed container's log is read for a failed init file (the images say little after it). */
const INIT_LOG_LINES = 200;
const GONE = 'This instance no longer exists.';

export interface ConnectionInfo {
  uri: string;
  /** The same URI with the password replaced by asterisks. */
  maskedUri: string;
}

export class InstanceLifecycle {
  constructor(
    private readonly docker: DockerRunner,
    /** Containers already known to be Dockbase's (OwnedContainers): not inspected again. */
    private readonly known = new OwnedContainers(),
  ) {}

  /** Succeeds when the engine answers (at once: what Retry asks). */
  async ping(): Promise<void> {
    await this.docker.run(versionArgs(), 'reach the Docker engine');
  }

  /**
   * Like `ping`, but a call the bridge dropped is asked again on BRIDGE_RETRY_MS's schedule before the bridge
   * counts as down: what a watch that ended by itself asks, since the browser cuts its streams and calls
   * together when docker changes the network interfaces, and the host is then busy, not away.
   */
  async patientPing(signal?: AbortSignal): Promise<void> {
    for (const wait of [...BRIDGE_RETRY_MS, undefined]) {
      try {
        return await this.ping();
      } catch (e) {
        if (wait === undefined || !isDockbaseError(e, 'bridge-unavailable')) throw e;
        await sleep(wait, signal);
      }
    }
  }

  /**
   * Every Dockbase instance, stopped ones too, from one `docker ps`; when some ended badly (killed, out of
   * memory, crashed, could not start), ONE `docker inspect` of those adds why (`failure`).
   */
  async list(): Promise<Instance[]> {
    return this.withFailures(parseInstances((await this.docker.run(listInstancesArgs(), 'list instances')).stdout));
  }

  /** Adds docker's reason to the instances whose last run may have ended badly (one inspect for all of them). */
  private async withFailures(instances: Instance[]): Promise<Instance[]> {
    const suspects = instances.filter(mayHaveFailed);
    if (suspects.length === 0) return instances;
    // A container removed in between is left out of inspect's answer (with exit code 1): the rest still counts.
    const r = await this.docker.tryRun(inspectContainersArgs(suspects.map((i) => i.containerId)));
    let details: ContainerDetails[] = [];
    try {
      details = parseInspectAll(r.stdout);
    } catch {
      return instances;
    }
    const failures = new Map(details.map((d) => [d.id, failureFromState(d.state)] as const));
    // A run that ended by itself may be an init file that failed: its log says (one read for each such, rare).
    await Promise.all(
      details.map(async (d) => {
        const failure = failures.get(d.id);
        if (failure?.kind !== 'crashed') return;
        const r = await this.docker.tryRun(logsArgs(d.id, { tail: INIT_LOG_LINES }));
        const found = r.code === 0 ? initFailureFromLogs(`${r.stdout}${r.stderr}`.split('\n')) : undefined;
        if (found) failures.set(d.id, initFailure(found, failure.exitCode));
      }),
    );
    return instances.map((i) => {
      const failure = failures.get(i.containerId);
      return failure ? { ...i, failure } : i;
    });
  }

  /** One instance by id (one `docker ps`); not-found when it no longer exists. */
  async get(id: string): Promise<Instance> {
    const [instance] = parseInstances((await this.docker.run(instanceByIdArgs(id), 'read the instance')).stdout);
    if (!instance) throw new DockbaseError('not-found', 'This instance no longer exists.');
    return instance;
  }

  async details(instance: Instance): Promise<ContainerDetails> {
    const r = await this.docker.inspect('container', instance.containerId, inspectContainerArgs(instance.containerId));
    if (r.code !== 0) throw commandFailed(`inspect ${instance.name}`, r.stderr);
    return parseInspect(r.stdout);
  }

  /** The connection string, read from the container's own configuration. */
  async connection(instance: Instance): Promise<ConnectionInfo> {
    const d = await this.details(instance);
    const engine = getEngine(instance.engine);
    const password = engine.readPassword({ env: d.env, cmd: d.cmd }) ?? '';
    const accounts = engine.readAccounts(d.env);
    const target = {
      ...instance,
      ...((instance.user ?? accounts.user) ? { user: instance.user ?? accounts.user } : {}),
      ...((instance.database ?? accounts.database) ? { database: instance.database ?? accounts.database } : {}),
    };
    return { uri: connectionString(target, password), maskedUri: maskedConnectionString(target) };
  }

  /**
   * The instance as its container's labels describe it, once it is known to be Dockbase's, or an error:
   * `not-managed` for a container whose Dockbase labels come from its image (run by hand, not created by
   * Dockbase), `not-found` for one that is gone. Everything that changes a container asks this first, so a container Dockbase did not
   * create is never started, stopped or deleted, and the volumes it names are never taken for data.
   */
  async owned(instance: Instance): Promise<Instance> {
    let labels = this.known.get(instance.containerId);
    if (!labels) {
      const ownership = await containerOwnership(this.docker, instance.containerId);
      if (!ownership.managed) {
        if (ownership.gone) throw new DockbaseError('not-found', GONE);
        throw notManaged(instance.name, ownership.reason);
      }
      labels = ownership.labels;
      this.known.remember(instance.containerId, labels);
    }
    const own = instanceFromLabels(labels, { ...instance, containerName: instance.name, image: { image: instance.image, tag: instance.tag } });
    if (!own || own.id !== instance.id) throw new DockbaseError('not-found', GONE);
    return own;
  }

  /** A command on a container known to be Dockbase's (owned) that found it gone meanwhile: said as owned says it. */
  private gone(stderr: string): DockbaseError | undefined {
    return /No such container/i.test(stderr) ? new DockbaseError('not-found', GONE) : undefined;
  }

  /**
   * Starts it. A port another running container publishes is named in the error ("in use by pg-15"), so the
   * user knows which one to stop: two instances may share a port as long as one runs at a time.
   */
  async start(instance: Instance, usage?: () => Promise<EngineUsage>): Promise<void> {
    await this.owned(instance);
    // After an init file failed, the data folder is half-made, and the image would skip the init files now.
    const [checked] = mayHaveFailed(instance) ? await this.withFailures([instance]) : [instance];
    if (checked?.failure?.kind === 'init-failed') throw new DockbaseError('invalid-input', `${instance.name} was not started. ${checked.failure.summary}`);
    const r = await this.docker.tryRun(startArgs(instance.containerId));
    if (r.code !== 0) throw this.gone(r.stderr) ?? (await this.namedStartError(instance, r.stderr, usage));
  }

  /**
   * Freezes a running instance (`docker pause`): its server keeps its memory and connections but answers
   * nothing until unpaused; quicker back than a stop and a start.
   */
  async pause(instance: Instance): Promise<void> {
    await this.owned(instance);
    await this.act(pauseArgs(instance.containerId), `pause ${instance.name}`);
  }

  /** Takes a paused instance out of its pause. */
  async unpause(instance: Instance): Promise<void> {
    await this.owned(instance);
    await this.act(unpauseArgs(instance.containerId), `unpause ${instance.name}`);
  }

  /** Runs a command on an owned container: gone meanwhile, it says so as owned does; else docker's own error. */
  private async act(args: string[], action: string): Promise<void> {
    const r = await this.docker.tryRun(args);
    if (r.code !== 0) throw this.gone(r.stderr) ?? commandFailed(action, r.stderr);
  }

  private async namedStartError(instance: Instance, stderr: string, usage?: () => Promise<EngineUsage>): Promise<DockbaseError> {
    const error = startError(instance, stderr, []);
    if (error.code !== 'port-in-use' || !usage) return error;
    const holder = await usage().then(
      (u) => u.ports.get(instance.hostPort),
      () => undefined,
    );
    return holder && holder.running && holder.container !== instance.name
      ? new DockbaseError('port-in-use', CONFLICT.portInUseBy(instance.hostPort, holder.container), 'hostPort')
      : error;
  }

  /** Graceful stop: the engine gets its own timeout to flush before it is killed. */
  async stop(instance: Instance): Promise<void> {
    await this.owned(instance);
    await this.act(stopArgs(instance.containerId, getEngine(instance.engine).stopTimeoutSeconds), `stop ${instance.name}`);
  }

  async restart(instance: Instance, usage?: () => Promise<EngineUsage>): Promise<void> {
    await this.owned(instance);
    const r = await this.docker.tryRun(restartArgs(instance.containerId, getEngine(instance.engine).stopTimeoutSeconds));
    if (r.code !== 0) throw this.gone(r.stderr) ?? (await this.namedStartError(instance, r.stderr, usage));
  }

  /**
   * Deletes the container (forcefully). Its data volumes are kept unless `removeData` is set. The
   * container is looked up again by Dockbase's label and must be one Dockbase created (see `owned`); with
   * `removeData`, each of its volumes must say itself that it holds this instance's data (volumeMismatch),
   * else nothing at all is deleted.
   */
  async remove(instance: Instance, options: { removeData?: boolean } = {}): Promise<void> {
    const found = parseInstances((await this.docker.run(instanceByIdArgs(instance.id), `find ${instance.name}`)).stdout)[0];
    const current = found ? await this.owned(found) : undefined;
    const data = options.removeData ? await this.dataOf(current ?? instance) : [];
    if (current && !options.removeData && current.volumes.length > 0) await this.keepSettings(current);
    if (current) {
      const r = await this.docker.tryRun(removeContainerArgs(current.containerId));
      // Asked again after a dropped call, it may be gone already: that is what was asked for.
      if (r.code !== 0 && !/No such container/i.test(r.stderr)) throw commandFailed(`delete ${instance.name}`, r.stderr);
    }
    if (data.length > 0) {
      const r = await this.docker.tryRun(volumeRemoveArgs(data));
      if (r.code !== 0 && !/no such volume/i.test(r.stderr)) throw commandFailed(`delete the data of ${instance.name}`, r.stderr);
    }
  }

  /**
   * Before a delete that keeps the data: the settings the server runs with now go on a fresh marker volume
   * beside the data (KEPT_SETTINGS_KEY), so that a re-create on the data offers them. A marker an earlier life
   * of this name left goes first (labels never change, and none at all says "no settings"). Written before the
   * container goes: if it cannot be, nothing is deleted.
   */
  private async keepSettings(instance: Instance): Promise<void> {
    const marker = keptSettingsVolume(instance.name);
    const old = await this.docker.tryRun(volumeRemoveArgs([marker]));
    if (old.code !== 0 && !/no such volume/i.test(old.stderr)) throw commandFailed(`record the settings of ${instance.name} (nothing was deleted)`, old.stderr);
    if (!instance.settings || Object.keys(instance.settings).length === 0) return;
    const r = await this.docker.tryRun(volumeCreateArgs(marker, keptSettingsLabels(instance)));
    if (r.code !== 0) throw commandFailed(`record the settings of ${instance.name} (nothing was deleted)`, r.stderr);
  }

  /** The instance's data volumes that exist, each checked to hold its data; refuses if one does not. */
  private async dataOf(instance: Instance): Promise<string[]> {
    // `volume inspect a b` fails as a whole when one is missing: ask one by one (in parallel).
    const results = await Promise.all(instance.volumes.map((name) => this.docker.tryRun(volumeInspectArgs([name]))));
    const found: string[] = [];
    const refused: string[] = [];
    results.forEach((r, i) => {
      if (r.code !== 0) {
        if (/no such volume/i.test(r.stderr)) return;
        throw commandFailed(`inspect the data of ${instance.name}`, r.stderr);
      }
      for (const volume of parseVolumeInspect(r.stdout)) {
        const why = volumeMismatch(volume, instance);
        if (why) refused.push(why);
        else found.push(instance.volumes[i] as string);
      }
    });
    if (refused.length > 0) {
      throw new DockbaseError(
        'volume-conflict',
        `Nothing was deleted: ${refused.join('; ')}. Delete ${instance.name} without its data, or remove the volume with docker if it is yours to remove.`,
      );
    }
    return found;
  }

  /** The last `tail` lines of the instance's log (stdout and stderr), or all of it. */
  async logs(instance: Instance, tail: number | 'all' = 200): Promise<string[]> {
    const r = await this.docker.run(logsArgs(instance.containerId, { tail }), `read the logs of ${instance.name}`);
    return `${r.stdout}${r.stderr}`.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  }

  /** Follows the instance's log as it grows; cancel the handle to stop. `tail: 'all'` starts from the beginning. */
  followLogs(instance: Instance, onLine: (line: string) => void, tail: number | 'all' = 200, options: { timestamps?: boolean } = {}): StreamHandle {
    return this.docker.stream(logsArgs(instance.containerId, { tail, follow: true, ...(options.timestamps ? { timestamps: true } : {}) }), {
      onLine: (line) => onLine(line),
    });
  }

  /**
   * Watches container events of Dockbase instances (no polling). `onEnd` is called if the event stream
   * ends without being cancelled, with what went away: the engine, or the bridge that carries docker's
   * commands (the standalone host, Docker Desktop's bridge).
   */
  watch(onEvent: (e: InstanceEvent) => void, onEnd?: (code: number, reason: DockbaseError) => void): StreamHandle {
    let cancelled = false;
    const stderr: string[] = [];
    const handle = this.docker.stream(eventsArgs(), {
      onLine: (line, stream) => {
        if (stream !== 'stdout') {
          if (stderr.length < 20) stderr.push(line);
          return;
        }
        const e = parseEvent(line);
        if (e) onEvent(e);
      },
    });
    void handle.done.then((code) => {
      if (cancelled) return;
      const text = stderr.join('\n');
      onEnd?.(
        code,
        isBridgeFailure(text) ? bridgeUnavailable() : looksLikeEngineDown(text) || !text ? engineUnavailable() : commandFailed('follow docker events', text),
      );
    });
    return {
      cancel: () => {
        cancelled = true;
        handle.cancel();
      },
      done: handle.done,
    };
  }
}
