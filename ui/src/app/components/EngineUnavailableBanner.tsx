import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import type { InstancesProblem } from '../hooks/useInstances';

/** Shown while the instances cannot be listed; Retry reconnects without reloading the tab. */
export function EngineUnavailableBanner({ problem, retrying, onRetry }: { problem: InstancesProblem; retrying: boolean; onRetry(): void }) {
  const title = problem.kind === 'engine-unavailable' ? 'Docker engine unavailable' : 'Could not list the instances';
  return (
    <Alert
      severity={problem.kind === 'engine-unavailable' ? 'warning' : 'error'}
      action={
        <Button color="inherit" size="small" onClick={onRetry} disabled={retrying} startIcon={retrying ? <CircularProgress size={14} color="inherit" aria-hidden /> : undefined}>
          Retry
        </Button>
      }
    >
      <AlertTitle>{title}</AlertTitle>
      {problem.message}
    </Alert>
  );
}
