/**
 * The long operations on an instance (Upgrade, Roll back, Import, Export's dump as jobs; Export's save in the page) as their dialogs
 * see them: what each says on success, failure and cancel (state, one toast), what is recorded in the history,
 * and which queries are read again. The jobs run in the page's own runner (no backend), which records their
 * outcomes itself; the core is stubbed: its own tests cover what the operations do to docker.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  ActivityLog,
  cancelled,
  DockbaseError,
  type ActivityStore,
  type Dockbase,
  type ExportDump,
  type ExportResult,
  type ImportResult,
  type Instance,
} from '@dockbase/core';
import type { RollbackPoint, RollbackResult, UpgradePlan, UpgradeProgress, UpgradeResult } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { AppServicesProvider } from './shared/context';
import type { DesktopServices } from './shared/desktop-services';
import { pageJobs } from './shared/jobs-service';
import { useJobOutcomes } from './shared/useJobs';
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

/** What the page mounts once: the one place job outcomes are told. */
function Outcomes({ children }: { children: ReactNode }) {
  useJobOutcomes();
  return <>{children}</>;
}

function setup() {
  const calls = {
    upgrade: pending<UpgradeResult>(),
    rollback: pending<RollbackResult>(),
    export: pending<ExportDump>(),
    save: pending<ExportResult>(),
    import: pending<ImportResult>(),
  };
  const options: {
    upgrade?: { signal: AbortSignal; onProgress(p: UpgradeProgress): void };
    rollback?: { onProgress(p: UpgradeProgress): void };
    export?: { signal: AbortSignal; onProgress(bytes: number): void };
  } = {};
  const dockbase = {
    lifecycle: { get: vi.fn(async () => instance) },
    upgrades: {
      plan: vi.fn(() => plan),
      // No snapshot holds the new version's volume (the runner asks before an upgrade starts).
      blocker: vi.fn(async () => undefined),
      upgrade: vi.fn((_i: Instance, _to: string, o: NonNullable<typeof options.upgrade>) => ((options.upgrade = o), calls.upgrade.promise)),
      rollbackPoints: vi.fn(async () => [point]),
      rollback: vi.fn((_i: Instance, _p: RollbackPoint, o: NonNullable<typeof options.rollback>) => ((options.rollback = o), calls.rollback.promise)),
    },
    backups: {
      exportDump: vi.fn((_i: Instance, o: NonNullable<typeof options.export>) => ((options.export = o), calls.export.promise)),
      saveExport: vi.fn((_i: Instance, _d: ExportDump, _dir: string) => calls.save.promise),
      sendImportFile: vi.fn(async (_i: Instance, file: string) => ({ temp: '/tmp/dockbase-import-0123456789ab', fileName: file.split('/').pop()! })),
      readSentFile: vi.fn(async (_i: Instance, sent: { fileName: string }) => ({ fileName: sent.fileName, sizeBytes: 512, kind: 'sql', gzip: false })),
      importSent: vi.fn(() => calls.import.promise),
      discardImportFile: vi.fn(async () => undefined),
    },
  };
  const toasts = { success: [] as string[], warning: [] as string[], error: [] as string[] };
  const desktop = {
    toast: { success: (m: string) => toasts.success.push(m), error: (m: string) => toasts.error.push(m), warning: (m: string) => toasts.warning.push(m) },
  } as unknown as DesktopServices;
  const history: Array<{ id: string; action: string; outcome: string; detail?: string; size?: number }> = [];
  const store: ActivityStore = {
    saveInstance: async () => undefined,
    addHistory: async (id, entry) => void history.push({ id, ...entry }),
    deleteInstance: async () => undefined,
  };
  const activity = new ActivityLog(store);
  const core = dockbase as unknown as Dockbase;
  // The engine answers (a job that fails asks it whether it went away: engine-away.ts).
  const cli = { run: () => Promise.resolve({ code: 0, stdout: '{}', stderr: '' }) } as unknown as DockerCli;
  const jobs = pageJobs({ dockbase: core, cli, history: () => store, instanceOf: () => instance });
  const queryClient = new QueryClient();
  // The page has listed the instance: its history is kept under its data's id.
  queryClient.setQueryData(['instances'], [instance]);
  const invalidated: string[] = [];
  vi.spyOn(queryClient, 'invalidateQueries').mockImplementation(async (filters) => void invalidated.push(JSON.stringify(filters?.queryKey)));
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <AppServicesProvider value={{ dockbase: core, desktop, activity, jobs }}>
        <Outcomes>{children}</Outcomes>
      </AppServicesProvider>
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
const INSTANCE_CHANGED = ['["instances"]', '["snapshots","c1"]', '["left-behind"]'];
const META = '["backend","instance-meta","d1"]';

describe('Upgrade', () => {
  it('shows each step, allows Cancel until the last safe step, then toasts once, records and lists again', async () => {
    const t = setup();
    const { result } = renderHook(() => useUpgrade(instance), { wrapper: t.wrapper });
    expect(result.current).toMatchObject({ running: false, canCancel: false, progress: { step: undefined, done: [] } });
    const end = begin(() => result.current.run(plan));
    expect(result.current.running).toBe(true);
    expect(await result.current.run(plan)).toBe(false);
    await waitFor(() => expect(t.dockbase.upgrades.upgrade).toHaveBeenCalledTimes(1));
    expect(t.dockbase.upgrades.upgrade.mock.calls[0]?.[1]).toBe('17');

    act(() => t.options.upgrade!.onProgress({ step: 'pull', pull: { done: 1, total: 3 } }));
    await waitFor(() => expect(result.current.progress).toEqual({ step: 'pull', done: [], pull: { done: 1, total: 3 } }));
    expect(result.current.canCancel).toBe(true);
    act(() => t.options.upgrade!.onProgress({ step: 'snapshot' }));
    await waitFor(() => expect(result.current.progress.step).toBe('snapshot'));
    expect(result.current.canCancel).toBe(true);
    act(() => t.options.upgrade!.onProgress({ step: 'switch' }));
    await waitFor(() => expect(result.current.progress).toEqual({ step: 'switch', done: ['pull', 'snapshot'], pull: { done: 1, total: 3 } }));
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
    await waitFor(() => expect(t.toasts.success).toEqual(['orders now runs PostgreSQL 17. Its data from 15 is kept as the rollback point.']));
    expect(t.toasts.error).toEqual([]);
    await waitFor(() => expect(t.invalidated).toContain(META));
    await waitFor(() =>
      expect(t.history).toEqual([
        {
          id: 'd1',
          action: 'upgrade',
          outcome: 'ok',
          detail: 'PostgreSQL 15 → 17 (dump and restore, 1 table and 42 rows checked on both sides); rollback point “before upgrade to 17”',
          size: 4096,
        },
      ]),
    );
    expect(t.invalidated.filter((k) => k !== META).sort()).toEqual([...INSTANCE_CHANGED].sort());
    // Told once: the next answers of the list do not toast it again.
    await new Promise((r) => setTimeout(r, 700));
    expect(t.toasts.success).toHaveLength(1);
  });

  it('shows a cancel as what it left, without a toast, and records it as failed', async () => {
    const t = setup();
    const { result } = renderHook(() => useUpgrade(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run(plan));
    await waitFor(() => expect(t.options.upgrade).toBeDefined());
    await waitFor(() => expect(result.current.canCancel).toBe(true));
    act(() => result.current.cancel());
    await waitFor(() => expect(t.options.upgrade!.signal.aborted).toBe(true));
    expect(await end(() => t.calls.upgrade.reject(cancelled('Upgrade cancelled. Nothing was changed.')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, result: undefined, failure: 'Upgrade cancelled. Nothing was changed.' });
    await waitFor(() =>
      expect(t.history).toEqual([{ id: 'd1', action: 'upgrade', outcome: 'failed', detail: 'Cancelled: Upgrade to PostgreSQL 17. Nothing was changed.' }]),
    );
    expect(t.toasts).toEqual({ success: [], warning: [], error: [] });
    expect(t.invalidated).toEqual(expect.arrayContaining(INSTANCE_CHANGED));
  });
});

describe('Roll back', () => {
  it('marks the last step done, toasts, records what it kept, and lists again', async () => {
    const t = setup();
    const { result } = renderHook(() => useRollback(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run(point));
    expect(await result.current.run(point)).toBe(false);
    await waitFor(() => expect(t.options.rollback).toBeDefined());
    expect(t.dockbase.upgrades.rollback.mock.calls[0]?.[1]).toBe(point);
    act(() => t.options.rollback!.onProgress({ step: 'stop' }));
    act(() => t.options.rollback!.onProgress({ step: 'check' }));
    const r = { from: '17', to: '15', kept: { name: 'before rollback', sizeBytes: 1024 } } as unknown as RollbackResult;
    expect(await end(() => t.calls.rollback.resolve(r))).toBe(true);
    expect(result.current).toEqual({
      running: false,
      result: r,
      failure: undefined,
      progress: { step: undefined, done: ['stop', 'check'] },
      run: result.current.run,
    });
    await waitFor(() =>
      expect(t.toasts.success).toEqual(['orders runs PostgreSQL 15 again, with its data from before the upgrade. What 17 held is kept as “before rollback”.']),
    );
    await waitFor(() =>
      expect(t.history).toEqual([
        { id: 'd1', action: 'rollback', outcome: 'ok', detail: "PostgreSQL 17 → 15; 17's data kept as “before rollback”", size: 1024 },
      ]),
    );
    await waitFor(() => expect(t.invalidated).toContain(META));
    expect(t.invalidated).toEqual(expect.arrayContaining(INSTANCE_CHANGED));
  });
});

describe('Export', () => {
  const dump: ExportDump = { temp: '/tmp/dockbase-export-0123456789ab', container: 'c0', stem: 'orders-1', extension: '.sql', sizeBytes: 512, tool: 'pg_dump' };

  it('dumps as a job with its progress, then saves the dump into the folder from the page: toasts the file and records it', async () => {
    const t = setup();
    const { result } = renderHook(() => useExport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run('/backups'));
    expect(await result.current.run('/backups')).toBe(false);
    await waitFor(() => expect(t.dockbase.backups.exportDump).toHaveBeenCalledTimes(1));
    act(() => t.options.export!.onProgress(100));
    await waitFor(() => expect(result.current.progress).toEqual({ phase: 'dumping', bytes: 100 }));
    act(() => t.calls.export.resolve(dump));
    await waitFor(() => expect(t.dockbase.backups.saveExport).toHaveBeenCalledWith(instance, dump, '/backups'));
    expect(result.current.progress).toEqual({ phase: 'saving', bytes: 512 });
    const r: ExportResult = { file: '/backups/orders.sql', sizeBytes: 512, tool: 'pg_dump' };
    expect(await end(() => t.calls.save.resolve(r))).toBe(true);
    expect(result.current).toMatchObject({ running: false, result: r, failure: undefined, dump: undefined });
    expect(t.toasts).toEqual({ success: ['orders was exported to /backups/orders.sql.'], warning: [], error: [] });
    // The dump's job is recorded as every job is; the save with its file.
    await waitFor(() =>
      expect(t.history).toEqual([
        { id: 'd1', action: 'export', outcome: 'ok', detail: 'Export with pg_dumpall', size: 512 },
        { id: 'd1', action: 'export', outcome: 'ok', detail: 'pg_dump → /backups/orders.sql', size: 512 },
      ]),
    );
    await waitFor(() => expect(t.invalidated).toContain(META));
  });

  it('keeps the dump when its save fails: run saves it again, without dumping again', async () => {
    const t = setup();
    const { result } = renderHook(() => useExport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run('/nowhere'));
    await waitFor(() => expect(t.dockbase.backups.exportDump).toHaveBeenCalled());
    act(() => t.calls.export.resolve(dump));
    await waitFor(() => expect(t.dockbase.backups.saveExport).toHaveBeenCalled());
    expect(await end(() => t.calls.save.reject(new DockbaseError('command-failed', 'Could not save the export in /nowhere: no such folder')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, failure: 'Could not save the export in /nowhere: no such folder', dump });
    t.calls.save = pending<ExportResult>();
    const again = begin(() => result.current.run('/backups'));
    expect(await again(() => t.calls.save.resolve({ file: '/backups/orders.sql', sizeBytes: 512, tool: 'pg_dump' }))).toBe(true);
    expect(t.dockbase.backups.exportDump).toHaveBeenCalledTimes(1);
    expect(t.dockbase.backups.saveExport.mock.calls.map((c) => c[2])).toEqual(['/nowhere', '/backups']);
  });

  it('says nothing of a cancel (the form is back) and saves nothing', async () => {
    const t = setup();
    const { result } = renderHook(() => useExport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.run('/backups'));
    await waitFor(() => expect(t.options.export).toBeDefined());
    act(() => result.current.cancel());
    await waitFor(() => expect(t.options.export!.signal.aborted).toBe(true));
    expect(await end(() => t.calls.export.reject(cancelled('Export cancelled; no file was written.')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, result: undefined, failure: undefined });
    expect(t.toasts).toEqual({ success: [], warning: [], error: [] });
    expect(t.dockbase.backups.saveExport).not.toHaveBeenCalled();
    await waitFor(() =>
      expect(t.history).toEqual([{ id: 'd1', action: 'export', outcome: 'failed', detail: 'Cancelled: Export with pg_dumpall. No file was written.' }]),
    );
  });
});

describe('Import', () => {
  it('puts the file in the container, imports it as a job, toasts what was kept, records the file and lists the instance and its snapshots again', async () => {
    const t = setup();
    const { result } = renderHook(() => useImport(instance), { wrapper: t.wrapper });
    const end = begin(async () => (await result.current.send('/backups/orders.sql')) && result.current.confirm());
    expect(result.current.running).toBe(true);
    expect(await result.current.send('/backups/orders.sql')).toBe(false);
    await waitFor(() => expect(t.dockbase.backups.importSent).toHaveBeenCalledTimes(1));
    expect(t.dockbase.backups.sendImportFile).toHaveBeenCalledWith(instance, '/backups/orders.sql', { signal: expect.any(AbortSignal) });
    expect(t.dockbase.backups.importSent.mock.calls[0]).toEqual([
      instance,
      { temp: '/tmp/dockbase-import-0123456789ab', fileName: 'orders.sql' },
      expect.anything(),
    ]);
    const r = { kind: 'sql', sizeBytes: 512, kept: { name: 'before import' } } as unknown as ImportResult;
    expect(await end(() => t.calls.import.resolve(r))).toBe(true);
    expect(result.current).toMatchObject({ phase: 'ended', sending: false, running: false, result: r, failure: undefined });
    await waitFor(() => expect(t.toasts.success).toEqual(['orders.sql was imported into orders. Its previous data is kept as "before import".']));
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action: 'import', outcome: 'ok', detail: 'orders.sql', size: 512 }]));
    await waitFor(() => expect(t.invalidated).toContain(META));
    expect(t.invalidated).toEqual(expect.arrayContaining(INSTANCE_CHANGED));
  });

  it('says why the file could not be put in the container, and starts no job', async () => {
    const t = setup();
    t.dockbase.backups.sendImportFile.mockRejectedValueOnce(new DockbaseError('bad-file', 'PostgreSQL imports .sql, .sql.gz files; x.rdb is none of them.'));
    const { result } = renderHook(() => useImport(instance), { wrapper: t.wrapper });
    const end = begin(() => result.current.send('/backups/x.rdb'));
    expect(await end(() => undefined)).toBe(false);
    expect(result.current).toMatchObject({ running: false, failure: 'PostgreSQL imports .sql, .sql.gz files; x.rdb is none of them.' });
    expect(t.toasts.error).toEqual(['PostgreSQL imports .sql, .sql.gz files; x.rdb is none of them.']);
    expect(t.dockbase.backups.importSent).not.toHaveBeenCalled();
  });
});

describe('a failure', () => {
  /** Each hook, run with its argument. */
  const cases: Array<{ action: 'upgrade' | 'rollback' | 'export' | 'import'; use(): { start(): Promise<boolean> } }> = [
    { action: 'upgrade', use: () => withStart(useUpgrade(instance), plan) },
    { action: 'rollback', use: () => withStart(useRollback(instance), point) },
    { action: 'export', use: () => withStart(useExport(instance), '/nowhere') },
    { action: 'import', use: () => withConfirm(useImport(instance), '/backups/other.sql') },
  ];
  function withStart<A, S extends { run(arg: A): Promise<boolean> }>(state: S, arg: A) {
    return { ...state, start: () => state.run(arg) };
  }
  /** An import: the file is sent and read, then confirmed. */
  function withConfirm(state: ReturnType<typeof useImport>, file: string) {
    return { ...state, start: async () => (await state.send(file)) && state.confirm() };
  }
  it.each(cases)('of $action is toasted once, shown and recorded', async ({ action, use }) => {
    const t = setup();
    const { result } = renderHook(use, { wrapper: t.wrapper });
    const end = begin(() => result.current.start());
    // A job's work begins once the job is recorded: wait for the core's call before it fails.
    const called = {
      upgrade: t.dockbase.upgrades.upgrade,
      rollback: t.dockbase.upgrades.rollback,
      export: t.dockbase.backups.exportDump,
      import: t.dockbase.backups.importSent,
    };
    await waitFor(() => expect(called[action]).toHaveBeenCalled());
    expect(await end(() => t.calls[action].reject(new DockbaseError('command-failed', 'It failed.')))).toBe(false);
    expect(result.current).toMatchObject({ running: false, result: undefined, failure: 'It failed.' });
    await waitFor(() => expect(t.toasts.error).toEqual(['It failed.']));
    expect(t.toasts.success).toEqual([]);
    await waitFor(() => expect(t.history).toEqual([{ id: 'd1', action, outcome: 'failed', detail: 'It failed.' }]));
  });
});
