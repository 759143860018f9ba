/**
 * A fake Docker Desktop client (`ddClient`) for component tests: it records toasts and navigations.
 * Navigation behaves like Docker Desktop's: it needs the FULL id of an existing container and rejects
 * otherwise; it can also be missing (the standalone host) or always reject.
 */
import type { v1 } from '@docker/extension-api-client-types';
import { HOST_FILES_MARKER } from '@dockbase/docker-cli/desktop';
import type { FakeDocker } from './fake-docker';

export type NavigateMode = 'available' | 'missing' | 'rejects';

export interface FakeDesktop {
  client: v1.DockerDesktopClient;
  toasts: { success: string[]; warning: string[]; error: string[] };
  navigations: Array<{ view: 'logs' | 'terminal'; containerId: string }>;
}

/**
 * `host`: 'desktop' (the default) plays Docker Desktop's client; 'standalone' the standalone host's, whose
 * docker client carries its own file bridge (HOST_FILES_MARKER: the page tells the two apart by it).
 */
export function fakeDesktopClient(docker: FakeDocker, options: { navigate?: NavigateMode; host?: 'desktop' | 'standalone' } = {}): FakeDesktop {
  const mode = options.navigate ?? 'missing';
  const toasts = { success: [] as string[], warning: [] as string[], error: [] as string[] };
  const navigations: FakeDesktop['navigations'] = [];
  const navigateTo = (view: 'logs' | 'terminal') => async (containerId: string) => {
    if (mode === 'rejects' || !docker.containers.has(containerId)) throw new Error(`No such container: ${containerId}`);
    navigations.push({ view, containerId });
  };
  const client = {
    docker: { cli: options.host === 'standalone' ? { [HOST_FILES_MARKER]: docker.files } : {} },
    extension: {},
    host: { platform: 'linux', openExternal: () => undefined },
    desktopUI: {
      toast: {
        success: (m: string) => void toasts.success.push(m),
        warning: (m: string) => void toasts.warning.push(m),
        error: (m: string) => void toasts.error.push(m),
      },
      ...(mode === 'missing' ? {} : { navigate: { viewContainerLogs: navigateTo('logs'), viewContainerTerminal: navigateTo('terminal') } }),
    },
  };
  return { client: client as unknown as v1.DockerDesktopClient, toasts, navigations };
}
