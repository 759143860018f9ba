import { describe, expect, it } from 'vitest';
import type { JobMark } from './job';
import { busyMessage, lockCreateArgs, readLockHolder } from './lock';
import { recoveryPlan } from './recovery';
import { parseJobRequest } from './requests';

const at = '2026-12-06T12:03:00.000Z';

describe('recovery of an interrupted job', () => {
  // The marks of an edit interrupted once the new container was created (its swap's steps).
  const swapMarks: JobMark[] = [
    { at, phase: 'begin', step: 'stop', undo: [{ do: 'start', container: 'old', instanceId: 'i1' }] },
    { at, phase: 'end', step: 'stop' },
    { at, phase: 'begin', step: 'set-aside', undo: [{ do: 'rename', container: 'old', to: 'orders' }] },
    { at, phase: 'end', step: 'set-aside' },
    { at, phase: 'begin', step: 'create', undo: [{ do: 'remove-others', instanceId: 'i1', keep: 'old' }] },
    { at, phase: 'begin', step: 'set-password', undo: [{ do: 'reapply-password', instanceId: 'i1' }] },
  ];

  it('undoes every step begun, newest first, and starts what ran last of all', () => {
    const plan = recoveryPlan(swapMarks);
    expect(plan.how).toBe('undone');
    expect(plan.at).toBe('set-password');
    expect(plan.actions.map((a) => a.do)).toEqual(['remove-others', 'rename', 'start', 'reapply-password']);
  });

  it('finishes a job that committed: only the commit’s forward steps run', () => {
    const plan = recoveryPlan([
      ...swapMarks,
      {
        at,
        phase: 'commit',
        step: 'ready',
        forward: [
          { do: 'remove', containers: ['old'] },
          { do: 'start', container: 'new', instanceId: 'i1' },
        ],
      },
    ]);
    expect(plan).toEqual({
      how: 'completed',
      at: 'ready',
      actions: [
        { do: 'remove', containers: ['old'] },
        { do: 'start', container: 'new', instanceId: 'i1' },
      ],
    });
  });

  it('puts the data back before the server starts again (an in-place upgrade interrupted in its switch)', () => {
    const plan = recoveryPlan([
      { at, phase: 'begin', step: 'stop', undo: [{ do: 'start', container: 'old', instanceId: 'i1' }] },
      { at, phase: 'begin', step: 'switch', undo: [{ do: 'replace-data', image: 'mysql:8.0', volumes: [{ key: 'data', from: 'snap', to: 'live' }] }] },
      { at, phase: 'begin', step: 'set-aside', undo: [{ do: 'rename', container: 'old', to: 'orders' }] },
    ]);
    expect(plan.actions.map((a) => a.do)).toEqual(['rename', 'replace-data', 'start']);
  });

  it('removes an import’s file from the container once it runs again (an import interrupted while the server was stopped)', () => {
    const plan = recoveryPlan([
      { at, phase: 'begin', step: 'received', undo: [{ do: 'remove-temp', container: 'c', path: '/tmp/dockbase-import-0123456789ab' }] },
      {
        at,
        phase: 'begin',
        step: 'import',
        undo: [
          { do: 'stop', container: 'c', engine: 'postgres' },
          { do: 'replace-data', image: 'postgres:15', volumes: [] },
          { do: 'start', container: 'c', instanceId: 'i1' },
        ],
      },
    ]);
    expect(plan.actions.map((a) => a.do)).toEqual(['stop', 'replace-data', 'start', 'remove-temp']);
  });

  it('has nothing to do for a job interrupted before its first step', () => {
    expect(recoveryPlan([])).toEqual({ how: 'undone', actions: [], at: undefined });
  });
});

describe('the instance lock', () => {
  it('names the holder, what it does, since when and from which door', () => {
    const since = new Date(2026, 11, 6, 12, 3);
    expect(busyMessage('orders', { kind: 'upgrade', title: 'Upgrade to PostgreSQL 17', by: 'cli', since: since.toISOString() }, since)).toBe(
      'orders is being upgraded, started 12:03 from the command line. Wait until it ends, or cancel it there, then try again.',
    );
    expect(busyMessage('orders', { kind: 'restore', title: 'x', by: 'tab', since: since.toISOString() }, since)).toMatch(
      /^orders is being restored from a snapshot, started 12:03 from the Dockbase tab\./,
    );
  });

  it('is a container made from the instance’s image, never pulled, without network, labelled with its job', () => {
    const args = lockCreateArgs(
      { id: 'j1', kind: 'upgrade', title: 'Upgrade', by: 'tab', startedAt: at, instanceId: 'abcdefabcdef', instanceName: 'orders' },
      'postgres:15',
      'owner1',
    );
    expect(args.slice(0, 8)).toEqual(['container', 'create', '--name', 'dockbase-lock-orders', '--pull', 'never', '--network', 'none']);
    expect(args.at(-1)).toBe('postgres:15');
    expect(args).toContain('io.dockbase.lock.owner=owner1');
    expect(args).not.toContain('--label io.dockbase.instance');
    expect(args.some((a) => a.startsWith('io.dockbase.instance'))).toBe(false);
  });

  it('reads its holder back from docker inspect', () => {
    const labels = {
      'io.dockbase.lock.job': 'j1',
      'io.dockbase.lock.kind': 'edit',
      'io.dockbase.lock.title': 'Change settings',
      'io.dockbase.lock.by': 'tab',
      'io.dockbase.lock.since': at,
    };
    expect(readLockHolder(`c0ffee ${JSON.stringify(labels)}\n`)).toEqual({
      containerId: 'c0ffee',
      jobId: 'j1',
      kind: 'edit',
      title: 'Change settings',
      by: 'tab',
      since: at,
    });
    expect(readLockHolder('c0ffee null')).toBeUndefined();
  });
});

describe('job requests from outside', () => {
  it('takes each kind with its fields', () => {
    expect(parseJobRequest({ kind: 'upgrade', instanceId: 'abcdefabcdef', to: '17' })).toEqual({ kind: 'upgrade', instanceId: 'abcdefabcdef', to: '17' });
    expect(parseJobRequest({ kind: 'edit', instanceId: 'abcdefabcdef', changes: { hostPort: 5433, memoryBytes: null } })).toEqual({
      kind: 'edit',
      instanceId: 'abcdefabcdef',
      changes: { hostPort: 5433, memoryBytes: null },
    });
  });

  it('refuses an unknown kind, a bad id and unknown changes, naming the field', () => {
    expect(() => parseJobRequest({ kind: 'format-disk', instanceId: 'abcdefabcdef' })).toThrow(/kind must be one of/);
    expect(() => parseJobRequest({ kind: 'upgrade', instanceId: '../etc', to: '17' })).toThrow(/instanceId/);
    expect(() => parseJobRequest({ kind: 'edit', instanceId: 'abcdefabcdef', changes: { image: 'evil' } })).toThrow(/unknown change image/);
    expect(() => parseJobRequest({ kind: 'edit', instanceId: 'abcdefabcdef', changes: { restartPolicy: 'always' } })).toThrow(/restartPolicy/);
    expect(() => parseJobRequest([])).toThrow(/JSON object/);
  });
});
