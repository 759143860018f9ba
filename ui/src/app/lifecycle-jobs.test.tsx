/**
 * Create, clone, start, stop, restart and delete as jobs, as a user notices them: they run where every job runs
 * (here, the backend), the dialog or the row shows where they are, each outcome is said once (a bulk action's
 * in one summary), and whoever ran the job records it. In Docker Desktop, whose backend cannot read the user's
 * files, a create with init files runs in the page's own runner instead.
 */
import { act, screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createDockbase, recordIdOf } from '@dockbase/core';
import { FakeBackend } from '../../test-support/fake-backend';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, findRow, renderApp, seedInstance, within } from '../../test-support/render-app';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens the create dialog and waits until Create is offered. */
async function openCreate(user: UserEvent): Promise<HTMLElement> {
  await user.click(await screen.findByRole('button', { name: /^(New instance|Create your first instance)$/ }));
  const dialog = await screen.findByRole('dialog', { name: 'New instance' });
  await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled());
  return dialog;
}

/** What the backend's runner ran: kind, state and instance of each job, oldest first. */
async function backendJobs(backend: FakeBackend): Promise<string[][]> {
  return (await backend.jobRunner.list()).reverse().map((j) => [j.kind, j.state, j.instanceName]);
}

describe('a create', () => {
  it('runs as a job in the backend: the dialog shows its pull, closes once it is done, and it is said once and recorded', async () => {
    const docker = new FakeDocker();
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    const pull = docker.holdNextPull();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    await pull.started;
    expect(await within(dialog).findByText('Pulling redis:8.2: 0 of 3 layers done')).toBeInTheDocument();
    act(() => pull.completeLayer());
    expect(await within(dialog).findByText('Pulling redis:8.2: 1 of 3 layers done')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeEnabled();
    expect(await backendJobs(backend)).toEqual([['create', 'running', 'redis-1']]);
    act(() => pull.finish());

    expect(await findInstance('redis-1')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New instance' })).not.toBeInTheDocument());
    expect(await backendJobs(backend)).toEqual([['create', 'succeeded', 'redis-1']]);
    await waitFor(() => expect([...backend.records.values()][0]?.history).toMatchObject([{ action: 'create', outcome: 'ok' }]));
    // The dialog says it; the page's outcome toasts do not say it again.
    await pause(1200);
    expect(desktop.toasts).toMatchObject({ success: ['redis-1 was created and is starting.'], warning: [], error: [] });
  });

  it('that failed on a field shows it on that field, in no toast', async () => {
    const docker = new FakeDocker();
    docker.portsTakenOutsideDocker.add(6379);
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    // The form comes back once the job ended, the port marked.
    await waitFor(() =>
      expect(within(dialog).getByRole('textbox', { name: 'Port' })).toHaveAccessibleDescription('Port 6379 is already in use on this machine.'),
    );
    const [job] = await backend.jobRunner.list();
    expect(job).toMatchObject({ kind: 'create', state: 'failed', field: 'hostPort' });
    await pause(1200);
    expect(desktop.toasts).toMatchObject({ success: [], warning: [], error: [] });
    expect(docker.names()).toEqual([]);
    expect(backend.records.size).toBe(0);
  });
});

describe('init files', () => {
  it('in Docker Desktop: a create with init files runs in the page’s own runner (the backend’s VM cannot read them), and is recorded', async () => {
    const docker = new FakeDocker();
    docker.hostFiles.set('/home/me/schema.sql', 120);
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Init files' }), '/home/me/schema.sql');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(await findInstance('postgres-1')).toBeInTheDocument();
    expect(docker.sentFiles).toEqual([{ container: 'postgres-1', path: '/docker-entrypoint-initdb.d/01-schema.sql', from: '/home/me/schema.sql' }]);
    expect(docker.byName('postgres-1').state).toBe('running');
    expect(await backendJobs(backend)).toEqual([]);
    // The page's runner records it in the backend's history, as the backend records the jobs it runs.
    await waitFor(() => expect([...backend.records.values()][0]?.history).toMatchObject([{ action: 'create', outcome: 'ok' }]));
    expect([...backend.records.values()][0]).toMatchObject({ name: 'postgres-1', engine: 'postgres', settings: { tag: '17', persistData: true } });
    await pause(700);
    expect(desktop.toasts).toMatchObject({ success: ['postgres-1 was created and is starting.'], warning: [], error: [] });
  });

  it('with the standalone host: the create runs in its backend, which runs on the same machine', async () => {
    const docker = new FakeDocker();
    docker.hostFiles.set('/home/me/schema.sql', 120);
    const backend = new FakeBackend();
    const { user } = renderApp({ docker, backend, host: 'standalone' });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Init files' }), '/home/me/schema.sql');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(await findInstance('postgres-1')).toBeInTheDocument();
    expect(docker.sentFiles).toEqual([expect.objectContaining({ container: 'postgres-1', from: '/home/me/schema.sql' })]);
    expect(await backendJobs(backend)).toEqual([['create', 'succeeded', 'postgres-1']]);
  });
});

describe('start, stop and delete', () => {
  it('run as jobs: the card says where a start is, and a delete keeping the data is said once and recorded with the notes', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    const seeded = await seedInstance(docker, { name: 'cache' });
    docker.setExited('cache', 0);
    const backend = new FakeBackend();
    await backend.saveInstance(recordIdOf(seeded), { name: 'cache', engine: 'redis', settings: {} });
    await backend.setNotes(recordIdOf(seeded), 'Sessions');
    const { user, desktop } = renderApp({ docker, backend });
    const card = await findInstance('cache');

    await user.click(within(card).getByRole('button', { name: 'Start' }));
    // The start waits until the server answers: the card says so, and the instance's actions wait for it.
    expect(await within(card).findByText('Start: waiting for the server to answer…')).toHaveAttribute('role', 'status');
    expect(within(card).getByRole('button', { name: 'Delete' })).toBeDisabled();
    act(() => docker.setServerReady('cache'));
    await waitFor(() => expect(within(card).queryByText(/^Start:/)).not.toBeInTheDocument());
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Delete' })).toBeEnabled());

    await user.click(within(card).getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete cache?' })).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(desktop.toasts.success).toEqual(['cache was deleted.']));
    expect(docker.names()).toEqual([]);
    expect(await backendJobs(backend)).toEqual([
      ['start', 'succeeded', 'cache'],
      ['delete', 'succeeded', 'cache'],
    ]);
    // Kept data keeps its notes and history, which say what happened.
    const record = backend.records.get(recordIdOf(seeded));
    expect(record?.notes).toBe('Sessions');
    expect(record?.history.map((h) => [h.action, h.outcome, h.detail])).toEqual([
      ['delete', 'ok', 'its data was kept, with these notes and history'],
      ['start', 'ok', undefined],
    ]);
    await pause(700);
    expect(desktop.toasts).toMatchObject({ success: ['cache was deleted.'], warning: [], error: [] });
  });

  it('a delete with the data forgets the record with it', async () => {
    const docker = new FakeDocker();
    const seeded = await seedInstance(docker, { name: 'cache' });
    const backend = new FakeBackend();
    await backend.saveInstance(recordIdOf(seeded), { name: 'cache', engine: 'redis', settings: {} });
    const { user, desktop } = renderApp({ docker, backend });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete cache?' });
    await user.click(within(dialog).getByRole('checkbox', { name: /Also delete its data/ }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Type cache to confirm' }), 'cache');
    await user.click(within(dialog).getByRole('button', { name: 'Delete instance and data' }));

    await waitFor(() => expect(desktop.toasts.success).toEqual(['cache and its data were deleted.']));
    expect(docker.volumes.size).toBe(0);
    expect(await backendJobs(backend)).toEqual([['delete', 'succeeded', 'cache']]);
    await waitFor(() => expect(backend.records.has(recordIdOf(seeded))).toBe(false));
  });
});

describe('a bulk start', () => {
  async function sixStopped(docker: FakeDocker) {
    for (const [n, name] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
      await seedInstance(docker, { name, hostPort: 7100 + n });
      docker.setExited(name, 0);
    }
  }

  it('starts one job per instance, four at a time (the others’ rows say they wait their turn), and says how it went once', async () => {
    const docker = new FakeDocker();
    await sixStopped(docker);
    const backend = new FakeBackend();
    const gates = [1, 2, 3, 4].map(() => docker.holdNext('start'));
    const { user, desktop } = renderApp({ docker, backend });
    await findRow('a');
    await user.click(await screen.findByRole('button', { name: 'Start all (6)' }));

    await Promise.all(gates.map((g) => g.reached));
    const waiting = () => screen.queryAllByText('Start: waiting its turn…');
    await waitFor(() => expect(waiting()).toHaveLength(2));
    for (const g of gates) g.release();

    await waitFor(() => expect(desktop.toasts.success).toEqual(['Started 6 instances.']));
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => docker.byName(n).state)).toEqual(Array(6).fill('running'));
    const jobs = await backendJobs(backend);
    expect(jobs.map(([kind, state]) => `${kind} ${state}`)).toEqual(Array(6).fill('start succeeded'));
    await pause(1200);
    expect(desktop.toasts).toMatchObject({ success: ['Started 6 instances.'], warning: [], error: [] });
  });

  it('that fails for some says which in its one summary, and nothing per instance', async () => {
    const docker = new FakeDocker();
    await sixStopped(docker);
    docker.portsTakenOutsideDocker.add(7102);
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    await findRow('a');
    await user.click(await screen.findByRole('button', { name: 'Start all (6)' }));

    await waitFor(() => expect(desktop.toasts.error).toEqual(['Started 5 of 6; could not start c (see each one’s history).']));
    expect((await backend.jobRunner.list()).find((j) => j.instanceName === 'c')).toMatchObject({ kind: 'start', state: 'failed' });
    await pause(1200);
    expect(desktop.toasts).toMatchObject({ success: [], warning: [], error: ['Started 5 of 6; could not start c (see each one’s history).'] });
  });
});

describe('a clone', () => {
  it('runs as a job in the backend, which makes the new instance’s record; the form closes and it is said once', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres', password: 'the-data-password' });
    await createDockbase(docker).snapshots.take(orders, { name: 'nightly' });
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Snapshot' }));
    const snapshots = await screen.findByRole('dialog', { name: 'Snapshots of orders' });
    await user.click(within(await within(snapshots).findByRole('listitem', { name: 'nightly' })).getByRole('button', { name: 'Clone' }));

    const form = await screen.findByRole('dialog', { name: 'Clone “nightly” of orders' });
    // orders holds 5432: the next free port is suggested.
    const port = within(form).getByRole('textbox', { name: 'Port' });
    await waitFor(() => expect(port).toHaveValue('5433'));
    await user.clear(port);
    await user.type(port, '5440');
    await user.click(within(form).getByRole('button', { name: 'Clone' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: /^Clone/ })).not.toBeInTheDocument());
    expect(docker.byName('orders-copy').state).toBe('running');
    expect(await backendJobs(backend)).toEqual([['clone', 'succeeded', 'orders-copy']]);
    const copy = [...backend.records.values()].find((r) => r.name === 'orders-copy');
    expect(copy?.history).toMatchObject([{ action: 'clone', outcome: 'ok', detail: 'Clone “nightly”' }]);
    await pause(700);
    expect(desktop.toasts).toMatchObject({ success: ['orders-copy was created from "nightly" and is starting.'], warning: [], error: [] });
  });
});
