/**
 * The long operations on an instance (Upgrade, Roll back, Export, Import) as their dialogs see them: what
 * each says on success, failure and cancel (state, toasts), what it records in the history, and which queries
 * it has read again. The core is stubbed: its own tests cover what the operations do to docker.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ActivityLog, cancelled, DockbaseError, type ActivityStore, type Dockbase, type ExportResult, type ImportResult, type Instance } from '@dockbase/core';
import type { RollbackPoint, RollbackResult, UpgradePlan, UpgradeProgress, UpgradeResult } from '@dockbase/core';
import { AppServicesProvider } from './shared/context';
import type { DesktopServices } from './shared/desktop-services';
import { useExport, useImport } from './transfer/useDataTransfer';
import { useRollback, useUpgrade } from './upgrade/useUpgrade';

const instance = { id: 'c1', dataId: 'd1', name: 'orders', engine: 'postgres', volumes: [] } as unknown as Instance;
const point = { id: 'p1', name: 'before upgrade to 17', sizeBytes: 2048 } as unknown as RollbackPoint;
const plan = {
  to: '17',
  steps: [{ id: 'pull' }, { id: 'snapshot' }, { id: 'switch' }, { id: 'check' }],
  lastCancellableStep: 'snapshot',
} as unknown as UpgradePlan;

/** A promise settled from the test, and the options the operation was called with. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup() {
  const calls = {
    upgrade: pending<UpgradeResult>(),
    rollback: pending<RollbackResult>(),
    export: pending<ExportResult>(),
    import: pending<ImportResult>(),
  };
  const options: {
    upgrade?: { signal: AbortSignal; onProgress(p: UpgradeProgress): void };
    rollback?: { onProgress(p: UpgradeProgress): void };
    export?: { signal: AbortSignal };
  } = {};
  const dockbase = {
    upgrades: {
      upgrade: vi.fn((_i: Instance, _to: string, o: NonNullable<typeof options.upgrade>) => ((options.upgrade = o), calls.upgrade.promise)),
      rollback: vi.fn((_i: Instance, _p: RollbackPoint, o: NonNullable<typeof options.rollback>) => ((options.rollback = o), calls.rollback.promise)),
    },
    backups: {
      export: vi.fn((_i: Instance, o: NonNullable<typeof options.export>) => ((options.export = o), calls.export.promise)),
      import: vi.fn(() => calls.import.promise),
    },
  };
  const toasts = { success: [] as string[], error: [] as string[] };
  const desktop = {
    toast: { success: (m: string) => toasts.success.push(m), error: (m: string) => toasts.error.push(m), warning: () => undefined },
  } as unknown as DesktopServices;
  const history: Array<{ id: string; action: string; outcome: string; detail?: string; size?: number }> = [];
  const store: ActivityStore = {
    saveInstance: async () => undefined,
    addHistory: async (id, entry) => void history.push({ id, ...entry }),
    deleteInstance: async () => undefined,
  };
  const queryClient = new QueryClient();
  const invalidated: string[] = [];
  vi.spyOn(queryClient, 'invalidateQueries').mockImplementation(async (filters) => void invalidated.push(JSON.stringify(filters?.queryKey)));
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <AppServicesProvider value={{ dockbase: dockbase as unknown as Dockbase, desktop, activity: new ActivityLog(store) }}>{children}</AppServicesProvider>
    </QueryClientProvider>
  );
  return { calls, options, dockbase, toasts, history, invalidated, wrapper };
}

/** Starts a run (in act); what it returns ends it: settles the core's call, then gives what the run resolved. */
function begin(run: () => Promise<boolean>) {
  let ok: Promise<boolean> = Promise.resolve(false);
  act(() => {
    ok = run();
  });
  return async (settle: () => void) => {
    let answer = false;
    await act(async () => {
      settle();
      answer = await ok;
    });
    return answer;
  };
}

// Every snapshot too: the snapshots of deleted instances are found among them.
const INSTANCE_CHANGED = ['["instances"]', '["snapshots","c1"]', '["all-snapshots"]'];
const META = '["backend","instance-meta","d1"]';

