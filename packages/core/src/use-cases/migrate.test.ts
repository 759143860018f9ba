import { describe, expect, it } from 'vitest';
import { migrationRefusal, migrationTargets } from './migrate';
import { parseJobRequest } from '../jobs/requests';
import { jobHistoryEntry, recordJobEnd } from '../jobs/job-records';
import type { Job } from '../jobs/job';
import type { ActivityStore } from './activity';

const cache = { name: 'cache', engine: 'redis' as const, tag: '7.0', volumes: ['dockbase-cache-data'] };
const to = (tag = '8.1') => ({ engine: 'valkey' as const, tag });

describe('which data can move where', () => {
  it('moves Redis data to Valkey, and nothing else', () => {
    expect(migrationTargets('redis')).toEqual(['valkey']);
    expect(migrationTargets('valkey')).toEqual([]);
    expect(migrationTargets('postgres')).toEqual([]);
    expect(migrationRefusal(cache, { engine: 'postgres', tag: '17' })).toBe('Redis data cannot move to PostgreSQL: Dockbase moves it to Valkey.');
    expect(migrationRefusal({ ...cache, engine: 'postgres', tag: '17' }, to())).toBe('Dockbase has no way to move PostgreSQL data to Valkey.');
  });

  it('refuses a Redis version whose RDB format the Valkey version cannot load, naming both', () => {
    // Redis 7.0 writes format 10, 7.2 writes 11: Valkey 8 loads both.
    expect(migrationRefusal(cache, to())).toBeUndefined();
    expect(migrationRefusal({ ...cache, tag: '7.2.5' }, to())).toBeUndefined();
    // Redis 7.4 and 8 write format 12, which only Redis itself loads.
    expect(migrationRefusal({ ...cache, tag: '8.0' }, to())).toBe(
      'The data of cache (Redis 8.0) is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it).',
    );
    expect(migrationRefusal({ ...cache, tag: '7.4-alpine' }, to('9.0'))).toMatch(/RDB format 12, which Valkey 9.0 cannot load/);
    // A tag that names no version: the data's own header decides (read by migrate before anything stops).
    expect(migrationRefusal({ ...cache, tag: 'latest' }, to())).toBeUndefined();
  });

  it('refuses an instance without a data volume: there is nothing to move', () => {
    expect(migrationRefusal({ ...cache, volumes: [] }, to())).toMatch(/keeps its data in no volume/);
  });
});

describe('the migrate job', () => {
  const input = { engine: 'valkey', name: 'cache-valkey', tag: '8.1', hostPort: 6380, exposeOnNetwork: false };

  it('takes a request with the new instance’s settings; the password is optional (the source’s is kept)', () => {
    expect(parseJobRequest({ kind: 'migrate', instanceId: 'abcdefabcdef', input })).toEqual({ kind: 'migrate', instanceId: 'abcdefabcdef', input });
    expect(parseJobRequest({ kind: 'migrate', instanceId: 'abcdefabcdef', input: { ...input, password: 'new one' } })).toMatchObject({
      input: { password: 'new one' },
    });
    expect(() => parseJobRequest({ kind: 'migrate', instanceId: 'abcdefabcdef', input: { ...input, persistData: false } })).toThrow(
      /unknown field persistData/,
    );
    expect(() => parseJobRequest({ kind: 'migrate', instanceId: 'abcdefabcdef', input: { ...input, engine: undefined } })).toThrow(/engine/);
    expect(() => parseJobRequest({ kind: 'migrate', input })).toThrow(/instanceId/);
  });

  it('is in the history of the instance it copied and of the new one, which gets its record', async () => {
    const made = {
      id: 'new000000001',
      dataId: 'new000000001',
      name: 'cache-valkey',
      engine: 'valkey',
      image: 'valkey/valkey',
      tag: '8.1',
      hostPort: 6380,
      bindAddress: '127.0.0.1',
      volumes: ['dockbase-cache-valkey-data'],
      migratedFrom: { id: 'abcdefabcdef', name: 'cache', engine: 'redis', tag: '7.0' },
    };
    const job: Job = {
      id: '0123456789ab',
      kind: 'migrate',
      instanceId: 'abcdefabcdef',
      instanceName: 'cache',
      engine: 'redis',
      title: 'Migrate to Valkey 8.1 as “cache-valkey”',
      by: 'tab',
      startedAt: '2026-12-06T10:00:00.000Z',
      state: 'succeeded',
      progress: {},
      cancellable: false,
      result: made,
    };
    const entry = { action: 'migrate', outcome: 'ok', detail: 'Redis 7.0 → Valkey 8.1: “cache-valkey” made from “cache”' };
    expect(jobHistoryEntry(job)).toEqual(entry);
    const calls: unknown[][] = [];
    const store: ActivityStore = {
      saveInstance: async (...a) => void calls.push(['save', ...a]),
      addHistory: async (...a) => void calls.push(['history', ...a]),
      deleteInstance: async (...a) => void calls.push(['delete', ...a]),
    };
    expect(await recordJobEnd(store, job, 'abcdefabcdef')).toBe(true);
    expect(calls).toEqual([
      ['save', 'new000000001', { name: 'cache-valkey', engine: 'valkey', settings: expect.objectContaining({ tag: '8.1', hostPort: 6380 }) }],
      ['history', 'new000000001', entry],
      ['history', 'abcdefabcdef', entry],
    ]);
  });
});
