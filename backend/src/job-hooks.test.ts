import { JobRunner, createDockbase, passwordVerdict, recordJobEnd, type Job, type JobMark } from '@dockbase/core';
import { scripted } from '@dockbase/core/test-support';
import { describe, expect, it, vi } from 'vitest';
import { faultHook, parseFaultAt, storeActivity } from './job-hooks.js';
import { TESTED_DRIVERS } from './test-support/drivers.js';
import { storesForEachTest } from './test-support/stores.js';

const { dataDir, open } = storesForEachTest('dockbase-job-hooks-');

const ID = 'a1b2c3d4e5f6';
function job(over: Partial<Job> = {}): Job {
  return {
    id: '0123456789ab',
    kind: 'snapshot',
    instanceId: ID,
    instanceName: 'orders',
    engine: 'postgres',
    title: 'Snapshot “nightly”',
    by: 'tab',
    startedAt: '2026-01-01T10:00:00.000Z',
    state: 'succeeded',
    endedAt: '2026-01-01T10:01:00.000Z',
    progress: {},
    cancellable: false,
    ...over,
  };
}

describe.each(TESTED_DRIVERS)('on %s', (driver) => {
  describe('a job’s end in its instance’s history (the core’s recordJobEnd over the store)', () => {
    it('is the job’s kind, ok or failed, what it did (its error, its cancel, what recovery did), and the bytes it moved', async () => {
      const store = open(dataDir(), driver);
      store.put(ID, { name: 'orders', engine: 'postgres', settings: {} });
      const activity = storeActivity(store);
      await recordJobEnd(activity, job({ result: { name: 'nightly', sizeBytes: 2 ** 40 } }));
      await recordJobEnd(activity, job({ kind: 'upgrade', state: 'failed', message: 'The new server did not start.' }));
      await recordJobEnd(activity, job({ kind: 'edit', title: 'Change settings', state: 'cancelled', message: 'Cancelled: nothing was changed.' }));
      await recordJobEnd(activity, job({ kind: 'restore', state: 'interrupted', recovered: 'undone', message: 'Restore was interrupted; put back.' }));
      await recordJobEnd(activity, job({ kind: 'import', state: 'failed', message: 'x'.repeat(5000) }));
      expect(store.get(ID)?.history.map(({ at: _at, ...entry }) => entry)).toEqual([
        { action: 'import', outcome: 'failed', detail: `${'x'.repeat(3999)}…` },
        { action: 'restore', outcome: 'failed', detail: 'Restore was interrupted; put back.' },
        { action: 'edit', outcome: 'failed', detail: 'Cancelled: Change settings. Nothing was changed.' },
        { action: 'upgrade', outcome: 'failed', detail: 'The new server did not start.' },
        { action: 'snapshot', outcome: 'ok', detail: 'nightly', size: 2 ** 40 },
      ]);
    });

    it('makes a created instance’s record with the settings its labels hold, never the password, and forgets a deleted one', async () => {
      const store = open(dataDir(), driver);
      const activity = storeActivity(store);
      const made = {
        id: ID,
        name: 'orders',
        engine: 'postgres',
        image: 'postgres',
        tag: '17',
        hostPort: 5432,
        bindAddress: '127.0.0.1',
        volumes: ['dockbase-orders-data'],
        user: 'app',
        containerId: 'c0ffee',
      };
      await recordJobEnd(activity, job({ kind: 'create', title: 'Create PostgreSQL 17', result: made }));
      expect(store.get(ID)).toMatchObject({
        name: 'orders',
        engine: 'postgres',
        settings: { image: 'postgres', tag: '17', hostPort: 5432, persistData: true, exposeOnNetwork: false, user: 'app' },
        history: [{ action: 'create', outcome: 'ok' }],
      });
      expect(JSON.stringify(store.get(ID))).not.toMatch(/password/i);
      await recordJobEnd(activity, job({ kind: 'delete', title: 'Delete', result: { dataRemoved: false, dataKept: true, recordId: ID } }));
      expect(store.get(ID)?.history[0]).toMatchObject({ action: 'delete', outcome: 'ok', detail: 'its data was kept, with these notes and history' });
      await recordJobEnd(activity, job({ kind: 'delete', title: 'Delete with its data', result: { dataRemoved: true, dataKept: false, recordId: ID } }));
      expect(store.get(ID)).toBeUndefined();
    });

    it('is left out for an instance the backend keeps no notes for', async () => {
      const store = open(dataDir(), driver);
      await recordJobEnd(storeActivity(store), job());
      expect(store.get(ID)).toBeUndefined();
    });

    it('is logged, not thrown, when it cannot be written', async () => {
      const logged: string[] = [];
      const failing = {
        put: () => undefined,
        delete: () => undefined,
        addHistory: () => {
          throw new Error('disk full');
        },
      };
      expect(
        await recordJobEnd(
          storeActivity(failing, (m) => logged.push(m)),
          job(),
        ),
      ).toBe(false);
      expect(logged).toEqual(['dockbase backend: could not record a job in its instance’s history: disk full']);
    });
  });

  it('a job a dead process left running is recovered from the store at the next start, and recorded', async () => {
    const dir = dataDir();
    const before = open(dir, driver);
    before.put(ID, { name: 'orders', engine: 'postgres', settings: {} });
    const running = job({ kind: 'upgrade', title: 'Upgrade to PostgreSQL 17', state: 'running', endedAt: undefined, cancellable: true });
    const marks: JobMark[] = [
      { at: '2026-01-01T10:00:01.000Z', phase: 'begin', step: 'set-aside', undo: [{ do: 'rename', container: 'old', to: 'orders' }] },
      { at: '2026-01-01T10:00:02.000Z', phase: 'end', step: 'set-aside' },
      { at: '2026-01-01T10:00:03.000Z', phase: 'begin', step: 'create', undo: [{ do: 'remove', containers: ['new'] }] },
    ];
    await before.jobs.insert(running);
    for (const m of marks) await before.jobs.mark(running.id, m);
    before.close(); // the process died (its writes were committed)

    const store = open(dir, driver);
    const cli = scripted([]);
    const ended: Job[] = [];
    const runner = new JobRunner({
      dockbase: createDockbase(cli),
      cli,
      store: store.jobs,
      door: 'tab',
      onEnd: async (j) => {
        ended.push(j);
        await recordJobEnd(storeActivity(store), j);
      },
    });
    const recovered = await runner.recover();

    expect(recovered).toEqual([expect.objectContaining({ id: running.id, state: 'interrupted', recovered: 'undone' })]);
    // Undone newest first: the new container removed, then the old one given its name back.
    const commands = cli.calls.map((c) => c.join(' '));
    const [removed, renamed] = [commands.indexOf('rm --force --volumes new'), commands.indexOf('rename old orders')];
    expect(removed).toBeGreaterThanOrEqual(0);
    expect(renamed).toBeGreaterThan(removed);
    // The lock this store's jobs could have left is looked for by its owner id.
    expect(commands.some((c) => c.includes(`label=io.dockbase.lock.owner=${store.jobs.owner}`))).toBe(true);

    expect(await store.jobs.unfinished()).toEqual([]);
    const [kept] = await store.jobs.recent();
    expect(kept).toMatchObject({ id: running.id, state: 'interrupted', recovered: 'undone', message: expect.stringContaining('was interrupted at “create”') });
    expect(ended.map((j) => j.id)).toEqual([running.id]);
    expect(store.get(ID)?.history).toEqual([expect.objectContaining({ action: 'upgrade', outcome: 'failed', detail: kept!.message })]);
  });
});

