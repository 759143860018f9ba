import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_PROBE_AFTER_MS, HANG_SHOWN_WITHIN_MS, WATCH } from '@dockbase/core';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, findRow, renderApp, seedInstance, within } from '../../test-support/render-app';

// Docker probes every 20 minutes, so that idle instances cost almost nothing when nobody looks. While the
// tab is open and visible it asks each running server itself, every 40 s: a server that stops answering
// shows within 50 s, whatever docker last said.
const probesOf = (docker: FakeDocker, name: string) => docker.calls.filter((c) => c[0] === 'exec' && c[1] === docker.byName(name).id).length;

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
}

afterEach(() => {
  setVisibility('visible');
  vi.useRealTimers();
});

describe('the watch while the tab is open', () => {
  it('a server that stops answering after docker called it healthy shows Unhealthy within 50 s, and why on hover', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const { user } = renderApp({ docker, fakeTimers: true, firstWatchProbe: 'now' });
    const card = await findInstance('cache');
    // Nothing while the tab opens; the first probe once it has settled.
    expect(probesOf(docker, 'cache')).toBe(0);
    await act(() => vi.advanceTimersByTimeAsync(FIRST_PROBE_AFTER_MS));
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
    expect(probesOf(docker, 'cache')).toBe(1);

    // The server hangs; docker's verdict stays "healthy" (its next probe is minutes away).
    docker.setServerReady('cache', false);
    await act(() => vi.advanceTimersByTimeAsync(HANG_SHOWN_WITHIN_MS));
    expect(within(card).getByText('Unhealthy')).toBeInTheDocument();
    expect(docker.byName('cache').health).toBe('healthy');
    await user.hover(within(card).getByText('Unhealthy'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(/did not answer Dockbase's last check within 10 s/);

    // It answers again: Healthy at the next probe, which comes later for a server that did not answer.
    docker.setServerReady('cache', true);
    await act(() => vi.advanceTimersByTimeAsync(2 * WATCH.intervalMs));
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
  });

  it('one probe per running instance every 40 s, none for stopped or paused ones, the same for cards and rows', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'a', hostPort: 6379 });
    await seedInstance(docker, { name: 'b', hostPort: 6380 });
    await seedInstance(docker, { name: 'off', hostPort: 6381 });
    await seedInstance(docker, { name: 'frozen', hostPort: 6382 });
    docker.setExited('off', 0);
    docker.pause('frozen');
    const { user } = renderApp({ docker, fakeTimers: true, firstWatchProbe: 'now' });
    await findInstance('a');
    await user.click(screen.getByRole('button', { name: 'Table view' }));
    await findRow('a');
    await act(() => vi.advanceTimersByTimeAsync(10 * 60_000));
    // Ten minutes: the first probe once the open has settled (10 s), then one every 40 s (14), for each running
    // instance.
    expect([probesOf(docker, 'a'), probesOf(docker, 'b')]).toEqual([15, 15]);
    expect(probesOf(docker, 'off') + probesOf(docker, 'frozen')).toBe(0);
  });

  it('runs nothing while the tab is hidden, and looks again when it is shown', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    setVisibility('hidden');
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    renderApp({ docker, fakeTimers: true, firstWatchProbe: 'now' });
    await findInstance('cache');
    await act(() => vi.advanceTimersByTimeAsync(5 * 60_000));
    expect(probesOf(docker, 'cache')).toBe(0);
    setVisibility('visible');
    await act(() => vi.advanceTimersByTimeAsync(WATCH.intervalMs));
    expect(probesOf(docker, 'cache')).toBe(1);
  });

  it('an instance docker calls unhealthy is asked at once: a server that answers shows Healthy', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.setHealth('cache', 'unhealthy');
    renderApp({ docker }); // the first probe of the others would come late; an unhealthy one is asked at once
    const card = await findInstance('cache');
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    expect(docker.byName('cache').health).toBe('unhealthy');
    expect(probesOf(docker, 'cache')).toBe(1);
  });

  it('docker’s newer verdict counts over an older answer', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    renderApp({ docker, fakeTimers: true, firstWatchProbe: 'now' });
    const card = await findInstance('cache');
    await act(() => vi.advanceTimersByTimeAsync(FIRST_PROBE_AFTER_MS));
    expect(probesOf(docker, 'cache')).toBe(1);
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
    act(() => docker.setHealth('cache', 'unhealthy'));
    expect(await within(card).findByText('Unhealthy')).toBeInTheDocument();
  });
});
