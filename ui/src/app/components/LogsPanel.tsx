import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useRef } from 'react';
import type { Instance } from '@dockbase/core';
import { useFollowLogs } from '../hooks/useFollowLogs';

function FollowedLog({ instance }: { instance: Instance }) {
  const { lines, ended } = useFollowLogs(instance);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [lines]);
  return (
    <>
      <Box
        role="log"
        aria-label={`Logs of ${instance.name}`}
        tabIndex={0}
        sx={{
          fontFamily: 'monospace',
          fontSize: '0.8125rem',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
          bgcolor: 'action.hover',
          borderRadius: 1,
          p: 1,
          minHeight: 240,
          maxHeight: '60vh',
          overflowY: 'auto',
        }}
      >
        {lines.map((line, i) => (
          <div key={i}>{line}</div>
        ))}
        <div ref={end} />
      </Box>
      {lines.length === 0 && !ended && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Waiting for log output…
        </Typography>
      )}
      {ended && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          The log stream has ended.
        </Typography>
      )}
    </>
  );
}

/** The instance's log, followed live inside the tab; closing it stops following. */
export function LogsPanel({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  const titleId = useId();
  return (
    <Dialog open={instance !== undefined} onClose={onClose} maxWidth="lg" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Logs: {instance?.name}</DialogTitle>
      <DialogContent>{instance && <FollowedLog key={instance.containerId} instance={instance} />}</DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
