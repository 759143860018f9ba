/**
 * Long operations as jobs, as a user notices them: a dialog's job shows its steps and ends with one toast; a
 * job started elsewhere (the command line, another tab) shows on its instance's card or row with its progress
 * and Cancel; a start refused because another job holds the instance says who holds it; and a job that ended
 * while the page was away (Docker Desktop unloads it) is told once, at the next load, and not again.
 */
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Instance } from '@dockbase/core';
import { FakeBackend } from '../../test-support/fake-backend';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, findRow, renderApp, seedInstance, within } from '../../test-support/render-app';
import { JOBS_SEEN_KEY } from './shared/useJobs';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a job started from its dialog', () => {
  it.each([
    ['in the backend', () => new FakeBackend()],
    ['in the page, without a backend', () => undefined],
  ])('%s: an upgrade shows its steps as they run, and ends with one toast', async (_where, makeBackend) => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'shop', engine: 'mariadb', tag: '10.11' });
    const backend = makeBackend();
    const { user, desktop } = renderApp({ docker, ...(backend ? { backend } : {}) });
    await user.click(within(await findInstance('shop')).getByRole('button', { name: 'Upgrade' }));
    const dialog = await screen.findByRole('dialog', { name: 'Upgrade shop' });
    const version = within(dialog).getByRole('combobox', { name: 'New version' });
    await user.clear(version);
    await user.type(version, '11.8');
    // The snapshot's copy waits: the steps show where the upgrade is, and Cancel is still safe.
    const gate = docker.holdNext('run');
    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await gate.reached;
    const steps = within(dialog).getByRole('list', { name: 'Steps of the upgrade to 11.8' });
    await waitFor(() => expect(within(steps).getByRole('listitem', { name: 'Keep a snapshot of its data: the rollback point: running' })).toBeInTheDocument());
    expect(within(steps).getByRole('listitem', { name: 'Stop shop: done' })).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeEnabled();
    gate.release();

    await within(dialog).findByText(/shop now runs MariaDB 11\.8/);
    const states = within(steps)
      .getAllByRole('listitem')
      .map((li) => li.getAttribute('aria-label'));
    expect(states).toContain('Start MariaDB 11.8 on the same data (the image runs mariadb-upgrade first): done');
    expect(states.every((s) => s?.endsWith(': done'))).toBe(true);
    await waitFor(() => expect(desktop.toasts.success).toEqual(['shop now runs MariaDB 11.8. Its data from 10.11 is kept as the rollback point.']));
    // The list is asked again and again: the end is told once.
    await pause(1200);
    expect(desktop.toasts.success).toHaveLength(1);
    expect(desktop.toasts.error).toEqual([]);
    expect(docker.byName('shop')).toMatchObject({ state: 'running', image: 'mariadb:11.8' });
  });
});

