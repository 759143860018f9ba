import {
  MYSQL_DUMP_OPTIONS,
  SQL_SEED_EXTENSIONS,
  accountEnvironment,
  accountsFromEnv,
  buildUri,
  checkCommonPassword,
  commonUpgradeRefusal,
  compareVersions,
  envValue,
  healthcheck,
  mysqlSettingRules,
  settingArgs,
  mysqlImportScript,
  seriesOf,
  versionOf,
  withClient,
} from './shared';
import type { EngineDefinition } from './types';

const SETTINGS = mysqlSettingRules('MySQL');

const ACCOUNTS = { user: 'MYSQL_USER', database: 'MYSQL_DATABASE' } as const;

/**
 * MySQL's long-term-support series. An upgrade may go from one series to the next LTS, or from an LTS into the
 * innovation releases that follow it, but never past an LTS: 8.0 → 8.4 → 9.x, not 8.0 → 9.x.
 */
export const MYSQL_LTS_SERIES: readonly string[] = ['5.7', '8.0', '8.4'];

function mysqlRefusal(from: string, to: string): string | undefined {
  const common = commonUpgradeRefusal('MySQL', from, to, '8.4');
  if (common) return common;
  const a = versionOf(seriesOf(from)!)!;
  const b = versionOf(seriesOf(to)!)!;
  const skipped = MYSQL_LTS_SERIES.find((lts) => compareVersions(a, versionOf(lts)!) === -1 && compareVersions(versionOf(lts)!, b) === -1);
  if (skipped) {
    return `MySQL cannot skip a long-term series: the way is ${seriesOf(from)} → ${skipped} → ${seriesOf(to)}. Upgrade to ${skipped} first, then to ${to}.`;
  }
  return undefined;
}

/** Official image `mysql` (8.4 LTS and 9.x). */
export const mysql: EngineDefinition = {
  id: 'mysql',
  displayName: 'MySQL',
  image: 'mysql',
  defaultTag: '8.4',
  suggestedTags: ['9.5', '9.4', '8.4'],
  containerPort: 3306,
  defaultUser: 'root',
  stopTimeoutSeconds: 30,
  dataMounts: () => [{ key: 'data', path: '/var/lib/mysql' }],
  canReuseData: () => true,
  // The image creates MYSQL_USER only together with MYSQL_PASSWORD: the user gets the same password.
  environment: (password, accounts) => ({
    MYSQL_ROOT_PASSWORD: password,
    ...accountEnvironment(ACCOUNTS, accounts),
    ...(accounts?.user ? { MYSQL_PASSWORD: password } : {}),
  }),
  accountVariables: ACCOUNTS,
  readAccounts: (env) => accountsFromEnv(env, ACCOUNTS),
  // The image's entrypoint runs the server with arguments that start with "-".
  command: (_password, chosen) => settingArgs(SETTINGS, chosen),
  settings: SETTINGS,
  readPassword: ({ env }) => envValue(env, 'MYSQL_ROOT_PASSWORD'),
  // The init server runs with networking off, so a TCP ping only passes once the real server listens.
  healthcheck: (port) => healthcheck(`mysqladmin ping -h 127.0.0.1 -P ${port} --silent`, 120),
  connectionUri: (parts) => buildUri('mysql', parts),
  checkPassword: checkCommonPassword,
  // The init server runs with networking off and logs port: 0.
  readyLogPattern: /ready for connections.*port: 3306/,
  passwordInData: true,
  // MYSQL_PWD: the client reads the password from its environment, not its command line.
  verifyPassword: (port) =>
    withClient('mysql', `MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=tcp -h 127.0.0.1 -P ${port} -uroot --connect-timeout=10 -e 'SELECT 1' >/dev/null`),
  clientName: 'mysql',
  clientShell: 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot ${MYSQL_DATABASE:+"$MYSQL_DATABASE"}',
  transfer: {
    // The password reaches the client through MYSQL_PWD, from the container's own environment.
    exportKind: 'mysql-sql',
    exportExtension: '.sql',
    exportTool: 'mysqldump',
    exportScript: `MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysqldump ${MYSQL_DUMP_OPTIONS}`,
    importKinds: ['mysql-sql', 'mariadb-sql', 'sql'],
    importExtensions: ['.sql', '.sql.gz'],
    importScript: `export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"\n${mysqlImportScript('mysql')}`,
    seedExtensions: SQL_SEED_EXTENSIONS,
    snapshotMethod: 'stop',
  },
  upgrade: {
    refusal: mysqlRefusal,
    method: () => 'in-place',
    explain: (from, to) =>
      `MySQL ${to} upgrades the data of ${from} in place when it first starts on it (data dictionary and system tables). Dockbase stops the instance, keeps a snapshot of its data (the rollback point), starts ${to} on the same data and checks that the server reports ${to}. About as long as the snapshot (about 1 s per GB) and a start; the first start takes longer with many tables.`,
    versionScript: `MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot -N -B -e 'SELECT VERSION()'`,
  },
};
