import { majorMinor, redisFamily, startScript } from './redis-family';

export { REDIS_SETTINGS } from './redis-family';

/** The RDB format version each Redis release writes (and the newest it loads): 7.0 → 10, 7.2 → 11, 7.4+ → 12. */
function redisRdb(tag: string): number | undefined {
  const v = majorMinor(tag);
  if (!v) return undefined;
  const [major, minor] = v;
  if (major < 7) return 9;
  if (major === 7 && minor < 2) return 10;
  if (major === 7 && minor < 4) return 11;
  return 12;
}

const member = {
  id: 'redis',
  displayName: 'Redis',
  image: 'redis',
  defaultTag: '8.2',
  suggestedTags: ['8.2', '8.0', '7.4', '7.2'],
  server: 'redis-server',
  cli: 'redis-cli',
  checkRdb: 'redis-check-rdb',
  writesRdb: redisRdb,
  // Redis loads every older format.
  readsRdb: (tag: string, rdb: number) => {
    const newest = redisRdb(tag);
    return newest === undefined ? undefined : rdb <= newest;
  },
  exampleTag: '8.2',
} as const;

/** The Redis start script (see startScript): the password from REDISCLI_AUTH into requirepass, in no argv. */
export const REDIS_START_SCRIPT = startScript(member);

/** Official image `redis`. */
export const redis = redisFamily(member);
