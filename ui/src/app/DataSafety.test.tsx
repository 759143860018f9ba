import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../test-support/render-app';

describe('snapshots, export and import in the tab', () => {
  it('takes a snapshot in a dialog titled with the instance, lists it, and asks before restoring, saying what is kept', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Snapshot' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snapshots of orders' });
    expect(dialog).toHaveTextContent('orders is stopped for the copy (a few seconds) and started again');
    const name = within(dialog).getByRole('textbox', { name: 'Snapshot name' });
    await user.clear(name);
    await user.type(name, 'before migration');
    await user.click(within(dialog).getByRole('button', { name: 'Snapshot' }));

    const item = await within(dialog).findByRole('listitem', { name: 'before migration' });
    // The fake's du measures 2048 KiB: 2,097,152 bytes, in decimal units as docker prints sizes.
    expect(item).toHaveTextContent('2.1 MB · PostgreSQL 17');
    expect(desktop.toasts.success).toContain('Snapshot "before migration" of orders taken.');
    expect(docker.calls.some((c) => c[0] === 'stop')).toBe(true);

    await user.click(within(item).getByRole('button', { name: 'Restore' }));
    const confirm = await screen.findByRole('dialog', { name: 'Restore orders from “before migration”?' });
    expect(confirm).toHaveTextContent('Dockbase first keeps the current data in a “before restore” snapshot');
    await user.click(within(confirm).getByRole('button', { name: 'Restore' }));
    await within(dialog).findByRole('listitem', { name: /^before restore/ });
    await waitFor(() => expect(desktop.toasts.success.some((t) => t.startsWith('orders was restored from "before migration"'))).toBe(true));
  });

  it('asks before deleting a snapshot, naming it and what goes; Cancel keeps it', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Snapshot' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snapshots of orders' });
    const name = within(dialog).getByRole('textbox', { name: 'Snapshot name' });
    await user.clear(name);
    await user.type(name, 'only copy');
    await user.click(within(dialog).getByRole('button', { name: 'Snapshot' }));
    const item = await within(dialog).findByRole('listitem', { name: 'only copy' });

    await user.click(within(item).getByRole('button', { name: 'Delete' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete snapshot “only copy” of orders?' });
    expect(confirm).toHaveTextContent(/deleted for good\. This cannot be undone/);
    const removals = () => docker.calls.filter((c) => c[0] === 'volume' && c[1] === 'rm').length;
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(removals()).toBe(0);
    expect(within(dialog).getByRole('listitem', { name: 'only copy' })).toBeInTheDocument();

    await user.click(within(item).getByRole('button', { name: 'Delete' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Delete snapshot “only copy” of orders?' })).getByRole('button', { name: 'Delete snapshot' }),
    );
    await waitFor(() => expect(within(dialog).queryByRole('listitem', { name: 'only copy' })).not.toBeInTheDocument());
    expect(removals()).toBeGreaterThan(0);
  });

  it('refuses a bad snapshot name before anything runs', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Snapshot' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snapshots of cache' });
    const name = within(dialog).getByRole('textbox', { name: 'Snapshot name' });
    await user.clear(name);
    await user.type(name, '../etc');
    expect(within(dialog).getByRole('button', { name: 'Snapshot' })).toBeDisabled();
    expect(docker.calls.some((c) => c[0] === 'run')).toBe(false);
  });

  it('offers Export and Import in dialogs titled with the instance, typing a path where there is no file dialog', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'shop', engine: 'mariadb' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('shop')).getByRole('button', { name: 'Export' }));
    const exp = await screen.findByRole('dialog', { name: 'Export shop' });
    expect(exp).toHaveTextContent('written by mariadb-dump inside the container');
    expect(within(exp).queryByRole('button', { name: 'Choose…' })).not.toBeInTheDocument();
    expect(within(exp).getByRole('button', { name: 'Export' })).toBeDisabled();
    await user.type(within(exp).getByRole('textbox', { name: 'Folder' }), '/home/me/backups');
    expect(within(exp).getByRole('button', { name: 'Export' })).toBeEnabled();
    await user.click(within(exp).getByRole('button', { name: 'Close' }));

    await user.click(within(await findInstance('shop')).getByRole('button', { name: 'Import' }));
    const imp = await screen.findByRole('dialog', { name: 'Import into shop' });
    expect(imp).toHaveTextContent('keeps shop’s current data in a “before import” snapshot');
    expect(imp).toHaveTextContent('.sql, .sql.gz');
    // Said before the import: what becomes of the instance's password (a dump carries its users).
    expect(imp).toHaveTextContent('A dump of every database carries its users: shop keeps its own accounts and their passwords');
  });
});
