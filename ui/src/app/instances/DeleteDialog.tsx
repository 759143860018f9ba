import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { snapshotBelongsTo, type Instance, type LeftBehind } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { volumesPhrase } from '../shared/format';
import { leftBehindQuery } from '../shared/queries';

interface DeleteDialogProps {
  /** The instance to delete; the dialog is closed when undefined. */
  instance: Instance | undefined;
  /** Whether notes and history are kept (the backend is there): said, since they follow the data. */
  withNotes?: boolean;
  onCancel(): void;
  onConfirm(instance: Instance, options: { removeData: boolean }): void;
}

const snapshotsOf = (left: LeftBehind) => left.snapshots;

function DeleteForm({ instance, withNotes, onCancel, onConfirm, titleId }: DeleteDialogProps & { instance: Instance; titleId: string }) {
  const [removeData, setRemoveData] = useState(false);
  const [typed, setTyped] = useState('');
  const hasData = instance.volumes.length > 0;
  const confirmed = !removeData || typed === instance.name;
  const its = instance.volumes.length === 1 ? 'its volume' : 'its volumes';
  // Its snapshots are not its data volumes: they stay, and the dialog says which (the view's one list of
  // every snapshot, shared with Roll back and the snapshots of deleted instances, read again as it opens).
  const { dockbase } = useAppServices();
  const { data: snapshots } = useQuery({ ...leftBehindQuery(dockbase), staleTime: 0, select: snapshotsOf, enabled: hasData });
  const staying = (snapshots ?? []).filter((s) => snapshotBelongsTo(s, instance));
  return (
    <>
      <DialogTitle id={titleId}>Delete {instance.name}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            The container is removed.{' '}
            {!hasData
              ? 'It keeps no data volumes.'
              : removeData
                ? `Its data is deleted too (${volumesPhrase(instance.volumes)})${withNotes ? ', with its notes and history' : ''}.`
                : `Its data stays in ${its}, so an instance created later with the same name and engine finds it again${withNotes ? ', with these notes and history' : ''}.`}
          </DialogContentText>
          {hasData && (
            <FormControlLabel
              control={<Checkbox checked={removeData} onChange={(e) => setRemoveData(e.target.checked)} />}
              label={`Also delete its data (${volumesPhrase(instance.volumes)})`}
            />
          )}
          {removeData && staying.length > 0 && (
            <DialogContentText>
              {staying.length === 1 ? 'Its snapshot stays' : `Its ${staying.length} snapshots stay`}: {staying.map((s) => `“${s.name}”`).join(', ')}. Once{' '}
              {instance.name} is deleted they are listed under Snapshots of deleted instances, to clone or delete.
            </DialogContentText>
          )}
          {removeData && (
            <TextField
              label={`Type ${instance.name} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              helperText="Deleted data cannot be recovered."
              autoFocus
            />
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" color="error" disabled={!confirmed} onClick={() => onConfirm(instance, { removeData })}>
          {removeData ? 'Delete instance and data' : 'Delete'}
        </Button>
      </DialogActions>
    </>
  );
}

/** Deleting keeps the data unless the user explicitly asks, and then confirms by typing the name. */
export function DeleteDialog(props: DeleteDialogProps) {
  const { instance, onCancel } = props;
  const titleId = useId();
  return (
    <Dialog open={instance !== undefined} onClose={onCancel} maxWidth="sm" fullWidth aria-labelledby={titleId}>
      {instance && <DeleteForm key={instance.id} {...props} instance={instance} titleId={titleId} />}
    </Dialog>
  );
}
