import Chip, { type ChipProps } from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { displayStatus, type DisplayStatus, type Instance } from '@dockbase/core';

const LOOK: Record<DisplayStatus, { label: string; color: ChipProps['color'] }> = {
  running: { label: 'Running', color: 'success' },
  healthy: { label: 'Healthy', color: 'success' },
  starting: { label: 'Starting', color: 'info' },
  unhealthy: { label: 'Unhealthy', color: 'warning' },
  paused: { label: 'Paused', color: 'default' },
  stopped: { label: 'Stopped', color: 'default' },
  error: { label: 'Error', color: 'error' },
};

/**
 * The instance's status as the core's rule maps it (docker's state, and the readiness probe's answer while
 * docker has no verdict yet); docker's own status text on hover.
 */
export function StatusChip({ instance, serverAnswered = false }: { instance: Instance; serverAnswered?: boolean }) {
  const look = LOOK[displayStatus(instance, { serverAnswered })];
  return (
    <Tooltip title={instance.statusText || look.label} describeChild>
      <Chip size="small" variant="outlined" color={look.color} label={look.label} />
    </Tooltip>
  );
}
