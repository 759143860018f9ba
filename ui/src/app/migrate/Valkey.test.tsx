import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../../test-support/fake-backend';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

describe('Valkey in the tab', () => {
  it('is offered at create with its versions, and made from valkey/valkey with the password in no command line', async () => {
    const docker = new FakeDocker();
    const { user, desktop } = renderApp({ docker });
    await user.click(await screen.findByRole('button', { name: 'New instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled());
    await user.click(within(dialog).getByRole('radio', { name: 'Valkey' }));
    const version = within(dialog).getByRole('combobox', { name: 'Version' });
    expect(version).toHaveValue('8.1');
    await user.click(version);
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(expect.arrayContaining(['8.1', '8.0', '7.2']));
    await user.keyboard('{Escape}');
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveValue('valkey-1');
    const password = (within(dialog).getByLabelText(/^Password/) as HTMLInputElement).value;
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const card = await findInstance('valkey-1');
    expect(within(card).getByText(/Valkey 8\.1 · port 6379 on 127\.0\.0\.1/)).toBeInTheDocument();
    expect(desktop.toasts.success).toContain('valkey-1 was created and is starting.');
    const container = docker.byName('valkey-1');
    expect(container.image).toBe('valkey/valkey:8.1');
    expect(container.env).toContain(`REDISCLI_AUTH=${password}`);
    expect(container.cmd.join(' ')).toContain('valkey-server - --appendonly yes');
    expect(container.cmd.join(' ')).not.toContain(password);
    // A Valkey card has no Migrate action: only Redis data moves (to Valkey).
    expect(within(card).queryByRole('button', { name: /Migrate to/ })).not.toBeInTheDocument();
  });

  it('migrates a Redis instance to Valkey from its card: a new Valkey instance, the Redis one running as before', async () => {
    const docker = new FakeDocker();
    const backend = new FakeBackend();
    const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis', tag: '7.2', hostPort: 6379 });
    await backend.saveInstance(seeded.id, { name: 'cache', engine: 'redis', settings: {} });
    const { user, desktop } = renderApp({ docker, backend });
    const card = await findInstance('cache');
    await user.click(within(card).getByRole('button', { name: 'Migrate to Valkey…' }));

    const dialog = await screen.findByRole('dialog', { name: 'Migrate cache to Valkey' });
    expect(dialog).toHaveTextContent('the same password: its clients change only the port');
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveValue('cache-valkey');
    // 6379 is the Redis instance's: the next free port is proposed.
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Port' })).toHaveValue('6380'));
    expect(within(dialog).getByRole('textbox', { name: 'Version' })).toHaveValue('8.1');
    await user.click(within(dialog).getByRole('button', { name: 'Migrate' }));

    await within(dialog).findByText('cache-valkey runs Valkey 8.1 on port 6380 with the data of cache, which is as it was.');
    const steps = within(dialog).getByRole('list', { name: 'Steps of the migration' });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label')),
    ).toEqual([
      'Check that Valkey 8.1 can load the data of cache: done',
      'Get the image valkey/valkey:8.1: done',
      'Copy the data (cache stops for the copy and runs again at once): done',
      'Create cache-valkey and start it: done',
      'Wait until Valkey has loaded the data and answers: done',
    ]);
    expect(desktop.toasts.success).toContain('cache-valkey runs Valkey 8.1 with the data of cache, which is as it was.');
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));

    const made = await findInstance('cache-valkey');
    expect(within(made).getByText(/Valkey 8\.1 · port 6380/)).toBeInTheDocument();
    const valkey = docker.byName('cache-valkey');
    expect(valkey.image).toBe('valkey/valkey:8.1');
    // The same password as the Redis instance, in its environment only.
    expect(valkey.env).toContain('REDISCLI_AUTH=Seeded-Password-1');
    expect(valkey.mounts.map((m) => m.source)).toEqual(['dockbase-cache-valkey-data']);
    // Redis: the same container, running, on its own volume.
    const redis = docker.byName('cache');
    expect(redis.labels['io.dockbase.instance']).toBe(seeded.id);
    expect(redis.mounts.map((m) => m.source)).toEqual(['dockbase-cache-data']);
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'cache' })).getByText(/Redis 7\.2 · port 6379/)).toBeInTheDocument());
    expect(docker.byName('cache').state).toBe('running');
    await waitFor(() => expect(backend.records.get(seeded.id)?.history[0]).toMatchObject({ action: 'migrate', outcome: 'ok' }));
  });

  it('refuses Redis 8 data for Valkey 8.1 in the dialog, before anything starts', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis', tag: '8.0' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Migrate to Valkey…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Migrate cache to Valkey' });
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'The data of cache (Redis 8.0) is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it).',
    );
    expect(within(dialog).getByRole('button', { name: 'Migrate' })).toBeDisabled();
    // Nothing stopped, made or copied: the Redis instance runs on, alone.
    expect(docker.calls.filter((c) => ['run', 'create', 'stop'].includes(c[0]!) || (c[0] === 'volume' && c[1] !== 'ls' && c[1] !== 'inspect'))).toEqual([]);
    expect(docker.names()).toEqual(['cache']);
    expect(docker.byName('cache').state).toBe('running');
  });
});
