import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '@dockbase/docker-cli';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../test-support/render-app';

describe('when the Docker engine is unavailable', () => {
  it('shows a banner at start-up, and Retry recovers without reloading', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.stopEngine();
    const { user, desktop } = renderApp({ docker });

    expect(await screen.findByText('Docker engine unavailable')).toBeInTheDocument();
    expect(screen.getByText(/The Docker engine is not reachable/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create your first instance' })).not.toBeInTheDocument();

    // Still down: the banner stays.
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Retry' })).toBeEnabled());
    expect(screen.getByText('Docker engine unavailable')).toBeInTheDocument();

    docker.startEngine();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await findInstance('cache')).toBeInTheDocument();
    expect(screen.queryByText('Docker engine unavailable')).not.toBeInTheDocument();
    expect(desktop.toasts.error).toEqual([]);
  });

  it('notices when the engine goes away (the event stream ends), then reconnects and follows events again', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');

    act(() => docker.stopEngine());
    expect(await screen.findByText('Docker engine unavailable')).toBeInTheDocument();
    expect(docker.watching()).toBe(0);

    docker.startEngine();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByText('Docker engine unavailable')).not.toBeInTheDocument());
    expect(docker.watching()).toBe(1);

    act(() => docker.setHealth('cache', 'unhealthy'));
    expect(await within(card).findByText('Unhealthy')).toBeInTheDocument();
  });
});

/** An engine whose next `docker ps` answers with what it saw at once, but only when the test says so. */
class LateListDocker extends FakeDocker {
  private late: Promise<void> | undefined;

  delayNextList(): () => void {
    let release = () => undefined as void;
    this.late = new Promise((r) => (release = r));
    return release;
  }

  override async run(args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const late = args[0] === 'ps' ? this.late : undefined;
    if (late) this.late = undefined;
    const result = await super.run(args, options);
    if (late) await late;
    return result;
  }
}

describe('the instance list', () => {
  it('shows the newest list when an older answer arrives late', async () => {
    const docker = new LateListDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const releaseFirstList = docker.delayNextList();
    renderApp({ docker });
    await waitFor(() => expect(docker.count('ps')).toBe(1));

    // Stopped from a terminal while the first list (which saw it running) is still on its way.
    await act(() => docker.run(['stop', '--time', '10', 'cache']));
    const card = await findInstance('cache');
    expect(within(card).getByText('Stopped')).toBeInTheDocument();

    releaseFirstList();
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(within(card).getByText('Stopped')).toBeInTheDocument();
    expect(docker.count('ps')).toBe(2);
  });
});

describe('instance actions', () => {
  it('stop, start and restart, each shown by the status chip', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');

    await user.click(within(card).getByRole('button', { name: 'Stop' }));
    expect(await within(card).findByText('Stopped')).toBeInTheDocument();
    // Each is a job: the next action is offered once the page has seen it end.
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Start' })).toBeEnabled());
    await user.click(within(card).getByRole('button', { name: 'Start' }));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Restart' })).toBeEnabled());
    await user.click(within(card).getByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(docker.count('restart')).toBe(1));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
  });

  it('reports a failure in an error toast with docker’s reason', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.failNext('stop', 'Error response from daemon: cannot stop container: cache: permission denied');
    const { user, desktop } = renderApp({ docker });
    const card = await findInstance('cache');

    await user.click(within(card).getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(desktop.toasts.error).toEqual(['Could not stop cache: cannot stop container: cache: permission denied']));
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Stop' })).toBeEnabled();
  });

  it('says which port is taken when a start fails on it', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    docker.setExited('cache', 0);
    docker.portsTakenOutsideDocker.add(6379);
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(desktop.toasts.error).toEqual(['Port 6379 is already in use on this machine.']));
  });

  it('disables every action of an instance while one runs on it, with a spinner, and runs it once', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis', hostPort: 6379 });
    await seedInstance(docker, { name: 'other', engine: 'redis', hostPort: 6380 });
    const gate = docker.holdNext('stop');
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');

    await user.dblClick(within(card).getByRole('button', { name: 'Stop' }));
    await gate.reached;
    // The stop is a job: the card says where it is, whoever started it.
    await waitFor(() => expect(within(card).getByRole('status')).toHaveTextContent('Stop: stopping it…'));
    expect(card).toHaveAttribute('aria-busy', 'true');
    for (const name of ['Start', 'Stop', 'Restart', 'Edit', 'Delete', 'Logs', 'Shell']) {
      expect(within(card).getByRole('button', { name })).toBeDisabled();
    }
    // Other instances are not held up.
    expect(within(await findInstance('other')).getByRole('button', { name: 'Stop' })).toBeEnabled();

    act(() => gate.release());
    expect(await within(card).findByText('Stopped')).toBeInTheDocument();
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Start' })).toBeEnabled());
    expect(docker.count('stop')).toBe(1);
  });
});
