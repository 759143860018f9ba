import { buildUri, checkCommonPassword, envValue, healthcheck } from './shared';
import type { EngineDefinition } from './types';

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
  environment: (password) => ({ MARIADB_ROOT_PASSWORD: password }),
  command: () => [],
  readPassword: ({ env }) => envValue(env, 'MARIADB_ROOT_PASSWORD') ?? envValue(env, 'MYSQL_ROOT_PASSWORD'),
  healthcheck: () => healthcheck('healthcheck.sh --connect --innodb_initialized', 120),
  connectionUri: (parts) => buildUri('mysql', parts),
  checkPassword: checkCommonPassword,
  // The init server runs with networking off and logs port: 0.
  readyLogPattern: /ready for connections.*port: 3306/,
};
