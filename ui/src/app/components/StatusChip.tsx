import Chip, { type ChipProps } from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { displayStatus, type DisplayStatus, type Instance } from '@dockbase/core';

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
 * The instance's status as the core maps it; docker's own status text on hover. `plain`: a native title
 * instead of a tooltip (a table of a hundred rows stays light).
 */
export function StatusChip({ instance, plain = false }: { instance: Instance; plain?: boolean }) {
  const look = LOOK[displayStatus(instance)];
  const hint = instance.failure?.summary ?? (instance.statusText || look.label);
  if (plain) return <Chip size="small" variant="outlined" color={look.color} label={look.label} title={hint} />;
  return (
    <Tooltip title={hint} describeChild>
      <Chip size="small" variant="outlined" color={look.color} label={look.label} />
    </Tooltip>
  );
}
