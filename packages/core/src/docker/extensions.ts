/**
 * PostgreSQL's extensions, read and enabled inside the instance with its own psql over the local socket (the
 * image trusts it: no password), as fixed scripts. The names a user chose (the extension, the database) are
 * the script's arguments, never part of its text, and psql quotes them itself (`:"ext"`, PGDATABASE).
 */
import { at, containerId, mismatch, own, shape, type CommandShape } from './command-shape';

const ROLE = '"${POSTGRES_USER:-postgres}"';
const PSQL = `psql -X -At -v ON_ERROR_STOP=1 -U ${ROLE}`;

/**
 * Prints, tab-separated, one line per fact: `preload <shared_preload_libraries>`, `available <name> <default
 * version> <comment>` for every extension the server has, `database <name>` for every database that takes
 * connections, and `installed <database> <name> <version>` for every extension each one has.
 */
export const EXTENSIONS_LIST_SCRIPT = [
  't=$(printf "\\t")',
  `${PSQL} -F "$t" -d postgres -c "SELECT 'preload', setting FROM pg_settings WHERE name = 'shared_preload_libraries'" -c "SELECT 'available', name, coalesce(default_version, ''), translate(coalesce(comment, ''), E'\\t\\n', '  ') FROM pg_available_extensions ORDER BY name" || exit 3`,
  `dbs=$(${PSQL} -d postgres -c "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname") || exit 3`,
  'printf "%s\\n" "$dbs" | while IFS= read -r db; do',
  '  [ -n "$db" ] || continue',
  '  printf "database\\t%s\\n" "$db"',
  `  PGDATABASE="$db" ${PSQL} -F "$t" -c "SELECT 'installed', current_database(), extname, extversion FROM pg_extension ORDER BY extname" || exit 4`,
  'done',
].join('\n');

/** `CREATE EXTENSION IF NOT EXISTS "$1" CASCADE` in the database "$2"; psql's own error on stderr when it fails. */
export const EXTENSION_ENABLE_SCRIPT = [`PGDATABASE="$2" ${PSQL} -q -v ext="$1" <<'SQL'`, 'CREATE EXTENSION IF NOT EXISTS :"ext" CASCADE;', 'SQL'].join('\n');

/** A name as the scripts take it: text without control characters, as long as PostgreSQL's names. */
// eslint-disable-next-line no-control-regex
const NAME_ARG = /^[^\u0000-\u001f\u007f]{1,63}$/u;

export function extensionsListArgs(container: string): string[] {
  return ['exec', container, 'sh', '-c', EXTENSIONS_LIST_SCRIPT];
}

export function enableExtensionArgs(container: string, extension: string, database: string): string[] {
  return ['exec', container, 'sh', '-c', EXTENSION_ENABLE_SCRIPT, 'sh', extension, database];
}

function readList(argv: readonly string[]): [string] {
  if (at(argv, 4) !== EXTENSIONS_LIST_SCRIPT || argv.length !== 5) mismatch('not Dockbase’s extensions list');
  return [containerId(at(argv, 1))];
}

function readEnable(argv: readonly string[]): [string, string, string] {
  if (at(argv, 4) !== EXTENSION_ENABLE_SCRIPT || argv.length !== 8) mismatch('not Dockbase’s extension enable');
  const extension = at(argv, 6);
  const database = at(argv, 7);
  if (!NAME_ARG.test(extension) || !NAME_ARG.test(database)) mismatch('not an extension and a database name');
  return [containerId(at(argv, 1)), extension, database];
}

export const EXTENSION_SHAPES: readonly CommandShape[] = [
  shape({ name: 'list an instance’s extensions', words: ['exec'], build: extensionsListArgs, read: readList, targets: own }),
  shape({ name: 'enable an extension in an instance', words: ['exec'], build: enableExtensionArgs, read: readEnable, targets: own }),
];
