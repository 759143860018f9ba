// The snapshots of deleted instances: listed beside the kept data (nothing else shows them), cloned with the
// form of an instance's own snapshots, deleted only once the user confirmed, naming the snapshot.
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createDockbase, dataVolumesOf, type Instance, type Snapshot } from '@dockbase/core';
import { FakeDocker } from '../../../test-support/fake-docker';
import { formatTime } from '../shared/format';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

const SECTION = /^Snapshots of deleted instances/;

async function snapshotOf(docker: FakeDocker, instance: Instance, name: string): Promise<Snapshot> {
  const taken = await createDockbase(docker).snapshots.take(instance, { name });
  docker.calls.length = 0;
  return taken;
}

/** An instance deleted with its data, outside the tab (by the CLI, or before the tab opened): its snapshots stay. */
async function deleteWithData(docker: FakeDocker, instance: Instance): Promise<void> {
  await createDockbase(docker).lifecycle.remove(instance, { removeData: true });
  docker.calls.length = 0;
}

/** Opens the section (its button names how many there are) and returns its table. */
async function openSection(user: ReturnType<typeof renderApp>['user'], count: number): Promise<HTMLElement> {
  await user.click(await screen.findByRole('button', { name: `Snapshots of deleted instances (${count})` }));
  return screen.findByRole('table', { name: 'Snapshots of deleted instances' });
}