describe('a job started elsewhere', () => {
  /** An upgrade the command line started, held at its snapshot's copy (Cancel is still safe there). */
  async function upgradeFromTheCommandLine(docker: FakeDocker, backend: FakeBackend, instance: Instance) {
    const gate = docker.holdNext('run');
    await backend.attach(docker).startElsewhere({ kind: 'upgrade', instanceId: instance.id, to: '11.8' });
    await gate.reached;
    return gate;
  }

  it('shows on its card with its progress, holds the card’s actions, and Cancel there undoes it without a toast', async () => {
    const docker = new FakeDocker();
    const shop = await seedInstance(docker, { name: 'shop', engine: 'mariadb', tag: '10.11' });
    const backend = new FakeBackend();
    const gate = await upgradeFromTheCommandLine(docker, backend, shop);

    const { user, desktop } = renderApp({ docker, backend });
    const card = await findInstance('shop');
    const status = await within(card).findByText('Upgrade to MariaDB 11.8 (from the command line): keeping its data as the rollback point…');
    expect(status).toHaveAttribute('role', 'status');
    expect(within(card).getByRole('button', { name: 'Upgrade' })).toBeDisabled();
    expect(within(card).getByRole('button', { name: 'Edit' })).toBeDisabled();

    await user.click(within(card).getByRole('button', { name: 'Cancel: Upgrade to MariaDB 11.8' }));
    gate.release();
    await waitFor(() => expect(within(card).queryByText(/Upgrade to MariaDB 11\.8/)).not.toBeInTheDocument(), { timeout: 5000 });
    expect(within(card).getByRole('button', { name: 'Upgrade' })).toBeEnabled();
    expect(docker.byName('shop')).toMatchObject({ state: 'running', image: 'mariadb:10.11' });
    // A cancel is the user's own doing: no toast.
    await pause(600);
    expect(desktop.toasts).toMatchObject({ success: [], warning: [], error: [] });
  });

  it('shows on its table row with its progress and Cancel', async () => {
    const docker = new FakeDocker();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await seedInstance(docker, { name, hostPort: 7000 + name.charCodeAt(0) });
    const shop = await seedInstance(docker, { name: 'shop', engine: 'mariadb', tag: '10.11' });
    const backend = new FakeBackend();
    const gate = await upgradeFromTheCommandLine(docker, backend, shop);

    renderApp({ docker, backend });
    const row = await findRow('shop');
    expect(await within(row).findByText(/^Upgrade to MariaDB 11\.8 \(from the command line\): keeping its data/)).toHaveAttribute('role', 'status');
    expect(row).toHaveAttribute('aria-busy', 'true');
    expect(within(row).getByRole('button', { name: 'Cancel: Upgrade to MariaDB 11.8' })).toBeInTheDocument();
    expect(within(await findRow('a')).queryByRole('status')).not.toBeInTheDocument();
    gate.release();
    await waitFor(() => expect(within(row).queryByRole('button', { name: /^Cancel/ })).not.toBeInTheDocument(), { timeout: 5000 });
  });

  it('refuses a start on the instance it holds, saying which job holds it, since when and from where', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit orders' });
    const port = await within(dialog).findByRole('textbox', { name: 'Port' });
    await user.clear(port);
    await user.type(port, '5440');

    // Meanwhile the command line takes a snapshot of it.
    const gate = docker.holdNext('run');
    await backend.startElsewhere({ kind: 'snapshot', instanceId: orders.id, name: 'nightly' });
    await gate.reached;
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const said = /^orders is being snapshotted, started \d\d:\d\d from the command line\. Wait until it ends, or cancel it there, then try again\.$/;
    expect(await within(dialog).findByText(said)).toBeInTheDocument();
    expect(desktop.toasts.error).toEqual([expect.stringMatching(said)]);
    expect(docker.byName('orders').publish?.hostPort).toBe(5432);
    gate.release();
    await waitFor(() => expect(desktop.toasts.success).toEqual(['Snapshot "nightly" of orders taken.']));
  });
});

describe('a job that ended while the page was away', () => {
  it('is told once at the next load (an interruption as recovery said it, as a warning), and not again after a reload', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15' });
    const backend = new FakeBackend();
    const first = renderApp({ docker, backend });
    await findInstance('orders');
    await waitFor(() => expect(window.localStorage.getItem(JOBS_SEEN_KEY)).not.toBeNull());
    first.unmount();
    await pause(5);

    // Away: the command line takes a snapshot; the backend dies during an upgrade, and recovers it at its start.
    const snapshot = await backend.startElsewhere({ kind: 'snapshot', instanceId: orders.id, name: 'nightly' });
    await backend.jobRunner.wait(snapshot.id);
    const at = new Date().toISOString();
    await backend.jobStore.insert({
      id: 'fedcba987654',
      kind: 'upgrade',
      instanceId: orders.id,
      instanceName: 'orders',
      engine: 'postgres',
      title: 'Upgrade to PostgreSQL 17',
      by: 'tab',
      startedAt: at,
      state: 'running',
      progress: { step: 'prepare' },
      cancellable: true,
    });
    await backend.jobStore.mark('fedcba987654', {
      at,
      phase: 'begin',
      step: 'prepare',
      undo: [{ do: 'start', container: orders.containerId, instanceId: orders.id }],
    });
    await backend.recoverJobs();

    const second = renderApp({ docker, backend });
    await waitFor(() => expect(second.desktop.toasts.success).toEqual(['Snapshot "nightly" of orders taken.']));
    await waitFor(() =>
      expect(second.desktop.toasts.warning).toEqual([
        'Upgrade to PostgreSQL 17 was interrupted at “prepare” (Dockbase stopped). orders was put back as it was before, and runs again.',
      ]),
    );
    await pause(700);
    expect([second.desktop.toasts.success, second.desktop.toasts.warning].map((t) => t.length)).toEqual([1, 1]);
    second.unmount();

    const calls = backend.jobListCalls;
    const third = renderApp({ docker, backend });
    await findInstance('orders');
    await waitFor(() => expect(backend.jobListCalls).toBeGreaterThan(calls));
    await pause(300);
    expect(third.desktop.toasts).toMatchObject({ success: [], warning: [], error: [] });
  });
});

