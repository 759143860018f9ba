import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import { useState } from 'react';
import type { Instance, InstanceFailure } from '@dockbase/core';
import { useLastLogLines } from './useLastLogLines';
import { FOCUS_RING } from './InstanceActions';

/**
 * Why the last run ended badly (docker's own record: out of memory, killed, crashed, could not start), shown
 * on the instance until its next successful start; its last log lines on request.
 */
export function FailureReason({ instance, failure, compact = false }: { instance: Instance; failure: InstanceFailure; compact?: boolean }) {
  const [showLog, setShowLog] = useState(false);
  const log = useLastLogLines(instance, showLog);
  const when = failure.at ? new Date(failure.at) : undefined;
  return (
    <Alert
      severity={failure.kind === 'killed' ? 'warning' : 'error'}
      variant="outlined"
      sx={{ py: compact ? 0 : 0.5, '& .MuiAlert-message': { minWidth: 0, width: '100%' } }}
      action={
        <Button color="inherit" size="small" onClick={() => setShowLog((s) => !s)} aria-expanded={showLog} sx={FOCUS_RING}>
          {showLog ? 'Hide log' : 'Last log lines'}
        </Button>
      }
    >
      {failure.summary}
      {when && !Number.isNaN(when.getTime()) ? ` (${when.toLocaleString()})` : ''}
      {showLog && (
        <Box
          component="pre"
          aria-label={`Last log lines of ${instance.name}`}
          sx={{
            m: 0,
            mt: 1,
            p: 1,
            maxHeight: 200,
            overflow: 'auto',
            fontSize: '0.75rem',
            bgcolor: 'action.hover',
            borderRadius: 1,
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-all',
          }}
        >
          {log.loading && !log.lines ? (
            <CircularProgress size={14} aria-label="Reading the log" />
          ) : (
            (log.error ?? (log.lines?.length ? log.lines.join('\n') : 'The log is empty.'))
          )}
        </Box>
      )}
    </Alert>
  );
}
