/**
 * The Import dialog as a user sees it: before confirming, the file's size and kind and whether the server
 * keeps running while it loads; while it runs, its steps and a Cancel that really cancels (the copy into the
 * container, or the job), with what was put back; and the instance's card line once the dialog is closed.
 * The jobs run in the page's own runner (the real one); the core is stubbed, its own tests cover what an
 * import does to docker (import-steps.test.ts).
 */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  ActivityLog,
  cancelled,
  type ActivityStore,
  type Dockbase,
  type ImportFileInfo,
  type ImportOptions,
  type ImportResult,
  type Instance,
  type Job,
  type SentImportFile,
} from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { AppServicesProvider } from '../shared/context';
import type { DesktopServices } from '../shared/desktop-services';
import { pageJobs } from '../shared/jobs-service';
import { useJobOutcomes, useJobs } from '../shared/useJobs';
import { RunningJobLine } from '../instances/RunningJob';
import { ImportDialog } from './TransferDialogs';

const orders = { id: 'c1', dataId: 'd1', name: 'orders', engine: 'postgres', status: 'running', volumes: ['v'] } as unknown as Instance;
const cache = { id: 'c2', dataId: 'd2', name: 'cache', engine: 'redis', status: 'running', volumes: ['v'] } as unknown as Instance;
const shop = { id: 'c3', dataId: 'd3', name: 'shop', engine: 'mongo', status: 'running', volumes: ['v'], containerId: 'old' } as unknown as Instance;
const SENT: SentImportFile = { temp: '/tmp/dockbase-import-0123456789ab', fileName: 'orders.sql' };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function Outcomes({ children }: { children: ReactNode }) {
  useJobOutcomes();
  return <>{children}</>;
}

/** The card's line for the instance's running job, as the list shows it. */
function CardLine({ instance }: { instance: Instance }) {
  const { data } = useJobs();
  const job = data?.find((j: Job) => j.instanceId === instance.id && j.state === 'running');
  return job ? <RunningJobLine job={job} /> : null;
}

function setup(instance: Instance) {
  const send = deferred<SentImportFile>();
  const read = deferred<ImportFileInfo>();
  const load = deferred<ImportResult>();
  const seen: { send?: AbortSignal; import?: ImportOptions } = {};
  const dockbase = {
    lifecycle: {
      get: vi.fn(async () => instance),
      details: vi.fn(async () => ({ env: ['MONGO_INITDB_ROOT_PASSWORD=the instance’s own'], cmd: [] })),
    },
    // A password given for a MongoDB dump: Edit gives it to the instance once the dump is in (its own tests cover how).
    editing: {
      edit: vi.fn(async (i: Instance) => ({ instance: { ...i, containerId: 'new' }, changes: ['password changed'], passwordCheck: { status: 'ok' } })),
    },
    backups: {
      sendImportFile: vi.fn((_i: Instance, _file: string, o: { signal: AbortSignal }) => {
        seen.send = o.signal;
        // A copy cut short rejects as the core does.
        o.signal.addEventListener('abort', () => send.reject(cancelled(`Import cancelled; orders.sql was not copied and ${instance.name} was not changed.`)));
        return send.promise;
      }),
      readSentFile: vi.fn(() => read.promise),
      importSent: vi.fn((_i: Instance, _s: SentImportFile, o: ImportOptions) => {
        seen.import = o;
        return load.promise;
      }),
      discardImportFile: vi.fn(async () => undefined),
    },
  };
  const toasts = { success: [] as string[], warning: [] as string[], error: [] as string[] };
  const desktop = {
    canChooseFiles: false,
    toast: { success: (m: string) => toasts.success.push(m), error: (m: string) => toasts.error.push(m), warning: (m: string) => toasts.warning.push(m) },
  } as unknown as DesktopServices;
  const history: Array<{ action: string; outcome: string; detail?: string }> = [];
  const store: ActivityStore = {
    saveInstance: async () => undefined,
    addHistory: async (_id, entry) => void history.push(entry),
    deleteInstance: async () => undefined,
  };
  const core = dockbase as unknown as Dockbase;
  const jobs = pageJobs({ dockbase: core, cli: {} as DockerCli, history: () => store, instanceOf: () => instance });
  const queryClient = new QueryClient();
  queryClient.setQueryData(['instances'], [instance]);
  const onClose = vi.fn();
  const ui = (open: boolean) => (
    <QueryClientProvider client={queryClient}>
      <AppServicesProvider value={{ dockbase: core, desktop, activity: new ActivityLog(store), jobs }}>
        <Outcomes>
          {open && <ImportDialog instance={instance} onClose={onClose} />}
          <CardLine instance={instance} />
        </Outcomes>
      </AppServicesProvider>
    </QueryClientProvider>
  );
  const view = render(ui(true));
  return { dockbase, seen, send, read, load, toasts, history, onClose, close: () => view.rerender(ui(false)) };
}

const step = (dialog: HTMLElement, label: string | RegExp) => within(dialog).getByRole('listitem', { name: label });

