import type { PasswordCheck } from '@dockbase/core';
import type { CliApp } from './app';

/**
 * After an operation that replaced an instance's data (a restore, an import): whether its password still opens
 * the data, said on stderr when it does not (the connection string would not work), and its status for --json.
 */
export function reportPassword(app: CliApp, check: PasswordCheck | undefined): { password?: PasswordCheck['status'] } {
  if (!check) return {};
  if (check.status !== 'ok') app.io.stderr.write(`${check.status === 'rejected' ? 'Warning' : 'Note'}: ${check.message}\n`);
  return { password: check.status };
}
