import { useMemo } from 'react';
import type { v1 } from '@docker/extension-api-client-types';
import { createBackendClient, type BackendClient } from './backend-client/client';
import { createDockbase, type Dockbase } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';
import { InstancesView } from './app/components/InstancesView';
import { AppServicesProvider, type AppServices } from './app/context';
import { desktopServices } from './app/desktop-services';
import { useAvailableBackend } from './app/hooks/useBackend';

export interface AppProps {
  client: v1.DockerDesktopClient;
  /** The docker CLI to use instead of Docker Desktop's bridge (tests, other hosts). */
  cli?: DockerCli;
  /** A ready core (takes precedence over `cli`). */
  dockbase?: Dockbase;
  /** The backend client; null for none. Default: from `client.extension.vm`. */
  backend?: BackendClient | null;
}

export function App({ client, cli, dockbase, backend }: AppProps) {
  const core = useMemo(() => dockbase ?? createDockbase(cli ?? new DesktopDockerCli(client)), [dockbase, cli, client]);
  const desktop = useMemo(() => desktopServices(client), [client]);
  const backendClient = useMemo(
    // A partial client (the standalone host, tests) may lack `extension` altogether.
    () => (backend !== undefined ? (backend ?? undefined) : client.extension ? createBackendClient(client) : undefined),
    [backend, client],
  );
  const availableBackend = useAvailableBackend(backendClient);
  const services = useMemo<AppServices>(
    () => ({ dockbase: core, desktop, backend: availableBackend }),
    [core, desktop, availableBackend],
  );
  return (
    <AppServicesProvider value={services}>
      <InstancesView />
    </AppServicesProvider>
  );
}
