import type { AccountVariables, Accounts, ConnectionParts, Healthcheck, ServerSettingRules } from './types';

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
    // A dump of every database carries the mysql schema: its users and their passwords (another instance's
    // root, and MariaDB's healthcheck user, whose password is in this data folder's .my-healthcheck.cnf). The
    // server still runs with its own accounts in memory: in that same session the instance's own accounts get
    // their passwords back in the tables, then the tables take effect. So the connection string and the health
    // check keep working; the dump's other users stay as it made them. The passwords go through stdin (printf
    // is the shell's own), each quote and backslash escaped for SQL.
    String.raw`q() { printf %s "$1" | sed "s/[\\\\']/\\\\&/g"; }`,
    String.raw`alter() { printf "ALTER USER IF EXISTS '%s'@'%s' IDENTIFIED BY '%s';\n" "$(q "$1")" "$2" "$(q "$3")"; }`,
    '{',
    '  for h in % localhost; do alter root "$h" "$MYSQL_PWD"; done',
    '  u="${MARIADB_USER:-$MYSQL_USER}"; [ -n "$u" ] && alter "$u" % "${MARIADB_PASSWORD:-$MYSQL_PASSWORD}"',
    '  hc=/var/lib/mysql/.my-healthcheck.cnf',
    '  if [ -r "$hc" ]; then hp=$(sed -n "s/^password=//p" "$hc" | head -n 1); for h in localhost 127.0.0.1 ::1; do alter healthcheck "$h" "$hp"; done; fi',
    '  echo "FLUSH PRIVILEGES;"',
    `} | ${client} -uroot >/dev/null 2>"$in.err" || { cat "$in.err" >&2; exit 5; }`,
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

/** The numbers a version tag starts with: "17" → [17], "11.8.2-noble" → [11, 8, 2], "latest" → undefined. */
export function versionOf(tag: string): number[] | undefined {
  const m = /^(\d+(?:\.\d+)*)/.exec(tag.trim());
  return m ? m[1]!.split('.').map(Number) : undefined;
}

export function formatVersion(parts: readonly number[]): string {
  return parts.join('.');
}

/**
 * Compares two versions on the numbers both give: -1, 0 or 1; undefined when one only names a release line the
 * other is in ("17" and "17.2": which is newer cannot be told from the tags).
 */
export function compareVersions(a: readonly number[], b: readonly number[]): -1 | 0 | 1 | undefined {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : undefined;
}

/**
 * The refusals every engine shares, from the tags alone: a tag naming no version, the same version, a release
 * line that cannot be ordered, and a downgrade (no engine opens data a newer version wrote; the way back from an
 * upgrade is its rollback point). Undefined: `toTag` is newer.
 */
export function commonUpgradeRefusal(
  displayName: string,
  fromTag: string,
  toTag: string,
  example: string,
  parse: (tag: string) => number[] | undefined = versionOf,
): string | undefined {
  const from = parse(fromTag);
  const to = parse(toTag);
  if (!to) return `Choose a version number for ${displayName} (such as ${example}): “${toTag}” names no version, so Dockbase cannot tell what the data needs.`;
  if (!from)
    return `This instance runs the tag “${fromTag}”, which names no version: Dockbase cannot tell what its data needs. Upgrade it by hand (export, then import into a new instance).`;
  const order = compareVersions(from, to);
  if (order === 0) return `This instance already runs ${displayName} ${fromTag}.`;
  if (order === undefined)
    return `${fromTag} and ${toTag} name the same release line, so Dockbase cannot tell which is newer: choose a version newer than ${fromTag}, such as ${example}.`;
  if (order > 0) {
    return `${displayName} ${toTag} is older than ${fromTag}, and ${displayName} cannot open data a newer version wrote. Downgrades are refused: to go back after an upgrade, use Roll back (it returns to the version and data from before the upgrade).`;
  }
  return undefined;
}

/** The release line of a tag: its first `length` numbers ("8.0.4" → "8.0"). */
export function seriesOf(tag: string, length = 2): string | undefined {
  const v = versionOf(tag);
  if (!v) return undefined;
  const parts = [...v.slice(0, length)];
  while (parts.length < length) parts.push(0);
  return formatVersion(parts);
}

/**
 * `mysqld --name=value` (MySQL and MariaDB): options and system variables, `-` and `_` alike. The server also
 * reads `skip-`, `enable-`, `disable-`, `loose-` and `maximum-` forms of a name, and an unambiguous beginning of
 * one: each is refused when it would name a refused option. An empty value gives the bare option (`--name`).
 */
export function mysqlSettingRules(displayName: string): ServerSettingRules {
  const refused: Record<string, string> = {
    port: BREAKS.port,
    'bind-address': BREAKS.listen,
    networking: BREAKS.listen,
    datadir: BREAKS.data,
    'innodb-data-home-dir': BREAKS.data,
    'innodb-log-group-home-dir': BREAKS.data,
    'innodb-undo-directory': BREAKS.data,
    user: `${BREAKS.data} It belongs to the image’s own user, who runs the server.`,
    socket: BREAKS.socket,
    'grant-tables': BREAKS.auth,
    'default-authentication-plugin': BREAKS.auth,
    'authentication-policy': BREAKS.auth,
    'defaults-file': BREAKS.config,
    'defaults-extra-file': BREAKS.config,
    'defaults-group-suffix': BREAKS.config,
    defaults: BREAKS.config,
    daemonize: BREAKS.foreground,
  };
  const canonical = (name: string) => name.toLowerCase().replace(/_/g, '-');
  return {
    form: '--name=value',
    example: { name: 'max_connections', value: '300' },
    name: /^[A-Za-z][A-Za-z0-9_-]*$/,
    nameHint: `An option of ${displayName}’s server: letters, digits, "_" and "-".`,
    canonical,
    refused,
    refusal(name) {
      let n = canonical(name).replace(/^loose-/, '');
      n = n.replace(/^(skip|enable|disable|maximum|no)-/, '');
      if (refused[n]) return refused[n];
      // The server takes an unambiguous beginning of an option's name for the option.
      const abbreviated = Object.keys(refused).find((r) => r.startsWith(n));
      return abbreviated ? `${refused[abbreviated]} (${displayName} reads “${name}” as ${abbreviated}.)` : undefined;
    },
    args: (name, value) => [value === '' ? `--${name}` : `--${name}=${value}`],
  };
}

/** The arguments an engine's settings become, in their order (see ServerSettingRules.args). */
export function settingArgs(rules: ServerSettingRules, settings: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(settings ?? {}).flatMap(([name, value]) => rules.args(name, value));
}

/** Reasons shared by the engines' refused names: what of Dockbase's contract the setting would break. */
export const BREAKS = {
  port: 'Dockbase publishes the server’s own port: change the port in the instance’s Port field instead.',
  listen: 'Docker reaches the server on its container’s network: it must keep listening there.',
  data: 'Dockbase keeps the data in the instance’s volume at the data folder: the server must keep it there.',
  auth: 'Dockbase sets the password and relies on authentication: this would change or turn off how clients log in.',
  socket: 'Dockbase’s own scripts (export, import, upgrades, extensions) reach the server through its local socket.',
  config: 'A configuration file would replace what Dockbase sets; give the settings one by one instead.',
  foreground: 'Docker needs the server to stay in the foreground as the container’s main process.',
} as const;
