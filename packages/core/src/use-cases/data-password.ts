/**
 * The data's password, given before a restore or an import. MySQL, MariaDB and MongoDB keep their password in
 * their data and cannot have it set without the old one: a snapshot (or a MongoDB dump) brings back the
 * password it was taken with. The user may say which one that is; once the data is replaced and the server
 * answers, the instance's configured password becomes the one given, as an Edit of the password does (its
 * container is replaced, and the new one must prove the password opens the data). When it does not, Edit puts
 * the old container back: the instance keeps its own password, and the outcome says so. The password given is
 * used in memory only: never in a job's record, its journal or its outcome.
 */
import { getEngine } from '../engines';
import { DockbaseError, isDockbaseError } from '../model/errors';
import type { Instance } from '../model/instance';
import type { StepJournal } from '../jobs/job';
import { asksDataPassword, type PasswordCheck } from './credentials';
import type { InstanceEditing } from './edit';
import type { InstanceLifecycle } from './lifecycle';

/** What became of a password given for the data (no password in it). */
export interface DataPasswordOutcome {
  /** Whether the instance's configured password is now the one given. */
  taken: boolean;
  /** What happened, in words, for the dialog, the toast and the command line. */
  message: string;
}

/**
 * What a restore or an import adds to its result when a password was given for its data: the outcome, the
 * instance's password check as it stands at the end, and the instance on its new container when it took the
 * password (its id changed).
 */
export interface DataPasswordResult {
  dataPassword?: DataPasswordOutcome;
  password?: PasswordCheck;
  instance?: Instance;
}

/** Refuses a password given for the data where it does not apply, or that the engine would not take, naming the field. */
export function checkDataPassword(instance: Pick<Instance, 'name' | 'engine'>, what: 'import' | 'restore', password: string): void {
  const engine = getEngine(instance.engine);
  if (!asksDataPassword(instance, what)) {
    const why = !engine.passwordInData
      ? `${engine.displayName} keeps no password in its data`
      : engine.applyPassword
        ? `Dockbase sets ${instance.name}’s password in the data itself`
        : `a ${engine.displayName} import keeps ${instance.name}’s own accounts`;
    throw new DockbaseError('invalid-input', `No password is asked for ${instance.name}’s data: ${why}.`, 'dataPassword');
  }
  const bad = engine.checkPassword(password);
  if (bad) throw new DockbaseError('invalid-input', `The data’s password: ${bad}`, 'dataPassword');
}

export interface TakeDataPasswordOptions {
  /** What the data came from, in words: `snapshot “nightly”`, `shop.archive.gz`. */
  source: string;
  /** The data's word in the outcome: restored, imported. */
  data: 'restored' | 'imported';
  /** The check of the instance's own password the restore or import made (none for a stopped instance). */
  check?: PasswordCheck | undefined;
  /** The job's journal for the steps after its commit (the runner's). */
  journal?: StepJournal;
  signal?: AbortSignal;
}

/**
 * Gives the instance the password its new data keeps (see the module's comment). Another failure than a
 * refused password (docker, a server that does not start) is thrown: Edit has put the old container back.
 */
export async function takeDataPassword(
  ports: { lifecycle: Pick<InstanceLifecycle, 'get' | 'details'>; editing: Pick<InstanceEditing, 'edit'> },
  instance: Instance,
  given: string,
  options: TakeDataPasswordOptions,
): Promise<DataPasswordResult & { dataPassword: DataPasswordOutcome }> {
  const { check, source, data } = options;
  const name = instance.name;
  const checked = check ? { password: check } : {};
  const current = await ports.lifecycle.get(instance.id);
  const details = await ports.lifecycle.details(current);
  const configured = getEngine(current.engine).readPassword({ env: details.env, cmd: details.cmd }) ?? '';
  if (configured === given) {
    if (check?.status === 'rejected') {
      return {
        ...checked,
        dataPassword: {
          taken: false,
          message: `The password you gave for ${source} is ${name}’s own, and it does not open the ${data} data. ${check.message}`,
        },
      };
    }
    return { ...checked, dataPassword: { taken: true, message: `${name} already has the password you gave for ${source}.` } };
  }
  // Only one password opens the data for the instance's user: when its own does, the one given cannot.
  if (check?.status === 'ok') {
    return {
      ...checked,
      dataPassword: {
        taken: false,
        message: `${name}’s own password opens the ${data} data, so it keeps it: the password you gave for ${source} is not the data’s.`,
      },
    };
  }
  try {
    const edited = await ports.editing.edit(
      current,
      { password: given },
      { ...(options.journal ? { journal: options.journal } : {}), ...(options.signal ? { signal: options.signal } : {}) },
    );
    const proved = edited.passwordCheck ?? { status: 'ok' };
    const said =
      proved.status === 'unverifiable'
        ? `${name} now has the password you gave for ${source}, but Dockbase could not check it opens the data: ${proved.message}`
        : `${name} now has the password you gave for ${source}: it opens the ${data} data.`;
    return { instance: edited.instance, password: proved, dataPassword: { taken: true, message: said } };
  } catch (e) {
    if (!(isDockbaseError(e, 'invalid-input') && e.field === 'password')) throw e;
    const refused = check?.status === 'rejected' ? ` Its data refuses that one too: ${check.message}` : '';
    return {
      ...checked,
      dataPassword: {
        taken: false,
        message: `The password you gave for ${source} does not open the ${data} data either: ${name} keeps its own password.${refused}`,
      },
    };
  }
}

/** Why giving the password failed for another reason than the data refusing it, as the outcome says it. */
export function dataPasswordFailed(instance: Pick<Instance, 'name'>, source: string, error: unknown): DataPasswordOutcome {
  const why = error instanceof Error ? error.message : String(error);
  return { taken: false, message: `${instance.name} keeps its own password: giving it the password of ${source} failed: ${why}` };
}
