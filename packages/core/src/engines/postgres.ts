import { buildUri, checkCommonPassword, envValue, healthcheck, majorOf } from './shared';
import type { EngineDefinition } from './types';

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
};