describe('snapshots of deleted instances', () => {
  it('are listed once their instance is deleted, with engine, version, instance, size and time; those of instances that exist are not', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres', hostPort: 5432 });
    const cache = await seedInstance(docker, { name: 'cache', engine: 'redis', hostPort: 6379 });
    // An upgrade's rollback point: its instance gone, it can no longer be rolled back to, but it holds the data.
    const point = await createDockbase(docker).snapshots.copyOut(orders, dataVolumesOf(orders), 'before the upgrade', 'before-upgrade', { upgradeTo: '18' });
    await snapshotOf(docker, cache, 'nightly');
    const { user } = renderApp({ docker });
    await findInstance('orders');
    // Every snapshot was read (the view's one volume ls of what deleted instances left): none is of a deleted instance yet.
    await waitFor(() => expect(docker.calls.some((c) => c.join(' ').startsWith('volume ls --filter dangling=true'))).toBe(true));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(screen.queryByRole('button', { name: SECTION })).not.toBeInTheDocument();
    // Taken outside the tab (by the CLI) once it was open: deleting the instance reads the snapshots again.
    const taken = await snapshotOf(docker, orders, 'before migration');

    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete orders?' })).getByRole('button', { name: 'Delete' }));
    const table = await openSection(user, 2);
    const row = within(table).getByRole('row', { name: /before migration/ });
    for (const text of ['PostgreSQL 17', 'orders', '2.1 MB', formatTime(taken.createdAt)]) expect(within(row).getByText(text)).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Clone snapshot before migration of orders' })).toBeEnabled();
    expect(within(row).getByRole('button', { name: 'Delete snapshot before migration of orders' })).toBeEnabled();
    const pointRow = within(table).getByRole('row', { name: /before the upgrade/ });
    expect(within(pointRow).getByText('rollback point of the upgrade to 18')).toBeInTheDocument();
    expect(pointRow).toHaveAttribute('data-snapshot', point.id);
    expect(within(table).queryByText('nightly')).not.toBeInTheDocument();
    expect(within(table).queryByText('cache')).not.toBeInTheDocument();
  });

  it('Clone makes a new running instance holding the snapshot’s data, with the form of an instance’s snapshots', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres', password: 'the-data-password' });
    await snapshotOf(docker, orders, 'before migration');
    await deleteWithData(docker, orders);
    expect(docker.dataPasswordOf('dockbase-orders-data')).toBeUndefined();
    const { user, desktop } = renderApp({ docker });
    const table = await openSection(user, 1);
    await user.click(within(table).getByRole('button', { name: 'Clone snapshot before migration of orders' }));

    const form = await screen.findByRole('dialog', { name: 'Clone “before migration” of orders' });
    expect(form).toHaveTextContent('A new PostgreSQL 17 instance with a copy of this snapshot’s data');
    expect(within(form).getByRole('textbox', { name: 'Name' })).toHaveValue('orders-copy');
    // No container is left to read orders' password from: the user gives it.
    const password = within(form).getByLabelText(/^Password/, { selector: 'input' });
    expect(password).toHaveValue('');
    expect(within(form).getByRole('button', { name: 'Clone' })).toBeDisabled();
    // A free port is suggested (orders' 5432 is free again); the user may type another.
    const port = within(form).getByRole('textbox', { name: 'Port' });
    await waitFor(() => expect(port).toHaveValue('5432'));
    await user.clear(port);
    await user.type(port, '5440');
    // Another password than orders had: the clone's data is still the snapshot's, which keeps its own (as the form says).
    await user.type(password, 'Another-Password-1');
    await user.click(within(form).getByRole('button', { name: 'Clone' }));

    await waitFor(() => expect(desktop.toasts.success).toContain('orders-copy was created from "before migration" and is starting.'));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: /^Clone/ })).not.toBeInTheDocument());
    const copy = docker.byName('orders-copy');
    expect(copy.state).toBe('running');
    expect(copy.publish?.hostPort).toBe(5440);
    expect(copy.mounts.map((m) => m.source)).toEqual(['dockbase-orders-copy-data']);
    // The data is the snapshot's copy, and the clone's own password is set in it (the fake models data by the
    // password it opens with): the new connection string works.
    expect(docker.dataPasswordOf('dockbase-orders-copy-data')).toBe('Another-Password-1');
    expect(copy.env).toContain('POSTGRES_PASSWORD=Another-Password-1');
    expect(docker.calls.some((c) => c[0] === 'run' && c.includes('io.dockbase.helper=clone'))).toBe(true);
    expect(await findInstance('orders-copy')).toBeInTheDocument();
    // The snapshot stays, still that of a deleted instance.
    expect(within(await openSectionIfClosed(user)).getByRole('row', { name: /before migration/ })).toBeInTheDocument();
  });

  it('Delete asks, naming the snapshot: Cancel deletes nothing, the confirmation deletes that snapshot only; the section goes with the last', async () => {
    const docker = new FakeDocker();
    const orders = await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const first = await snapshotOf(docker, orders, 'before migration');
    const second = await snapshotOf(docker, orders, 'nightly');
    await deleteWithData(docker, orders);
    const volumesOf = (s: Snapshot) => [s.manifestVolume, ...s.volumes.map((v) => v.volume)];
    const { user, desktop } = renderApp({ docker });
    const table = await openSection(user, 2);

    await user.click(within(table).getByRole('button', { name: 'Delete snapshot before migration of orders' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete snapshot “before migration” of orders?' });
    expect(confirm).toHaveTextContent('orders no longer exists');
    expect(confirm).toHaveTextContent(`volume ${first.volumes[0]?.volume} (2.1 MB) is deleted for good. This cannot be undone.`);
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: /^Delete snapshot/ })).not.toBeInTheDocument());
    expect(docker.count('volume rm')).toBe(0);
    for (const v of [...volumesOf(first), ...volumesOf(second)]) expect(docker.volumes.has(v)).toBe(true);
    expect(within(table).getAllByRole('row')).toHaveLength(3);

    await user.click(within(table).getByRole('button', { name: 'Delete snapshot before migration of orders' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Delete snapshot “before migration” of orders?' })).getByRole('button', { name: 'Delete snapshot' }),
    );
    await waitFor(() => expect(desktop.toasts.success).toContain('Snapshot "before migration" deleted.'));
    for (const v of volumesOf(first)) expect(docker.volumes.has(v)).toBe(false);
    for (const v of volumesOf(second)) expect(docker.volumes.has(v)).toBe(true);
    await screen.findByRole('button', { name: 'Snapshots of deleted instances (1)' });
    expect(within(screen.getByRole('table', { name: 'Snapshots of deleted instances' })).queryByText('before migration')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete snapshot nightly of orders' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Delete snapshot “nightly” of orders?' })).getByRole('button', { name: 'Delete snapshot' }),
    );
    await waitFor(() => expect(screen.queryByRole('button', { name: SECTION })).not.toBeInTheDocument());
    expect([...docker.volumes.keys()]).toEqual([]);
  });
});

/** The section's table, opening the section if it was closed (it keeps its state across the instance list's changes). */
async function openSectionIfClosed(user: ReturnType<typeof renderApp>['user']): Promise<HTMLElement> {
  const open = screen.queryByRole('table', { name: 'Snapshots of deleted instances' });
  if (open) return open;
  await user.click(await screen.findByRole('button', { name: SECTION }));
  return screen.findByRole('table', { name: 'Snapshots of deleted instances' });
}
