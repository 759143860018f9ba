import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { formatBytes, type Instance } from '@dockbase/core';
import { MAX_NOTES_LENGTH } from '@dockbase/api';
import type { HistoryEntry } from '../../backend-client/client';
import { useInstanceMeta } from '../shared/useInstanceMeta';

function NotesEditor({ initial, saving, onSave }: { initial: string; saving: boolean; onSave(notes: string): void }) {
  const [draft, setDraft] = useState(initial);
  // The backend keeps at most MAX_NOTES_LENGTH characters: counted here, never learnt from a refusal.
  const length = draft.length;
  const tooLong = length > MAX_NOTES_LENGTH;
  return (
    <Stack spacing={1} alignItems="flex-start">
      <TextField
        label="Notes"
        multiline
        minRows={2}
        fullWidth
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder="What is this instance for? Which project uses it?"
        error={tooLong}
        helperText={
          tooLong
            ? `${length.toLocaleString()} of at most ${MAX_NOTES_LENGTH.toLocaleString()} characters: shorten them to save.`
            : `${length.toLocaleString()} / ${MAX_NOTES_LENGTH.toLocaleString()} characters`
        }
      />
      <Button variant="outlined" size="small" disabled={saving || draft === initial || tooLong} onClick={() => onSave(draft)}>
        Save notes
      </Button>
    </Stack>
  );
}

function describeEntry(entry: HistoryEntry): string {
  const when = new Date(entry.at);
  const at = Number.isNaN(when.getTime()) ? entry.at : when.toLocaleString();
  return `${at}${entry.size !== undefined ? ` · ${formatBytes(entry.size)}` : ''}${entry.detail ? ` · ${entry.detail}` : ''}`;
}

/** Notes and history of an instance, from the backend. */
export function InstanceDetails({ instance }: { instance: Instance }) {
  const { meta, loading, saving, saveNotes } = useInstanceMeta(instance);
  if (loading && !meta) return <CircularProgress size={20} aria-label="Loading notes and history" />;
  const history = meta?.history ?? [];
  return (
    <Stack spacing={2}>
      <NotesEditor key={meta?.notes ?? ''} initial={meta?.notes ?? ''} saving={saving} onSave={(notes) => void saveNotes(notes)} />
      <Box>
        <Typography variant="subtitle2" component="h3">
          History
        </Typography>
        {history.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No operations recorded yet.
          </Typography>
        ) : (
          <List dense aria-label={`History of ${instance.name}`}>
            {history.map((entry, i) => (
              <ListItem key={`${entry.at}-${i}`} disableGutters>
                <ListItemText primary={`${entry.action}: ${entry.outcome === 'ok' ? 'done' : 'failed'}`} secondary={describeEntry(entry)} />
              </ListItem>
            ))}
          </List>
        )}
      </Box>
    </Stack>
  );
}
