/**
 * Every operation on instances, over the DockerCli port. Containers are the source of truth: the list is
 * one `docker ps` filtered by Dockbase's label, and only containers carrying that label are ever touched.
 */
import type { DockerCli, RunResult, StreamHandle } from '@dockbase/docker-cli';
import {
  createContainerArgs,
  eventsArgs,
  imageExistsArgs,
  instanceByIdArgs,
  listAllContainersArgs,
  listInstancesArgs,
  logsArgs,
  inspectContainerArgs,
  probeArgs,
  pullArgs,
  removeContainerArgs,
  restartArgs,
  startArgs,
  stopArgs,
  versionArgs,
  containerIdsOfInstanceArgs,
  volumeInspectArgs,
  volumeRemoveArgs,
  type CreatePlan,
  type VolumePlan,
} from './argv';
import { connectionString, maskedConnectionString } from './connection';
import { getEngine, type EngineDefinition } from './engines';
import { DockbaseError, commandFailed, engineUnavailable, looksLikeEngineDown, stderrExcerpt } from './errors';
import { LABEL, imageRef, newInstanceId, volumeName, type Instance } from './instance';
import { parseContainerSummaries, parseEvent, parseInspect, parseInstances, parseVolumeInspect, type ContainerDetails, type InstanceEvent, type VolumeInfo } from './parse';
import { PullTracker, pullError, type PullProgress } from './pull';
import { validateCreateInput, type CreateInstanceInput, type FieldErrors } from './validation';

export interface CreateOptions {
  /** Start the container once created (the UI's create flow); a failed start removes what was made. */
  start?: boolean;
  onPullProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

export interface ConnectionInfo {
  uri: string;
  /** The same URI with the password replaced by asterisks. */
  maskedUri: string;
}

/** Names and host ports already taken on the engine (by any container). */
export interface EngineUsage {
  names: Set<string>;
  ports: Set<number>;
}

export class InvalidInputError extends DockbaseError {
  constructor(readonly fields: FieldErrors) {
    const [field, message] = Object.entries(fields)[0] ?? ['input', 'Invalid input.'];
    super('invalid-input', `${FIELD_LABELS[field] ?? field}: ${message}`, field);
  }
}

const FIELD_LABELS: Record<string, string> = {
  engine: 'Engine',
  name: 'Name',
  tag: 'Version',
  image: 'Image',
  hostPort: 'Port',
  password: 'Password',
};

export class InstanceService {
  constructor(private readonly cli: DockerCli) {}

  /** Runs docker; a non-zero exit becomes a typed, redacted error. */
  private async exec(args: string[], action: string, secrets: readonly string[] = [], signal?: AbortSignal): Promise<RunResult> {
    const r = await this.tryExec(args, signal);
    if (r.code !== 0) throw commandFailed(action, r.stderr, secrets);
    return r;
  }

  /** Runs docker; only a CLI that cannot run at all (or an engine that is down) throws. */
  private async tryExec(args: string[], signal?: AbortSignal): Promise<RunResult> {
    let r: RunResult;
    try {
      r = await this.cli.run(args, signal ? { signal } : {});
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw new DockbaseError('cancelled', 'Cancelled.');
      throw engineUnavailable();
    }
    if (r.code !== 0 && looksLikeEngineDown(r.stderr)) throw engineUnavailable();
    return r;
  }

  /** Succeeds when the engine answers. */
  async ping(): Promise<void> {
    await this.exec(versionArgs(), 'reach the Docker engine');
  }

  /** Every Dockbase instance, stopped ones too, from one `docker ps`. */
  async list(): Promise<Instance[]> {
    return parseInstances((await this.exec(listInstancesArgs(), 'list instances')).stdout);
  }

  /** One instance by id (one `docker ps`); not-found when it no longer exists. */
  async get(id: string): Promise<Instance> {
    const [instance] = parseInstances((await this.exec(instanceByIdArgs(id), 'read the instance')).stdout);
    if (!instance) throw new DockbaseError('not-found', 'This instance no longer exists.');
    return instance;
  }

  async details(instance: Instance): Promise<ContainerDetails> {
    const r = await this.exec(inspectContainerArgs(instance.containerId), `inspect ${instance.name}`);
    return parseInspect(r.stdout);
  }

