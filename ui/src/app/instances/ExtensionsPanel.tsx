import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { settingsWithPreload, type ExtensionInfo, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { useInstanceJob } from '../shared/useInstanceJob';

const key = (instance: Instance) => ['extensions', instance.containerId] as const;

/**
 * PostgreSQL's extensions on the card: what the server has (pg_available_extensions) and what each database
 * installed, with Enable in the database chosen. One whose library must be preloaded says so first, and on
 * the user's word adds it to the server settings (an Edit job: the server restarts, and goes back to its
 * previous settings if it refuses), then enables it.
 */
export function ExtensionsPanel({ instance }: { instance: Instance }) {
  const { dockbase } = useAppServices();
  const client = useQueryClient();
  const running = instance.status === 'running';
  const view = useQuery({ queryKey: key(instance), queryFn: () => dockbase.extensions.list(instance), staleTime: 0, enabled: running });
  const [database, setDatabase] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const [asking, setAsking] = useState<ExtensionInfo | undefined>();
  const [working, setWorking] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const edit = useInstanceJob<{ instance?: Instance }>(instance, 'edit');

  if (!running && working === undefined) {
    return (
      <Typography variant="body2" color="text.secondary">
        Start {instance.name} to see its extensions: they are read from the running server.
      </Typography>
    );
  }
  if (view.isPending) {
    return (
      <Stack direction="row" spacing={1} alignItems="center" role="status">
        <CircularProgress size={16} aria-hidden />
        <Typography variant="body2">Reading the extensions…</Typography>
      </Stack>
    );
  }
  if (view.isError) return <Alert severity="error">{errorMessage(view.error)}</Alert>;
  const { databases, extensions } = view.data;
  const fallback = instance.database ?? instance.user ?? 'postgres';
  const db = database ?? (databases.includes(fallback) ? fallback : (databases[0] ?? 'postgres'));
  const shown = extensions.filter((e) => e.name.includes(filter.trim().toLowerCase()));

  const enable = async (ext: ExtensionInfo, withPreload: boolean) => {
    setAsking(undefined);
    setError(undefined);
    setDone(undefined);
    setWorking(ext.name);
    try {
      let target = instance;
      if (withPreload && ext.preload) {
        const end = await edit.run({ kind: 'edit', instanceId: instance.id, changes: { settings: settingsWithPreload(instance, view.data, ext.preload) } });
        if (!end.job) throw end.refused ?? new Error('Another change is running on this instance.');
        if (end.job.state !== 'succeeded') throw new Error(end.job.message ?? `${instance.name} could not restart with ${ext.preload} preloaded.`);
        target = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { timeoutMs: 120_000 });
      }
      const after = await dockbase.extensions.enable(target, { extension: ext.name, database: db });
      client.setQueryData(key(target), after);
      setDone(`${ext.name} is enabled in ${db}.`);
    } catch (e) {
      setError(errorMessage(e));
      void view.refetch();
    } finally {
      setWorking(undefined);
    }
  };

  return (
    <Stack spacing={1.5} aria-label={`Extensions of ${instance.name}`} role="group">
      <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap>
        <TextField
          select
          size="small"
          label="Database"
          value={db}
          onChange={(e) => setDatabase(e.target.value)}
          sx={{ minWidth: 180 }}
          slotProps={{ htmlInput: { 'aria-label': 'Database to enable in' } }}
        >
          {databases.map((d) => (
            <MenuItem key={d} value={d}>
              {d}
            </MenuItem>
          ))}
        </TextField>
        <TextField size="small" label="Find an extension" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
        <Typography variant="body2" color="text.secondary">
          {extensions.length} available · {extensions.filter((e) => e.installed.length > 0).length} installed
        </Typography>
      </Stack>
      {error && <Alert severity="error">{error}</Alert>}
      {done && (
        <Alert severity="success" role="status">
          {done}
        </Alert>
      )}
      <Stack component="ul" spacing={0.5} sx={{ listStyle: 'none', p: 0, m: 0, maxHeight: 320, overflowY: 'auto' }}>
        {shown.map((e) => {
          const here = e.installed.find((i) => i.database === db);
          return (
            <Stack component="li" key={e.name} direction="row" spacing={1} alignItems="center" aria-label={e.name} sx={{ minHeight: 36 }}>
              <Typography variant="body2" sx={{ fontFamily: 'monospace', minWidth: 180 }}>
                {e.name} {e.defaultVersion}
              </Typography>
              {e.preload && (
                <Chip
                  size="small"
                  variant="outlined"
                  color={e.preloaded ? 'success' : 'warning'}
                  label={e.preloaded ? `${e.preload} preloaded` : `needs ${e.preload} preloaded`}
                />
              )}
              <Typography variant="body2" color="text.secondary" sx={{ flex: 1, minWidth: 0 }} noWrap title={e.comment}>
                {e.installed.length > 0 ? `Installed in ${e.installed.map((i) => `${i.database} (${i.version})`).join(', ')}` : e.comment}
              </Typography>
              {here ? (
                <Typography variant="body2" color="success.main">
                  Enabled
                </Typography>
              ) : (
                <Button
                  size="small"
                  disabled={working !== undefined || instance.status !== 'running'}
                  onClick={() => (e.preload && !e.preloaded ? setAsking(e) : void enable(e, false))}
                  aria-label={`Enable ${e.name} in ${db}`}
                  startIcon={working === e.name ? <CircularProgress size={14} color="inherit" aria-hidden /> : undefined}
                >
                  Enable
                </Button>
              )}
            </Stack>
          );
        })}
      </Stack>
      <Dialog open={asking !== undefined} onClose={() => setAsking(undefined)} maxWidth="sm" fullWidth>
        {asking && (
          <>
            <DialogTitle>
              Preload {asking.preload} and restart {instance.name}?
            </DialogTitle>
            <DialogContent>
              <DialogContentText>
                {asking.name} works only when PostgreSQL loads its library {asking.preload} at start. Dockbase adds {asking.preload} to the server setting
                shared_preload_libraries and restarts {instance.name} (its container is replaced on the same data; if the server refuses the setting, it goes
                back as it was). Then it enables {asking.name} in {db}.
              </DialogContentText>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setAsking(undefined)}>Cancel</Button>
              <Button variant="contained" onClick={() => void enable(asking, true)}>
                Add and restart
              </Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </Stack>
  );
}