describe('Upgrade', () => {
  it('shows each step, allows Cancel until the last safe step, then toasts, records and lists again', async () => {
    const t = setup();
    const { result } = renderHook(() => useUpgrade(instance), { wrapper: t.wrapper });
    expect(result.current).toMatchObject({ running: false, canCancel: false, progress: { step: undefined, done: [] } });
    const end = begin(() => result.current.run(plan));
    expect(result.current.running).toBe(true);
    expect(await result.current.run(plan)).toBe(false);
    expect(t.dockbase.upgrades.upgrade).toHaveBeenCalledTimes(1);
    expect(t.dockbase.upgrades.upgrade.mock.calls[0]?.[1]).toBe('17');

    act(() => t.options.upgrade!.onProgress({ step: 'pull', pull: { done: 1, total: 3 } }));
    expect(result.current.progress).toEqual({ step: 'pull', done: [], pull: { done: 1, total: 3 } });
    expect(result.current.canCancel).toBe(true);
    act(() => t.options.upgrade!.onProgress({ step: 'snapshot' }));
    expect(result.current.canCancel).toBe(true);
    act(() => t.options.upgrade!.onProgress({ step: 'switch' }));
    expect(result.current.progress).toEqual({ step: 'switch', done: ['pull', 'snapshot'], pull: { done: 1, total: 3 } });
    expect(result.current.canCancel).toBe(false);

    const r = {
      from: '15',
      to: '17',
      method: 'dump-restore',
      verified: { tables: 1, rows: 42 },
      sizeBytes: 4096,
      rollbackPoint: { name: 'before upgrade to 17' },
    } as unknown as UpgradeResult;
    expect(await end(() => t.calls.upgrade.resolve(r))).toBe(true);
    expect(result.current).toMatchObject({
      running: false,
      canCancel: false,
      result: r,
      failure: undefined,
      progress: { step: undefined, done: ['pull', 'snapshot', 'switch', 'check'] },
    });
    expect(t.toasts).toEqual({ success: ['orders now runs PostgreSQL 17. Its data from 15 is kept as the rollback point.'], error: [] });
    await waitFor(() => expect(t.invalidated).toContain(META));
    expect(t.history).toEqual([
      {
        id: 'd1',
        action: 'upgrade',
        outcome: 'ok',
        detail: 'PostgreSQL 15 → 17 (dump and restore, 1 table and 42 rows checked on both sides); rollback point “before upgrade to 17”',
        size: 4096,
      },
    ]);
    expect(t.invalidated.filter((k) => k !== META).sort()).toEqual([...INSTANCE_CHANGED].sort());
  });

  it('shows a cancel as what it left, without a toast, and records it as failed', async () => {
    const t = setup();
    const { result } = renderHook(() => useUpgrade(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run(plan));
    act(() => result.current.cancel());
    expect(t.options.upgrade!.signal.aborted).toBe(true);
    expect(await end(() => t.calls.upgrade.reject(cancelled('Upgrade cancelled. Nothing was changed.')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, result: undefined, failure: 'Upgrade cancelled. Nothing was changed.' });
    expect(t.toasts).toEqual({ success: [], error: [] });
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action: 'upgrade', outcome: 'failed', detail: 'Upgrade cancelled. Nothing was changed.' }]));
    expect(t.invalidated).toEqual(expect.arrayContaining(INSTANCE_CHANGED));
  });
});

