import {
  MYSQL_DUMP_OPTIONS,
  SQL_SEED_EXTENSIONS,
  accountEnvironment,
  accountsFromEnv,
  buildUri,
  checkCommonPassword,
  commonUpgradeRefusal,
  envValue,
  healthcheck,
  mysqlSettingRules,
  settingArgs,
  mysqlImportScript,
  withClient,
} from './shared';
import type { EngineDefinition } from './types';

const SETTINGS = mysqlSettingRules('MariaDB');

/** The root password from the container's environment (MARIADB_* first, MYSQL_* as the image's fallback). */
const PASSWORD_FROM_ENV = 'export MYSQL_PWD="${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}"';

const ACCOUNTS = { user: 'MARIADB_USER', database: 'MARIADB_DATABASE' } as const;

/** The root password as the container's env holds it (MYSQL_ROOT_PASSWORD is the image's fallback). */
const ROOT_PASSWORD = '"${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}"';

/** Official image `mariadb`. Its bundled healthcheck.sh knows when InnoDB is initialised. */
export const mariadb: EngineDefinition = {
  id: 'mariadb',
  displayName: 'MariaDB',
  image: 'mariadb',
  defaultTag: '11.8',
  suggestedTags: ['13.0', '12.1', '11.8', '11.4', '10.11'],
  containerPort: 3306,
  defaultUser: 'root',
  stopTimeoutSeconds: 30,
  dataMounts: () => [{ key: 'data', path: '/var/lib/mysql' }],
  canReuseData: () => true,
  // MARIADB_AUTO_UPGRADE: on data an older MariaDB wrote (an upgrade, or kept data reused by a newer version),
  // the image runs mariadb-upgrade before it serves (after a backup of the system tables). It does nothing else.
  // The image creates MARIADB_USER only together with MARIADB_PASSWORD: the user gets the same password.
  environment: (password, accounts) => ({
    MARIADB_ROOT_PASSWORD: password,
    MARIADB_AUTO_UPGRADE: '1',
    ...accountEnvironment(ACCOUNTS, accounts),
    ...(accounts?.user ? { MARIADB_PASSWORD: password } : {}),
  }),
  accountVariables: ACCOUNTS,
  readAccounts: (env) => accountsFromEnv(env, ACCOUNTS),
  // The image's entrypoint runs the server with arguments that start with "-".
  command: (_password, chosen) => settingArgs(SETTINGS, chosen),
  settings: SETTINGS,
  readPassword: ({ env }) => envValue(env, 'MARIADB_ROOT_PASSWORD') ?? envValue(env, 'MYSQL_ROOT_PASSWORD'),
  healthcheck: () => healthcheck('healthcheck.sh --connect --innodb_initialized', 120),
  connectionUri: (parts) => buildUri('mysql', parts),
  checkPassword: checkCommonPassword,
  // mariadbd logs "ready for connections." and, on the next line, "Version: '…'  socket: '…'  port: 3306";
  // the init server runs with networking off and logs port: 0.
  readyLogPattern: /^Version: '.*'\s+socket: '.*'\s+port: 3306\b/,
  passwordInData: true,
  // MYSQL_PWD: the client reads the password from its environment, not its command line.
  verifyPassword: (port) =>
    withClient('mariadb', `MYSQL_PWD=${ROOT_PASSWORD} mariadb --protocol=tcp -h 127.0.0.1 -P ${port} -uroot --connect-timeout=10 -e 'SELECT 1' >/dev/null`),
  clientName: 'mariadb',
  clientShell: `MYSQL_PWD=${ROOT_PASSWORD} exec mariadb -uroot \${MARIADB_DATABASE:+"$MARIADB_DATABASE"}`,
  transfer: {
    exportKind: 'mariadb-sql',
    exportExtension: '.sql',
    exportTool: 'mariadb-dump',
    // Older images name the tool mysqldump only.
    exportScript: `${PASSWORD_FROM_ENV}\nif command -v mariadb-dump >/dev/null; then exec mariadb-dump ${MYSQL_DUMP_OPTIONS}; fi\nexec mysqldump ${MYSQL_DUMP_OPTIONS}`,
    importKinds: ['mariadb-sql', 'mysql-sql', 'sql'],
    importExtensions: ['.sql', '.sql.gz'],
    importScript: `${PASSWORD_FROM_ENV}\nclient=mariadb; command -v mariadb >/dev/null || client=mysql\n${mysqlImportScript('"$client"')}`,
    seedExtensions: SQL_SEED_EXTENSIONS,
    snapshotMethod: 'stop',
  },
  upgrade: {
    // MariaDB opens the data of any older version and upgrades its system tables with mariadb-upgrade.
    refusal: (from, to) => commonUpgradeRefusal('MariaDB', from, to, '11.8'),
    method: () => 'in-place',
    explain: (from, to) =>
      `MariaDB ${to} opens the data of ${from} and upgrades it itself. Dockbase stops the instance, keeps a snapshot of its data (the rollback point), starts ${to} on the same data with MARIADB_AUTO_UPGRADE=1 (the image runs mariadb-upgrade before it serves) and checks that the server reports ${to}. About as long as the snapshot (about 1 s per GB) and a start; mariadb-upgrade takes longer with many tables.`,
    versionScript: `${PASSWORD_FROM_ENV}\nclient=mariadb; command -v mariadb >/dev/null || client=mysql\nexec "$client" -uroot -N -B -e 'SELECT VERSION()'`,
  },
};
