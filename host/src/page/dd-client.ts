import type { v1 } from '@docker/extension-api-client-types';
import { EXACT_ENV_MARKER, HOST_FILES_MARKER } from '@dockbase/docker-cli/desktop';
import type { HostConfig } from '../protocol';
import { hostPost, type ClientDeps } from './bridge';
import { createExec, unavailableExec } from './exec';
import { createHostFiles } from './host-files';
import { createService } from './vm-service';

/**
 * The standalone host's `window.ddClient`: the subset of `v1.DockerDesktopClient` that Dockbase uses, with
 * Docker Desktop's semantics, over plain HTTP to the host (host/src/server.ts).
 *
 * - `docker.cli.exec` without `stream`: the command line is joined and split again like Docker Desktop does
 *   (`resplitLikeDesktop`); resolves `ExecResult` on exit code 0 and REJECTS `{cmd, code, stdout, stderr}`
 *   otherwise.
 * - `docker.cli.exec` with `stream`: `cmd` and `args` reach docker verbatim, `env` is added to docker's
 *   environment (the host checks it; `docker.cli.dockbaseExactEnv` says so); `close()` kills the process.
 *   `onClose` is called exactly once, last; when the command could not run at all (refused by the host, the
 *   host unreachable) `onError` comes first and `onClose` gets BRIDGE_FAILURE_CODE; after `close()` it gets
 *   CLOSED_CODE.
 * - `docker.cli.dockbaseFiles` (HOST_FILES_MARKER): HostFiles over the host's file bridge, which copies files
 *   between this machine and a container itself; no docker command the page sends names a host path.
 * - `extension.vm` exists only when the host has a backend.
 * - `desktopUI.navigate.*` reject: Docker Desktop's screens do not exist outside it.
 *
 * The parts live beside this file: exec.ts (docker.cli.exec), host-files.ts (the file bridge), vm-service.ts
 * (extension.vm.service) and bridge.ts (the exit codes, errors and requests they share).
 */

export { BRIDGE_FAILURE_CODE, BridgeError, CLOSED_CODE, type ClientDeps, type ExecFailure, type ToastKind } from './bridge';

export function createDdClient(config: HostConfig, deps: ClientDeps): v1.DockerDesktopClient {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  const post = hostPost(config, deps);

  const unavailable = (what: string) => () => Promise.reject(new Error(`${what} is not available outside Docker Desktop (Dockbase standalone host)`));

  const navigate: v1.NavigationIntents = {
    viewContainers: unavailable('desktopUI.navigate.viewContainers'),
    viewContainer: unavailable('desktopUI.navigate.viewContainer'),
    viewContainerLogs: unavailable('desktopUI.navigate.viewContainerLogs'),
    viewContainerInspect: unavailable('desktopUI.navigate.viewContainerInspect'),
    viewContainerTerminal: unavailable('desktopUI.navigate.viewContainerTerminal'),
    viewContainerStats: unavailable('desktopUI.navigate.viewContainerStats'),
    viewImages: unavailable('desktopUI.navigate.viewImages'),
    viewImage: unavailable('desktopUI.navigate.viewImage'),
    viewVolumes: unavailable('desktopUI.navigate.viewVolumes'),
    viewVolume: unavailable('desktopUI.navigate.viewVolume'),
  };

  const extension: { image: string; vm?: v1.ExtensionVM } = { image: 'dockbase-standalone' };
  if (config.backend) {
    extension.vm = {
      cli: { exec: unavailableExec('extension.vm.cli.exec') },
      service: createService(config, deps),
    };
  }

  return {
    docker: {
      // Stream calls hand `env` to the docker CLI exactly (see EXACT_ENV_MARKER): secrets stay out of argv.
      // Files between this machine and a container go through the host's file bridge (HOST_FILES_MARKER).
      cli: { exec: createExec(post), [EXACT_ENV_MARKER]: true, [HOST_FILES_MARKER]: createHostFiles(post) } as v1.DockerDesktopClient['docker']['cli'],
      listContainers: unavailable('docker.listContainers (use docker.cli.exec)'),
      listImages: unavailable('docker.listImages (use docker.cli.exec)'),
    },
    extension,
    desktopUI: {
      toast: {
        success: (msg: string) => deps.toast('success', String(msg)),
        warning: (msg: string) => deps.toast('warning', String(msg)),
        error: (msg: string) => deps.toast('error', String(msg)),
      },
      // No dialogs: a browser cannot show this machine's native file dialogs, and a page that finds none lets
      // the user type a path on this machine instead (Dockbase's export, import and init files).
      dialog: undefined as unknown as v1.DesktopUI['dialog'],
      navigate,
    },
    host: {
      openExternal(url: string) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(url);
        } catch {
          parsed = undefined;
        }
        if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) deps.openWindow(parsed.href);
        else warn('ddClient.host.openExternal opens http and https URLs only');
      },
      platform: config.platform,
      arch: config.arch,
      hostname: config.hostname,
    },
  };
}
