import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { DockerMuiV6ThemeProvider } from '@docker/docker-mui-theme';
import type { v1 } from '@docker/extension-api-client-types';
import { App } from './App';
import { renderApp, seedInstance, findInstance, within } from '../test-support/render-app';
import { FakeDocker } from '../test-support/fake-docker';

describe('App', () => {
  it('renders the Dockbase tab inside Docker’s theme, even on a client without a docker bridge', async () => {
    render(
      <DockerMuiV6ThemeProvider>
        <App client={{} as v1.DockerDesktopClient} />
      </DockerMuiV6ThemeProvider>,
    );
    expect(screen.getByRole('heading', { name: 'Dockbase' })).toBeInTheDocument();
    // Nothing can be listed without docker: the banner says so instead of failing silently.
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('lists the instances found on the engine', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    renderApp({ docker });
    const card = await findInstance('cache');
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
  });
});
