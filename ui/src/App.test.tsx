import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { DockerMuiV6ThemeProvider } from '@docker/docker-mui-theme';
import type { v1 } from '@docker/extension-api-client-types';
import { App } from './App';
import { renderApp, seedInstance, findInstance, within } from '../test-support/render-app';
import { FakeDocker } from '../test-support/fake-docker';
import { HOST_TOASTS_ID } from './app/shared/desktop-services';

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

  it('puts the standalone host’s toasts at the top centre, clear of a dialog’s buttons at its foot', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache', engine: 'redis' });
    const { user } = renderApp({ docker, host: 'standalone' });
    await user.click(await screen.findByRole('button', { name: 'New instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeInTheDocument();
    // The host's toaster makes its stack as it does in the page: fixed, in the bottom-right corner.
    const toasts = document.createElement('div');
    toasts.id = HOST_TOASTS_ID;
    Object.assign(toasts.style, { position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483647', alignItems: 'flex-end' });
    document.body.appendChild(toasts);
    try {
      await waitFor(() => {
        const placed = getComputedStyle(toasts);
        expect([placed.position, placed.top, placed.bottom, placed.left, placed.right, placed.transform, placed.alignItems]).toEqual([
          'fixed',
          '16px',
          'auto',
          '50%',
          'auto',
          'translateX(-50%)',
          'center',
        ]);
      });
    } finally {
      toasts.remove();
    }
  });
});
