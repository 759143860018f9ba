/**
 * What the three ways of an upgrade share (upgrade-in-place.ts, upgrade-dump-restore.ts, upgrade-rollback.ts):
 * the switch to the new container, the version checks, the image, the password the new container is given,
 * and the error a user sees. See upgrades.ts for what an upgrade is.
 */
import type { CreatePlan, VolumePlan } from '../docker/create';
import { execScriptArgs } from '../docker/exec';
import { imageExistsArgs } from '../docker/images';
import { ContainerSwap, restartContainer } from './container-swap';
import type { EngineFacts } from '../docker/engine-facts';
import { getEngine, getFlavour, tagVersion, versionOf, type EngineDefinition } from '../engines';
import { checkImage, imageRefusal } from './image-check';
import { DockbaseError, cancelled, createError, isDockbaseError, redact, stderrExcerpt } from '../model/errors';
import type { Instance } from '../model/instance';
import type { InstanceLifecycle } from './lifecycle';
import { pullImage, type PullProgress } from './pull';
import type { Readiness } from './readiness';
import type { DockerRunner } from '../docker/runner';
import type { StepJournal } from '../jobs/job';
import type { SnapshotVolume } from '../model/snapshot-model';
import type { Snapshots } from './snapshots';

/** How long a new version gets to serve: MariaDB's and MySQL's own upgrade steps run before they listen. */
export const READY_TIMEOUT_MS = 600_000;

export class UpgradeSteps {
  constructor(
    readonly docker: DockerRunner,
    readonly lifecycle: InstanceLifecycle,
    readonly readiness: Readiness,
    readonly snapshots: Snapshots,
    readonly engineFacts: EngineFacts,
  ) {}

  /**
   * Replaces the (stopped) instance's container by one running `target` on `volumes`, with the same id, name,
   * port, exposure and password (a container swap): the old container is renamed aside until the new one
   * serves and passed `onStarted` (the version checks); then it is removed. Otherwise the new container is
   * removed, `onFailed` runs (data put back), and the old one gets its name back and runs again if it ran.
   */
  async switchContainer(
    instance: Instance,
    target: { image: string; tag: string },
    volumes: VolumePlan[],
    password: string,
    wasRunning: boolean,
    hooks: { onStarted(i: Instance): Promise<string>; onFailed?(): Promise<void>; readyTimeoutMs: number; journal?: StepJournal | undefined },
  ): Promise<{ instance: Instance; serverVersion: string }> {
    // What the user set on the container carries over with it: "start with Docker" and a memory limit.
    const details = await this.lifecycle.details(instance);
    const plan: CreatePlan = {
      id: instance.id,
      name: instance.name,
      engine: instance.engine,
      image: target.image,
      tag: target.tag,
      hostPort: instance.hostPort,
      bindAddress: instance.bindAddress,
      password,
      volumes,
      // The data keeps the id of the instance that made it (an upgrade's new volume is labelled with it too).
      ...(volumes.length > 0 ? { dataId: instance.dataId ?? instance.id } : {}),
      // The accounts the data was made with: the connection string and the readiness probe name them.
      ...(instance.user ? { user: instance.user } : {}),
      ...(instance.database ? { database: instance.database } : {}),
      ...(instance.project ? { project: instance.project } : {}),
      ...(instance.flavour ? { flavour: instance.flavour } : {}),
      // The server settings carry over: the new version starts with them (one it rejects rolls the upgrade back).
      ...(instance.settings ? { settings: instance.settings } : {}),
      ...(details.restartPolicy === 'unless-stopped' || details.restartPolicy === 'always' ? { restartPolicy: 'unless-stopped' as const } : {}),
      ...(details.memoryBytes > 0 ? { memoryBytes: details.memoryBytes } : {}),
    };
    const secrets = [password];
    let serverVersion = '';
    const swap = new ContainerSwap(
      // Its healthcheck as create gives it on this engine (a start interval where the engine has one).
      { docker: this.docker, lifecycle: this.lifecycle, readiness: this.readiness, capabilities: () => this.engineFacts.capabilities() },
      // A new version says why it did not serve in its log: its last lines go into the error.
      {
        instance,
        plan,
        asideTag: 'before-upgrade',
        start: true,
        wasRunning,
        readyTimeoutMs: hooks.readyTimeoutMs,
        secrets,
        lastWords: true,
        ...(hooks.journal ? { journal: hooks.journal } : {}),
      },
      {
        createError: (stderr) => createError({ ...plan, image: target.image }, stderr, secrets),
        onReady: async (ready) => {
          serverVersion = await hooks.onStarted(ready);
        },
        ...(hooks.onFailed ? { onFailed: hooks.onFailed } : {}),
      },
    );
    return { instance: await swap.run(), serverVersion };
  }

