import { useCallback, type Dispatch } from 'react';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import type { DialogAction } from './dialogs';

export interface ContainerViews {
  /** The instance's logs: Docker Desktop's view, else a panel of this tab (the dialog `logsOf`). */
  openLogs(instance: Instance): void;
  /** The instance's terminal: Docker Desktop's, else the shell command to copy (the dialog `shellOf`). */
  openTerminal(instance: Instance): void;
}

/**
 * Logs and terminal open in Docker Desktop's own views when it offers them (the Terminal deep link).
 * Otherwise the logs follow in a panel of this tab, and the shell is a command to copy: the engine's own
 * client through `docker exec -it`, authenticated without the password on its command line. Those two open
 * through `dispatch`, as the view's other dialogs do.
 */
export function useContainerViews(dispatch: Dispatch<DialogAction>): ContainerViews {
  const { desktop } = useAppServices();

  const openLogs = useCallback(
    (instance: Instance) => {
      desktop.viewContainerLogs(instance.containerId).catch(() => dispatch({ type: 'openLogs', instance }));
    },
    [desktop, dispatch],
  );

  const openTerminal = useCallback(
    (instance: Instance) => {
      desktop.viewContainerTerminal(instance.containerId).catch(() => dispatch({ type: 'openShell', instance }));
    },
    [desktop, dispatch],
  );

  return { openLogs, openTerminal };
}
