import { useMemo, useState } from 'react';
import GlobalStyles from '@mui/material/GlobalStyles';
import type { Theme } from '@mui/material/styles';
import { QueryClientProvider } from '@tanstack/react-query';
import type { v1 } from '@docker/extension-api-client-types';
import { createBackendClient, type BackendClient } from './backend-client/client';
import { ActivityLog, createDockbase, type Dockbase, type Instance } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';
import { InstancesView } from './app/instances/InstancesView';
import { SeenVerdictsProvider } from './app/instances/ServerVerdicts';
import { AppServicesProvider, type AppServices } from './app/shared/context';
import { desktopServices, type DesktopServices } from './app/shared/desktop-services';
import { useAvailableBackend } from './app/shared/useBackend';
import { createQueryClient, startListing } from './app/shared/queries';

export interface AppProps {
  client: v1.DockerDesktopClient;
  /** The docker CLI to use instead of Docker Desktop's bridge (tests, other hosts). */
  cli?: DockerCli;
  /** A ready core (takes precedence over `cli`). */
  dockbase?: Dockbase;
  /** The backend client; null for none. Default: from `client.extension.vm`. */
  backend?: BackendClient | null;
  /** The instances, already asked of `dockbase` before the UI loaded (main.tsx). */
  firstList?: Promise<Instance[]>;
}

export function App({ client, cli, dockbase, backend, firstList }: AppProps) {
  const core = useMemo(() => dockbase ?? createDockbase(cli ?? new DesktopDockerCli(client)), [dockbase, cli, client]);
  const desktop = useMemo(() => desktopServices(client), [client]);
  const backendClient = useMemo(
    // A partial client (the standalone host, tests) may lack `extension` altogether.
    () => (backend !== undefined ? (backend ?? undefined) : client.extension ? createBackendClient(client) : undefined),
    [backend, client],
  );
  // One cache per App, holding what this core and this backend said: another one starts afresh.
  const [cache, setCache] = useState(() => ({
    core,
    backendClient,
    queryClient: startListing(createQueryClient(), core, core === dockbase ? firstList : undefined),
  }));
  if (cache.core !== core || cache.backendClient !== backendClient) setCache({ core, backendClient, queryClient: startListing(createQueryClient(), core) });
  return (
    <QueryClientProvider client={cache.queryClient}>
      <SeenVerdictsProvider>
        <Services dockbase={core} desktop={desktop} backendClient={backendClient} />
      </SeenVerdictsProvider>
    </QueryClientProvider>
  );
}

/** The services every hook reads from the context, once the backend has said whether it is there. */
function Services({ dockbase, desktop, backendClient }: { dockbase: Dockbase; desktop: DesktopServices; backendClient: BackendClient | undefined }) {
  const { client: backend, status: backendStatus, failure: backendFailure } = useAvailableBackend(backendClient);
  // What happened to instances goes to the backend's history; without a backend nothing is recorded.
  const activity = useMemo(() => new ActivityLog(backend), [backend]);
  const services = useMemo<AppServices>(
    () => ({ dockbase, desktop, backend, backendStatus, ...(backendFailure ? { backendFailure } : {}), activity }),
    [dockbase, desktop, backend, backendStatus, backendFailure, activity],
  );
  return (
    <AppServicesProvider value={services}>
      <GlobalStyles styles={FOCUS_STYLES} />
      <InstancesView />
    </AppServicesProvider>
  );
}

/**
 * A keyboard focus that shows in light and dark themes alike on every control (WCAG 2.4.7): Docker's theme
 * draws a faint one on dark backgrounds.
 */
const FOCUS_STYLES = (theme: Theme) => ({
  '.MuiButtonBase-root.Mui-focusVisible, .MuiButtonBase-root:focus-visible': {
    outline: `2px solid ${theme.palette.mode === 'dark' ? theme.palette.common.white : theme.palette.primary.main}`,
    outlineOffset: '2px',
  },
});
