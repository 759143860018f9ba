import path from 'node:path';
import type { Job, JobMark } from '@dockbase/core';
import { describe, expect, it } from 'vitest';
import { TESTED_DRIVERS } from '../test-support/drivers.js';
import { storesForEachTest } from '../test-support/stores.js';
import { ENDED_JOBS_KEPT } from './jobs.js';
import { openSqlite } from './sqlite.js';
import { DATABASE_FILE } from './store.js';

const { dataDir, open } = storesForEachTest('dockbase-jobs-');

let seq = 0;
function job(over: Partial<Job> = {}): Job {
  seq++;
  return {
    id: (0xa00000000000 + seq).toString(16),
    kind: 'upgrade',
    instanceId: 'a1b2c3d4e5f6',
    instanceName: 'orders',
    engine: 'postgres',
    title: 'Upgrade to PostgreSQL 17',
    by: 'tab',
    startedAt: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(),
    state: 'running',
    progress: {},
    cancellable: true,
    ...over,
  };
}

const begin: JobMark = {
  at: '2026-01-01T10:00:01.000Z',
  phase: 'begin',
  step: 'prepare',
  undo: [
    { do: 'remove-workers', instanceName: 'orders', runId: 'r1' },
    { do: 'start', container: 'abc', instanceId: 'a1b2c3d4e5f6' },
  ],
};
const end: JobMark = { at: '2026-01-01T10:00:02.000Z', phase: 'end', step: 'prepare' };
const commit: JobMark = { at: '2026-01-01T10:00:02.000Z', phase: 'commit', step: 'switch', forward: [{ do: 'remove', containers: ['old'] }] };