describe('Roll back', () => {
  it('marks the last step done, toasts, records the point and its size, and lists again', async () => {
    const t = setup();
    const { result } = renderHook(() => useRollback(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run(point));
    expect(await result.current.run(point)).toBe(false);
    act(() => t.options.rollback!.onProgress({ step: 'stop' }));
    act(() => t.options.rollback!.onProgress({ step: 'check' }));
    const r = { from: '17', to: '15', kept: { name: 'before rollback' } } as unknown as RollbackResult;
    expect(await end(() => t.calls.rollback.resolve(r))).toBe(true);
    expect(result.current).toEqual({
      running: false,
      result: r,
      failure: undefined,
      progress: { step: undefined, done: ['stop', 'check'] },
      run: result.current.run,
    });
    expect(t.toasts).toEqual({
      success: ['orders runs PostgreSQL 15 again, with its data from before the upgrade. What 17 held is kept as “before rollback”.'],
      error: [],
    });
    await waitFor(() =>
      expect(t.history).toEqual([
        {
          id: 'd1',
          action: 'rollback',
          outcome: 'ok',
          detail: "PostgreSQL 17 → 15 from “before upgrade to 17”; 17's data kept as “before rollback”",
          size: 2048,
        },
      ]),
    );
    await waitFor(() => expect(t.invalidated).toContain(META));
    expect(t.invalidated).toEqual(expect.arrayContaining(INSTANCE_CHANGED));
  });
});

describe('Export', () => {
  it('shows the dump’s progress, toasts the file and records it; the instance is not listed again', async () => {
    const t = setup();
    const { result } = renderHook(() => useExport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run('/backups'));
    expect(await result.current.run('/backups')).toBe(false);
    expect(t.dockbase.backups.export.mock.calls[0]?.[1]).toMatchObject({ directory: '/backups' });
    act(() => (t.options.export as unknown as { onProgress(p: unknown): void }).onProgress({ phase: 'dumping', bytes: 100 }));
    expect(result.current.progress).toEqual({ phase: 'dumping', bytes: 100 });
    const r: ExportResult = { file: '/backups/orders.sql', sizeBytes: 512, tool: 'pg_dump' };
    expect(await end(() => t.calls.export.resolve(r))).toBe(true);
    expect(result.current).toMatchObject({ running: false, result: r, failure: undefined });
    expect(t.toasts).toEqual({ success: ['orders was exported to /backups/orders.sql.'], error: [] });
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action: 'export', outcome: 'ok', detail: 'pg_dump → /backups/orders.sql', size: 512 }]));
    await waitFor(() => expect(t.invalidated).toEqual([META]));
  });

  it('says nothing of a cancel (the form is back) but records it', async () => {
    const t = setup();
    const { result } = renderHook(() => useExport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run('/backups'));
    act(() => result.current.cancel());
    expect(t.options.export!.signal.aborted).toBe(true);
    expect(await end(() => t.calls.export.reject(cancelled('Export cancelled; no file was written.')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, result: undefined, failure: undefined });
    expect(t.toasts).toEqual({ success: [], error: [] });
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action: 'export', outcome: 'failed', detail: 'Export cancelled; no file was written.' }]));
  });
});

describe('Import', () => {
  it('toasts what was kept, records the file and lists the instance and its snapshots again', async () => {
    const t = setup();
    const { result } = renderHook(() => useImport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run('/backups/orders.sql'));
    expect(result.current.running).toBe(true);
    expect(await result.current.run('/backups/orders.sql')).toBe(false);
    const r = { kind: 'sql', sizeBytes: 512, kept: { name: 'before import' } } as unknown as ImportResult;
    expect(await end(() => t.calls.import.resolve(r))).toBe(true);
    expect(result.current).toEqual({ running: false, result: r, failure: undefined, run: result.current.run });
    expect(t.toasts).toEqual({ success: ['/backups/orders.sql was imported into orders. Its previous data is kept as "before import".'], error: [] });
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action: 'import', outcome: 'ok', detail: '/backups/orders.sql', size: 512 }]));
    await waitFor(() => expect(t.invalidated).toContain(META));
    expect(t.invalidated).toEqual(expect.arrayContaining(INSTANCE_CHANGED));
  });
});

describe('a failure', () => {
  /** Each hook, run with its argument. */
  const cases: Array<{ action: 'upgrade' | 'rollback' | 'export' | 'import'; use(): { start(): Promise<boolean> } }> = [
    { action: 'upgrade', use: () => withStart(useUpgrade(instance), plan) },
    { action: 'rollback', use: () => withStart(useRollback(instance), point) },
    { action: 'export', use: () => withStart(useExport(instance), '/nowhere') },
    { action: 'import', use: () => withStart(useImport(instance), '/backups/other.archive') },
  ];
  function withStart<A, S extends { run(arg: A): Promise<boolean> }>(state: S, arg: A) {
    return { ...state, start: () => state.run(arg) };
  }
  it.each(cases)('of $action is toasted, shown and recorded', async ({ action, use }) => {
    const t = setup();
    const { result } = renderHook(use, { wrapper: t.wrapper });
    const end = begin(() => result.current.start());
    expect(await end(() => t.calls[action].reject(new DockbaseError('command-failed', 'It failed.')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, result: undefined, failure: 'It failed.' });
    expect(t.toasts).toEqual({ success: [], error: ['It failed.'] });
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action, outcome: 'failed', detail: 'It failed.' }]));
  });
});
