import {
  SQL_SEED_EXTENSIONS,
  accountEnvironment,
  accountsFromEnv,
  buildUri,
  checkCommonPassword,
  commonUpgradeRefusal,
  envValue,
  BREAKS,
  healthcheck,
  settingArgs,
  sqlStream,
  versionOf,
  withClient,
} from './shared';
import type { DumpRestoreUpgrade, EngineDefinition, EngineUpgrade, ServerSettingRules } from './types';

/** `postgres -c name=value`: any parameter of postgresql.conf, extensions' own (`pg_stat_statements.max`) too. */
const settings: ServerSettingRules = {
  form: '-c name=value',
  example: { name: 'shared_preload_libraries', value: 'pg_stat_statements' },
  name: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/,
  nameHint: 'A parameter name: letters, digits and "_" (an extension’s own with a dot, like pg_stat_statements.max).',
  canonical: (name) => name.toLowerCase(),
  refused: {
    port: BREAKS.port,
    listen_addresses: BREAKS.listen,
    data_directory: BREAKS.data,
    config_file: BREAKS.config,
    hba_file: BREAKS.auth,
    ident_file: BREAKS.auth,
    password_encryption: BREAKS.auth,
    unix_socket_directories: BREAKS.socket,
  },
  args: (name, value) => ['-c', `${name}=${value}`],
};

/**
 * psql errors that a pg_dumpall file always causes when it is read back into a running cluster: the role
 * it is connected as cannot be dropped or created again. Anything else is a failed import.
 */
const EXPECTED_PSQL_ERRORS = ['role "postgres" already exists', 'current user cannot be dropped', 'cannot drop the currently open database'];

/** Official image `postgres`. Versions 18 and later keep PGDATA under /var/lib/postgresql/<major>/docker. */
const LATEST_MAJOR = 18;

/**
 * The PostgreSQL version a tag runs: "17.2-alpine" → [17, 2]; the flavours' images name it elsewhere:
 * "pg17", "0.8.0-pg17", "latest-pg17" → [17] (pgvector, TimescaleDB), "17-3.5" → [17] (PostGIS).
 */
export function pgVersionOf(tag: string): number[] | undefined {
  const m = /(?:^|-)pg(\d+)(?:-|$)/.exec(tag.trim());
  return m ? [Number(m[1])] : versionOf(tag);
}

function majorOf(tag: string): number | undefined {
  return pgVersionOf(tag)?.[0];
}

const ACCOUNTS = { user: 'POSTGRES_USER', database: 'POSTGRES_DB' } as const;

/** The role Dockbase connects as: POSTGRES_USER when the container sets it, the image's `postgres` otherwise. */
const ROLE = '"${POSTGRES_USER:-postgres}"';
/** psql as the superuser over the socket folder "$1", without a password (the socket is trusted). */
const PSQL_AT = `psql -X -At -v ON_ERROR_STOP=1 -h "$1" -U ${ROLE}`;

/**
 * Across major versions: the new version's own pg_dumpall (PostgreSQL's advice: the newer tools know how to
 * read an older server) reads the old server through its socket, straight into the new server's psql. No
 * file, no network, no password. pg_dumpall without --clean recreates the roles (with their password hashes:
 * the password carries over) and the databases; the only error it always causes is creating the superuser
 * that initdb already made.
 */
