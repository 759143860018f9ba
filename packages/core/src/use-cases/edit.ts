/**
 * Changing an instance: port, exposure, password, restart policy ("start with Docker") and memory limit.
 * Docker cannot change these on a container in place, so the container is replaced by a new one on the same
 * volumes, with the same name, id and labels (so notes and history stay). The old container is only set
 * aside (stopped and renamed) until the new one serves; any failure puts it back as it was.
 */
import { inspectContainerArgs, parseInspect, type ContainerDetails } from '../docker/containers';
import type { CreatePlan, VolumePlan, RestartPolicy } from '../docker/create';
import { startArgs, stopArgs } from '../docker/lifecycle';
import { ContainerSwap, type SwapStep } from './container-swap';
import type { Credentials, PasswordCheck } from './credentials';
import { getEngine } from '../engines';
import { BASELINE_CAPABILITIES, type EngineCapabilities } from '../docker/health';
import { DockbaseError, InvalidInputError, commandFailed } from '../model/errors';
import { isActive, type Instance } from '../model/instance';
import type { InstanceLifecycle } from './lifecycle';
import type { Readiness } from './readiness';
import type { DockerRunner } from '../docker/runner';
import type { StepJournal } from '../jobs/job';
import { describeSettingChanges, sameSettings, validateSettings } from '../model/settings';
import { MIN_MEMORY_BYTES, usageConflicts, validatePort, type EngineUsage, type FieldErrors } from '../model/validation';

/** What can be changed; a field left out stays as it is. */
export interface EditChanges {
  hostPort?: number;
  exposeOnNetwork?: boolean;
  password?: string;
  restartPolicy?: RestartPolicy;
  /** A memory limit in bytes; null removes the limit. */
  memoryBytes?: number | null;
  /** The server settings, all of them (model/settings.ts); an empty object removes every one. */
  settings?: Record<string, string>;
}

export type EditField = 'hostPort' | 'password' | 'memoryBytes' | 'settings';

/** What an instance is set to now, read from its container (one `docker inspect`): the edit form's start. */
export interface EditableSettings {
  hostPort: number;
  exposeOnNetwork: boolean;
  restartPolicy: RestartPolicy;
  /** Docker's own policy name when it is neither of Dockbase's two (set outside Dockbase). */
  otherRestartPolicy?: string;
  memoryBytes?: number;
  /** How a password change reaches the data: set inside the database, or only checked (see passwordChange). */
  passwordChange: PasswordChange;
  /** The server settings it starts with (its label); empty when none. */
  settings: Record<string, string>;
}

/**
 * `in-database`: Dockbase sets the new password inside the database (PostgreSQL, through its trusted local
 * socket). `config-only`: the data holds no password (Redis): the new configuration is the password.
 * `verify-only`: the engine cannot be given a new password without the old one (MySQL, MariaDB, MongoDB):
 * Dockbase only accepts a password that already opens the data (one changed with the engine's own tools),
 * and puts the old container back otherwise.
 */
export type PasswordChange = 'in-database' | 'config-only' | 'verify-only';

export function passwordChangeOf(engineId: Instance['engine']): PasswordChange {
  const engine = getEngine(engineId);
  if (!engine.passwordInData) return 'config-only';
  return engine.applyPassword ? 'in-database' : 'verify-only';
}

export type EditStep = 'stopping' | 'replacing' | 'starting' | 'setting-password' | 'checking-password' | 'cleaning-up' | 'rolling-back';

export interface EditResult {
  instance: Instance;
  /** What changed, for the history (never a password). */
  changes: string[];
  /** Set when the password was checked (it changed). */
  passwordCheck?: PasswordCheck;
}

export interface EditOptions {
  signal?: AbortSignal;
  onStep?: (step: EditStep) => void;
  /** How long the new container gets to serve. */
  readyTimeoutMs?: number;
  /** The job's journal (jobs/job.ts): the swap's steps are recorded with their undo first. */
  journal?: StepJournal;
}

