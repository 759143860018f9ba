/**
 * The Docker engine restarting under the tab (Docker Desktop restarting, `systemctl restart docker`) while a
 * job runs: the tab says the engine is away and keeps its last list, the job says it waits for the engine, and
 * once the engine is back what the job had begun is put back (its journal, as after a crash), said once.
 */
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../test-support/fake-backend';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../test-support/render-app';

describe('the Docker engine restarting under a running job', () => {
  it('a change of settings waits for the engine, then the instance is put back as it was, and the tab says so', async () => {
    const docker = new FakeDocker();
    const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis', hostPort: 6379 });
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit cache' });
    const port = await within(dialog).findByRole('textbox', { name: 'Port' });
    await user.clear(port);
    await user.type(port, '6400');
    // The engine goes away just as the new container is being made (the old one is stopped and set aside).
    const create = docker.holdNext('run');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await create.reached;
    act(() => docker.stopEngine());
    create.release();

    expect(await screen.findByText('Docker engine unavailable')).toBeInTheDocument();
    expect(await screen.findByText('Change settings: waiting for the Docker engine to come back…', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(docker.names()).toEqual([expect.stringMatching(/^cache-/)]);

    docker.startEngine();
    const said = 'Change settings was interrupted at “create” (the Docker engine went away). cache was put back as it was before, and runs again.';
    await waitFor(() => expect(desktop.toasts.warning).toEqual([said]), { timeout: 10_000 });
    expect(desktop.toasts.error).toEqual([]);
    // The same container, under its name, running, alone; the tab lists it again by itself.
    expect(docker.names()).toEqual(['cache']);
    expect(docker.byName('cache')).toMatchObject({ id: seeded.containerId, state: 'running' });
    expect(docker.byName('cache').publish?.hostPort).toBe(6379);
    await waitFor(() => expect(screen.queryByText('Docker engine unavailable')).not.toBeInTheDocument(), { timeout: 10_000 });
    expect(screen.queryByText(/waiting for the Docker engine/)).not.toBeInTheDocument();
  });
});