  /** Starts the old container again after a cancel or a failure, and waits until it serves (best effort). */
  restartOld(instance: Instance): Promise<void> {
    return restartContainer(this, instance);
  }

  /** The admin password, read from the instance's container (it carries over to the new one). */
  async passwordOf(instance: Instance): Promise<string> {
    const details = await this.lifecycle.details(instance);
    const password = getEngine(instance.engine).readPassword({ env: details.env, cmd: details.cmd });
    if (!password)
      throw new DockbaseError(
        'invalid-input',
        `Dockbase cannot read the password of ${instance.name} from its container, so the new version could not be given it.`,
      );
    return password;
  }

  async ensureImage(ref: string, signal?: AbortSignal, onProgress?: (p: PullProgress) => void, instance?: Pick<Instance, 'engine' | 'flavour'>): Promise<void> {
    if ((await this.docker.tryRun(imageExistsArgs(ref), signal)).code === 0) return;
    if (instance) {
      // Before the pull (and before anything stops): the target tag must exist for this machine's platform; a
      // flavour with no image for the new version is refused here.
      const engine = getEngine(instance.engine);
      const flavour = instance.flavour ? getFlavour(instance.flavour) : undefined;
      const check = await checkImage(this.docker, ref, {
        platform: await this.engineFacts.platform(),
        candidates: (flavour ?? engine).suggestedTags.map((name) => ({ name })),
        versionOf: (t) => tagVersion(engine, t),
        signal,
      });
      const refusal = imageRefusal(check);
      if (refusal) throw refusal;
    }
    await pullImage(this.docker, ref, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
  }

  /** Runs an engine's version script in a running container; its first line of output. */
  async runVersionScript(containerId: string, script: string, what: string, secrets: readonly string[]): Promise<string> {
    const r = await this.docker.tryRun(execScriptArgs(containerId, script));
    const first =
      r.stdout
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean) ?? '';
    if (r.code !== 0 || first.startsWith('dockbase-error')) {
      throw new DockbaseError(
        'command-failed',
        `Could not check ${what}: ${stderrExcerpt(`${first.replace(/^dockbase-error\s*/, '')}\n${r.stderr}`, secrets) || `exit code ${r.code}`}`,
      );
    }
    return first;
  }

  /** The server's own version must be the tag's; returns what it reported. */
  async checkVersion(instance: Instance, tag: string, script: string, secrets: readonly string[]): Promise<string> {
    const reported = await this.runVersionScript(instance.containerId, script, 'the server’s version', secrets);
    const engine = getEngine(instance.engine);
    if (!reportsVersion(reported, tag, engine)) {
      throw new DockbaseError('command-failed', `The new server reports ${engine.displayName} ${reported || '(nothing)'}, not ${tag}.`);
    }
    return reported;
  }
}

/** Whether the server's reported version is the tag's version ("11.8.9-MariaDB…" is 11.8, "17.12" is 17). */
export function reportsVersion(reported: string, tag: string, engine?: Pick<EngineDefinition, 'tagVersion'>): boolean {
  const got = versionOf(reported);
  const want = engine ? tagVersion(engine, tag) : versionOf(tag);
  return !!got && !!want && want.every((n, i) => got[i] === n);
}

/** Volume plans for the new container: the given volumes at the mounts of the version it runs. */
export function plansOf(volumes: readonly SnapshotVolume[], mounts?: ReturnType<EngineDefinition['dataMounts']>): VolumePlan[] {
  return volumes.map((v) => {
    const mount = mounts?.find((m) => m.key === v.key) ?? { key: v.key, path: v.path };
    return { name: v.volume, mount };
  });
}

/** The error a user sees: what failed (cancelled stays cancelled), then what state the instance is in. */
export function failed(e: unknown, state: string, secrets: readonly string[]): DockbaseError {
  if (isDockbaseError(e, 'cancelled')) return cancelled(`Upgrade cancelled. ${state}`);
  const message = redact(e instanceof Error ? e.message : String(e), secrets).replace(/\.?\s*$/, '.');
  if (isDockbaseError(e)) return new DockbaseError(e.code, `${message} ${state}`, e.field);
  return new DockbaseError('command-failed', `${message} ${state}`);
}
