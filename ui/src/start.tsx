import React from 'react';
import ReactDOM from 'react-dom/client';
import CssBaseline from '@mui/material/CssBaseline';
import { DockerMuiV6ThemeProvider } from '@docker/docker-mui-theme';
import type { v1 } from '@docker/extension-api-client-types';
import type { Dockbase, Instance } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { App } from './App';

/** Renders the tab, with the core main.tsx built (over `cli`) and the list it already asked for. */
export function start(client: v1.DockerDesktopClient, cli: DockerCli, dockbase: Dockbase, firstList: Promise<Instance[]>): void {
  ReactDOM.createRoot(document.getElementById('root') as HTMLElement).render(
    <React.StrictMode>
      <DockerMuiV6ThemeProvider>
        <CssBaseline />
        <App client={client} cli={cli} dockbase={dockbase} firstList={firstList} />
      </DockerMuiV6ThemeProvider>
    </React.StrictMode>,
  );
}