describe('the fault hook (DOCKBASE_FAULT_AT)', () => {
  it('reads <kind>:<step>:<phase>, nothing when unset, and refuses anything else', () => {
    expect(parseFaultAt(undefined)).toBeUndefined();
    expect(parseFaultAt('')).toBeUndefined();
    expect(parseFaultAt('upgrade:prepare:begin')).toEqual({ kind: 'upgrade', step: 'prepare', phase: 'begin' });
    expect(parseFaultAt('snapshot:snapshot:commit')).toEqual({ kind: 'snapshot', step: 'snapshot', phase: 'commit' });
    for (const bad of ['upgrade', 'upgrade:prepare', 'upgrade::begin', 'format:prepare:begin', 'upgrade:prepare:start', 'upgrade:a:b:begin']) {
      expect(() => parseFaultAt(bad), bad).toThrow(/Invalid DOCKBASE_FAULT_AT/);
    }
  });

  it('ends the process at that mark of that kind of job only', () => {
    const die = vi.fn();
    const onMark = faultHook({ kind: 'upgrade', step: 'prepare', phase: 'end' }, die);
    const upgrade = job({ kind: 'upgrade', state: 'running' });
    onMark(upgrade, { at: '', phase: 'begin', step: 'prepare', undo: [] });
    onMark(job({ kind: 'edit' }), { at: '', phase: 'end', step: 'prepare' });
    onMark(upgrade, { at: '', phase: 'end', step: 'copy' });
    expect(die).not.toHaveBeenCalled();
    onMark(upgrade, { at: '', phase: 'end', step: 'prepare' });
    expect(die).toHaveBeenCalledTimes(1);
  });
});

describe('the password verdict a job reached', () => {
  it('is the check an edit, a restore, an import or a create made, on the container it checked', () => {
    const rejected = { status: 'rejected', message: 'MariaDB refused orders’s password.' } as const;
    expect(passwordVerdict(job({ kind: 'edit', result: { instance: { containerId: 'new' }, passwordCheck: { status: 'ok' } } }), 'old')).toEqual({
      containerId: 'new',
      instanceId: ID,
      status: 'ok',
    });
    expect(passwordVerdict(job({ kind: 'import', result: { password: rejected } }), 'c1')).toEqual({ containerId: 'c1', instanceId: ID, ...rejected });
    expect(passwordVerdict(job({ kind: 'create', result: { containerId: 'c2', passwordCheck: { status: 'ok' } } }), undefined)).toMatchObject({
      containerId: 'c2',
    });
  });

  it('is none when the job checked nothing, could not tell, or did not succeed', () => {
    expect(passwordVerdict(job({ kind: 'snapshot', result: { name: 'x' } }), 'c1')).toBeUndefined();
    expect(passwordVerdict(job({ kind: 'restore', result: { password: { status: 'unverifiable', message: 'not running' } } }), 'c1')).toBeUndefined();
    expect(passwordVerdict(job({ kind: 'import', state: 'failed', result: { password: { status: 'ok' } } }), 'c1')).toBeUndefined();
  });
});
