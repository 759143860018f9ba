import { MYSQL_DUMP_OPTIONS, SQL_SEED_EXTENSIONS, accountEnvironment, accountsFromEnv, buildUri, checkCommonPassword, envValue, healthcheck, mysqlImportScript, withClient } from './shared';
import type { EngineDefinition } from './types';

const ACCOUNTS = { user: 'MYSQL_USER', database: 'MYSQL_DATABASE' } as const;

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
  command: () => [],
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
};
