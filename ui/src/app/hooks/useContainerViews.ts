import { useCallback, useState } from 'react';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../context';

export interface ContainerViews {
  /** The instance whose logs are shown in the tab (when Docker Desktop's log view is not available). */
  logsOf: Instance | undefined;
  openLogs(instance: Instance): void;
  closeLogs(): void;
  /** The instance whose shell command is shown (outside Docker Desktop). */
  shellOf: Instance | undefined;
  openTerminal(instance: Instance): void;
  closeShell(): void;
}

/**
 * Logs and terminal open in Docker Desktop's own views when it offers them (the Terminal deep link).
 * Otherwise the logs follow in a panel of this tab, and the shell is a command to copy: the engine's own
 * client through `docker exec -it`, authenticated without the password on its command line.
 */
export function useContainerViews(): ContainerViews {
  const { desktop } = useAppServices();
  const [logsOf, setLogsOf] = useState<Instance | undefined>();
  const [shellOf, setShellOf] = useState<Instance | undefined>();

  const openLogs = useCallback(
    (instance: Instance) => {
      desktop.viewContainerLogs(instance.containerId).catch(() => setLogsOf(instance));
    },
    [desktop],
  );

  const openTerminal = useCallback(
    (instance: Instance) => {
      desktop.viewContainerTerminal(instance.containerId).catch(() => setShellOf(instance));
    },
    [desktop],
  );

  const closeLogs = useCallback(() => setLogsOf(undefined), []);
  const closeShell = useCallback(() => setShellOf(undefined), []);
  return { logsOf, openLogs, closeLogs, shellOf, openTerminal, closeShell };
}
