import { describe, expect, it } from 'vitest';
import type { Job } from './job';
import { cancelledDetail, jobHistoryEntry, recordJobEnd } from './job-records';
import type { ActivityStore } from '../use-cases/activity';

function job(over: Partial<Job>): Job {
  return {
    id: '0123456789ab',
    kind: 'snapshot',
    instanceId: 'a1b2c3d4e5f6',
    instanceName: 'orders',
    engine: 'postgres',
    title: 'Snapshot “nightly”',
    by: 'tab',
    startedAt: '2026-12-06T10:00:00.000Z',
    state: 'succeeded',
    progress: {},
    cancellable: false,
    ...over,
  };
}

/** An ActivityStore that writes down what it is asked. */
function recorder(): ActivityStore & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    saveInstance: async (...a) => void calls.push(['save', ...a]),
    addHistory: async (...a) => void calls.push(['history', ...a]),
    deleteInstance: async (...a) => void calls.push(['delete', ...a]),
  };
}

describe('a job’s end in the history, the same from every door', () => {
  it('says what each kind did, with the bytes it moved; a cancel, what it left', () => {
    expect(jobHistoryEntry(job({ result: { name: 'nightly', sizeBytes: 42 } }))).toEqual({ action: 'snapshot', outcome: 'ok', detail: 'nightly', size: 42 });
    expect(jobHistoryEntry(job({ kind: 'restore', title: 'Restore “before migration”' }))).toEqual({
      action: 'restore',
      outcome: 'ok',
      detail: 'before migration',
    });
    expect(jobHistoryEntry(job({ kind: 'stop', title: 'Stop' }))).toEqual({ action: 'stop', outcome: 'ok' });
    expect(
      jobHistoryEntry(
        job({
          kind: 'upgrade',
          title: 'Upgrade to PostgreSQL 17',
          state: 'cancelled',
          message: 'Upgrade cancelled. Nothing was changed: orders runs PostgreSQL 15 as before.',
        }),
      ),
    ).toEqual({
      action: 'upgrade',
      outcome: 'failed',
      detail: 'Cancelled: Upgrade to PostgreSQL 17. Nothing was changed: orders runs PostgreSQL 15 as before.',
    });
    // A job recovered without its result still says something.
    expect(jobHistoryEntry(job({ kind: 'upgrade', title: 'Upgrade to PostgreSQL 17' }))).toEqual({
      action: 'upgrade',
      outcome: 'ok',
      detail: 'Upgrade to PostgreSQL 17',
    });
    expect(cancelledDetail({ title: 'Change settings', message: 'Cancelled: nothing was changed.' })).toBe('Cancelled: Change settings. Nothing was changed.');
  });

  it('makes a new instance’s record under its data’s id, forgets a deleted one with its data, and records nothing for a failed create', async () => {
    const store = recorder();
    const made = {
      id: 'new000000001',
      dataId: 'old000000001',
      name: 'orders',
      engine: 'postgres',
      image: 'postgres',
      tag: '17',
      hostPort: 5432,
      bindAddress: '127.0.0.1',
      volumes: ['dockbase-orders-data'],
      reusedData: {},
    };
    expect(await recordJobEnd(store, job({ kind: 'create', title: 'Create PostgreSQL 17', result: made }))).toBe(true);
    expect(store.calls).toEqual([
      [
        'save',
        'old000000001',
        { name: 'orders', engine: 'postgres', settings: { image: 'postgres', tag: '17', hostPort: 5432, persistData: true, exposeOnNetwork: false } },
      ],
      ['history', 'old000000001', { action: 'create', outcome: 'ok', detail: 'on the data kept from before' }],
    ]);
    const deleted = recorder();
    await recordJobEnd(
      deleted,
      job({ kind: 'delete', title: 'Delete with its data', result: { dataRemoved: true, dataKept: false, recordId: 'old000000001' } }),
    );
    expect(deleted.calls).toEqual([['delete', 'old000000001']]);
    const failed = recorder();
    expect(await recordJobEnd(failed, job({ kind: 'create', state: 'failed', message: 'Port 5432 is in use.' }))).toBe(false);
    expect(failed.calls).toEqual([]);
  });
});
