/** Renders the whole tab over a fake docker engine, a fake Docker Desktop client and (optionally) a fake backend. */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import CssBaseline from '@mui/material/CssBaseline';
import { DockerMuiV6ThemeProvider } from '@docker/docker-mui-theme';
import { vi } from 'vitest';
import { App } from '../src/App';
import { createDockbase, type CreateInstanceInput, type EngineId, type Instance } from '@dockbase/core';
import type { FakeBackend } from './fake-backend';
import { FakeDocker } from './fake-docker';
import { fakeDesktopClient, type NavigateMode } from './fake-desktop';

export interface RenderAppOptions {
  docker?: FakeDocker;
  navigate?: NavigateMode;
  backend?: FakeBackend;
  /** Which page client: Docker Desktop's (the default) or the standalone host's (see fakeDesktopClient). */
  host?: 'desktop' | 'standalone';
  /** Set when the test uses fake timers. */
  fakeTimers?: boolean;
  /**
   * When the watch's first probe of each running instance comes (liveness.ts spreads it over 40 s at random):
   * 'late' (the default) puts it just before 40 s, beyond any test that does not wait for it, so counts of
   * docker calls stay exact; 'now' runs it as soon as the open has settled (FIRST_PROBE_AFTER_MS, 10 s).
   */
  firstWatchProbe?: 'late' | 'now';
}

export function renderApp(options: RenderAppOptions = {}) {
  const docker = options.docker ?? new FakeDocker();
  options.backend?.attach(docker);
  const desktop = fakeDesktopClient(docker, { ...(options.navigate ? { navigate: options.navigate } : {}), ...(options.host ? { host: options.host } : {}) });
  vi.spyOn(Math, 'random').mockReturnValue(options.firstWatchProbe === 'now' ? 0 : 0.999);
  const user = userEvent.setup(options.fakeTimers ? { advanceTimers: vi.advanceTimersByTime.bind(vi) } : {});
  const view = render(
    <DockerMuiV6ThemeProvider>
      <CssBaseline />
      <App client={desktop.client} cli={docker} backend={options.backend ?? null} />
    </DockerMuiV6ThemeProvider>,
  );
  return { docker, desktop, user, ...view };
}

/**
 * Creates (and starts) an instance on the fake engine through the real core, as an earlier session would
 * have; then forgets the commands it ran, so counts in the test start from zero.
 */
export async function seedInstance(docker: FakeDocker, input: Partial<CreateInstanceInput> & { name: string; engine?: EngineId }): Promise<Instance> {
  const engine = input.engine ?? 'redis';
  const defaults: Record<EngineId, { tag: string; hostPort: number }> = {
    postgres: { tag: '17', hostPort: 5432 },
    mysql: { tag: '8.4', hostPort: 3306 },
    mariadb: { tag: '11.8', hostPort: 3306 },
    mongo: { tag: '8.0', hostPort: 27017 },
    redis: { tag: '8.2', hostPort: 6379 },
    valkey: { tag: '8.1', hostPort: 6379 },
  };
  const instance = await createDockbase(docker).creation.create(
    { ...defaults[engine], password: 'Seeded-Password-1', persistData: true, exposeOnNetwork: false, ...input, engine },
    { start: true },
  );
  docker.calls.length = 0;
  return instance;
}

/** The table row of an instance (the table view). */
export async function findRow(name: string): Promise<HTMLElement> {
  return waitFor(() => {
    const row = [...document.querySelectorAll<HTMLElement>('tr[data-instance]')].find((r) => r.dataset.instance === name);
    if (!row) throw new Error(`no row for ${name}`);
    return row;
  });
}

/** The card of an instance: a region named by the instance's name. */
export async function findInstance(name: string): Promise<HTMLElement> {
  return screen.findByRole('region', { name });
}

export { within };