/** Types the path and checks the file; the copy into the container is then under way. */
async function checkFile(path = '/backups/orders.sql') {
  const user = userEvent.setup();
  const dialog = await screen.findByRole('dialog', { name: /^Import into / });
  await user.type(within(dialog).getByRole('textbox', { name: 'File' }), path);
  await user.click(within(dialog).getByRole('button', { name: 'Check file' }));
  return { user, dialog };
}

describe('the Import dialog', () => {
  it('says before confirming how big the file is, what it holds, and that the server keeps running while it loads', async () => {
    const t = setup(orders);
    const { user, dialog } = await checkFile();
    expect(dialog).toHaveTextContent(
      'orders keeps running while the file loads. It is stopped only briefly, before that, while its current data is copied into the “before import” snapshot, and started again.',
    );
    // The copy into the container: its step runs, the dialog stays, and Cancel can stop it.
    expect(step(dialog, 'Copy the file into orders’s container: running')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeEnabled();

    t.send.resolve(SENT);
    t.read.resolve({ fileName: 'orders.sql', sizeBytes: 7_340_032, kind: 'postgres-sql', gzip: true });
    const file = await within(dialog).findByRole('status', { name: 'The file to import' });
    expect(file).toHaveTextContent('orders.sql: 7.3 MB, a PostgreSQL SQL dump (compressed). Import replaces orders’s data with it.');
    expect(step(dialog, 'Copy orders.sql into orders’s container: done')).toHaveTextContent('7.3 MB');
    expect(step(dialog, /^Keep orders’s current data in a “before import” snapshot .*: to do$/)).toBeInTheDocument();
    expect(step(dialog, 'Load the file with PostgreSQL’s own tools (orders keeps running): to do')).toBeInTheDocument();
    // Nothing is imported before Import.
    expect(t.dockbase.backups.importSent).not.toHaveBeenCalled();
    expect(within(dialog).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();

    // Closed without importing: the file read goes from the container.
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(t.onClose).toHaveBeenCalled();
    t.close();
    await waitFor(() => expect(t.dockbase.backups.discardImportFile).toHaveBeenCalledWith(orders, SENT));
    expect(t.dockbase.backups.importSent).not.toHaveBeenCalled();
  });

  it('says that Redis is stopped while the file loads and started again after', async () => {
    setup(cache);
    const dialog = await screen.findByRole('dialog', { name: 'Import into cache' });
    expect(dialog).toHaveTextContent('cache is stopped while the file loads and started again after');
  });

  it('Cancel during the copy stops it: no import starts, and the dialog says nothing changed', async () => {
    const t = setup(orders);
    const { user, dialog } = await checkFile();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(t.seen.send?.aborted).toBe(true);
    expect(await within(dialog).findByText('Import cancelled; orders.sql was not copied and orders was not changed.')).toBeInTheDocument();
    expect(t.dockbase.backups.readSentFile).not.toHaveBeenCalled();
    expect(t.dockbase.backups.importSent).not.toHaveBeenCalled();
    // The user's own doing: no error toast; the form is back.
    expect(t.toasts.error).toEqual([]);
    expect(within(dialog).getByRole('button', { name: 'Check file' })).toBeEnabled();
  });

  it('shows each step with the file’s size while it runs, and Cancel cancels the job, saying what was put back', async () => {
    const t = setup(orders);
    const { user, dialog } = await checkFile();
    t.send.resolve(SENT);
    t.read.resolve({ fileName: 'orders.sql', sizeBytes: 7_340_032, kind: 'postgres-sql', gzip: false });
    await user.click(await within(dialog).findByRole('button', { name: 'Import' }));
    await waitFor(() => expect(t.dockbase.backups.importSent).toHaveBeenCalledWith(orders, SENT, expect.anything()));
    const report = t.seen.import!;

    report.onProgress?.({ step: 'check' });
    expect(await within(dialog).findByRole('listitem', { name: 'Check what the file holds: running' })).toBeInTheDocument();
    report.onProgress?.({ step: 'keep', sizeBytes: 7_340_032 });
    report.onProgress?.({ step: 'load', sizeBytes: 7_340_032 });
    await within(dialog).findByRole('listitem', { name: 'Load the file with PostgreSQL’s own tools (orders keeps running): running' });
    expect(step(dialog, 'Check what the file holds: done')).toBeInTheDocument();
    expect(step(dialog, /^Keep orders’s current data .*: done$/)).toBeInTheDocument();
    expect(step(dialog, 'Check orders’s password: to do')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('The import goes on if you close this dialog');

    // The job's Cancel reaches the import itself; the core then puts the data back and says so.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(report.signal?.aborted).toBe(true));
    t.load.reject(cancelled('Import cancelled; what was loaded of orders.sql is undone: orders was put back as it was.'));
    const said = await within(dialog).findByText('Import cancelled; what was loaded of orders.sql is undone: orders was put back as it was.');
    expect(said.closest('[role="alert"]')).toHaveClass('MuiAlert-standardInfo');
    expect(within(dialog).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
    expect(t.toasts.error).toEqual([]);
    await waitFor(() =>
      expect(t.history).toEqual([
        {
          action: 'import',
          outcome: 'failed',
          detail: 'Cancelled: Import orders.sql. What was loaded of orders.sql is undone: orders was put back as it was.',
        },
      ]),
    );
  });

  it('asks which password a MongoDB instance should show after the import, and gives it the dump’s when told it', async () => {
    const t = setup(shop);
    const { user, dialog } = await checkFile('/backups/shop.archive.gz');
    t.send.resolve({ ...SENT, fileName: 'shop.archive.gz' });
    t.read.resolve({ fileName: 'shop.archive.gz', sizeBytes: 2048, kind: 'mongo-archive', gzip: true });
    const keep = await within(dialog).findByRole('radio', { name: 'Keep shop’s password (********): Dockbase checks it opens the imported data' });
    expect(keep).toBeChecked();
    await user.click(within(dialog).getByRole('radio', { name: 'The dump’s password is:' }));
    expect(within(dialog).getByRole('button', { name: 'Import' })).toBeDisabled();
    await user.type(within(dialog).getByLabelText('The dump’s password'), 'the dump’s password');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(t.dockbase.backups.importSent).toHaveBeenCalled());
    const refused = { status: 'rejected' as const, message: "MongoDB refused shop's password: its data keeps another one." };
    t.load.resolve({ kind: 'mongo-archive', sizeBytes: 2048, kept: { name: 'before import' } as ImportResult['kept'], password: refused });
    // Once the dump is in (and its password refused the instance's), the job gives the instance the one given.
    await waitFor(() => expect(t.dockbase.editing.edit).toHaveBeenCalledWith(shop, { password: 'the dump’s password' }, expect.anything()));
    await waitFor(() =>
      expect(t.toasts.success).toContainEqual(expect.stringMatching(/shop now has the password you gave for shop\.archive\.gz: it opens the imported data\.$/)),
    );
  });

  it('does not ask for a MariaDB dump, which keeps the instance’s own accounts', async () => {
    const t = setup({ ...shop, engine: 'mariadb' } as Instance);
    const { dialog } = await checkFile('/backups/shop.sql');
    t.send.resolve({ ...SENT, fileName: 'shop.sql' });
    t.read.resolve({ fileName: 'shop.sql', sizeBytes: 2048, kind: 'mariadb-sql', gzip: false });
    await within(dialog).findByRole('status', { name: 'The file to import' });
    expect(within(dialog).queryByRole('radio')).not.toBeInTheDocument();
  });

  it('offers no Cancel once Redis’s file is being put in place', async () => {
    const t = setup(cache);
    const { user, dialog } = await checkFile('/backups/cache.rdb');
    t.send.resolve({ ...SENT, fileName: 'cache.rdb' });
    t.read.resolve({ fileName: 'cache.rdb', sizeBytes: 2048, kind: 'redis-rdb', gzip: false });
    await user.click(await within(dialog).findByRole('button', { name: 'Import' }));
    await waitFor(() => expect(t.dockbase.backups.importSent).toHaveBeenCalled());
    t.seen.import!.onProgress?.({ step: 'keep', sizeBytes: 2048 });
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeEnabled());
    t.seen.import!.onProgress?.({ step: 'load', sizeBytes: 2048 });
    await within(dialog).findByRole('listitem', { name: 'Put the file in place (cache is stopped meanwhile, then started again): running' });
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled());
  });

  it('once closed, the instance’s card shows the step and the size, and its Cancel cancels the job', async () => {
    const t = setup(orders);
    const { user, dialog } = await checkFile();
    t.send.resolve(SENT);
    t.read.resolve({ fileName: 'orders.sql', sizeBytes: 7_340_032, kind: 'postgres-sql', gzip: false });
    await user.click(await within(dialog).findByRole('button', { name: 'Import' }));
    await waitFor(() => expect(t.dockbase.backups.importSent).toHaveBeenCalled());
    t.seen.import!.onProgress?.({ step: 'keep', sizeBytes: 7_340_032 });
    t.seen.import!.onProgress?.({ step: 'load', sizeBytes: 7_340_032 });
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    t.close();

    // The job's progress reaches the list on its next read.
    const line = await screen.findByText('Import orders.sql: loading the file (7.3 MB)…', {}, { timeout: 5000 });
    expect(line).toHaveAttribute('role', 'status');
    await user.click(screen.getByRole('button', { name: 'Cancel: Import orders.sql' }));
    await waitFor(() => expect(t.seen.import!.signal?.aborted).toBe(true));
    t.load.reject(cancelled('Import cancelled; what was loaded of orders.sql is undone: orders was put back as it was.'));
    await waitFor(() => expect(screen.queryByText(/^Import orders\.sql: /)).not.toBeInTheDocument());
    expect(t.dockbase.backups.discardImportFile).not.toHaveBeenCalled();
  });
});
