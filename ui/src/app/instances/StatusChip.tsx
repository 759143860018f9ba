import Chip, { type ChipProps } from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { displayStatus, WATCH, type DisplayStatus, type Instance } from '@dockbase/core';
import type { ServerReadiness } from './useServerAnswered';

export const LOOK: Record<DisplayStatus, { label: string; color: ChipProps['color'] }> = {
  running: { label: 'Running', color: 'success' },
  healthy: { label: 'Healthy', color: 'success' },
  starting: { label: 'Starting', color: 'info' },
  unhealthy: { label: 'Unhealthy', color: 'warning' },
  paused: { label: 'Paused', color: 'warning' },
  stopped: { label: 'Stopped', color: 'default' },
  killed: { label: 'Killed', color: 'error' },
  'out-of-memory': { label: 'Out of memory', color: 'error' },
  error: { label: 'Error', color: 'error' },
};

/**
 * The instance's status as the core's rule maps it (docker's state, and Dockbase's own probes where they are
 * the newer news); on hover, why: docker's own status text, why its last run ended, or that the server did
 * not answer Dockbase's last check. `plain`: a native title instead of a tooltip.
 */
export function StatusChip({ instance, readiness, plain = false }: { instance: Instance; readiness?: ServerReadiness; plain?: boolean }) {
  const look = LOOK[displayStatus(instance, readiness)];
  const hint =
    instance.failure?.summary ??
    (instance.status === 'running' && readiness?.probedAnswer === false
      ? `The server did not answer Dockbase's last check within ${WATCH.timeoutMs / 1000} s (docker: ${instance.statusText || 'no verdict'})`
      : instance.statusText || look.label);
  if (plain) return <Chip size="small" variant="outlined" color={look.color} label={look.label} title={hint} />;
  return (
    <Tooltip disableInteractive title={hint} describeChild>
      <Chip size="small" variant="outlined" color={look.color} label={look.label} />
    </Tooltip>
  );
}
