/**
 * `--data-password-stdin` of restore and import: the password the snapshot's or the dump's data keeps, for
 * engines that cannot have theirs set without the old one (MySQL, MariaDB, MongoDB). Read like every other
 * password of the command line (from a pipe, or typed without echo on a terminal), sent with the job, which
 * gives it to the instance once the data is in, if it opens the data. Never on the command line.
 */
import { asksDataPassword, getEngine, type DataPasswordResult, type Instance, type PasswordCheck } from '@dockbase/core';
import type { CliApp } from './app';
import { UsageError } from './exit-codes';
import { readPassword } from './password';
import { reportPassword } from './password-check';

export const DATA_PASSWORD_OPTION = [
  '--data-password-stdin',
  'read the password the data brought in keeps from stdin (typed without echo on a terminal): MySQL, MariaDB and MongoDB cannot have theirs set without the old one, so the instance takes it once the data is in, if it opens the data',
] as const;

/** The data's password from stdin; refused (exit 2) where none is asked for, before anything is read or changed. */
export async function readDataPassword(app: CliApp, instance: Pick<Instance, 'name' | 'engine'>, what: 'restore' | 'import', source: string): Promise<string> {
  if (!asksDataPassword(instance, what)) {
    const engine = getEngine(instance.engine);
    const why = !engine.passwordInData
      ? `${engine.displayName} keeps no password in its data`
      : engine.applyPassword
        ? `Dockbase sets ${instance.name}'s password in the data itself`
        : `a ${engine.displayName} import keeps ${instance.name}'s own accounts`;
    throw new UsageError(`--data-password-stdin is not needed for ${instance.name}: ${why}. Nothing was changed.`);
  }
  const password = await readPassword(app.io.stdin, app.io.stderr, `Password of ${source} (not shown): `);
  if (!password) throw new UsageError('--data-password-stdin read no password. Nothing was changed.');
  return password;
}

/**
 * What a restore or an import found of the instance's password: with a password given, what became of it (a
 * note when taken, a warning when not); else whether its own password opens the data (reportPassword). The
 * fields for --json.
 */
export function reportDataPassword(
  app: CliApp,
  result: DataPasswordResult & { password?: PasswordCheck },
): { password?: PasswordCheck['status']; dataPasswordTaken?: boolean } {
  const given = result.dataPassword;
  if (!given) return reportPassword(app, result.password);
  app.io.stderr.write(`${given.taken ? 'Note' : 'Warning'}: ${given.message}\n`);
  return { ...(result.password ? { password: result.password.status } : {}), dataPasswordTaken: given.taken };
}
