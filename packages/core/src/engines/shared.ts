import type { AccountVariables, Accounts, ConnectionParts, Healthcheck } from './types';

export const MAX_PASSWORD_LENGTH = 128;

/** What the official SQL images run from /docker-entrypoint-initdb.d on first start. */
export const SQL_SEED_EXTENSIONS: readonly string[] = ['.sql', '.sql.gz', '.sh'];

/** Shell: the import file "$in" as plain text on stdout, gunzipped when "$gz" is 1 (gunzip's complaints in "$in.gz"). */
export const sqlStream = 'if [ "$gz" = 1 ]; then gunzip -c "$in" 2>"$in.gz"; else cat "$in"; fi';

/** Shell for MySQL and MariaDB: the client `$1` reads the SQL file "$in"; it stops at the first error. */
export function mysqlImportScript(client: string): string {
  return [
    `${sqlStream} | ${client} -uroot >/dev/null 2>"$in.err"`,
    'rc=$?',
    'if [ -s "$in.gz" ]; then cat "$in.gz" >&2; exit 4; fi',
    'if [ "$rc" != 0 ]; then cat "$in.err" >&2; exit "$rc"; fi',
  ].join('\n');
}

/** mysqldump's options for one consistent file of every database (InnoDB: one transaction, no locks). */
export const MYSQL_DUMP_OPTIONS = '-uroot --single-transaction --all-databases --routines --events --triggers --result-file="$out"';

/** Rules every engine shares: a password is required, bounded, and free of control characters. */
export function checkCommonPassword(password: string): string | undefined {
  if (password.length === 0) return 'A password is required.';
  if ([...password].length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'Line breaks, tabs and other control characters are not allowed.';
  return undefined;
}

/**
 * `scheme://user:password@host:port/database`, with user, password and database percent-encoded; the
 * database is `defaultPath` when the parts name none.
 */
export function buildUri(scheme: string, parts: ConnectionParts, defaultPath = '', query = ''): string {
  const user = encodeURIComponent(parts.user);
  const password = encodeURIComponent(parts.password);
  const path = parts.database !== undefined && parts.database !== '' ? encodeURIComponent(parts.database) : defaultPath;
  return `${scheme}://${user}:${password}@${parts.host}:${parts.port}/${path}${query ? `?${query}` : ''}`;
}

/** The accounts an image's variables name, as environment entries (nothing for what is not set). */
export function accountEnvironment(vars: AccountVariables, accounts: Accounts | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (vars.user && accounts?.user) env[vars.user] = accounts.user;
  if (vars.database && accounts?.database) env[vars.database] = accounts.database;
  return env;
}

/** The accounts a container's env names through the image's variables. */
export function accountsFromEnv(env: readonly string[], vars: AccountVariables): Accounts {
  const user = vars.user ? envValue(env, vars.user) : undefined;
  const database = vars.database ? envValue(env, vars.database) : undefined;
  return { ...(user ? { user } : {}), ...(database ? { database } : {}) };
}

/** A script for `sh -c` that exits 127 when the image lacks `client`, then runs `body`. */
export function withClient(client: string, body: string): string {
  return `command -v ${client} >/dev/null 2>&1 || exit 127; ${body}`;
}

/** Leading major version of a tag: "17" → 17, "17.2-alpine" → 17, "latest" → undefined. */
export function majorOf(tag: string): number | undefined {
  const m = /^(\d+)/.exec(tag);
  return m ? Number(m[1]) : undefined;
}

export function envValue(env: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  const entry = env.find((e) => e.startsWith(prefix));
  return entry === undefined ? undefined : entry.slice(prefix.length);
}

/** An engine's probe; how often docker runs it is decided for every engine alike (health.ts). */
export function healthcheck(command: string, startPeriodSeconds: number): Healthcheck {
  return { command, startPeriodSeconds };
}