function restartOf(details: ContainerDetails): Pick<EditableSettings, 'restartPolicy' | 'otherRestartPolicy'> {
  const name = details.restartPolicy || 'no';
  if (name === 'no' || name === 'unless-stopped') return { restartPolicy: name };
  // "always" behaves like "unless-stopped" for a user who starts and stops it here.
  return { restartPolicy: 'unless-stopped', otherRestartPolicy: name };
}

/** What the change set asks for, against what is (only real differences count). */
export function describeChanges(current: EditableSettings, changes: EditChanges): string[] {
  const out: string[] = [];
  if (changes.hostPort !== undefined && changes.hostPort !== current.hostPort) out.push(`port ${current.hostPort} → ${changes.hostPort}`);
  if (changes.exposeOnNetwork !== undefined && changes.exposeOnNetwork !== current.exposeOnNetwork) {
    out.push(changes.exposeOnNetwork ? 'reachable from the network (0.0.0.0)' : 'this computer only (127.0.0.1)');
  }
  if (changes.password !== undefined) out.push('password changed');
  if (changes.restartPolicy !== undefined && changes.restartPolicy !== current.restartPolicy) {
    out.push(changes.restartPolicy === 'unless-stopped' ? 'starts with Docker' : 'does not start with Docker');
  }
  if (changes.memoryBytes !== undefined && (changes.memoryBytes ?? undefined) !== current.memoryBytes) {
    out.push(changes.memoryBytes ? `memory limit ${Math.round(changes.memoryBytes / 1024 / 1024)} MiB` : 'no memory limit');
  }
  if (changes.settings !== undefined) out.push(...describeSettingChanges(current.settings, changes.settings));
  return out;
}

/** Every field's problem with the changes (empty: valid); `usage` adds the one conflict rule, the instance excepted. */
export function validateEdit(instance: Pick<Instance, 'engine' | 'name'>, changes: EditChanges, usage?: EngineUsage): Partial<Record<EditField, string>> {
  const errors: Partial<Record<EditField, string>> = {};
  if (changes.hostPort !== undefined) {
    const bad = validatePort(changes.hostPort);
    if (bad) errors.hostPort = bad;
    else if (usage) {
      const conflict: FieldErrors = usageConflicts({ name: instance.name, hostPort: changes.hostPort }, usage, instance.name);
      if (conflict.hostPort) errors.hostPort = conflict.hostPort;
    }
  }
  if (changes.password !== undefined) {
    const bad = getEngine(instance.engine).checkPassword(changes.password);
    if (bad) errors.password = bad;
  }
  if (changes.memoryBytes !== undefined && changes.memoryBytes !== null) {
    if (!Number.isInteger(changes.memoryBytes) || changes.memoryBytes < MIN_MEMORY_BYTES)
      errors.memoryBytes = `Give at least ${MIN_MEMORY_BYTES / 1024 / 1024} MiB, or no limit.`;
  }
  const settings = validateSettings(instance.engine, changes.settings);
  if (settings) errors.settings = settings;
  return errors;
}

