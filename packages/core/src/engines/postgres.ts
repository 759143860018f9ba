import { SQL_SEED_EXTENSIONS, buildUri, checkCommonPassword, envValue, healthcheck, majorOf, sqlStream } from './shared';
import type { EngineDefinition } from './types';

/**
 * psql errors that a pg_dumpall file always causes when it is read back into a running cluster: the role
 * it is connected as cannot be dropped or created again. Anything else is a failed import.
 */
const EXPECTED_PSQL_ERRORS = ['role "postgres" already exists', 'current user cannot be dropped', 'cannot drop the currently open database'];

/** Official image `postgres`. Versions 18 and later keep PGDATA under /var/lib/postgresql/<major>/docker. */
const LATEST_MAJOR = 18;

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
  environment: (password) => ({ POSTGRES_PASSWORD: password }),
  command: () => [],
  readPassword: ({ env }) => envValue(env, 'POSTGRES_PASSWORD'),
  healthcheck: (port) => healthcheck(`pg_isready -h 127.0.0.1 -p ${port} -U postgres -d postgres`, 60),
  connectionUri: (parts) => buildUri('postgresql', parts, 'postgres'),
  checkPassword: checkCommonPassword,
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
