// What opening the tab costs: a hundred instances, a few of them running, some data and a snapshot left by
// deleted instances. The open runs three docker commands whatever the number of instances: the list (one
// `docker ps`), the event stream, and one `docker volume ls` for everything deleted instances left (the kept
// data, the snapshots, the rollback points). Nothing per instance: a server docker still calls "starting"
// long after its start (docker's first probe comes 20 minutes after a start on engines without a start
// interval) is shown running, and Dockbase's watch asks it later, on its own cadence.
import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_PROBE_AFTER_MS, createDockbase, probeArgs, stopArgs, type Instance } from '@dockbase/core';
import type { RunOptions, RunResult } from '@dockbase/docker-cli';
import { commandKey, FakeDocker } from '../../test-support/fake-docker';
import { findInstance, findRow, renderApp, seedInstance, within } from '../../test-support/render-app';
import { AppServicesProvider, type AppServices } from './shared/context';

afterEach(() => {
  vi.useRealTimers();
});
import { createQueryClient, queryKeys, startListing } from './shared/queries';
import { useInstances } from './instances/useInstances';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fake engine, whose `docker ps` says the containers in `longAgo` started minutes ago (the fake says seconds). */
class StartedLongAgo extends FakeDocker {
  readonly longAgo = new Set<string>();

  override async run(args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const r = await super.run(args, options);
    if (args[0] !== 'ps' || args.includes('--quiet')) return r;
    const rows = r.stdout.split('\n').map((line) => {
      if (!line) return line;
      const row = JSON.parse(line) as { Names: string; Status: string };
      return this.longAgo.has(row.Names) ? JSON.stringify({ ...row, Status: row.Status.replace(/^Up 2 seconds/, 'Up 12 minutes') }) : line;
    });
    return { ...r, stdout: rows.join('\n') };
  }
}

/** Instances made and left by an earlier session: `running` of them running, docker not having probed them yet. */
async function earlierSession(docker: FakeDocker, count: number, running: number): Promise<Instance[]> {
  // A deleted instance's data, and a snapshot of another deleted instance.
  const core = createDockbase(docker);
  await core.lifecycle.remove(await seedInstance(docker, { name: 'gone-data', engine: 'postgres', hostPort: 21000 }));
  const shot = await seedInstance(docker, { name: 'gone-snapshot', engine: 'redis', hostPort: 21001 });
  await core.snapshots.take(shot, { name: 'nightly' });
  await core.lifecycle.remove(shot, { removeData: true });

  const made: Instance[] = [];
  docker.healthOnStart = 'starting';
  for (let n = 0; n < count; n++) {
    const name = `db-${String(n).padStart(3, '0')}`;
    const instance = await seedInstance(docker, { name, engine: n % 2 ? 'postgres' : 'redis', hostPort: 20000 + n });
    if (n >= running) await docker.run(stopArgs(instance.containerId, 10));
    if (docker instanceof StartedLongAgo) docker.longAgo.add(name);
    made.push(instance);
  }
  docker.calls.length = 0;
  return made;
}

describe('opening the tab', () => {
  it('lists once: the list main.tsx asked for before the UI loaded is not asked again when the view mounts after it came', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const dockbase = createDockbase(docker);
    const client = startListing(createQueryClient(), dockbase, dockbase.lifecycle.list());
    // The UI's code arrives after docker answered (the browser loads it meanwhile).
    await waitFor(() => expect(client.getQueryData(queryKeys.instances)).toBeDefined());
    const services = { dockbase } as unknown as AppServices;
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>
        <AppServicesProvider value={services}>{children}</AppServicesProvider>
      </QueryClientProvider>
    );
    const { result, unmount } = renderHook(() => useInstances(), { wrapper });
    expect(result.current.instances?.map((i) => i.name)).toEqual(['orders']);
    await waitFor(() => expect(docker.count('events')).toBe(1));
    await pause(300);
    expect(docker.count('ps')).toBe(1);
    unmount();
  });

  it('with a hundred instances, three running, runs three docker commands: the list, the events and one volume ls', async () => {
    const docker = new StartedLongAgo();
    await earlierSession(docker, 100, 3);
    renderApp({ docker });

    // Shown: every instance, and what the deleted instances left, below them.
    expect(await screen.findByText(/100 instances\./, {}, { timeout: 20_000 })).toBeInTheDocument();
    // (By text: role queries over a hundred rows take seconds each.)
    expect(await screen.findByText('Data kept from deleted instances (1)', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(await screen.findByText('Snapshots of deleted instances (1)')).toBeInTheDocument();
    // Settled: nothing more comes.
    await pause(500);
    expect(docker.calls.map(commandKey).sort()).toEqual(['events', 'ps', 'volume ls']);

    // The running ones show as running (docker has no verdict yet, and nothing asked them on the open).
    for (const name of ['db-000', 'db-001', 'db-002']) expect(within(await findRow(name)).getByText('Running')).toBeInTheDocument();
    expect(within(await findRow('db-003')).getByText('Stopped')).toBeInTheDocument();
  }, 45_000);

  it('a server running for minutes that docker still calls starting shows Running, until the watch’s probe says Healthy', async () => {
    const docker = new StartedLongAgo();
    await earlierSession(docker, 2, 1);
    docker.setServerReady('db-000');
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderApp({ docker, fakeTimers: true, firstWatchProbe: 'now' });
    const card = await findInstance('db-000');
    expect(within(card).getByText('Running')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(FIRST_PROBE_AFTER_MS));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    // One probe, the watch's (`docker exec` of the engine's probe), not a readiness wait.
    expect(docker.calls.filter((c) => c[0] === 'exec')).toEqual([probeArgs(docker.byName('db-000').id, 'redis')]);
    expect(docker.byName('db-000').health).toBe('starting');
  });

  it('a server started seconds ago (a reload, a start outside) is still waited for: Starting, then Healthy as soon as it answers', async () => {
    const docker = new StartedLongAgo();
    await earlierSession(docker, 1, 1);
    renderApp({ docker });
    const card = await findInstance('db-000');
    expect(within(card).getByText('Running')).toBeInTheDocument();
    expect(docker.count('exec')).toBe(0);

    // Started again outside the tab: docker's status now says seconds.
    const id = docker.byName('db-000').id;
    await act(() => docker.run(stopArgs(id, 10)));
    expect(await within(card).findByText('Stopped')).toBeInTheDocument();
    docker.longAgo.delete('db-000');
    await act(() => docker.run(['start', id]));
    expect(await within(card).findByText('Starting')).toBeInTheDocument();
    act(() => docker.setServerReady('db-000'));
    expect(await within(card).findByText('Healthy', {}, { timeout: 3000 })).toBeInTheDocument();
  });
});
