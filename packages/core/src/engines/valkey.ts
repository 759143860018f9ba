import { majorMinor, redisFamily, startScript } from './redis-family';

/**
 * Valkey forked Redis 7.2.4 and kept its RDB format 11 through 8.x; 9.0 writes its own format 80. It loads
 * every Redis format up to 11 and refuses Redis 7.4+'s 12 (and anything between 12 and 79, which Redis may
 * use), so Redis 7.4 and 8 data cannot move to it as files.
 */
function valkeyRdb(tag: string): number | undefined {
  const v = majorMinor(tag);
  if (!v) return undefined;
  return v[0] >= 9 ? 80 : 11;
}

const member = {
  id: 'valkey',
  displayName: 'Valkey',
  image: 'valkey/valkey',
  defaultTag: '8.1',
  suggestedTags: ['8.1', '8.0', '7.2'],
  server: 'valkey-server',
  cli: 'valkey-cli',
  checkRdb: 'valkey-check-rdb',
  writesRdb: valkeyRdb,
  readsRdb: (tag: string, rdb: number) => {
    const newest = valkeyRdb(tag);
    if (newest === undefined) return undefined;
    return rdb <= 11 || (rdb >= 80 && rdb <= newest);
  },
  exampleTag: '8.1',
} as const;

export const VALKEY_START_SCRIPT = startScript(member);

/** Official image `valkey/valkey`: a Redis-family server (see redis-family.ts). */
export const valkey = redisFamily(member);