describe('an export', () => {
  /** The page was there once (its mark is set), then went away. */
  async function seenOnce(docker: FakeDocker, backend: FakeBackend) {
    const view = renderApp({ docker, backend });
    await findInstance('orders');
    await waitFor(() => expect(window.localStorage.getItem(JOBS_SEEN_KEY)).not.toBeNull());
    view.unmount();
    await pause(5);
  }

  const FILE = /^\/home\/me\/backups\/orders-\d{8}-\d{6}\.sql$/;

  it('dumps as a job, then the page saves the dump into the chosen folder and leaves nothing in the container', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    const card = await findInstance('orders');
    await user.click(within(card).getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export orders' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Folder' }), '/home/me/backups');
    await user.click(within(dialog).getByRole('button', { name: 'Export' }));

    const saved = await within(dialog).findByText(/^Saved \/home\/me\/backups\/orders-\d{8}-\d{6}\.sql \(2\.0 kB\)\.$/);
    expect(saved).toBeInTheDocument();
    expect([...docker.savedFiles.keys()]).toEqual([expect.stringMatching(FILE)]);
    expect(docker.containerFiles.size).toBe(0);
    const jobs = await backend.jobRunner.list();
    expect(jobs.map((j) => [j.kind, j.state, j.title])).toEqual([['export', 'succeeded', 'Export with pg_dumpall']]);
    await waitFor(() =>
      expect(desktop.toasts.success).toEqual([expect.stringMatching(/^orders was exported to \/home\/me\/backups\/orders-\d{8}-\d{6}\.sql\.$/)]),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await pause(600);
    expect(within(card).queryByText(/Export ready/)).not.toBeInTheDocument();
    expect(desktop.toasts.success).toHaveLength(1);
  });

  it('whose dump finished while the page was away shows “Export ready” on its card: Save… writes it, and it is not offered again', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const backend = new FakeBackend();
    await seenOnce(docker, backend);
    // The tab started it, then Docker Desktop unloaded the page; the backend finished the dump meanwhile.
    const job = await backend.attach(docker).startElsewhere({ kind: 'export', instanceId: orders.id }, 'tab');
    await backend.jobRunner.wait(job.id);
    expect(docker.containerFiles.size).toBe(1);

    const first = renderApp({ docker, backend });
    const card = await findInstance('orders');
    expect(await within(card).findByText(/^Export ready \(2\.0 kB\)$/)).toBeInTheDocument();
    await first.user.click(within(card).getByRole('button', { name: 'Save the export of orders' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export orders' });
    await first.user.type(within(dialog).getByRole('textbox', { name: 'Folder' }), '/home/me/backups');
    await first.user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await within(dialog).findByText(/^Saved \/home\/me\/backups\/orders-\d{8}-\d{6}\.sql/);
    expect([...docker.savedFiles.keys()]).toEqual([expect.stringMatching(FILE)]);
    expect(docker.containerFiles.size).toBe(0);
    // The backend's dump was saved: none ran again.
    expect(docker.calls.filter((c) => c[0] === 'exec' && c[4]?.includes('pg_dumpall'))).toHaveLength(1);
    await first.user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(within(card).queryByText(/Export ready/)).not.toBeInTheDocument());
    first.unmount();

    renderApp({ docker, backend });
    const again = await findInstance('orders');
    await pause(600);
    expect(within(again).queryByText(/Export ready/)).not.toBeInTheDocument();
  });

  it('ready on its card is discarded without a question: the dump leaves the container', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const backend = new FakeBackend();
    await seenOnce(docker, backend);
    const job = await backend.attach(docker).startElsewhere({ kind: 'export', instanceId: orders.id }, 'tab');
    await backend.jobRunner.wait(job.id);
    const { user } = renderApp({ docker, backend });
    const card = await findInstance('orders');
    await user.click(await within(card).findByRole('button', { name: 'Discard the export of orders' }));
    await waitFor(() => expect(within(card).queryByText(/Export ready/)).not.toBeInTheDocument());
    await waitFor(() => expect(docker.containerFiles.size).toBe(0));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('that the command line ran is not offered: it saves its own', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const backend = new FakeBackend();
    await seenOnce(docker, backend);
    const job = await backend.attach(docker).startElsewhere({ kind: 'export', instanceId: orders.id });
    await backend.jobRunner.wait(job.id);
    const { desktop } = renderApp({ docker, backend });
    const card = await findInstance('orders');
    await waitFor(() => expect(backend.jobListCalls).toBeGreaterThan(0));
    await pause(300);
    expect(within(card).queryByText(/Export ready/)).not.toBeInTheDocument();
    expect(desktop.toasts).toMatchObject({ success: [], warning: [], error: [] });
  });
});
