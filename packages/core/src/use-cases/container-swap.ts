/**
 * The container swap: how an instance's container is replaced by a new one (an edit's new settings, an
 * upgrade's new version, a roll back's old one) while the instance keeps its id, name, labels and volumes.
 * Docker cannot change a container's ports, environment or image in place, and a failed replacement must
 * leave the instance as it was, so the old container is only set aside until the new one serves:
 *
 * 1. aside: the old container is stopped (if it runs) and renamed `<name>-<asideTag>-<6 hex>`;
 * 2. create: the new one is made under the instance's name, started when asked, its password through the
 *    CLI's environment where it can take it;
 * 3. ready (when started): it must serve, then pass the caller's own steps (`onReady`: a version check, a
 *    new password); a new container of an instance that did not run is stopped again;
 * 4. finish: the old container is removed (its named volumes stay: they are the new one's).
 *
 * Any failure from 2 on puts back instead: the new container is removed, the caller's own undo runs
 * (`onFailed`: data put back), the old container gets its name back and runs again if it ran. A failure
 * of 1 leaves nothing to put back: the old container is where it was, under its name.
 */
import { containerIdsOfInstanceArgs } from '../docker/containers';
import type { CreatePlan } from '../docker/create';
import { logsArgs, removeContainerArgs, renameArgs, startArgs, stopArgs } from '../docker/lifecycle';
import { getEngine } from '../engines';
import { DockbaseError, cancelled, isDockbaseError, isStartFailure, startError, stderrExcerpt } from '../model/errors';
import type { EngineCapabilities } from '../docker/health';
import { isActive, newInstanceId, type Instance } from '../model/instance';
import type { InstanceLifecycle } from './lifecycle';
import type { Readiness } from './readiness';
import type { DockerRunner } from '../docker/runner';
import { createWithSecrets } from '../docker/secret-env';
import type { StepJournal, Undo } from '../jobs/job';

/** The steps of a swap as they begin, for progress: `stopping` is the old container's stop, or the new one's. */
export type SwapStep = 'stopping' | 'creating' | 'finishing' | 'putting-back';

/** What a swap runs on. */
export interface SwapPorts {
  docker: DockerRunner;
  lifecycle: Pick<InstanceLifecycle, 'get'>;
  readiness: Pick<Readiness, 'waitUntilReady'>;
  /** What the engine supports: the new container's healthcheck, as create gives it. Read once the old one is aside. */
  capabilities(): Promise<EngineCapabilities>;
}

/** What is swapped for what. */
export interface SwapSpec {
  /** The instance as it is now: its container is the one set aside (stopped first when it runs). */
  instance: Instance;
  /** The new container. */
  plan: CreatePlan;
  /** The word in the old container's name while it is aside ("previous", "before-upgrade"). */
  asideTag: string;
  /** Whether the new container is started, and waited for until it serves. */
  start: boolean;
  /** Whether the instance ran (the caller may have stopped it already): it runs again after the swap, or after a put back. */
  wasRunning: boolean;
  /** How long the new container gets to serve. */
  readyTimeoutMs: number;
  /** Cancels until the new container is created. */
  signal?: AbortSignal;
  /** The passwords docker's messages may hold: redacted from every error. */
  secrets: readonly string[];
  /** Whether an error says the new container's last log lines (why a new version did not serve). */
  lastWords?: boolean;
  /**
   * The job's journal: each step is recorded with what undoes it before it runs, and the swap commits once the
   * new container served and passed the caller's steps (recovery then finishes it instead of putting back).
   */
  journal?: StepJournal;
}

/** What differs between the callers. */
export interface SwapHooks {
  onStep?(step: SwapStep): void;
  /** The error when docker did not create the new container (a start that failed is said as such). */
  createError(stderr: string): Error;
  /** The new container serves: the caller's own steps; a throw puts back. */
  onReady?(ready: Instance): Promise<void>;
  /** Putting back, once the new container is gone and before the old one has its name again. */
  onFailed?(): Promise<void>;
  /** Putting back, once the old container has its name again: how it runs again. By default `restartContainer` if it ran. */
  restartOld?(): Promise<void>;
}

export class ContainerSwap {
  /** The old container's name while it is aside. */
  readonly asideName: string;
  /** The new container's id, once docker printed it. */
  newId: string | undefined;

  constructor(
    private readonly ports: SwapPorts,
    readonly spec: SwapSpec,
    private readonly hooks: SwapHooks,
  ) {
    this.asideName = `${spec.instance.name}-${spec.asideTag}-${newInstanceId().slice(0, 6)}`;
  }

  /** The whole swap (see the module's comment): the instance on its new container, or the error once put back. */
  async run(): Promise<Instance> {
    await this.setAside();
    return this.replace();
  }

  /** Steps 2 to 4 once the old container is aside, or the put back after a failure (the error is thrown again). */
  async replace(): Promise<Instance> {
    try {
      const created = await this.create();
      if (this.spec.start) await this.ready(created);
      return await this.finish();
    } catch (e) {
      const said = await this.putBack();
      throw said ? withLastWords(e, said) : e;
    }
  }

  /** 1. The old container stops (when it runs) and takes its aside name: from here on, a failure puts it back. */
  async setAside(): Promise<void> {
    const { instance, journal } = this.spec;
    if (isActive(instance)) {
      this.hooks.onStep?.('stopping');
      await journal?.begin('stop', [{ do: 'start', container: instance.containerId, instanceId: instance.id }]);
      await this.ports.docker.run(stopArgs(instance.containerId, getEngine(instance.engine).stopTimeoutSeconds), `stop ${instance.name}`);
      await journal?.end('stop');
    }
    await journal?.begin('set-aside', [{ do: 'rename', container: instance.containerId, to: instance.name }]);
    await this.ports.docker.run(renameArgs(instance.containerId, this.asideName), `set ${instance.name} aside`);
    await journal?.end('set-aside');
  }

