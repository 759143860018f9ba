import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createDockbase, getEngine } from '@dockbase/core';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

const FIRST = 'the-first-password';
const SECOND = 'the-second-password';
const REFUSED = /MariaDB refused shop's password: its data keeps another one/;

/**
 * A MariaDB instance, shop, with a snapshot "first" of its data as created (its password FIRST); then its
 * password changed with MariaDB's own tools to SECOND and given to Dockbase (Edit takes a password that opens
 * the data). Restoring "first" brings FIRST back in the data.
 */
async function shopWithOlderSnapshot(docker: FakeDocker) {
  const shop = await seedInstance(docker, { name: 'shop', engine: 'mariadb', password: FIRST });
  const core = createDockbase(docker);
  const ready = await core.readiness.waitUntilReady(shop);
  await core.snapshots.take(ready, { name: 'first' });
  docker.volumeData.get('dockbase-shop-data')!.dataPassword = SECOND;
  await core.editing.edit(await core.lifecycle.get(shop.id), { password: SECOND });
  docker.calls.length = 0;
}

const configuredPassword = (docker: FakeDocker) => getEngine('mariadb').readPassword({ env: docker.byName('shop').env, cmd: docker.byName('shop').cmd });

async function openRestore(user: ReturnType<typeof renderApp>['user']) {
  await user.click(within(await findInstance('shop')).getByRole('button', { name: 'Snapshot' }));
  const dialog = await screen.findByRole('dialog', { name: 'Snapshots of shop' });
  await user.click(within(await within(dialog).findByRole('listitem', { name: 'first' })).getByRole('button', { name: 'Restore' }));
  const confirm = await screen.findByRole('dialog', { name: 'Restore shop from “first”?' });
  /** Closes the Snapshots dialog once the restore ended, for the card to be read. */
  const close = async () => {
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled());
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  };
  return { confirm, close };
}

describe('restoring a MariaDB snapshot asks which password the instance should show', () => {
  it('keeps the instance’s by default, masked, and says afterwards that the data keeps another one', async () => {
    const docker = new FakeDocker();
    await shopWithOlderSnapshot(docker);
    const { user, desktop } = renderApp({ docker });
    const { confirm, close } = await openRestore(user);
    const keep = within(confirm).getByRole('radio', { name: 'Keep shop’s password (********): Dockbase checks it opens the restored data' });
    expect(keep).toBeChecked();
    expect(within(confirm).getByRole('radio', { name: 'The snapshot’s password is:' })).not.toBeChecked();
    expect(confirm).not.toHaveTextContent(SECOND);
    await user.click(within(confirm).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(desktop.toasts.success.some((t) => t.startsWith('shop was restored from "first"'))).toBe(true));
    await close();
    expect(await within(await findInstance('shop')).findByText(REFUSED)).toBeInTheDocument();
    expect(configuredPassword(docker)).toBe(SECOND);
  });

  it('gives the instance the snapshot’s password when told it: the card’s check is ok and its connection string shows', async () => {
    const docker = new FakeDocker();
    await shopWithOlderSnapshot(docker);
    const { user, desktop } = renderApp({ docker });
    const { confirm, close } = await openRestore(user);
    await user.click(within(confirm).getByRole('radio', { name: 'The snapshot’s password is:' }));
    // Nothing to take yet: Restore waits for the password.
    expect(within(confirm).getByRole('button', { name: 'Restore' })).toBeDisabled();
    await user.type(within(confirm).getByLabelText('The snapshot’s password'), FIRST);
    await user.click(within(confirm).getByRole('button', { name: 'Restore' }));

    await waitFor(() =>
      expect(desktop.toasts.success).toContainEqual(
        expect.stringMatching(/^shop was restored from "first"\..* shop now has the password you gave for snapshot “first”: it opens the restored data\.$/),
      ),
    );
    expect(configuredPassword(docker)).toBe(FIRST);
    await close();
    const card = await findInstance('shop');
    expect(await within(card).findByText(/Connection string/)).toBeInTheDocument();
    expect(within(card).queryByText(REFUSED)).not.toBeInTheDocument();
  });

  it('keeps the instance’s password when the one given does not open the data either, and says so', async () => {
    const docker = new FakeDocker();
    await shopWithOlderSnapshot(docker);
    const { user, desktop } = renderApp({ docker });
    const { confirm, close } = await openRestore(user);
    await user.click(within(confirm).getByRole('radio', { name: 'The snapshot’s password is:' }));
    await user.type(within(confirm).getByLabelText('The snapshot’s password'), 'a-wrong-guess');
    await user.click(within(confirm).getByRole('button', { name: 'Restore' }));

    await waitFor(() =>
      expect(desktop.toasts.warning).toContainEqual(
        expect.stringMatching(/The password you gave for snapshot “first” does not open the restored data either: shop keeps its own password\./),
      ),
    );
    expect(configuredPassword(docker)).toBe(SECOND);
    await close();
    expect(await within(await findInstance('shop')).findByText(REFUSED)).toBeInTheDocument();
  });

  it('is not asked where Dockbase sets the password in the data itself (PostgreSQL)', async () => {
    const docker = new FakeDocker();
    const pg = await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    await createDockbase(docker).snapshots.take(await createDockbase(docker).readiness.waitUntilReady(pg), { name: 'nightly' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Snapshot' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snapshots of orders' });
    await user.click(within(await within(dialog).findByRole('listitem', { name: 'nightly' })).getByRole('button', { name: 'Restore' }));
    const confirm = await screen.findByRole('dialog', { name: 'Restore orders from “nightly”?' });
    expect(within(confirm).queryByRole('radio')).not.toBeInTheDocument();
    expect(confirm).toHaveTextContent('Dockbase then sets orders’s password in the data again');
  });
});
