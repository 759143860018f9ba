import { buildUri, checkCommonPassword, envValue, healthcheck } from './shared';
import type { EngineDefinition } from './types';

const ROOT_USER = 'root';

/** Official image `mongo`. Both the data and the config folders must persist. */
export const mongo: EngineDefinition = {
  id: 'mongo',
  displayName: 'MongoDB',
  image: 'mongo',
  defaultTag: '8.0',
  suggestedTags: ['8.2', '8.0', '7.0'],
  containerPort: 27017,
  defaultUser: ROOT_USER,
  stopTimeoutSeconds: 30,
  dataMounts: () => [
    { key: 'db', path: '/data/db' },
    { key: 'configdb', path: '/data/configdb' },
  ],
  canReuseData: () => true,
  // With only one of the two set the image refuses to start; with neither it runs WITHOUT auth.
  environment: (password) => ({ MONGO_INITDB_ROOT_USERNAME: ROOT_USER, MONGO_INITDB_ROOT_PASSWORD: password }),
  command: () => [],
  readPassword: ({ env }) => envValue(env, 'MONGO_INITDB_ROOT_PASSWORD'),
  // The init server listens on 127.0.0.1 only, the real one on every interface: probing the container's
  // own address passes only once initialisation is over.
  healthcheck: (port) =>
    healthcheck(`mongosh --quiet --host "$(hostname -i)" --port ${port} --eval 'quit(db.adminCommand("ping").ok ? 0 : 2)'`, 60),
  connectionUri: (parts) => buildUri('mongodb', parts, '', 'authSource=admin'),
  checkPassword: checkCommonPassword,
};
