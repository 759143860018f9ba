import { useEffect, useMemo, useRef, useState } from 'react';
import GlobalStyles from '@mui/material/GlobalStyles';
import type { Theme } from '@mui/material/styles';
import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import type { v1 } from '@docker/extension-api-client-types';
import { createBackendClient, type BackendClient } from './backend-client/client';
import { ActivityLog, createDockbase, type Dockbase, type Instance, type JobsService } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';
import { InstancesView } from './app/instances/InstancesView';
import { SeenVerdictsProvider } from './app/instances/ServerVerdicts';
import { AppServicesProvider, type AppServices } from './app/shared/context';
import { TOAST_PLACEMENT, desktopServices, type DesktopServices } from './app/shared/desktop-services';
import { useAvailableBackend } from './app/shared/useBackend';
import { jobsFor, pageJobs, remoteJobs, type PageRunner } from './app/shared/jobs-service';
import { createQueryClient, queryKeys, startListing } from './app/shared/queries';

export interface AppProps {
  client: v1.DockerDesktopClient;
  /** The docker CLI to use instead of Docker Desktop's bridge (tests, other hosts); the page's own jobs run over it. */
  cli?: DockerCli;
  /** A ready core over `cli` (without one, the core is made over `cli`). */
  dockbase?: Dockbase;
  /** The backend client; null for none. Default: from `client.extension.vm`. */
  backend?: BackendClient | null;
  /** The instances, already asked of `dockbase` before the UI loaded (main.tsx). */
  firstList?: Promise<Instance[]>;
}

export function App({ client, cli, dockbase, backend, firstList }: AppProps) {
  const docker = useMemo(() => cli ?? new DesktopDockerCli(client), [cli, client]);
  const core = useMemo(() => dockbase ?? createDockbase(docker), [dockbase, docker]);
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
        <Services dockbase={core} docker={docker} desktop={desktop} backendClient={backendClient} />
      </SeenVerdictsProvider>
    </QueryClientProvider>
  );
}

interface ServicesProps {
  dockbase: Dockbase;
  docker: DockerCli;
  desktop: DesktopServices;
  backendClient: BackendClient | undefined;
}

/** The services every hook reads from the context, once the backend has said whether it is there. */
function Services({ dockbase, docker, desktop, backendClient }: ServicesProps) {
  const { client: backend, status: backendStatus, failure: backendFailure, expected } = useAvailableBackend(backendClient);
  // What happened to instances goes to the backend's history; without a backend nothing is recorded.
  const activity = useMemo(() => new ActivityLog(backend), [backend]);
  const jobs = useJobsService(dockbase, docker, backend, expected, backendStatus, !desktop.inDockerDesktop);
  const services = useMemo<AppServices>(
    () => ({ dockbase, desktop, backend, backendStatus, ...(backendFailure ? { backendFailure } : {}), activity, jobs }),
    [dockbase, desktop, backend, backendStatus, backendFailure, activity, jobs],
  );
  return (
    <AppServicesProvider value={services}>
      <GlobalStyles styles={FOCUS_STYLES} />
      <GlobalStyles styles={TOAST_PLACEMENT} />
      <InstancesView />
    </AppServicesProvider>
  );
}

/**
 * The page's jobs service (jobs-service.ts): the backend's while there is one, else the page's own runner,
 * made once per core when first needed (its jobs are the page's: they stay while the backend's status changes).
 * In Docker Desktop a create with init files runs in the page's own runner too (withPageFileJobs): Docker
 * Desktop's backend runs in its VM, which cannot read the user's files.
 */
function useJobsService(
  dockbase: Dockbase,
  docker: DockerCli,
  backend: BackendClient | undefined,
  expected: BackendClient | undefined,
  status: ReturnType<typeof useAvailableBackend>['status'],
  backendReadsUserFiles: boolean,
): JobsService {
  const queryClient = useQueryClient();
  // The page's jobs record their outcomes in the backend's history while it answers (nothing without one).
  const latestBackend = useRef(backend);
  useEffect(() => {
    latestBackend.current = backend;
  }, [backend]);
  const remote = useMemo(() => (expected ? remoteJobs(expected) : undefined), [expected]);
  const local = useRef<{ dockbase: Dockbase; docker: DockerCli; runner: JobsService } | undefined>(undefined);
  const page = useMemo<PageRunner>(
    () => ({
      get: () => {
        if (local.current?.dockbase !== dockbase || local.current.docker !== docker) {
          const runner = pageJobs({
            dockbase,
            cli: docker,
            history: () => latestBackend.current,
            instanceOf: (id) => queryClient.getQueryData<Instance[]>(queryKeys.instances)?.find((i) => i.id === id),
          });
          local.current = { dockbase, docker, runner };
        }
        return local.current.runner;
      },
      made: () => (local.current?.dockbase === dockbase && local.current.docker === docker ? local.current.runner : undefined),
    }),
    [dockbase, docker, queryClient],
  );
  return useMemo(() => jobsFor(status, remote, page, backendReadsUserFiles), [status, remote, page, backendReadsUserFiles]);
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
