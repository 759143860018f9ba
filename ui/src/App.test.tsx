import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { DockerMuiV6ThemeProvider } from '@docker/docker-mui-theme';
import type { v1 } from '@docker/extension-api-client-types';
import { App } from './App';

describe('App', () => {
  it('renders the Dockbase tab inside Docker’s theme', () => {
    render(
      <DockerMuiV6ThemeProvider>
        <App client={{} as v1.DockerDesktopClient} />
      </DockerMuiV6ThemeProvider>,
    );
    expect(screen.getByRole('heading', { name: 'Dockbase' })).toBeInTheDocument();
  });
});
