import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { waitReadyArgs } from '@dockbase/core';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../test-support/render-app';

// Docker probes every 20 minutes, so after a start it says "health: starting" for a while. The tab probes the
// server itself meanwhile (a few docker execs until it answers; after that only the watch, tested in watch.test.tsx) and shows it healthy once it answers.
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('readiness while docker has no verdict yet', () => {
  it('shows Healthy once the server answers, then runs no docker command at all', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    renderApp({ docker });
    const card = await findInstance('cache');
    expect(within(card).getByText('Starting')).toBeInTheDocument();
    await waitFor(() => expect(docker.count('exec')).toBeGreaterThan(0));
    expect(within(card).getByText('Starting')).toBeInTheDocument();

    act(() => docker.setServerReady('cache'));
    expect(await within(card).findByText('Healthy', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(docker.byName('cache').health).toBe('starting');

    // Idle: nothing more, however long the tab stays open.
    const calls = docker.calls.length;
    await pause(1500);
    expect(docker.calls.slice(calls)).toEqual([]);
  });

  it('probes with the engine’s own probe, and never an instance docker already judged', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'old', engine: 'postgres' }); // healthy, as earlier versions' instances are
    docker.healthOnStart = 'starting';
    await seedInstance(docker, { name: 'new', engine: 'postgres', hostPort: 5433 });
    docker.setServerReady('new');
    renderApp({ docker });
    expect(await within(await findInstance('new')).findByText('Healthy')).toBeInTheDocument();
    expect(within(await findInstance('old')).getByText('Healthy')).toBeInTheDocument();
    const execs = docker.calls.filter((c) => c[0] === 'exec');
    // The engine's own probe, repeated inside the container until it passes (one exec).
    expect(execs).toEqual([waitReadyArgs(docker.byName('new').id, 'postgres')]);
    expect(execs[0]![4]).toContain('pg_isready -h 127.0.0.1 -p 5432 -U postgres -d postgres');
  });

  it('docker’s verdict wins: unhealthy after the server answered shows Unhealthy', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.setServerReady('cache');
    renderApp({ docker });
    const card = await findInstance('cache');
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    act(() => docker.setHealth('cache', 'unhealthy'));
    expect(await within(card).findByText('Unhealthy')).toBeInTheDocument();
  });

  it('a restart forgets the last run’s answer: Starting until the server answers again', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.setServerReady('cache');
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Restart' }));
    expect(await within(card).findByText('Starting')).toBeInTheDocument();
    act(() => docker.setServerReady('cache'));
    expect(await within(card).findByText('Healthy', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('an instance started outside the tab is probed too', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.setServerReady('cache');
    renderApp({ docker });
    const card = await findInstance('cache');
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();

    await act(() => docker.run(['stop', '--time', '10', seeded.containerId]));
    expect(await within(card).findByText('Stopped')).toBeInTheDocument();
    await act(() => docker.run(['start', seeded.containerId]));
    expect(await within(card).findByText('Starting')).toBeInTheDocument();
    act(() => docker.setServerReady('cache'));
    expect(await within(card).findByText('Healthy', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('after the engine’s events were down, a container restarted meanwhile is probed again', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.setServerReady('cache');
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();

    act(() => docker.stopEngine());
    expect(await screen.findByText('Docker engine unavailable')).toBeInTheDocument();
    docker.startEngine();
    await act(() => docker.run(['restart', '--time', '10', seeded.containerId])); // no one watching
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await within(card).findByText('Starting')).toBeInTheDocument();
    act(() => docker.setServerReady('cache'));
    expect(await within(card).findByText('Healthy', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('a readiness wait that fails hands the server to the watch at once: Healthy, not Starting until the next event', async () => {
    const docker = new FakeDocker();
    docker.healthOnStart = 'starting';
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.setServerReady('cache');
    // The wait's one docker exec fails (the engine did not answer that call): the list still says "Up 1 second".
    docker.failNext('exec', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    renderApp({ docker });
    const card = await findInstance('cache');
    expect(await within(card).findByText('Healthy', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(docker.count('exec')).toBe(2);
  });

  it('a paused instance shows Paused, not running or healthy', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    renderApp({ docker });
    const card = await findInstance('cache');
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
    act(() => docker.pause('cache'));
    expect(await within(card).findByText('Paused')).toBeInTheDocument();
    expect(docker.count('exec')).toBe(0);
    act(() => docker.unpause('cache'));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
  });
});