const dumpRestore: DumpRestoreUpgrade = {
  socketFolder: '/var/run/postgresql',
  versionScript: `${PSQL_AT} -d postgres -c 'SHOW server_version_num'`,
  sizeScript: `${PSQL_AT} -d postgres -c 'SELECT sum(pg_database_size(oid)) FROM pg_database'`,
  fingerprintScript: [
    // Every database that accepts connections, each table's exact row count (partitioned tables and
    // materialized views too), one line each, sorted: the same text on both sides, or no switch.
    `${PSQL_AT} -d postgres -c 'SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname' | while IFS= read -r db; do`,
    `  PGDATABASE="$db" ${PSQL_AT} <<'SQL' || exit 5`,
    "SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I', current_database() || '.' || n.nspname || '.' || c.relname, n.nspname, c.relname)",
    'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
    "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'",
    // An extension's own tables (PostGIS's spatial_ref_sys…) hold what its version ships, which a newer
    // version may extend: the extension check below compares those, by version.
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')",
    'ORDER BY 1',
    '\\gexec',
    'SQL',
    'done',
  ].join('\n'),
  extensionsScript: [
    `${PSQL_AT} -d postgres -c 'SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname' | while IFS= read -r db; do`,
    `  PGDATABASE="$db" ${PSQL_AT} -c "SELECT current_database() || ' ' || extname || ' ' || extversion FROM pg_extension ORDER BY extname" || exit 5`,
    'done',
  ].join('\n'),
  copyScript: [
    'e=/tmp/dockbase-upgrade',
    // Every second, the bytes the new server holds so far (`dockbase-progress BYTES`): progress without a
    // docker call per tick. sleep holds no copy of stdout, so nothing keeps the exec open once the copy ends.
    '( while sleep 1 </dev/null >/dev/null 2>&1; do printf \'dockbase-progress %s\\n\' "$(psql -X -At -U "${POSTGRES_USER:-postgres}" -d postgres -c \'SELECT sum(pg_database_size(oid)) FROM pg_database\' 2>/dev/null)"; done ) &',
    'p=$!',
    `{ pg_dumpall -h "$1" -U ${ROLE} 2>"$e.dump"; echo $? >"$e.rc"; } | psql -X -q -v ON_ERROR_STOP=0 -U ${ROLE} -d postgres -f - >/dev/null 2>"$e.err"`,
    'rc=$?',
    'kill "$p" 2>/dev/null',
    'if [ "$(cat "$e.rc")" != 0 ]; then tail -n 20 "$e.dump" >&2; exit 3; fi',
    // The new data folder is fresh: a database or schema it has already was made by its image's init (PostGIS's
    // template_postgis, tiger, topology); the dump's contents still go into it, and the row counts and the
    // extension check after the copy prove them.
    `if grep 'ERROR:' "$e.err" | grep -v -F -e "role \\"\${POSTGRES_USER:-postgres}\\" already exists" | grep -v -E 'ERROR:  (database|schema) "[^"]+" already exists$' >&2; then exit 4; fi`,
    'exit $rc',
  ].join('\n'),
  volumeSuffix: (tag) => String(majorOf(tag) ?? LATEST_MAJOR),
  parseVersion(output) {
    const n = Number(output.trim().split('\n')[0]);
    return Number.isInteger(n) && n >= 100000 ? [Math.floor(n / 10000)] : undefined;
  },
};

const upgrade: EngineUpgrade = {
  refusal: (from, to) => commonUpgradeRefusal('PostgreSQL', from, to, String(LATEST_MAJOR), pgVersionOf),
  method: (from, to) => ((majorOf(from) ?? LATEST_MAJOR) === (majorOf(to) ?? LATEST_MAJOR) ? 'in-place' : 'dump-restore'),
  explain(from, to) {
    if (upgrade.method(from, to) === 'in-place') {
      return `PostgreSQL ${to} opens the data folder of ${from} as it is (same major version). Dockbase stops the instance, keeps a snapshot of its data (the rollback point), starts ${to} on the same data and checks that the server reports ${to}. Seconds, plus the snapshot (about 1 s per GB).`;
    }
    return `PostgreSQL ${to} cannot open the data folder of ${from} (another major version). Dockbase stops the instance, starts ${from} and ${to} side by side without network, copies every database and role with pg_dumpall ${to} into psql, counts the rows of every table on both sides, and only then switches the instance to ${to} on a new data volume. The ${from} volume is not changed: it stays as the rollback point until you delete it. The instance is unavailable meanwhile: about as long as a dump and a restore by hand (10 to 20 seconds per GB on a small machine).`;
  },
  versionScript: `psql -X -At -U ${ROLE} -d postgres -c 'SHOW server_version'`,
  dumpRestore,
};