describe.each(TESTED_DRIVERS)('the job store on %s', (driver) => {
  it('has an owner id of its own, kept across reopens and distinct per database', () => {
    const dir = dataDir();
    const first = open(dir, driver);
    const owner = first.jobs.owner;
    expect(owner).toMatch(/^backend-[0-9a-f]{24}$/);
    first.close();
    expect(open(dir, driver).jobs.owner).toBe(owner);
    expect(open(dataDir(), driver).jobs.owner).not.toBe(owner);
  });

  it('keeps a job as inserted, its progress, and its end', async () => {
    const store = open(dataDir(), driver).jobs;
    const j = job();
    await store.insert(j);
    expect(await store.recent()).toEqual([j]);

    await store.progress(j.id, { step: 'copy', done: ['prepare'], bytes: 10, totalBytes: 2 ** 40, pull: { done: 1, total: 3 } }, false);
    expect((await store.recent())[0]).toMatchObject({
      progress: { step: 'copy', done: ['prepare'], bytes: 10, totalBytes: 2 ** 40, pull: { done: 1, total: 3 } },
      cancellable: false,
    });

    await store.finish(j.id, { state: 'succeeded', endedAt: '2026-01-01T11:00:00.000Z', result: { from: '16', to: '17', sizeBytes: 5 } });
    const [done] = await store.recent();
    expect(done).toEqual({
      ...j,
      progress: { step: 'copy', done: ['prepare'], bytes: 10, totalBytes: 2 ** 40, pull: { done: 1, total: 3 } },
      state: 'succeeded',
      endedAt: '2026-01-01T11:00:00.000Z',
      cancellable: false,
      result: { from: '16', to: '17', sizeBytes: 5 },
    });
    expect(done).not.toHaveProperty('message');
    expect(await store.unfinished()).toEqual([]);

    // A progress write that comes after the end changes nothing.
    await store.progress(j.id, { step: 'late' }, true);
    expect((await store.recent())[0]).toEqual(done);
  });

  it('records failures, cancels and recoveries with their message', async () => {
    const store = open(dataDir(), driver).jobs;
    const [a, b] = [job(), job({ kind: 'snapshot', title: 'Snapshot “x”', by: 'cli', engine: 'redis' })];
    await store.insert(a);
    await store.insert(b);
    await store.finish(a.id, { state: 'interrupted', endedAt: '2026-01-01T11:00:00.000Z', message: 'put back', recovered: 'undone' });
    await store.finish(b.id, { state: 'cancelled', endedAt: '2026-01-01T11:00:01.000Z', message: 'Cancelled.' });
    expect(await store.recent()).toEqual([
      { ...b, state: 'cancelled', cancellable: false, endedAt: '2026-01-01T11:00:01.000Z', message: 'Cancelled.' },
      { ...a, state: 'interrupted', cancellable: false, endedAt: '2026-01-01T11:00:00.000Z', message: 'put back', recovered: 'undone' },
    ]);
  });

  it('gives the journal of each unfinished job back in order', async () => {
    const store = open(dataDir(), driver).jobs;
    const [a, b, ended] = [job(), job({ instanceId: 'ffffffffffff', instanceName: 'cache' }), job()];
    for (const j of [a, b, ended]) await store.insert(j);
    await store.mark(a.id, begin);
    await store.mark(b.id, { ...begin, step: 'b-first' });
    await store.mark(a.id, end);
    await store.mark(a.id, commit);
    await store.mark(ended.id, begin);
    await store.finish(ended.id, { state: 'failed', endedAt: '2026-01-01T11:00:00.000Z', message: 'no', code: 'port-in-use', field: 'hostPort' });
    // A failed job keeps its error code and field: the CLI's exit code and the dialog's field come from them.
    expect((await store.recent()).find((j) => j.id === ended.id)).toMatchObject({ state: 'failed', code: 'port-in-use', field: 'hostPort' });

    expect(await store.unfinished()).toEqual([
      { job: a, marks: [begin, end, commit] },
      { job: b, marks: [{ ...begin, step: 'b-first' }] },
    ]);
  });

  it('refuses a mark for a job it does not have, and writes the next one all the same', async () => {
    const store = open(dataDir(), driver).jobs;
    const j = job();
    await store.insert(j);
    await expect(store.mark('000000000000', end)).rejects.toThrow(/FOREIGN KEY/);
    // (node-sqlite3-wasm once refused the next use of a statement that had failed: sqlite-wasm.ts)
    await store.mark(j.id, begin);
    await expect(store.insert(j)).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    await store.mark(j.id, end);
    expect(await store.unfinished()).toEqual([{ job: j, marks: [begin, end] }]);
  });

  it('still has a running job and its journal after the database is closed and opened again', async () => {
    const dir = dataDir();
    const first = open(dir, driver);
    const j = job();
    await first.jobs.insert(j);
    await first.jobs.mark(j.id, begin);
    await first.jobs.progress(j.id, { step: 'copy' }, true);
    first.close();

    const second = open(dir, driver).jobs;
    expect(await second.unfinished()).toEqual([{ job: { ...j, progress: { step: 'copy' } }, marks: [begin] }]);
    expect(second.runningCount()).toBe(1);
  });

  it('lists running jobs and those that ended after `since`, newest first', async () => {
    const store = open(dataDir(), driver).jobs;
    const [old, recent, running] = [job(), job(), job()];
    for (const j of [old, recent, running]) await store.insert(j);
    await store.finish(old.id, { state: 'succeeded', endedAt: '2026-01-01T11:00:00.000Z' });
    await store.finish(recent.id, { state: 'failed', endedAt: '2026-01-01T12:00:00.000Z', message: 'x' });

    expect((await store.recent()).map((j) => j.id)).toEqual([running.id, recent.id, old.id]);
    expect((await store.recent('2026-01-01T11:30:00.000Z')).map((j) => j.id)).toEqual([running.id, recent.id]);
    expect((await store.recent('2026-01-01T12:00:00.000Z')).map((j) => j.id)).toEqual([running.id]);
    expect(store.runningCount()).toBe(1);
  });

  it(`keeps the newest ${ENDED_JOBS_KEPT} ended jobs, with their journals; running ones always`, async () => {
    const dir = dataDir();
    const whole = open(dir, driver);
    const store = whole.jobs;
    const running = job({ startedAt: '2025-01-01T00:00:00.000Z' });
    await store.insert(running);
    const ended: Job[] = [];
    for (let i = 0; i < ENDED_JOBS_KEPT + 5; i++) {
      const j = job();
      ended.push(j);
      await store.insert(j);
      await store.mark(j.id, begin);
      await store.finish(j.id, { state: 'succeeded', endedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, i)).toISOString() });
    }
    const kept = (await store.recent()).map((j) => j.id);
    expect(kept).toHaveLength(ENDED_JOBS_KEPT + 1);
    expect(kept).toContain(running.id);
    expect(kept).not.toContain(ended[4]!.id);
    expect(kept).toContain(ended[5]!.id);

    whole.close(); // node-sqlite3-wasm holds its file exclusively
    const db = openSqlite(path.join(dir, DATABASE_FILE), driver);
    try {
      // The journals of the jobs let go went with them (ON DELETE CASCADE).
      expect(Number(db.value('SELECT count(*) FROM job_marks'))).toBe(ENDED_JOBS_KEPT);
      expect(Number(db.value('SELECT count(*) FROM job_marks WHERE job_id = ?', ended[0]!.id))).toBe(0);
    } finally {
      db.close();
    }
  });
});
