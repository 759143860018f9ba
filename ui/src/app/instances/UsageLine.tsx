import Typography from '@mui/material/Typography';
import { formatBytes, type InstanceUsage } from '@dockbase/core';

/** "CPU 1.2 % · memory 24.5 MB · data 48.2 MB", from the last measure taken on request. */
export function usageText(usage: InstanceUsage): { cpu: string; memory: string; data: string } {
  return {
    cpu: usage.cpuPercent === undefined ? '–' : `${usage.cpuPercent.toFixed(1)} %`,
    memory: usage.memoryBytes === undefined ? '–' : formatBytes(usage.memoryBytes),
    data: usage.dataBytes === undefined ? '–' : formatBytes(usage.dataBytes),
  };
}

export function UsageLine({ usage }: { usage: InstanceUsage }) {
  const t = usageText(usage);
  return (
    <Typography variant="caption" color="text.secondary">
      CPU {t.cpu} · memory {t.memory} · data {t.data}
    </Typography>
  );
}
