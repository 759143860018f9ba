import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { Component, Suspense, type ReactNode } from 'react';
import { retryFailedParts } from './lazy-part';

interface Props {
  /** What failed to load, as the sentence names it: "the new-instance form". */
  what: string;
  /** Shown while the part loads. */
  fallback?: ReactNode;
  /** Where the part is a dialog: closing gives up on it. */
  onClose?: () => void;
  children: ReactNode;
}

/**
 * Around a part of the tab that loads on first use (lazyPart): while it loads, `fallback`; when it cannot
 * load (or fails to show), a short error in its place, with Try again and Reload, while the rest of the tab keeps working.
 */
export class PartBoundary extends Component<Props, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  private readonly tryAgain = () => {
    retryFailedParts();
    this.setState({ error: undefined });
  };

  override render() {
    const { error } = this.state;
    if (!error) return <Suspense fallback={this.props.fallback ?? null}>{this.props.children}</Suspense>;
    return (
      <Alert
        severity="error"
        action={
          <Stack direction="row" spacing={1}>
            <Button color="inherit" size="small" onClick={this.tryAgain}>
              Try again
            </Button>
            <Button color="inherit" size="small" onClick={() => window.location.reload()}>
              Reload
            </Button>
            {this.props.onClose && (
              <Button color="inherit" size="small" onClick={this.props.onClose}>
                Close
              </Button>
            )}
          </Stack>
        }
      >
        Could not show {this.props.what}: {error.message}
      </Alert>
    );
  }
}
