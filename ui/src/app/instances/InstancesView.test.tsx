import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../../../test-support/fake-backend';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

afterEach(() => {
  vi.useRealTimers();
});

describe('the instances view', () => {
  it('shows each instance with its engine, version, port, bind address, status and masked connection string', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders-db', engine: 'postgres', tag: '16', hostPort: 5433 });
    await seedInstance(docker, { name: 'cache', engine: 'redis', exposeOnNetwork: true });
    renderApp({ docker });

    const pg = await findInstance('orders-db');
    expect(within(pg).getByRole('heading', { name: 'orders-db' })).toBeInTheDocument();
    expect(within(pg).getByText(/PostgreSQL 16 · port 5433 on 127\.0\.0\.1 \(this computer only\)/)).toBeInTheDocument();
    expect(within(pg).getByText('Healthy')).toBeInTheDocument();
    expect(within(pg).getByText('postgresql://postgres:********@127.0.0.1:5433/postgres')).toBeInTheDocument();
    expect(within(pg).queryByText(/Seeded-Password-1/)).not.toBeInTheDocument();

    const redis = await findInstance('cache');
    expect(within(redis).getByText(/Redis 8\.2 · port 6379 on 0\.0\.0\.0 \(your network\)/)).toBeInTheDocument();
    expect(within(redis).getByText('redis://default:********@127.0.0.1:6379/')).toBeInTheDocument();
    // Running instances can be stopped and restarted, not started again.
    expect(within(redis).getByRole('button', { name: 'Start' })).toBeDisabled();
    expect(within(redis).getByRole('button', { name: 'Stop' })).toBeEnabled();
    expect(within(redis).getByRole('button', { name: 'Restart' })).toBeEnabled();
  });

  it('maps each container state to its status chip', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    await seedInstance(docker, { name: 'warming', engine: 'redis', hostPort: 6379 });
    await seedInstance(docker, { name: 'sick', engine: 'redis', hostPort: 6380 });
    await seedInstance(docker, { name: 'crashed', engine: 'redis', hostPort: 6381 });
    await seedInstance(docker, { name: 'halted', engine: 'redis', hostPort: 6382 });
    docker.setHealth('sick', 'unhealthy');
    docker.setExited('crashed', 1);
    docker.setExited('halted', 0);
    renderApp({ docker });

    expect(within(await findInstance('warming')).getByText('Starting')).toBeInTheDocument();
    expect(within(await findInstance('sick')).getByText('Unhealthy')).toBeInTheDocument();
    expect(within(await findInstance('crashed')).getByText('Error')).toBeInTheDocument();
    const halted = await findInstance('halted');
    expect(within(halted).getByText('Stopped')).toBeInTheDocument();
    expect(within(halted).getByRole('button', { name: 'Start' })).toBeEnabled();
    expect(within(halted).getByRole('button', { name: 'Stop' })).toBeDisabled();
  });

  it('reveals and copies the real connection string, read from the container', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis', password: 'Pa55-word' });
    const { user, desktop } = renderApp({ docker });
    const card = await findInstance('cache');

    await user.click(within(card).getByRole('button', { name: 'Reveal password' }));
    expect(await within(card).findByText('redis://default:Pa55-word@127.0.0.1:6379/')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Hide password' }));
    expect(within(card).getByText('redis://default:********@127.0.0.1:6379/')).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Copy connection string' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('Connection string of cache copied.'));
    expect(await navigator.clipboard.readText()).toBe('redis://default:Pa55-word@127.0.0.1:6379/');
    // Copying does not reveal it on screen.
    expect(within(card).getByText('redis://default:********@127.0.0.1:6379/')).toBeInTheDocument();
  });

  it('follows changes made outside the tab through docker events, without polling', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    renderApp({ docker, fakeTimers: true });
    const card = await findInstance('cache');
    expect(within(card).getByText('Healthy')).toBeInTheDocument();

    const listed = docker.count('ps');
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(docker.count('ps')).toBe(listed);

    // Someone stops it from a terminal: kill, die and stop arrive together and cost one `docker ps`.
    await act(() => docker.run(['stop', '--time', '10', 'cache']));
    expect(await within(card).findByText('Stopped')).toBeInTheDocument();
    expect(docker.count('ps')).toBe(listed + 1);

    // ... and a new instance created elsewhere appears.
    await act(() => seedInstance(docker, { name: 'sessions', engine: 'redis', hostPort: 6380 }));
    expect(await findInstance('sessions')).toBeInTheDocument();
  });

  it('leads to creating the first instance when there is none', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create your first instance' }));
    expect(await screen.findByRole('dialog', { name: 'New instance' })).toBeInTheDocument();
  });

  describe('logs and terminal', () => {
    it('opens Docker Desktop’s log and terminal views with the full container id', async () => {
      const docker = new FakeDocker();
      const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis' });
      const { user, desktop } = renderApp({ docker, navigate: 'available' });
      const card = await findInstance('cache');

      await user.click(within(card).getByRole('button', { name: 'Logs' }));
      await user.click(within(card).getByRole('button', { name: 'Shell' }));
      await waitFor(() =>
        expect(desktop.navigations).toEqual([
          { view: 'logs', containerId: seeded.containerId },
          { view: 'terminal', containerId: seeded.containerId },
        ]),
      );
      expect(seeded.containerId).toMatch(/^[0-9a-f]{64}$/);
      expect(screen.queryByRole('log')).not.toBeInTheDocument();
    });

    it('follows the logs in the tab when Docker Desktop cannot show them, and stops following on close', async () => {
      const docker = new FakeDocker();
      await seedInstance(docker, { name: 'cache', engine: 'redis' });
      docker.log('cache', 'Server initialized');
      const { user } = renderApp({ docker, navigate: 'missing' });
      const card = await findInstance('cache');

      await user.click(within(card).getByRole('button', { name: 'Logs' }));
      const log = await screen.findByRole('log', { name: 'Logs of cache' });
      expect(await within(log).findByText('Server initialized')).toBeInTheDocument();
      act(() => docker.log('cache', 'Ready to accept connections tcp'));
      expect(await within(log).findByText('Ready to accept connections tcp')).toBeInTheDocument();
      expect(docker.followingLogs()).toBe(1);

      await user.click(screen.getByRole('button', { name: 'Close' }));
      await waitFor(() => expect(screen.queryByRole('log')).not.toBeInTheDocument());
      expect(docker.followingLogs()).toBe(0);
    });

    it('falls back to the in-tab logs when Docker Desktop rejects the navigation', async () => {
      const docker = new FakeDocker();
      await seedInstance(docker, { name: 'cache', engine: 'redis' });
      docker.log('cache', 'hello from redis');
      const { user, desktop } = renderApp({ docker, navigate: 'rejects' });
      await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Logs' }));
      expect(await screen.findByText('hello from redis')).toBeInTheDocument();
      expect(desktop.toasts.error).toEqual([]);
    });

    it('gives a copyable client command outside Docker Desktop, without the password on its command line', async () => {
      const docker = new FakeDocker();
      await seedInstance(docker, { name: 'orders', engine: 'postgres', password: 'Very-Secret-1' });
      const { user, desktop } = renderApp({ docker, navigate: 'missing' });
      await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Shell' }));
      const dialog = await screen.findByRole('dialog', { name: 'Open a shell: orders' });
      const command = within(dialog).getByLabelText('Shell command for orders');
      expect(command).toHaveTextContent(`docker exec -it orders sh -c 'PGPASSWORD="$POSTGRES_PASSWORD" exec psql`);
      expect(command.textContent).not.toContain('Very-Secret-1');
      await user.click(within(dialog).getByRole('button', { name: 'Copy command' }));
      expect(await navigator.clipboard.readText()).toBe(command.textContent);
      await waitFor(() => expect(desktop.toasts.success).toContain('Shell command copied.'));
      expect(desktop.toasts.warning).toEqual([]);
    });
  });

  describe('notes and history', () => {
    it('are hidden, without any error, when there is no backend', async () => {
      const docker = new FakeDocker();
      await seedInstance(docker, { name: 'cache', engine: 'redis' });
      const { desktop } = renderApp({ docker });
      const card = await findInstance('cache');
      expect(within(card).queryByRole('button', { name: 'Notes and history' })).not.toBeInTheDocument();
      expect(desktop.toasts.error).toEqual([]);
    });

    it('are hidden when the backend does not answer', async () => {
      const docker = new FakeDocker();
      await seedInstance(docker, { name: 'cache', engine: 'redis' });
      const backend = new FakeBackend();
      backend.up = false;
      const { desktop } = renderApp({ docker, backend });
      const card = await findInstance('cache');
      expect(within(card).queryByRole('button', { name: 'Notes and history' })).not.toBeInTheDocument();
      expect(desktop.toasts.error).toEqual([]);
    });

    it('can be read and edited with the backend, and record what was done', async () => {
      const docker = new FakeDocker();
      const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis' });
      const backend = new FakeBackend();
      const { user, desktop } = renderApp({ docker, backend });
      const card = await findInstance('cache');

      const toggle = await within(card).findByRole('button', { name: 'Notes and history' });
      expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await user.click(toggle);
      expect(toggle).toHaveAttribute('aria-expanded', 'true');
      expect(await within(card).findByText('No operations recorded yet.')).toBeInTheDocument();

      await user.type(within(card).getByRole('textbox', { name: 'Notes' }), 'Session cache of the shop');
      await user.click(within(card).getByRole('button', { name: 'Save notes' }));
      await waitFor(() => expect(backend.records.get(seeded.id)?.notes).toBe('Session cache of the shop'));
      expect(desktop.toasts.success).toContain('Notes of cache saved.');

      await user.click(within(card).getByRole('button', { name: 'Restart' }));
      expect(await within(card).findByText('restart: done')).toBeInTheDocument();
      expect(within(card).getByRole('textbox', { name: 'Notes' })).toHaveValue('Session cache of the shop');
    });
  });
});
