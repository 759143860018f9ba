/**
 * The job running on an instance, on its card and its table row, whoever started it (this tab, another one,
 * the command line): what it does, where it is, and Cancel while Cancel still leaves everything as it was.
 */
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Job } from '@dockbase/core';
import { jobProgressText } from '../shared/job-words';
import { useCancelJob } from '../shared/useJobs';

/** How far a copy is, when the job says (an upgrade's copy of PostgreSQL data). */
function copied(job: Job): number | undefined {
  const { step, bytes, totalBytes } = job.progress;
  return step === 'copy' && bytes !== undefined && totalBytes ? Math.min(100, (100 * bytes) / totalBytes) : undefined;
}

/** On a card: a line of its own, with the copy's bar when there is one. */
export function RunningJobLine({ job }: { job: Job }) {
  const cancel = useCancelJob();
  const text = jobProgressText(job);
  const percent = copied(job);
  return (
    <Stack spacing={0.5}>
      <Stack direction="row" spacing={1} alignItems="center">
        <CircularProgress size={14} aria-hidden />
        <Typography variant="body2" color="text.secondary" role="status" sx={{ minWidth: 0 }}>
          {text}
        </Typography>
        {job.cancellable && (
          <Button size="small" onClick={() => cancel(job)} aria-label={`Cancel: ${job.title}`} sx={{ flexShrink: 0 }}>
            Cancel
          </Button>
        )}
      </Stack>
      {percent !== undefined && <LinearProgress variant="determinate" value={percent} aria-label={`${job.title}: copied`} />}
    </Stack>
  );
}

/** In a table row's status cell: one short note (the whole line on hover), and Cancel. */
export function RunningJobNote({ job }: { job: Job }) {
  const cancel = useCancelJob();
  const text = jobProgressText(job);
  return (
    <span className="db-job">
      <span className="db-note" role="status" title={text}>
        {text}
      </span>
      {job.cancellable && (
        <button type="button" className="db-text-button" onClick={() => cancel(job)} aria-label={`Cancel: ${job.title}`}>
          Cancel
        </button>
      )}
    </span>
  );
}
