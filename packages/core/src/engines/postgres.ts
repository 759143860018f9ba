import { SQL_SEED_EXTENSIONS, accountEnvironment, accountsFromEnv, buildUri, checkCommonPassword, envValue, healthcheck, majorOf, sqlStream, withClient } from './shared';
import type { EngineDefinition } from './types';

/**
 * psql errors that a pg_dumpall file always causes when it is read back into a running cluster: the role
 * it is connected as cannot be dropped or created again. Anything else is a failed import.
 */
const EXPECTED_PSQL_ERRORS = ['role "postgres" already exists', 'current user cannot be dropped', 'cannot drop the currently open database'];

/** Official image `postgres`. Versions 18 and later keep PGDATA under /var/lib/postgresql/<major>/docker. */
const LATEST_MAJOR = 18;

const ACCOUNTS = { user: 'POSTGRES_USER', database: 'POSTGRES_DB' } as const;

/** The role Dockbase connects as: POSTGRES_USER when the container sets it, the image's `postgres` otherwise. */
const ROLE = '"${POSTGRES_USER:-postgres}"';

export const postgres: EngineDefinition = {
  id: 'postgres',
  displayName: 'PostgreSQL',
  image: 'postgres',
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
  command: () => [],
  readPassword: ({ env }) => envValue(env, 'POSTGRES_PASSWORD'),
  healthcheck: (port) => healthcheck(`pg_isready -h 127.0.0.1 -p ${port} -U postgres -d postgres`, 60),
  // POSTGRES_DB defaults to the user's name in the image.
  connectionUri: (parts) => buildUri('postgresql', parts, encodeURIComponent(parts.user)),
  checkPassword: checkCommonPassword,
  passwordInData: true,
  // Over TCP, as a client outside would connect: the local socket is trusted inside the container.
  verifyPassword: (port) =>
    withClient('psql', `PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=10 psql -X -q -w -h 127.0.0.1 -p ${port} -U ${ROLE} -d postgres -tAc 'SELECT 1' >/dev/null`),
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
      "ALTER ROLE :\"role\" WITH PASSWORD :'pw';",
      'SQL',
    ].join('\n'),
  ),
  clientName: 'psql',
  clientShell: 'PGPASSWORD="$POSTGRES_PASSWORD" exec psql -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" -d "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"',
  transfer: {
    // The official image trusts its local socket, so the tools run without any password.
    exportKind: 'postgres-sql',
    exportExtension: '.sql',
    exportTool: 'pg_dumpall',
    exportScript: 'exec pg_dumpall --clean --if-exists -U postgres -f "$out"',
    importKinds: ['postgres-sql', 'sql', 'postgres-custom'],
    importExtensions: ['.sql', '.sql.gz', '.dump'],
    importScript: [
      'if [ "$kind" = postgres-custom ]; then',
      '  db=$(pg_restore -l "$in" 2>"$in.err" | sed -n "s/^; *Dbname: //p" | head -n 1)',
      '  if [ -z "$db" ]; then cat "$in.err" >&2; exit 3; fi',
      '  createdb -U postgres "$db" 2>/dev/null || :',
      '  pg_restore -U postgres --clean --if-exists --no-owner -d "$db" "$in"',
      '  exit $?',
      'fi',
      `${sqlStream} | psql -X -q -v ON_ERROR_STOP=0 -U postgres -d postgres -f - >/dev/null 2>"$in.err"`,
      'rc=$?',
      'if [ -s "$in.gz" ]; then cat "$in.gz" >&2; exit 4; fi',
      `if grep 'ERROR:' "$in.err" | grep -v ${EXPECTED_PSQL_ERRORS.map((e) => `-e '${e}'`).join(' ')} >&2; then exit 3; fi`,
      'exit $rc',
    ].join('\n'),
    seedExtensions: SQL_SEED_EXTENSIONS,
    snapshotMethod: 'stop',
  },
};
