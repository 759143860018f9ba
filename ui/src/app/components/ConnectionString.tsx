import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import VisibilityIcon from '@mui/icons-material/Visibility';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff';
import { useId } from 'react';
import type { Instance } from '@dockbase/core';
import { useConnection } from '../hooks/useConnection';

/** The connection string with the password masked; reveal and copy fetch the real one. */
export function ConnectionString({ instance }: { instance: Instance }) {
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
          overflowX: 'auto',
        }}
      >
        {connection.text}
      </Box>
      <Tooltip title={revealLabel}>
        <IconButton size="small" aria-label={revealLabel} onClick={connection.toggleReveal}>
          {connection.revealed ? <VisibilityOffIcon fontSize="small" /> : <VisibilityIcon fontSize="small" />}
        </IconButton>
      </Tooltip>
      <Tooltip title="Copy connection string">
        <IconButton size="small" aria-label="Copy connection string" onClick={connection.copy}>
          <ContentCopyIcon fontSize="small" />
        </IconButton>
      </Tooltip>
    </Stack>
  );
}
