import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import VisibilityIcon from '@mui/icons-material/Visibility';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff';
import { useId } from 'react';
import type { Instance } from '@dockbase/core';
import { useConnection } from './useConnection';
import { useCredentialCheck } from '../shared/useCredentialCheck';
import { FOCUS_RING } from './InstanceActions';

/**
 * The connection string with the password masked; reveal and copy fetch the real one. A password the
 * engine refused is said here instead: a connection string that does not work is never shown.
 */
export function ConnectionString({ instance }: { instance: Instance }) {
  const { state } = useCredentialCheck(instance);
  if (state?.status === 'rejected') {
    return (
      <Alert severity="error" variant="outlined" sx={{ py: 0 }}>
        {state.message}
      </Alert>
    );
  }
  return <UsableConnectionString instance={instance} checking={state?.status === 'checking'} />;
}

function UsableConnectionString({ instance, checking }: { instance: Instance; checking: boolean }) {
  const connection = useConnection(instance);
  const labelId = useId();
  const revealLabel = connection.revealed ? 'Hide password' : 'Reveal password';
  return (
    <Stack direction="row" spacing={0.5} alignItems="center" sx={{ minWidth: 0 }}>
      <Typography id={labelId} variant="caption" color="text.secondary" sx={{ flexShrink: 0 }}>
        Connection string
      </Typography>
      <Box
        component="code"
        aria-labelledby={labelId}
        title={connection.revealed ? undefined : connection.text}
        sx={{
          flex: 1,
          minWidth: 0,
          px: 1,
          py: 0.5,
          borderRadius: 1,
          bgcolor: 'action.hover',
          fontFamily: 'monospace',
          fontSize: '0.8125rem',
          whiteSpace: 'nowrap',
          // A long string ends in an ellipsis (copy gives all of it).
          overflow: 'hidden',
          textOverflow: 'ellipsis',
        }}
      >
        {connection.text}
      </Box>
      {checking && <CircularProgress size={14} aria-label={`Checking the password of ${instance.name}`} />}
      <Tooltip disableInteractive title={revealLabel}>
        <IconButton size="small" aria-label={revealLabel} onClick={connection.toggleReveal} sx={FOCUS_RING}>
          {connection.revealed ? <VisibilityOffIcon fontSize="small" /> : <VisibilityIcon fontSize="small" />}
        </IconButton>
      </Tooltip>
      <Tooltip disableInteractive title="Copy connection string">
        <IconButton size="small" aria-label="Copy connection string" onClick={connection.copy} sx={FOCUS_RING}>
          <ContentCopyIcon fontSize="small" />
        </IconButton>
      </Tooltip>
    </Stack>
  );
}
