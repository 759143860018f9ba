import Chip, { type ChipProps } from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { displayStatus, type DisplayStatus, type Instance } from '@dockbase/core';

const LOOK: Record<DisplayStatus, { label: string; color: ChipProps['color'] }> = {
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

/** The instance's status as the core maps it; docker's own status text on hover. */
export function StatusChip({ instance }: { instance: Instance }) {
  const look = LOOK[displayStatus(instance)];
  return (
    <Tooltip title={instance.statusText || look.label} describeChild>
      <Chip size="small" variant="outlined" color={look.color} label={look.label} />
    </Tooltip>
  );
}
