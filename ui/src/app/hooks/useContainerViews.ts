import { useCallback, useState } from 'react';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../context';

export interface ContainerViews {
  /** The instance whose logs are shown in the tab (when Docker Desktop's log view is not available). */
  logsOf: Instance | undefined;
  openLogs(instance: Instance): void;
  closeLogs(): void;
  openTerminal(instance: Instance): void;
}

/**
 * Logs and terminal open in Docker Desktop's own views when it offers them. Otherwise the logs follow in
 * a panel of this tab, and the terminal explains that it needs Docker Desktop.
 */
export function useContainerViews(): ContainerViews {
  const { desktop } = useAppServices();
  const [logsOf, setLogsOf] = useState<Instance | undefined>();

  const openLogs = useCallback(
    (instance: Instance) => {
      desktop.viewContainerLogs(instance.containerId).catch(() => setLogsOf(instance));
    },
    [desktop],
  );

  const openTerminal = useCallback(
    (instance: Instance) => {
      desktop.viewContainerTerminal(instance.containerId).catch(() =>
        desktop.toast.warning(
          `The terminal opens in Docker Desktop, which is not available here. Run "docker exec -it ${instance.name} sh" in a terminal instead.`,
        ),
      );
    },
    [desktop],
  );

  const closeLogs = useCallback(() => setLogsOf(undefined), []);
  return { logsOf, openLogs, closeLogs, openTerminal };
}