  /** 2. The new container, under the instance's name; resolves with the instance as docker lists it now. */
  async create(): Promise<Instance> {
    const { instance, plan, start, secrets } = this.spec;
    if (this.spec.signal?.aborted) throw cancelled();
    this.hooks.onStep?.('creating');
    const capabilities = await this.ports.capabilities();
    await this.spec.journal?.begin('create', [{ do: 'remove-others', instanceId: instance.id, keep: instance.containerId }]);
    const r = await createWithSecrets(this.ports.docker, plan, { start, capabilities });
    this.newId = r.stdout.trim().split('\n').pop() || undefined;
    await this.spec.journal?.end('create');
    if (r.code !== 0) throw start && isStartFailure(r.stderr) ? startError(plan, r.stderr, secrets) : this.hooks.createError(r.stderr);
    return this.ports.lifecycle.get(instance.id);
  }

  /** 3. The started container must serve and pass the caller's steps; it stops again when the instance did not run. */
  async ready(created: Instance): Promise<Instance> {
    const { instance, signal } = this.spec;
    const ready = await this.ports.readiness.waitUntilReady(created, { ...(signal ? { signal } : {}), timeoutMs: this.spec.readyTimeoutMs });
    await this.hooks.onReady?.(ready);
    // The new container serves and passed the caller's checks: an interruption from here on finishes the swap.
    const forward: Undo[] = [{ do: 'remove', containers: [instance.containerId] }];
    if (this.spec.wasRunning) forward.push({ do: 'start', container: ready.containerId, instanceId: instance.id });
    else forward.push({ do: 'stop', container: ready.containerId, engine: instance.engine });
    await this.spec.journal?.commit('ready', forward);
    if (!this.spec.wasRunning) {
      this.hooks.onStep?.('stopping');
      await this.ports.docker.run(stopArgs(ready.containerId, getEngine(instance.engine).stopTimeoutSeconds), `stop ${instance.name}`);
    }
    return ready;
  }

  /** 4. The new container serves: the old one goes (best effort: the swap is done either way). */
  async finish(): Promise<Instance> {
    this.hooks.onStep?.('finishing');
    await this.ports.docker.bestEffort(removeContainerArgs(this.spec.instance.containerId));
    return this.ports.lifecycle.get(this.spec.instance.id);
  }

  /**
   * Put back: removes the new container (found by the instance's label when docker printed no id), runs the
   * caller's undo, gives the old container its name back and runs it again. Best effort but for `onFailed`,
   * whose error is thrown (once the old container has its name back). Resolves with the new container's last
   * words when the spec asks for them, '' otherwise.
   */
  async putBack(): Promise<string> {
    const { instance, secrets } = this.spec;
    this.hooks.onStep?.('putting-back');
    const id = this.newId ?? (await this.findNew());
    let said = '';
    if (id) {
      if (this.spec.lastWords) {
        const logs = await this.ports.docker.bestEffort(logsArgs(id, { tail: 6 }));
        said = lastWordsOf(`${logs?.stdout ?? ''}\n${logs?.stderr ?? ''}`, secrets);
      }
      await this.ports.docker.bestEffort(removeContainerArgs(id));
    }
    try {
      await this.hooks.onFailed?.();
    } finally {
      await this.ports.docker.bestEffort(renameArgs(instance.containerId, instance.name));
      if (this.hooks.restartOld) await this.hooks.restartOld();
      else if (this.spec.wasRunning) await restartContainer(this.ports, instance);
    }
    return said;
  }

  /** The id of the new container: the instance's label, and not the old container. */
  private async findNew(): Promise<string | undefined> {
    const { instance } = this.spec;
    const r = await this.ports.docker.bestEffort(containerIdsOfInstanceArgs(instance.id));
    return r?.stdout
      .split('\n')
      .map((l) => l.trim())
      .find((id) => id && id !== instance.containerId && !instance.containerId.startsWith(id));
  }
}

/** Starts a stopped container again (after a cancel or a failure) and waits until it serves; best effort. */
export async function restartContainer(ports: Pick<SwapPorts, 'docker' | 'readiness'>, instance: Instance): Promise<void> {
  const r = await ports.docker.bestEffort(startArgs(instance.containerId));
  if (r?.code !== 0) return;
  await ports.readiness.waitUntilReady(instance, { restarted: true, timeoutMs: 120_000 }).catch(() => undefined);
}

/** A server's error lines (ERROR, FATAL, PANIC), when its last lines have some. */
const SERVER_ERROR = /\[ERROR\]|\bFATAL\b|\bPANIC\b|\bERROR:/;

/**
 * What the new container said last, for the error: its error lines when it has some (a server refusing a setting
 * says why there, after lines about its start), the most recent kept when they are long; otherwise its last lines.
 */
export function lastWordsOf(logs: string, secrets: readonly string[], max = 400): string {
  const errors = logs.split('\n').filter((l) => SERVER_ERROR.test(l));
  if (errors.length === 0) return stderrExcerpt(logs, secrets, max);
  const text = stderrExcerpt(errors.join('\n'), secrets, Number.MAX_SAFE_INTEGER);
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/** The error with what the new container said last (a cancel stays as it is). */
function withLastWords(e: unknown, said: string): unknown {
  if (isDockbaseError(e) && e.code !== 'cancelled') return new DockbaseError(e.code, `${e.message.replace(/\.?\s*$/, '.')} Its last words: ${said}`, e.field);
  return e;
}
