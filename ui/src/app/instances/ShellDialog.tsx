import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { useId } from 'react';
import { getEngine, shellCommand, type Instance } from '@dockbase/core';
import { useCopyText } from '../shared/useCopyText';

/**
 * Outside Docker Desktop, a shell is a command to paste into a terminal: the engine's own client inside the
 * container, authenticated from the container's configuration (no password on the command line).
 */
export function ShellDialog({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  const titleId = useId();
  const copy = useCopyText();
  const command = instance ? shellCommand(instance) : '';
  const client = instance ? getEngine(instance.engine).clientName : '';
  return (
    <Dialog open={instance !== undefined} onClose={onClose} maxWidth="md" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Open a shell: {instance?.name}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          Run this in a terminal on this machine: it opens {client} inside the container, signed in with the instance&apos;s password from its own
          configuration, so the password is not on the command line or in your shell history.
        </DialogContentText>
        <Box
          component="pre"
          aria-label={`Shell command for ${instance?.name ?? ''}`}
          sx={{
            m: 0,
            p: 1.5,
            bgcolor: 'action.hover',
            borderRadius: 1,
            fontFamily: 'monospace',
            fontSize: '0.8125rem',
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-all',
          }}
        >
          {command}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button startIcon={<ContentCopyIcon />} onClick={() => copy(command, 'Shell command')}>
          Copy command
        </Button>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
