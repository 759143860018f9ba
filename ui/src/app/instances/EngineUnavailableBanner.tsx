import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import type { InstancesProblem } from './useInstances';
import type { BackendStatus } from '../../backend-client/client';

const TITLE: Record<InstancesProblem['kind'], string> = {
  'engine-unavailable': 'Docker engine unavailable',
  'bridge-unavailable': 'Dockbase host unreachable',
  failed: 'Could not list the instances',
};

/**
 * Shown while the instances cannot be listed, naming what is unreachable (the Docker engine, or the
 * Dockbase host that carries docker's commands); the last known list stays, marked as such. Retry
 * reconnects without reloading the tab, and happens by itself meanwhile.
 */
export function EngineUnavailableBanner({
  problem,
  retrying,
  onRetry,
  stale,
  listedAt,
  nextRetryAt,
}: {
  problem: InstancesProblem;
  retrying: boolean;
  onRetry(): void;
  stale?: boolean;
  listedAt?: number;
  nextRetryAt?: number | undefined;
}) {
  const seconds = nextRetryAt ? Math.max(1, Math.round((nextRetryAt - Date.now()) / 1000)) : undefined;
  return (
    <Alert
      severity={problem.kind === 'failed' ? 'error' : 'warning'}
      action={
        <Button
          color="inherit"
          size="small"
          onClick={onRetry}
          disabled={retrying}
          startIcon={retrying ? <CircularProgress size={14} color="inherit" aria-hidden /> : undefined}
        >
          Retry
        </Button>
      }
    >
      <AlertTitle>{TITLE[problem.kind]}</AlertTitle>
      {problem.message}
      {stale && listedAt ? ` The list below is the last one known (${new Date(listedAt).toLocaleTimeString()}): it may be out of date.` : ''}
      {seconds !== undefined && !retrying ? ` Trying again by itself in about ${seconds} s.` : ''}
    </Alert>
  );
}

/**
 * The backend is expected but does not answer: its features are away, said so, and it is asked again; or
 * what runs it gave up on it, and the banner says why in its own words.
 */
export function BackendUnavailableBanner({ status, failure }: { status: BackendStatus; failure?: string | undefined }) {
  if (status === 'failed') {
    return (
      <Alert severity="warning">
        <AlertTitle>Dockbase backend cannot start</AlertTitle>
        {failure} Your instances work as usual.
      </Alert>
    );
  }
  if (status !== 'down') return null;
  return (
    <Alert severity="info">
      <AlertTitle>Dockbase backend unreachable</AlertTitle>
      Notes, history and the versions from Docker Hub are unavailable until it answers again; your instances work as usual. Dockbase asks it again by itself.
    </Alert>
  );
}
