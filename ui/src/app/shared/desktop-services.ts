/**
 * What the UI needs from Docker Desktop besides docker itself: toasts, navigation to its own container
 * views, the clipboard and external links. Every call is safe on a partial client (the standalone host or
 * an older Docker Desktop): a missing toast falls back to the console, a missing navigation rejects.
 */
import type { v1 } from '@docker/extension-api-client-types';
import { HOST_FILES_MARKER } from '@dockbase/docker-cli/desktop';

export interface Toasts {
  success(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export interface DesktopServices {
  toast: Toasts;
  /** Docker Desktop's log view of a container (full id); rejects when it is not available. */
  viewContainerLogs(containerId: string): Promise<void>;
  /** Docker Desktop's terminal of a container (full id); rejects when it is not available. */
  viewContainerTerminal(containerId: string): Promise<void>;
  copyText(text: string): Promise<void>;
  /** Opens an http(s) link in the user's browser (Docker Desktop), or a new window elsewhere. */
  openExternal(url: string): void;
  /**
   * Whether the host offers its own file dialogs (Docker Desktop does; the standalone host has none, and the
   * user types a path on its machine instead).
   */
  readonly canChooseFiles: boolean;
  /**
   * Whether the page runs in Docker Desktop, not in the standalone host (whose page client carries its own
   * file bridge, HOST_FILES_MARKER; any other client counts as Docker Desktop's). It matters for the user's
   * files: Docker Desktop runs the page's docker on the user's machine but the backend in its VM, which cannot
   * read them; the standalone host runs both on the user's machine (jobs-service.ts, withPageFileJobs).
   */
  readonly inDockerDesktop: boolean;
  /** A folder chosen in the host's dialog (absolute path on the machine the docker CLI runs on), or undefined when cancelled. */
  chooseFolder(): Promise<string | undefined>;
  /** Files chosen in the host's dialog, filtered by extension; empty when cancelled. */
  chooseFiles(options: { multiple: boolean; extensions: readonly string[] }): Promise<string[]>;
}

/**
 * The standalone host shows toasts in the page itself, in one fixed stack it makes with this id (its
 * page script's toaster); Docker Desktop shows its own, outside the page, where it chooses.
 */
export const HOST_TOASTS_ID = 'dockbase-toasts';

/**
 * Where the page puts the host's toasts: top centre. Every dialog's buttons are at its foot (DialogActions),
 * and a dialog stays 32 px clear of the window's top, so a toast up there can never cover Create, Save or
 * Cancel, as one in the bottom-right corner did on a narrow window (the host's default). A page style
 * (these override the host's inline ones), applied by the App.
 */
export const TOAST_PLACEMENT = {
  [`#${HOST_TOASTS_ID}`]: {
    top: '16px !important',
    bottom: 'auto !important',
    left: '50% !important',
    right: 'auto !important',
    transform: 'translateX(-50%)',
    alignItems: 'center !important',
  },
} as const;

type PartialClient = {
  host?: Partial<Pick<v1.Host, 'openExternal'>>;
  desktopUI?: Partial<{
    toast: Partial<v1.Toast>;
    navigate: Partial<v1.NavigationIntents>;
    dialog: Partial<v1.Dialog>;
  }>;
};

export class NotAvailableError extends Error {
  override readonly name = 'NotAvailableError';
}

/** Calls `fn` if it is a function, turning a synchronous throw into a rejection. */
function callOptional(fn: ((id: string) => Promise<void>) | undefined, id: string, what: string): Promise<void> {
  if (typeof fn !== 'function') return Promise.reject(new NotAvailableError(`${what} is not available here.`));
  return new Promise<void>((resolve, reject) => {
    Promise.resolve(fn(id)).then(() => resolve(), reject);
  });
}

export function desktopServices(client: v1.DockerDesktopClient): DesktopServices {
  const partial = client as unknown as PartialClient;
  const ui = partial.desktopUI;
  const toastOf = (kind: keyof v1.Toast, fallback: (m: string) => void) => (message: string) => {
    const fn = ui?.toast?.[kind];
    if (typeof fn === 'function') fn.call(ui?.toast, message);
    else fallback(message);
  };
  const showOpenDialog = ui?.dialog?.showOpenDialog?.bind(ui.dialog);
  const open = async (properties: Record<string, unknown>): Promise<string[]> => {
    if (typeof showOpenDialog !== 'function') throw new NotAvailableError('File dialogs are not available here: type the path.');
    const r = await showOpenDialog(properties);
    return r.canceled ? [] : r.filePaths;
  };
  const cli = (client as Partial<Pick<v1.DockerDesktopClient, 'docker'>>).docker?.cli as Record<string, unknown> | undefined;
  return {
    canChooseFiles: typeof showOpenDialog === 'function',
    inDockerDesktop: cli?.[HOST_FILES_MARKER] === undefined,
    chooseFolder: async () => (await open({ properties: ['openDirectory', 'createDirectory'] }))[0],
    chooseFiles: ({ multiple, extensions }) =>
      open({
        properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
        // Electron's filters take extensions without the dot; ".sql.gz" is offered as "gz".
        filters: [
          { name: 'Database files', extensions: [...new Set(extensions.map((e) => e.split('.').pop() ?? e))] },
          { name: 'All files', extensions: ['*'] },
        ],
      }),
    toast: {
      success: toastOf('success', (m) => console.info(m)),
      warning: toastOf('warning', (m) => console.warn(m)),
      error: toastOf('error', (m) => console.error(m)),
    },
    viewContainerLogs: (id) => callOptional(ui?.navigate?.viewContainerLogs?.bind(ui.navigate), id, "Docker Desktop's log view"),
    viewContainerTerminal: (id) => callOptional(ui?.navigate?.viewContainerTerminal?.bind(ui.navigate), id, "Docker Desktop's terminal"),
    copyText: (text) => {
      const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
      if (!clipboard?.writeText) return Promise.reject(new NotAvailableError('The clipboard is not available here.'));
      return clipboard.writeText(text);
    },
    openExternal: (url) => {
      if (!/^https?:\/\//i.test(url)) return;
      if (typeof partial.host?.openExternal === 'function') partial.host.openExternal(url);
      else window.open(url, '_blank', 'noopener,noreferrer');
    },
  };
}
