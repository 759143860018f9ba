import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { describePull, type LayerState, type PullProgress as Progress } from '@dockbase/core';

const STATE_TEXT: Record<LayerState, string> = {
  waiting: 'Waiting',
  downloading: 'Downloading',
  verifying: 'Verifying',
  downloaded: 'Downloaded',
  extracting: 'Extracting',
  complete: 'Complete',
  exists: 'Already present',
};

/** Per-layer progress of an image pull. */
export function PullProgress({ imageRef, progress }: { imageRef: string; progress: Progress }) {
  const percent = progress.total === 0 ? 0 : Math.round((progress.done / progress.total) * 100);
  return (
    <Stack spacing={1}>
      <Typography variant="body1">{describePull(imageRef, progress)}</Typography>
      {progress.total === 0 ? (
        <LinearProgress aria-label={`Pulling ${imageRef}`} />
      ) : (
        <LinearProgress variant="determinate" value={percent} aria-label={`Pulling ${imageRef}`} />
      )}
      <Box sx={{ maxHeight: 240, overflowY: 'auto' }}>
        <List dense aria-label="Layers">
          {progress.layers.map((layer) => (
            <ListItem key={layer.id} disableGutters>
              <ListItemText
                primary={`${layer.id}: ${STATE_TEXT[layer.state]}`}
                slotProps={{ primary: { sx: { fontFamily: 'monospace', fontSize: '0.8125rem' } } }}
              />
            </ListItem>
          ))}
        </List>
      </Box>
    </Stack>
  );
}
