import React from 'react';
import ReactDOM from 'react-dom/client';
import CssBaseline from '@mui/material/CssBaseline';
import { DockerMuiV6ThemeProvider } from '@docker/docker-mui-theme';
import { createDockerDesktopClient } from '@docker/extension-api-client';
import { App } from './App';

const ddClient = createDockerDesktopClient();

ReactDOM.createRoot(document.getElementById('root') as HTMLElement).render(
  <React.StrictMode>
    <DockerMuiV6ThemeProvider>
      <CssBaseline />
      <App client={ddClient} />
    </DockerMuiV6ThemeProvider>
  </React.StrictMode>,
);
