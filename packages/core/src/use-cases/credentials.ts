/**
 * Whether an instance's password opens its data, and setting it there: each engine's own client runs INSIDE
 * the container and reads the password from the container's configuration (its env), so no password is on
 * any command line, in docker's argv or in a log. Used after a create on kept data and after an edit that
 * changes the password: a connection string is only worth showing when its password authenticates.
 */
import { applyPasswordArgs, verifyPasswordArgs } from '../docker/exec';
import { getEngine } from '../engines';
import { DockbaseError, stderrExcerpt, throwIfAborted } from '../model/errors';
import type { Instance } from '../model/instance';
import type { Readiness } from './readiness';
import type { DockerRunner } from '../docker/runner';

export type PasswordCheck =
  /** The engine's client authenticated with the configured password. */
  | { status: 'ok' }
  /** The engine refused it: the data keeps another password. */
  | { status: 'rejected'; message: string }
  /** Nothing can be said (the image has no client, the instance does not run). */
  | { status: 'unverifiable'; message: string };

/** Exit code of the scripts when the image lacks the engine's client (see EngineDefinition.verifyPassword). */
const NO_CLIENT = 127;

export function rejectedMessage(instance: Pick<Instance, 'name' | 'engine'>): string {
  const engine = getEngine(instance.engine);
  return `${engine.displayName} refused ${instance.name}'s password: its data keeps another one. Enter the data's password (Edit), or reset it where ${engine.displayName} allows it.`;
}

/**
 * Whether Dockbase asks, before a restore or an import, which password the instance should show: the engines
 * that keep their password in their data and cannot have it set without the old one (MySQL, MariaDB,
 * MongoDB), where the data brought in may keep another password than the instance's. Not for a MySQL or
 * MariaDB import, which keeps the instance's own accounts (their import script).
 */
export function asksDataPassword(instance: Pick<Instance, 'engine'>, what: 'import' | 'restore'): boolean {
  const engine = getEngine(instance.engine);
  if (!engine.passwordInData || engine.applyPassword) return false;
  return !(what === 'import' && (engine.id === 'mysql' || engine.id === 'mariadb'));
}

/**
 * What happens to the instance's password when a dump or a snapshot replaces its data, said before the user
 * confirms (the Import and Restore dialogs, the command line's prompts); undefined where the password is not
 * kept in the data (Redis).
 */
export function passwordAfterReplaceNote(instance: Pick<Instance, 'name' | 'engine'>, what: 'import' | 'restore'): string | undefined {
  const engine = getEngine(instance.engine);
  if (!engine.passwordInData) return undefined;
  if (engine.applyPassword) {
    return `A ${what === 'import' ? 'dump' : 'snapshot'} carries its own passwords: Dockbase then sets ${instance.name}’s password in the data again, so its connection string keeps working.`;
  }
  // MySQL and MariaDB imports keep the instance's own accounts (their import script); a snapshot is the data as it was.
  if (!asksDataPassword(instance, what)) {
    return `A dump of every database carries its users: ${instance.name} keeps its own accounts and their passwords, so its connection string keeps working.`;
  }
  const source = what === 'import' ? 'dump' : 'snapshot';
  return `The ${source} may hold another password: ${engine.displayName} cannot have its password set without the old one. Either ${instance.name} keeps its password and Dockbase checks it opens the data afterwards, or you give the ${source}’s password and ${instance.name} takes it once it is proved to open the data.`;
}

export class Credentials {
  constructor(
    private readonly docker: DockerRunner,
    private readonly readiness: Readiness,
  ) {}

  /** Proves the instance's configured password authenticates, with the engine's own client (one `docker exec`). */
  async verify(instance: Instance, signal?: AbortSignal): Promise<PasswordCheck> {
    const engine = getEngine(instance.engine);
    if (instance.status !== 'running') return { status: 'unverifiable', message: `${instance.name} is not running: its password cannot be checked now.` };
    const r = await this.docker.tryRun(verifyPasswordArgs(instance.containerId, instance.engine), signal);
    if (r.code === 0) return { status: 'ok' };
    if (r.code === NO_CLIENT || /executable file not found|no such file or directory/i.test(r.stderr)) {
      return { status: 'unverifiable', message: `The image of ${instance.name} has no ${engine.clientName}: Dockbase could not check its password.` };
    }
    if (/is not running|No such container|is paused/i.test(r.stderr)) {
      return { status: 'unverifiable', message: `${instance.name} is not running: its password cannot be checked now.` };
    }
    return { status: 'rejected', message: rejectedMessage(instance) };
  }

  /** Whether the engine can set a new password without the old one (see EngineDefinition.applyPassword). */
  canApply(instance: Pick<Instance, 'engine'>): boolean {
    return getEngine(instance.engine).applyPassword !== undefined;
  }

  /** Sets the data's password to the one in the container's configuration (engines that allow it). */
  async apply(instance: Instance, signal?: AbortSignal): Promise<void> {
    const engine = getEngine(instance.engine);
    if (!engine.applyPassword) {
      throw new DockbaseError('invalid-input', `${engine.displayName} cannot have its password set without the old one.`, 'password');
    }
    const r = await this.docker.tryRun(applyPasswordArgs(instance.containerId, instance.engine), signal);
    if (r.code === NO_CLIENT)
      throw new DockbaseError('command-failed', `The image of ${instance.name} has no ${engine.clientName}: Dockbase could not set its password.`);
    if (r.code !== 0) {
      throw new DockbaseError(
        'command-failed',
        `${engine.displayName} did not accept the new password of ${instance.name}: ${stderrExcerpt(r.stderr) || `exit code ${r.code}`}`,
      );
    }
  }

  /**
   * After the instance's data was replaced (a restore, an import): a dump or a snapshot carries its own roles
   * and their passwords, so the instance's password is set in the data again where the engine allows it
   * without the old one (PostgreSQL, through its trusted local socket, as Edit does), then checked with the
   * engine's client. Other engines are only checked: a refused password is answered `rejected`, for the door
   * to show instead of a connection string that does not work. An engine whose password is not kept in its
   * data (Redis) answers ok.
   */
  async reassert(instance: Instance, signal?: AbortSignal): Promise<PasswordCheck> {
    const engine = getEngine(instance.engine);
    if (!engine.passwordInData) return { status: 'ok' };
    if (instance.status !== 'running') return { status: 'unverifiable', message: `${instance.name} is not running: its password cannot be checked now.` };
    // A failure to set it is told by the check that follows (the user the data lacks, a refused password).
    if (engine.applyPassword) await this.apply(instance, signal).catch(() => undefined);
    return this.verify(instance, signal);
  }

  /**
   * After a start on kept data (or with a new password): waits until the server answers, sets the password
   * inside the database when asked, then checks it. A server that never answers is an error; a refused
   * password is a `rejected` answer, for the caller to report.
   */
  async confirm(instance: Instance, options: { apply?: boolean; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<PasswordCheck> {
    const ready = await this.readiness.waitUntilReady(instance, {
      ...(options.signal ? { signal: options.signal } : {}),
      timeoutMs: options.timeoutMs ?? 120_000,
    });
    throwIfAborted(options.signal);
    if (options.apply) await this.apply(ready, options.signal);
    return this.verify(ready, options.signal);
  }
}
