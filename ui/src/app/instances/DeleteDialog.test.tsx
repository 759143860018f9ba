import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createDockbase } from '@dockbase/core';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

async function openDelete(user: UserEvent, name: string) {
  await user.click(within(await findInstance(name)).getByRole('button', { name: 'Delete' }));
  return screen.findByRole('dialog', { name: `Delete ${name}?` });
}

describe('deleting an instance', () => {
  it('keeps the data by default: plain "Delete" removes only the container', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'mongo' });
    const { user, desktop } = renderApp({ docker });
    const dialog = await openDelete(user, 'orders');

    const data = within(dialog).getByRole('checkbox', { name: 'Also delete its data (volumes dockbase-orders-db, dockbase-orders-configdb)' });
    expect(data).not.toBeChecked();
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    await waitFor(() => expect(screen.queryByRole('region', { name: 'orders' })).not.toBeInTheDocument());
    expect(docker.names()).toEqual([]);
    expect([...docker.volumes.keys()].sort()).toEqual(['dockbase-orders-configdb', 'dockbase-orders-db']);
    await waitFor(() => expect(desktop.toasts.success).toEqual(['orders was deleted.']));
    // Nothing left: the empty state leads to a new one.
    expect(await screen.findByRole('button', { name: 'Create your first instance' })).toBeInTheDocument();
  });

  it('deletes the data only after the name is typed, with a button that says so', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const { user, desktop } = renderApp({ docker });
    const dialog = await openDelete(user, 'cache');

    await user.click(within(dialog).getByRole('checkbox', { name: /Also delete its data/ }));
    expect(within(dialog).queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    const confirm = within(dialog).getByRole('button', { name: 'Delete instance and data' });
    expect(confirm).toBeDisabled();
    const typed = within(dialog).getByRole('textbox', { name: 'Type cache to confirm' });
    await user.type(typed, 'cach');
    expect(confirm).toBeDisabled();
    await user.type(typed, 'e');
    expect(confirm).toBeEnabled();
    await user.click(confirm);

    await waitFor(() => expect(docker.volumes.size).toBe(0));
    expect(docker.names()).toEqual([]);
    await waitFor(() => expect(desktop.toasts.success).toEqual(['cache and its data were deleted.']));
  });

  it('says which snapshots stay when the data is deleted, and keeps them', async () => {
    const docker = new FakeDocker();
    const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const snapshots = createDockbase(docker).snapshots;
    await snapshots.take(seeded, { name: 'nightly' });
    await snapshots.take(seeded, { name: 'before migration' });
    const { user } = renderApp({ docker });
    const dialog = await openDelete(user, 'cache');
    await user.click(within(dialog).getByRole('checkbox', { name: /Also delete its data/ }));
    expect(
      await within(dialog).findByText(
        /^Its 2 snapshots stay: “(nightly|before migration)”, “(nightly|before migration)”\. Once cache is deleted they are listed under Snapshots of deleted instances/,
      ),
    ).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: 'Type cache to confirm' }), 'cache');
    await user.click(within(dialog).getByRole('button', { name: 'Delete instance and data' }));
    await waitFor(() => expect(docker.names()).toEqual([]));
    expect((await snapshots.list()).map((s) => s.name).sort()).toEqual(['before migration', 'nightly']);
  });

  it('does nothing when cancelled, and offers no data choice for an instance without volumes', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'scratch', engine: 'redis', persistData: false });
    const { user } = renderApp({ docker });
    const dialog = await openDelete(user, 'scratch');
    expect(within(dialog).queryByRole('checkbox')).not.toBeInTheDocument();
    expect(within(dialog).getByText(/keeps no data volumes/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(docker.names()).toEqual(['scratch']);
    expect(docker.count('rm')).toBe(0);
  });
});
