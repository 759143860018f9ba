import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { ENGINES } from '@dockbase/core';
import { EngineIcon } from '../shared/EngineIcon';

/** No instances yet: what Dockbase does, and the way to the first one. */
export function EmptyState({ onCreate }: { onCreate(): void }) {
  return (
    <Paper variant="outlined" sx={{ p: 4 }}>
      <Stack spacing={2} alignItems="center" textAlign="center">
        <Stack direction="row" spacing={1}>
          {ENGINES.map((e) => (
            <EngineIcon key={e.id} engine={e.id} size={32} />
          ))}
        </Stack>
        <Typography variant="h6" component="h2">
          No database instances yet
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ maxWidth: 520 }}>
          Run {ENGINES.map((e) => e.displayName).join(', ')} locally, each with its own port, password and data, and connect from your code with one connection
          string.
        </Typography>
        <Button variant="contained" startIcon={<AddIcon />} onClick={onCreate}>
          Create your first instance
        </Button>
      </Stack>
    </Paper>
  );
}