export class InstanceEditing {
  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: InstanceLifecycle,
    private readonly readiness: Readiness,
    private readonly credentials: Credentials,
    /** Names and ports in use on the engine (InstanceCreation.usage). */
    private readonly usage: () => Promise<EngineUsage>,
    /** What the engine supports (its healthcheck options), as create uses it. */
    private readonly capabilities: () => Promise<EngineCapabilities> = async () => BASELINE_CAPABILITIES,
  ) {}

  /** The instance's current settings, for the edit form (one `docker inspect`). */
  async settings(instance: Instance): Promise<EditableSettings> {
    const details = await this.inspect(instance);
    return this.settingsOf(instance, details);
  }

  private settingsOf(instance: Instance, details: ContainerDetails): EditableSettings {
    return {
      hostPort: instance.hostPort,
      exposeOnNetwork: instance.bindAddress !== '127.0.0.1',
      ...restartOf(details),
      ...(details.memoryBytes > 0 ? { memoryBytes: details.memoryBytes } : {}),
      passwordChange: passwordChangeOf(instance.engine),
      settings: { ...(instance.settings ?? {}) },
    };
  }

  private async inspect(instance: Instance): Promise<ContainerDetails> {
    const r = await this.docker.run(inspectContainerArgs(instance.containerId), `read the settings of ${instance.name}`);
    return parseInspect(r.stdout);
  }

  /**
   * Applies the changes by replacing the container (see the module's comment). The old container is stopped
   * and renamed aside; the new one is created on the same volumes and, if the old one ran (or the password
   * changes), started and waited for; a new password is set inside the database where the engine allows it
   * and then checked. Only then is the old container removed. On any failure the new container is removed
   * and the old one gets its name back and runs again if it ran: the error says what failed.
   */
  async edit(instance: Instance, changes: EditChanges, options: EditOptions = {}): Promise<EditResult> {
    const step = options.onStep ?? (() => undefined);
    const invalid = validateEdit(instance, changes);
    if (Object.keys(invalid).length > 0) throw new InvalidInputError(invalid);
    // Only a container Dockbase created is ever replaced (see InstanceLifecycle.owned).
    instance = await this.lifecycle.owned(instance);
    const engine = getEngine(instance.engine);
    const details = await this.inspect(instance);
    const current = this.settingsOf(instance, details);
    const described = describeChanges(current, changes);
    if (described.length === 0) return { instance, changes: [] };

    if (changes.hostPort !== undefined && changes.hostPort !== instance.hostPort) {
      const usage = await this.usage();
      const conflict = usageConflicts({ name: instance.name, hostPort: changes.hostPort }, usage, instance.name);
      if (conflict.hostPort) throw new DockbaseError('port-in-use', conflict.hostPort, 'hostPort');
    }

    const oldPassword = engine.readPassword({ env: details.env, cmd: details.cmd }) ?? '';
    const passwordChanged = changes.password !== undefined && changes.password !== oldPassword;
    const accounts = engine.readAccounts(details.env);
    const user = instance.user ?? accounts.user;
    const database = instance.database ?? accounts.database;
    const memory = changes.memoryBytes === undefined ? current.memoryBytes : (changes.memoryBytes ?? undefined);
    const settings = changes.settings ?? current.settings;
    const settingsChanged = !sameSettings(settings, current.settings);
    const plan: CreatePlan = {
      id: instance.id,
      name: instance.name,
      engine: instance.engine,
      image: instance.image,
      tag: instance.tag,
      hostPort: changes.hostPort ?? instance.hostPort,
      bindAddress: changes.exposeOnNetwork === undefined ? instance.bindAddress : changes.exposeOnNetwork ? '0.0.0.0' : '127.0.0.1',
      password: changes.password ?? oldPassword,
      volumes: volumePlans(instance, details),
      ...(instance.dataId !== undefined ? { dataId: instance.dataId } : {}),
      restartPolicy: changes.restartPolicy ?? current.restartPolicy,
      ...(memory ? { memoryBytes: memory } : {}),
      ...(user ? { user } : {}),
      ...(database ? { database } : {}),
      // The project (and branch) it serves stays with it: `dockbase up` finds it again by these labels.
      ...(instance.project ? { project: instance.project } : {}),
      ...(instance.flavour ? { flavour: instance.flavour } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
    };
    const secrets = [plan.password, oldPassword];
    const wasActive = isActive(instance);
    // New settings are proven by a start (and a stopped instance stops again): a server that rejects one says
    // why in its log, and the instance goes back to its previous settings.
    const start = wasActive || passwordChanged || settingsChanged;
    // Once the new password is set inside the database, a put back must set the old one back too.
    let applied = false;
    let passwordCheck: PasswordCheck | undefined;
    const steps: Record<SwapStep, EditStep> = {
      stopping: 'stopping',
      creating: start ? 'starting' : 'replacing',
      finishing: 'cleaning-up',
      'putting-back': 'rolling-back',
    };
    // The new container, on the same volumes; started (and waited for) if the old one ran or the password
    // changes: it must serve, with a password that opens the data.
    const swap = new ContainerSwap(
      { docker: this.docker, lifecycle: this.lifecycle, readiness: this.readiness, capabilities: this.capabilities },
      {
        instance,
        plan,
        asideTag: 'previous',
        start,
        wasRunning: wasActive,
        readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
        secrets,
        // With new settings, a server that did not serve says why in its own words (its last log lines).
        lastWords: settingsChanged,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.journal ? { journal: options.journal } : {}),
      },
      {
        onStep: (s) => step(steps[s]),
        createError: (stderr) => commandFailed(`create the new container of ${instance.name}`, stderr, secrets),
        onReady: async (replaced) => {
          if (passwordChanged && engine.applyPassword) {
            step('setting-password');
            // Interrupted once the data has the new password: the old container sets its own back.
            await options.journal?.begin('set-password', [{ do: 'reapply-password', instanceId: instance.id }]);
            applied = true;
            await this.credentials.apply(replaced, options.signal);
          }
          if (passwordChanged) {
            step('checking-password');
            passwordCheck = await this.credentials.verify(replaced, options.signal);
            if (passwordCheck.status === 'rejected') {
              throw new DockbaseError(
                'invalid-input',
                engine.applyPassword
                  ? `${engine.displayName} still refuses the new password of ${instance.name}.`
                  : `${engine.displayName} keeps ${instance.name}'s password in its data, and Dockbase cannot change it there: the new password does not open the data. Change it in ${engine.displayName} first (ALTER USER…), then enter it here.`,
                'password',
              );
            }
          }
        },
        restartOld: () => this.restartOld(instance, wasActive, applied),
      },
    );

    // The old container set aside (stopped, renamed): from here on, every failure puts it back.
    await swap.setAside();
    try {
      const replaced = await swap.replace();
      return { instance: replaced, changes: described, ...(passwordCheck ? { passwordCheck } : {}) };
    } catch (e) {
      if (e instanceof DockbaseError && e.code === 'cancelled') throw e;
      const message = e instanceof Error ? e.message : String(e);
      const restored = wasActive ? `${instance.name} runs again as before` : `${instance.name} is back as before`;
      throw new DockbaseError(
        e instanceof DockbaseError ? e.code : 'command-failed',
        `${message.replace(/\.$/, '')}. Nothing was changed: ${restored}.`,
        e instanceof DockbaseError ? e.field : undefined,
      );
    }
  }

  /**
   * How the old container runs again once it has its name back: started if it ran. When the new password
   * had been set inside the database, the old container sets its own back (the same way: its env holds the
   * old password), so the data opens with the old settings again.
   */
  private async restartOld(instance: Instance, wasActive: boolean, applied: boolean): Promise<void> {
    if (wasActive || applied) await this.docker.bestEffort(startArgs(instance.containerId));
    if (applied) {
      try {
        const old = await this.lifecycle.get(instance.id);
        const ready = await this.readiness.waitUntilReady(old, { timeoutMs: 120_000 });
        await this.credentials.apply(ready);
      } catch {
        // Best effort: the error the user sees says what failed; the history keeps it.
      }
      if (!wasActive) await this.docker.bestEffort(stopArgs(instance.containerId, getEngine(instance.engine).stopTimeoutSeconds));
    }
  }
}

/** The new container mounts exactly the old one's named volumes, at the same places. */
function volumePlans(instance: Instance, details: ContainerDetails): VolumePlan[] {
  const engine = getEngine(instance.engine);
  const mounts = engine.dataMounts(instance.tag);
  return instance.volumes.map((name) => {
    const destination = details.mounts.find((m) => m.name === name)?.destination;
    const mount = mounts.find((m) => m.path === destination) ?? mounts.find((m) => name.endsWith(`-${m.key}`)) ?? { key: 'data', path: destination ?? '/data' };
    return { name, mount: destination ? { ...mount, path: destination } : mount };
  });
}
