import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createDockbase } from '@dockbase/core';
import { FakeBackend } from '../../../test-support/fake-backend';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

describe('Upgrade and Roll back in the tab', () => {
  it('upgrades PostgreSQL 15 to 17 in a dialog titled with the instance: versions, what happens, each step; then offers Roll back', async () => {
    const docker = new FakeDocker();
    const backend = new FakeBackend();
    const seeded = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15' });
    await backend.saveInstance(seeded.id, { name: 'orders', engine: 'postgres', settings: {} });
    await backend.setNotes(seeded.id, 'billing data');
    // Set by Edit: "start with Docker" and a memory limit, which the upgraded container keeps.
    Object.assign(docker.byName('orders'), { restartPolicy: 'unless-stopped', memoryBytes: 512 * 1024 * 1024 });
    const { user, desktop } = renderApp({ docker, backend });
    const card = await findInstance('orders');
    expect(within(card).queryByRole('button', { name: 'Roll back' })).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Upgrade' }));

    const dialog = await screen.findByRole('dialog', { name: 'Upgrade orders' });
    const version = within(dialog).getByRole('combobox', { name: 'New version' });
    // The catalog's newer versions, newest first; the newest is proposed.
    expect(version).toHaveValue('18');
    await user.click(version);
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['18', '17', '16']);
    await user.click(screen.getByRole('option', { name: '17' }));
    expect(dialog).toHaveTextContent('PostgreSQL 17 cannot open the data folder of 15');
    expect(dialog).toHaveTextContent('The 15 volume is not changed: it stays as the rollback point until you delete it.');

    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await within(dialog).findByText(/orders now runs PostgreSQL 17 \(1 table, 42 rows checked\)/);
    const steps = within(dialog).getByRole('list', { name: 'Steps of the upgrade to 17' });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label')),
    ).toEqual([
      'Get the image postgres:17: done',
      'Stop orders (nothing can write to it during the copy): done',
      'Start PostgreSQL 15 and 17 side by side, without network: done',
      'Copy every database and role with pg_dumpall 17 into psql: done',
      'Count the rows of every table on both sides: done',
      'Switch orders to 17 on its new data volume; keep the 15 volume as the rollback point: done',
      'Check that the server reports 17: done',
    ]);
    expect(desktop.toasts.success).toContain('orders now runs PostgreSQL 17. Its data from 15 is kept as the rollback point.');
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));

    // The same instance (id, notes, history), on 17, with a new data volume; Roll back is offered.
    const after = await findInstance('orders');
    await within(after).findByText(/PostgreSQL 17 .*upgraded from 15/);
    const container = docker.byName('orders');
    expect(container.labels['io.dockbase.instance']).toBe(seeded.id);
    expect(container.mounts.map((m) => m.source)).toEqual(['dockbase-orders-data-17']);
    expect(container).toMatchObject({ restartPolicy: 'unless-stopped', memoryBytes: 512 * 1024 * 1024 });
    expect(docker.volumes.has('dockbase-orders-data')).toBe(true);
    expect(docker.names()).toEqual(['orders']);

    await waitFor(() =>
      expect(backend.records.get(seeded.id)?.history[0]).toMatchObject({
        action: 'upgrade',
        outcome: 'ok',
        detail: expect.stringMatching(/^PostgreSQL 15 → 17 \(dump and restore, 1 table and 42 rows checked on both sides\)/),
      }),
    );
    expect(backend.records.get(seeded.id)?.notes).toBe('billing data');

    await user.click(await within(after).findByRole('button', { name: 'Roll back' }));
    const back = await screen.findByRole('dialog', { name: 'Roll back orders' });
    expect(back).toHaveTextContent('orders returns to PostgreSQL 15 with its data as it was before the upgrade to 17');
    expect(back).toHaveTextContent('keeps what orders holds now in a “before rollback” snapshot');
    await user.click(within(back).getByRole('button', { name: 'Roll back' }));
    await within(back).findByText(/orders runs PostgreSQL 15\.0 again/);
    await user.click(within(back).getByRole('button', { name: 'Close' }));
    await within(await findInstance('orders')).findByText(/PostgreSQL 15 · port/);
    expect(docker.byName('orders').mounts.map((m) => m.source)).toEqual(['dockbase-orders-data']);
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'orders' })).queryByRole('button', { name: 'Roll back' })).not.toBeInTheDocument());
    await waitFor(() => expect(backend.records.get(seeded.id)?.history[0]).toMatchObject({ action: 'rollback', outcome: 'ok' }));
  });

  it('the old volume of an upgrade is its rollback point, not data a deleted instance left: never offered for Delete or Re-create', async () => {
    const docker = new FakeDocker();
    const seeded = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15' });
    await createDockbase(docker).upgrades.upgrade(seeded, '17');
    expect(docker.volumes.has('dockbase-orders-data')).toBe(true);
    renderApp({ docker });
    expect(await within(await findInstance('orders')).findByRole('button', { name: 'Roll back' })).toBeInTheDocument();
    // The kept data came with the rollback points, from the same one volume ls.
    await waitFor(() => expect(docker.calls.some((c) => c.join(' ').startsWith('volume ls --filter dangling=true'))).toBe(true));
    await new Promise((r) => setTimeout(r, 200));
    expect(screen.queryByText(/Data kept from deleted instances/)).not.toBeInTheDocument();
  });

  it('a create that would mount the rollback point’s volume is refused, naming the snapshot to clone instead', async () => {
    const docker = new FakeDocker();
    const dockbase = createDockbase(docker);
    const seeded = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15' });
    const { instance } = await dockbase.upgrades.upgrade(seeded, '17');
    await dockbase.lifecycle.remove(instance, { removeData: true });
    const create = dockbase.creation.create(
      { engine: 'postgres', name: 'orders', tag: '15', hostPort: 5432, password: 'pw', persistData: true, exposeOnNetwork: false },
      { start: true },
    );
    await expect(create).rejects.toMatchObject({
      code: 'volume-conflict',
      message: expect.stringMatching(/^Volume dockbase-orders-data is held by the snapshot “before upgrade to 17 .*” of orders\. Clone that snapshot/),
    });
    expect(docker.names()).toEqual([]);
    expect(docker.volumes.has('dockbase-orders-data')).toBe(true);
  });

  it('after a roll back, names the snapshot that holds the new version’s volume before Upgrade is pressed', async () => {
    const docker = new FakeDocker();
    const dockbase = createDockbase(docker);
    const seeded = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15' });
    const { instance, rollbackPoint } = await dockbase.upgrades.upgrade(seeded, '17');
    const { kept } = await dockbase.upgrades.rollback(instance, rollbackPoint);
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Upgrade' }));
    const dialog = await screen.findByRole('dialog', { name: 'Upgrade orders' });
    const version = within(dialog).getByRole('combobox', { name: 'New version' });
    await user.clear(version);
    await user.type(version, '17');
    expect(
      await within(dialog).findByText(
        new RegExp(`kept as the snapshot “${kept.name}” of orders.*Clone that snapshot to keep its data, or delete it, then upgrade again\\.`),
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Upgrade' })).toBeDisabled();
  });

  it('Restore offers only what the instance can read: the 15 rollback point of a 17 instance is set apart, saying why', async () => {
    const docker = new FakeDocker();
    const dockbase = createDockbase(docker);
    const seeded = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15' });
    const { instance } = await dockbase.upgrades.upgrade(seeded, '17');
    await dockbase.snapshots.take(instance, { name: 'on 17' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Snapshot' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snapshots of orders' });
    const readable = await within(dialog).findByRole('list', { name: 'Snapshots of orders' });
    expect(within(readable).getByRole('listitem', { name: 'on 17' })).toBeInTheDocument();
    const apart = within(dialog).getByRole('list', { name: 'Snapshots orders cannot read' });
    const point = within(apart).getByRole('listitem', { name: /^before upgrade to 17/ });
    expect(within(point).queryByRole('button', { name: 'Restore' })).not.toBeInTheDocument();
    expect(point).toHaveTextContent('The data from before the upgrade to 17: Roll back (on the card) returns to it.');
    expect(within(point).getByRole('button', { name: 'Clone' })).toBeEnabled();
  });

  it('explains a refused step and does not start it (MongoDB one series at a time)', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'events', engine: 'mongo', tag: '6.0' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('events')).getByRole('button', { name: 'Upgrade' }));
    const dialog = await screen.findByRole('dialog', { name: 'Upgrade events' });
    const version = within(dialog).getByRole('combobox', { name: 'New version' });
    await user.clear(version);
    await user.type(version, '8.0');
    expect(dialog).toHaveTextContent(
      'MongoDB upgrades one release series at a time, setting its feature compatibility version at each: 6.0 → 7.0 → 8.0. Upgrade to 7.0 first.',
    );
    expect(within(dialog).getByRole('button', { name: 'Upgrade' })).toBeDisabled();
    expect(docker.calls.some((c) => c[0] === 'stop' || c[0] === 'pull')).toBe(false);
  });

  it('a missing image fails before anything changes: the error says so, the instance runs as before', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis', tag: '7.2' });
    docker.missingImages.add('redis:8.2');
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Upgrade' }));
    const dialog = await screen.findByRole('dialog', { name: 'Upgrade cache' });
    expect(within(dialog).getByRole('combobox', { name: 'New version' })).toHaveValue('8.2');
    expect(dialog).toHaveTextContent('Redis 8.2 loads the append-only file and RDB of 7.2 as they are');
    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await within(dialog).findByText(/Image redis:8\.2 was not found\. .*Nothing was changed: cache runs Redis 7\.2 as before\./);
    expect(desktop.toasts.error.at(-1)).toMatch(/Nothing was changed/);
    expect(docker.byName('cache')).toMatchObject({ state: 'running', image: 'redis:7.2' });
    expect(docker.calls.some((c) => c[0] === 'stop')).toBe(false);
  });

  it('cancels before the switch-over: the instance runs again as it was, nothing is left', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'shop', engine: 'mariadb', tag: '10.11' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('shop')).getByRole('button', { name: 'Upgrade' }));
    const dialog = await screen.findByRole('dialog', { name: 'Upgrade shop' });
    const version = within(dialog).getByRole('combobox', { name: 'New version' });
    await user.clear(version);
    await user.type(version, '11.8');
    const gate = docker.holdNext('run');
    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await gate.reached;
    // The snapshot is being taken: Cancel still leaves everything as it was.
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    expect(cancel).toBeEnabled();
    await user.click(cancel);
    gate.release();
    await within(dialog).findByText(/^Upgrade cancelled\. Nothing was changed: shop runs MariaDB 10\.11 as before\.$/);
    expect(docker.byName('shop')).toMatchObject({ state: 'running', image: 'mariadb:10.11' });
    expect([...docker.volumes.keys()].filter((v) => v.includes('-snap-'))).toEqual([]);
  });
});