export const postgres: EngineDefinition = {
  id: 'postgres',
  displayName: 'PostgreSQL',
  image: 'postgres',
  tagVersion: pgVersionOf,
  defaultTag: '17',
  suggestedTags: ['18', '17', '16', '15', '14'],
  containerPort: 5432,
  defaultUser: 'postgres',
  stopTimeoutSeconds: 30,
  dataMounts(tag) {
    const major = majorOf(tag) ?? LATEST_MAJOR;
    // A mount at /var/lib/postgresql/data makes 18+ refuse to start; up to 17 that IS the data folder.
    return [{ key: 'data', path: major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data' }];
  },
  canReuseData(fromTag, toTag) {
    // Major versions do not read each other's data folders (pg_upgrade is needed).
    return (majorOf(fromTag) ?? LATEST_MAJOR) === (majorOf(toTag) ?? LATEST_MAJOR);
  },
  environment: (password, accounts) => ({ POSTGRES_PASSWORD: password, ...accountEnvironment(ACCOUNTS, accounts) }),
  accountVariables: ACCOUNTS,
  readAccounts: (env) => accountsFromEnv(env, ACCOUNTS),
  // The image's entrypoint runs `postgres` with arguments that start with "-".
  command: (_password, chosen) => settingArgs(settings, chosen),
  settings,
  readPassword: ({ env }) => envValue(env, 'POSTGRES_PASSWORD'),
  healthcheck: (port) => healthcheck(`pg_isready -h 127.0.0.1 -p ${port} -U postgres -d postgres`, 60),
  // POSTGRES_DB defaults to the user's name in the image.
  connectionUri: (parts) => buildUri('postgresql', parts, encodeURIComponent(parts.user)),
  checkPassword: checkCommonPassword,
  passwordInData: true,
  // Over TCP, as a client outside would connect: the local socket is trusted inside the container.
  verifyPassword: (port) =>
    withClient(
      'psql',
      `PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=10 psql -X -q -w -h 127.0.0.1 -p ${port} -U ${ROLE} -d postgres -tAc 'SELECT 1' >/dev/null`,
    ),
  // The image trusts its local socket, so the role's password can be set without the old one. psql reads
  // the new one from the environment and quotes it itself (:'pw'): it is on no command line, in no SQL text.
  applyPassword: withClient(
    'psql',
    [
      // Never with an empty one: PostgreSQL would take it as "no password".
      '[ -n "$POSTGRES_PASSWORD" ] || exit 3',
      `psql -X -q -v ON_ERROR_STOP=1 -U ${ROLE} -d postgres <<'SQL'`,
      // printf is the shell's own: no program the image may lack, no trailing newline.
      `\\set pw \`printf '%s' "$POSTGRES_PASSWORD"\``,
      `\\set role \`printf '%s' "\${POSTGRES_USER:-postgres}"\``,
      'ALTER ROLE :"role" WITH PASSWORD :\'pw\';',
      'SQL',
    ].join('\n'),
  ),
  clientName: 'psql',
  clientShell: 'PGPASSWORD="$POSTGRES_PASSWORD" exec psql -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" -d "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"',
  transfer: {
    // After a clean shutdown the server reads nothing of its WAL beyond the shutdown checkpoint's record: the
    // segments after the one following it (on its timeline) are old ones renamed for reuse (up to max_wal_size,
    // often as much as the data itself). A copy leaves them out; the server makes new ones as it needs them.
    // The data folder is the volume's root up to 17, and <major>/docker in it from 18.
    copyLeavesOut: [
      'for pgdata in "$1" "$1"/*/*; do',
      '  [ -f "$pgdata/global/pg_control" ] && [ -d "$pgdata/pg_wal" ] && [ ! -L "$pgdata/pg_wal" ] || continue',
      '  ctl=$(command -v pg_controldata || ls /usr/lib/postgresql/*/bin/pg_controldata 2>/dev/null | head -n 1)',
      '  [ -n "$ctl" ] || continue',
      '  info=$(LC_ALL=C "$ctl" -D "$pgdata" 2>/dev/null) || continue',
      `  [ "$(printf '%s\\n' "$info" | sed -n 's/^Database cluster state: *//p')" = 'shut down' ] || continue`,
      `  redo=$(printf '%s\\n' "$info" | sed -n "s/^Latest checkpoint's REDO WAL file: *//p")`,
      "  printf '%s' \"$redo\" | grep -Eq '^[0-9A-F]{24}$' || continue",
      '  tli=$(printf \'%s\' "$redo" | cut -c1-8)',
      '  ls "$pgdata/pg_wal" | grep -E "^${tli}[0-9A-F]{16}$" | LC_ALL=C sort | awk -v r="$redo" -v d=".${pgdata#"$1"}/pg_wal/" \'$0 "" > r "" && ++n > 1 { print d $0 }\'',
      'done',
    ].join('\n'),
    // The official image trusts its local socket, so the tools run without any password.
    exportKind: 'postgres-sql',
    exportExtension: '.sql',
    exportTool: 'pg_dumpall',
    exportScript: 'exec pg_dumpall --clean --if-exists -U "${POSTGRES_USER:-postgres}" -f "$out"',
    importKinds: ['postgres-sql', 'sql', 'postgres-custom'],
    importExtensions: ['.sql', '.sql.gz', '.dump'],
    importScript: [
      'if [ "$kind" = postgres-custom ]; then',
      // The database the dump was made of (pg_restore -l prints "dbname:"; older versions "Dbname:").
      '  db=$(pg_restore -l "$in" 2>"$in.err" | sed -n "s/^; *[Dd]bname: //p" | head -n 1)',
      '  if [ -z "$db" ]; then grep . "$in.err" | head -n 3 >&2; exit 3; fi',
      // Its schema, to read the roles it names: the owners, and those its privileges name.
      '  if ! pg_restore -s -f "$in.toc" "$in" 2>"$in.err"; then grep . "$in.err" | head -n 3 >&2; exit 3; fi',
      `  missing() { while IFS= read -r r; do r=$(printf '%s' "$r" | sed -e 's/^"\\(.*\\)"$/\\1/' -e 's/""/"/g'); if [ -z "$r" ] || [ "$r" = PUBLIC ]; then continue; fi; n=$(echo "SELECT count(*) FROM pg_roles WHERE rolname = :'r';" | psql -X -At -U ${ROLE} -d postgres -v r="$r" 2>/dev/null); [ "$n" = 1 ] || return 0; done; return 1; }`,
      '  roles() { sed -n "$1" "$in.toc" | sed -e \'s/ WITH GRANT OPTION$//\' -e \'s/ GRANTED BY .*$//\' | sort -u; }',
      // A role the instance lacks: its objects belong to the instance's user instead (--no-owner), and the
      // privileges naming such a role are left out (--no-privileges); roles it has keep both.
      '  o=; p=',
      "  roles 's/^ALTER .* OWNER TO \\(.*\\);$/\\1/p' | missing && o=--no-owner",
      "  { roles 's/^.*GRANT .* TO \\(.*\\);$/\\1/p'; roles 's/^REVOKE .* FROM \\(.*\\);$/\\1/p'; roles 's/^ALTER DEFAULT PRIVILEGES FOR ROLE \\([^ ]*\\) .*$/\\1/p'; } | missing && p=--no-privileges",
      '  createdb -U "${POSTGRES_USER:-postgres}" "$db" 2>/dev/null || :',
      '  pg_restore -U "${POSTGRES_USER:-postgres}" --clean --if-exists $o $p -d "$db" "$in" 2>"$in.err"',
      '  rc=$?',
      // Its own words: the first error, and how many it ignored.
      '  if [ "$rc" != 0 ]; then if grep -q \' error: \' "$in.err"; then { grep -m 1 \' error: \' "$in.err"; grep \' errors ignored \' "$in.err"; } >&2; else tail -n 5 "$in.err" >&2; fi; exit 3; fi',
      '  exit 0',
      'fi',
      `${sqlStream} | psql -X -q -v ON_ERROR_STOP=0 -U ${ROLE} -d postgres -f - >/dev/null 2>"$in.err"`,
      'rc=$?',
      'if [ -s "$in.gz" ]; then cat "$in.gz" >&2; exit 4; fi',
      // …and the instance's own superuser (POSTGRES_USER), which exists already.
      `if grep 'ERROR:' "$in.err" | grep -v ${EXPECTED_PSQL_ERRORS.map((e) => `-e '${e}'`).join(' ')} -e "role \\"\${POSTGRES_USER:-postgres}\\" already exists" >&2; then exit 3; fi`,
      'exit $rc',
    ].join('\n'),
    seedExtensions: SQL_SEED_EXTENSIONS,
    snapshotMethod: 'stop',
  },
  upgrade,
};

/**
 * Extensions whose library the server must load at start (`shared_preload_libraries`) before they work:
 * extension → library. Enabling one of them first adds its library to the setting (a restart).
 */
export const PRELOAD_LIBRARIES: Readonly<Record<string, string>> = {
  timescaledb: 'timescaledb',
  pg_cron: 'pg_cron',
  pg_stat_statements: 'pg_stat_statements',
  pgaudit: 'pgaudit',
  citus: 'citus',
};