  /** The connection string, read from the container's own configuration. */
  async connection(instance: Instance): Promise<ConnectionInfo> {
    const d = await this.details(instance);
    const password = getEngine(instance.engine).readPassword({ env: d.env, cmd: d.cmd }) ?? '';
    return { uri: connectionString(instance, password), maskedUri: maskedConnectionString(instance) };
  }

  /** Names and ports in use by any container, for suggestions and conflict checks before submit. */
  async usage(): Promise<EngineUsage> {
    const all = parseContainerSummaries((await this.exec(listAllContainersArgs(), 'list containers')).stdout);
    const names = new Set<string>();
    const ports = new Set<number>();
    for (const c of all) {
      c.names.forEach((n) => names.add(n));
      c.publishedPorts.forEach((p) => ports.add(p));
      if (c.claimedPort) ports.add(c.claimedPort);
    }
    return { names, ports };
  }

  /** Pulls an image reference with per-layer progress; cancellable through the signal. */
  pull(ref: string, options: { onProgress?: (p: PullProgress) => void; signal?: AbortSignal } = {}): Promise<PullProgress> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new DockbaseError('cancelled', 'Cancelled.'));
        return;
      }
      const tracker = new PullTracker();
      const stderr: string[] = [];
      let cancelled = false;
      const handle = this.cli.stream(pullArgs(ref), {
        onLine: (line, stream) => {
          if (stream === 'stderr') stderr.push(line);
          else if (tracker.feed(line)) options.onProgress?.(tracker.snapshot());
        },
      });
      const onAbort = () => {
        cancelled = true;
        handle.cancel();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      handle.done.then((code) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (cancelled) reject(new DockbaseError('cancelled', `Pulling ${ref} was cancelled.`));
        else if (code !== 0) reject(pullError(ref, stderr.join('\n')));
        else resolve(tracker.snapshot());
      }, reject);
    });
  }

  /**
   * Creates an instance: validates, refuses a taken name or port or a volume holding other data, pulls
   * the image if needed, then one `docker create` (or, with `start`, `docker run --detach`) whose mounts
   * create the named volumes or reuse kept ones. On any failure, whatever this call made is removed again.
   */
  async create(input: CreateInstanceInput, options: CreateOptions = {}): Promise<Instance> {
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
      this.tryExec(imageExistsArgs(ref), options.signal).then((r) => r.code === 0),
      this.existingVolumes(volumes.map((v) => v.name)),
    ]);
    if (usage.names.has(input.name)) {
      throw new DockbaseError('name-in-use', `The name "${input.name}" is already used by another container.`, 'name');
    }
    if (usage.ports.has(input.hostPort)) {
      throw new DockbaseError('port-in-use', `Port ${input.hostPort} is already published by another container.`, 'hostPort');
    }
    for (const v of volumes) {
      const info = existing.get(v.name);
      if (info) checkReusableVolume(v, info, engine, input.tag);
    }

    if (!hasImage) {
      await this.pull(ref, { ...(options.onPullProgress ? { onProgress: options.onPullProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    }
    throwIfAborted(options.signal);

    const plan: CreatePlan = {
      id: newInstanceId(),
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
    const r = await this.tryExec(createContainerArgs(plan, { start: options.start ?? false }));
    if (r.code !== 0) {
      const error = options.start && isStartFailure(r.stderr) ? startError(input, r.stderr, secrets) : createError(input, r.stderr, secrets);
      await this.rollback(plan.id, newVolumes);
      throw error;
    }
    const started = options.start ?? false;
    return {
      id: plan.id,
      name: plan.name,
      engine: plan.engine,
      image,
      tag: plan.tag,
      hostPort: plan.hostPort,
      bindAddress: plan.bindAddress,
      status: started ? 'running' : 'created',
      health: started ? 'starting' : 'none',
      createdAt: new Date().toISOString(),
      volumes: volumes.map((v) => v.name),
      containerId: r.stdout.trim().split('\n').pop() ?? '',
      statusText: started ? 'Up Less than a second (health: starting)' : 'Created',
    };
  }

  /** The named volumes that already exist, with their labels. */
  private async existingVolumes(names: readonly string[]): Promise<Map<string, VolumeInfo>> {
    const found = new Map<string, VolumeInfo>();
    // `volume inspect a b` fails as a whole when one is missing: ask one by one (in parallel).
    const results = await Promise.all(names.map((n) => this.tryExec(volumeInspectArgs([n]))));
    results.forEach((r) => {
      if (r.code === 0) for (const v of parseVolumeInspect(r.stdout)) found.set(v.name, v);
    });
    return found;
  }

  /** Removes what a failed create made: its container (found by its unique label) and new volumes. */
  private async rollback(instanceId: string, volumes: readonly string[]): Promise<void> {
    // Best effort: the original error is what the user needs to see.
    const ids = await this.cli.run(containerIdsOfInstanceArgs(instanceId)).then((r) => r.stdout.split('\n').filter(Boolean), () => []);
    if (ids.length) await this.cli.run(removeContainerArgs(...ids)).catch(() => undefined);
    if (volumes.length) await this.cli.run(volumeRemoveArgs(volumes)).catch(() => undefined);
  }

  async start(instance: Instance): Promise<void> {
    const r = await this.tryExec(startArgs(instance.containerId));
    if (r.code !== 0) throw startError(instance, r.stderr, []);
  }

  /** Graceful stop: the engine gets its own timeout to flush before it is killed. */
  async stop(instance: Instance): Promise<void> {
    await this.exec(stopArgs(instance.containerId, getEngine(instance.engine).stopTimeoutSeconds), `stop ${instance.name}`);
  }

  async restart(instance: Instance): Promise<void> {
    const r = await this.tryExec(restartArgs(instance.containerId, getEngine(instance.engine).stopTimeoutSeconds));
    if (r.code !== 0) throw startError(instance, r.stderr, []);
  }

  /**
   * Deletes the container (forcefully). Its data volumes are kept unless `removeData` is set. The
   * container is looked up again by Dockbase's label first, so nothing without it is ever removed.
   */
  async remove(instance: Instance, options: { removeData?: boolean } = {}): Promise<void> {
    const current = parseInstances((await this.exec(instanceByIdArgs(instance.id), `find ${instance.name}`)).stdout)[0];
    if (current) await this.exec(removeContainerArgs(current.containerId), `delete ${instance.name}`);
    const volumes = (current ?? instance).volumes;
    if (options.removeData && volumes.length > 0) {
      const r = await this.tryExec(volumeRemoveArgs(volumes));
      if (r.code !== 0 && !/no such volume/i.test(r.stderr)) throw commandFailed(`delete the data of ${instance.name}`, r.stderr);
    }
  }

  /** The last `tail` lines of the instance's log (stdout and stderr). */
  async logs(instance: Instance, tail = 200): Promise<string[]> {
    const r = await this.exec(logsArgs(instance.containerId, { tail }), `read the logs of ${instance.name}`);
    return `${r.stdout}${r.stderr}`.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  }

  /** Follows the instance's log as it grows; cancel the handle to stop. */
  followLogs(instance: Instance, onLine: (line: string) => void, tail = 200): StreamHandle {
    return this.cli.stream(logsArgs(instance.containerId, { tail, follow: true }), { onLine: (line) => onLine(line) });
  }

  /**
   * Watches container events of Dockbase instances (no polling). `onEnd` is called if the event stream
   * ends without being cancelled, e.g. when the engine stops.
   */
  watch(onEvent: (e: InstanceEvent) => void, onEnd?: (code: number) => void): StreamHandle {
    let cancelled = false;
    const handle = this.cli.stream(eventsArgs(), {
      onLine: (line, stream) => {
        if (stream !== 'stdout') return;
        const e = parseEvent(line);
        if (e) onEvent(e);
      },
    });
    void handle.done.then((code) => {
      if (!cancelled) onEnd?.(code);
    });
    return {
      cancel: () => {
        cancelled = true;
        handle.cancel();
      },
      done: handle.done,
    };
  }

  /**
   * Resolves as soon as the server accepts connections: its engine's health probe, run inside the
   * container with a short backoff (100 ms growing to 1 s), races the engine's "ready" log line where
   * that is unambiguous. Docker's own healthcheck runs every few seconds, so this tells "ready" sooner;
   * nothing keeps running afterwards. Rejects when the container stops or the time runs out.
   */
  async waitUntilReady(instance: Instance, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Instance> {
    const engine = getEngine(instance.engine);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let logs: StreamHandle | undefined;
    const pattern = engine.readyLogPattern;
    const fromLog = pattern
      ? new Promise<void>((resolve) => {
          logs = this.cli.stream(logsArgs(instance.containerId, { tail: 'all', follow: true }), {
            onLine: (line) => (pattern.test(line) ? resolve() : undefined),
          });
        })
      : new Promise<void>(() => undefined);
    try {
      await Promise.race([fromLog, this.probeUntilReady(instance, stop.signal, options.timeoutMs ?? 180_000)]);
      // The server answers; docker's own health status follows at its next interval (and via events).
      return { ...instance, status: 'running' };
    } finally {
      stop.abort();
      logs?.cancel();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async probeUntilReady(instance: Instance, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(1000, Math.round(delay * 1.5))) {
      throwIfAborted(signal);
      const probe = await this.tryExec(probeArgs(instance.containerId, instance.engine), signal);
      if (probe.code === 0) return;
      if (/is not running|No such container/i.test(probe.stderr)) {
        const now = await this.get(instance.id);
        throw new DockbaseError('command-failed', `${now.name} stopped while starting (${now.statusText}). Open its logs to see why.`);
      }
      if (Date.now() > deadline) throw new DockbaseError('command-failed', `${instance.name} did not become ready in time.`);
      await sleep(delay, signal);
    }
  }

  /**
   * Resolves when the instance reports healthy, rejects when it dies or turns unhealthy. Listens to
   * events; the current state is read once after subscribing so a change in between is not missed.
   */
  waitUntilHealthy(instance: Instance, options: { signal?: AbortSignal } = {}): Promise<Instance> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, value?: Instance) => {
        if (settled) return;
        settled = true;
        handle.cancel();
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value as Instance);
      };
      const check = () => {
        this.get(instance.id).then((i) => {
          if (i.health === 'healthy') finish(undefined, i);
          else if (i.health === 'unhealthy') finish(new DockbaseError('command-failed', `${i.name} is unhealthy.`));
          else if (i.status !== 'running' && i.status !== 'restarting') finish(new DockbaseError('command-failed', `${i.name} stopped (${i.statusText}).`));
        }, (e: Error) => finish(e));
      };
      const onAbort = () => finish(new DockbaseError('cancelled', 'Cancelled.'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const handle = this.cli.stream(
        ['events', '--filter', 'type=container', '--filter', `container=${instance.containerId}`, '--filter', 'event=health_status', '--filter', 'event=die', '--format', '{{json .}}'],
        { onLine: (line) => (parseEvent(line) ? check() : undefined) },
      );
      check();
    });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DockbaseError('cancelled', 'Cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Refuses a volume that exists but does not hold this engine's data in a version it can open. */
function checkReusableVolume(v: VolumePlan, info: VolumeInfo, engine: EngineDefinition, tag: string): void {
  const labels = info.labels;
  if (labels[LABEL.volume] !== v.mount.key || labels[LABEL.engine] !== engine.id) {
    throw new DockbaseError(
      'volume-conflict',
      `A volume named ${v.name} already exists and does not hold ${engine.displayName} data from Dockbase. Choose another name.`,
      'name',
    );
  }
  const oldTag = labels[LABEL.tag] ?? '';
  if (!engine.canReuseData(oldTag, tag) || (labels[LABEL.mountPath] && labels[LABEL.mountPath] !== v.mount.path)) {
    throw new DockbaseError(
      'volume-conflict',
      `Volume ${v.name} holds ${engine.displayName} ${oldTag} data, which version ${tag} cannot open. Use version ${oldTag}, or another name.`,
      'tag',
    );
  }
}

function isStartFailure(stderr: string): boolean {
  return /port is already allocated|address already in use|bind for .* failed|failed to create shim|OCI runtime|error while creating mount source|starting container/i.test(stderr);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DockbaseError('cancelled', 'Cancelled.');
}


function createError(input: CreateInstanceInput, stderr: string, secrets: readonly string[]): DockbaseError {
  if (/Conflict\. The container name/i.test(stderr)) {
    return new DockbaseError('name-in-use', `The name "${input.name}" is already used by another container.`, 'name');
  }
  if (/No such image|not found|manifest unknown/i.test(stderr)) {
    return new DockbaseError('image-not-found', `Image ${input.image ?? input.engine}:${input.tag} was not found.`, 'tag');
  }
  return commandFailed(`create ${input.name}`, stderr, secrets);
}

function startError(target: { name: string; hostPort: number }, stderr: string, secrets: readonly string[]): DockbaseError {
  if (/port is already allocated|address already in use|bind for .* failed/i.test(stderr)) {
    return new DockbaseError('port-in-use', `Port ${target.hostPort} is already in use on this machine.`, 'hostPort');
  }
  return new DockbaseError('command-failed', `Could not start ${target.name}: ${stderrExcerpt(stderr, secrets)}`);
}

