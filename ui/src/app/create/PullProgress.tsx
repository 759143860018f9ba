import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { describePull } from '@dockbase/core';
import type { PullCount } from './useCreateInstance';

/**
 * An image pull's progress: layers done of those listed so far. A create runs as a job, which reports the
 * counts (JobProgress.pull), not each layer's state.
 */
export function PullProgress({ imageRef, progress }: { imageRef: string; progress: PullCount }) {
  const percent = progress.total === 0 ? 0 : Math.round((progress.done / progress.total) * 100);
  return (
    <Stack spacing={1}>
      <Typography variant="body1">{describePull(imageRef, { layers: [], done: progress.done, total: progress.total })}</Typography>
      {progress.total === 0 ? (
        <LinearProgress aria-label={`Pulling ${imageRef}`} />
      ) : (
        <LinearProgress variant="determinate" value={percent} aria-label={`Pulling ${imageRef}`} />
      )}
    </Stack>
  );
}
