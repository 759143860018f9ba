import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { v1 } from '@docker/extension-api-client-types';

export interface AppProps {
  client: v1.DockerDesktopClient;
}

export function App(_props: AppProps) {
  return (
    <Stack spacing={1} sx={{ p: 3 }}>
      <Typography variant="h3" component="h1">
        Dockbase
      </Typography>
      <Typography variant="body1" color="text.secondary">
        Local database instances for development.
      </Typography>
    </Stack>
  );
}
