import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import { useId, useState } from 'react';
import { formatBytes, getEngine, type KeptData } from '@dockbase/core';
import { useBackend } from '../shared/useBackend';
import { useKeptData, useKeptDataDetailsOfAll } from '../shared/useKeptData';
import { useInstanceMetaById } from '../shared/useInstanceMeta';
import { volumesPhrase } from '../shared/format';
import { FOCUS_RING } from '../shared/styles';
import { LeftBehindSection } from './LeftBehindSection';

function formatDate(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '–' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function KeptRow({ kept, onRecreate, onDelete }: { kept: KeptData; onRecreate(k: KeptData): void; onDelete(k: KeptData): void }) {
  const meta = useInstanceMetaById(kept.instanceId);
  const lastUsed = meta?.history[0]?.at;
  return (
    <TableRow data-kept={kept.instanceName}>
      <TableCell component="th" scope="row" sx={{ fontWeight: 600 }}>
        {kept.instanceName}
      </TableCell>
      <TableCell>
        {getEngine(kept.engine).displayName} {kept.tag}
      </TableCell>
      <TableCell align="right">{kept.sizeBytes === undefined ? '…' : formatBytes(kept.sizeBytes)}</TableCell>
      <TableCell>{formatDate(kept.createdAt)}</TableCell>
      <TableCell>{lastUsed ? formatDate(lastUsed) : '–'}</TableCell>
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        <Button size="small" onClick={() => onRecreate(kept)} sx={FOCUS_RING} aria-label={`Re-create ${kept.instanceName}`}>
          Re-create
        </Button>
        <Button size="small" color="error" onClick={() => onDelete(kept)} sx={FOCUS_RING} aria-label={`Delete the data of ${kept.instanceName}`}>
          Delete
        </Button>
      </TableCell>
    </TableRow>
  );
}

function DeleteKeptData({ kept, onCancel, onConfirm }: { kept: KeptData | undefined; onCancel(): void; onConfirm(k: KeptData): void }) {
  const titleId = useId();
  const [typed, setTyped] = useState('');
  const backend = useBackend();
  return (
    <Dialog open={kept !== undefined} onClose={onCancel} maxWidth="sm" fullWidth aria-labelledby={titleId} TransitionProps={{ onExited: () => setTyped('') }}>
      <DialogTitle id={titleId}>Delete the data of {kept?.instanceName}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            {kept ? `${volumesPhrase(kept.volumes)} ${kept.volumes.length === 1 ? 'is' : 'are'} deleted for good` : ''}
            {backend ? ', with the notes and history kept for it' : ''}. Deleted data cannot be recovered.
          </DialogContentText>
          <TextField
            label={`Type ${kept?.instanceName ?? ''} to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            autoFocus
          />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" color="error" disabled={!kept || typed !== kept.instanceName} onClick={() => kept && onConfirm(kept)}>
          Delete data
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Data deleted instances left behind (their volumes, kept on purpose): what, how big, since when, with
 * Re-create (a create with that name finds it again) and Delete (asked by name). Hidden when there is none.
 */
export function KeptDataSection({ onRecreate }: { onRecreate(kept: KeptData): void }) {
  const { kept, remove } = useKeptData();
  const [deleting, setDeleting] = useState<KeptData | undefined>();
  const [open, setOpen] = useState(false);
  const detailed = useKeptDataDetailsOfAll(kept, open);
  if (!kept || kept.length === 0) return null;
  return (
    <>
      <LeftBehindSection title="Data kept from deleted instances" count={kept.length} open={open} onOpen={setOpen}>
        <Table size="small" aria-label="Data kept from deleted instances">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Engine</TableCell>
              <TableCell align="right">Size</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Last used</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(detailed ?? kept).map((k) => (
              <KeptRow key={`${k.engine}:${k.instanceName}`} kept={k} onRecreate={onRecreate} onDelete={setDeleting} />
            ))}
          </TableBody>
        </Table>
      </LeftBehindSection>
      <DeleteKeptData
        kept={deleting}
        onCancel={() => setDeleting(undefined)}
        onConfirm={(k) => {
          setDeleting(undefined);
          void remove(k);
        }}
      />
    </>
  );
}
