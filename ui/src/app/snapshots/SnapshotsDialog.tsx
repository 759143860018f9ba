import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState, type FormEvent } from 'react';
import {
  checkSnapshotName,
  fileStamp,
  formatBytes,
  getEngine,
  isActive,
  isRollbackPoint,
  passwordAfterReplaceNote,
  restoreRefusal,
  type Instance,
  type Snapshot,
} from '@dockbase/core';
import { useSnapshots, type SnapshotsState } from './useSnapshots';
import { formatTime } from '../shared/format';
import { CloneSnapshotDialog, DeleteSnapshotConfirm, SnapshotBusy, SnapshotReasonChip } from './SnapshotParts';
import { DataPasswordChoice, useDataPasswordChoice } from './DataPasswordChoice';

function RestoreConfirm({
  instance,
  snapshot,
  onCancel,
  onConfirm,
}: {
  instance: Instance;
  snapshot: Snapshot;
  onCancel(): void;
  /** `dataPassword`: the snapshot's password, when the user gave it (DataPasswordChoice). */
  onConfirm(dataPassword: string | undefined): void;
}) {
  const titleId = useId();
  const password = useDataPasswordChoice(instance, 'restore');
  return (
    <Dialog open onClose={onCancel} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>
        Restore {instance.name} from “{snapshot.name}”?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Everything {instance.name} holds now is replaced by the snapshot of {formatTime(snapshot.createdAt)}: whatever was written since is lost from the
          instance. Dockbase first keeps the current data in a “before restore” snapshot, which stays until you delete it.
          {isActive(instance) ? ` ${instance.name} is stopped for the copy and started again.` : ''}
        </DialogContentText>
        {passwordAfterReplaceNote(instance, 'restore') && <DialogContentText sx={{ mt: 1 }}>{passwordAfterReplaceNote(instance, 'restore')}</DialogContentText>}
        <Stack sx={{ mt: 2 }}>
          <DataPasswordChoice instance={instance} what="restore" state={password} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" color="warning" disabled={Boolean(password.error)} onClick={() => onConfirm(password.dataPassword)}>
          Restore
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function SnapshotRow({
  snapshot,
  state,
  onRestore,
  onClone,
  onDelete,
  setApart,
}: {
  snapshot: Snapshot;
  state: SnapshotsState;
  onRestore(): void;
  onClone(): void;
  onDelete(): void;
  /** Why the instance cannot read it: no Restore then, the reason instead. */
  setApart?: string;
}) {
  const engine = getEngine(snapshot.engine);
  const labelId = useId();
  return (
    <ListItem divider aria-labelledby={labelId} sx={{ flexWrap: 'wrap', gap: 1 }}>
      <Stack sx={{ flex: 1, minWidth: 200 }}>
        <Stack direction="row" spacing={1} alignItems="center">
          <Typography id={labelId} variant="body1" sx={{ wordBreak: 'break-all' }}>
            {snapshot.name}
          </Typography>
          <SnapshotReasonChip snapshot={snapshot} />
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {formatTime(snapshot.createdAt)} · {formatBytes(snapshot.sizeBytes)} · {engine.displayName} {snapshot.tag}
        </Typography>
        {setApart && (
          <Typography variant="body2" color="text.secondary">
            {setApart}
          </Typography>
        )}
      </Stack>
      <Stack direction="row" spacing={0.5}>
        {!setApart && (
          <Button size="small" disabled={state.busy !== undefined} onClick={onRestore}>
            Restore
          </Button>
        )}
        <Button size="small" disabled={state.busy !== undefined} onClick={onClone}>
          Clone
        </Button>
        <Button size="small" color="error" disabled={state.busy !== undefined} onClick={onDelete}>
          Delete
        </Button>
      </Stack>
    </ListItem>
  );
}

function SnapshotsBody({ instance, onClose }: { instance: Instance; onClose(): void }) {
  const state = useSnapshots(instance);
  const titleId = useId();
  const [name, setName] = useState(() => `snapshot ${fileStamp(new Date())}`);
  const [restoring, setRestoring] = useState<Snapshot | undefined>();
  const [cloning, setCloning] = useState<Snapshot | undefined>();
  const [deleting, setDeleting] = useState<Snapshot | undefined>();
  const nameError = checkSnapshotName(name);
  // Restore offers only what this version can read; the others (another version's data: an upgrade's
  // rollback point, a roll back's kept data) are set apart, with why.
  const readable = (state.snapshots ?? []).filter((s) => !restoreRefusal(instance, s));
  const apart = (state.snapshots ?? []).flatMap((s) => {
    const why = restoreRefusal(instance, s);
    if (!why) return [];
    // An upgrade's rollback point is gone back to with Roll back (on the card), not restored.
    return [{ snapshot: s, why: isRollbackPoint(s) ? `The data from before the upgrade to ${s.upgradeTo}: Roll back (on the card) returns to it.` : why }];
  });
  const noVolumes = instance.volumes.length === 0;
  const take = (e: FormEvent) => {
    e.preventDefault();
    if (!nameError) void state.take(name).then((ok) => ok && setName(`snapshot ${fileStamp(new Date())}`));
  };
  return (
    <Dialog open onClose={() => (state.busy ? undefined : onClose())} aria-labelledby={titleId} maxWidth="md" fullWidth>
      <DialogTitle id={titleId}>Snapshots of {instance.name}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            A snapshot is an exact copy of {instance.name}’s data volumes, kept as Docker volumes on this engine.
            {isActive(instance) ? ` To make it consistent, ${instance.name} is stopped for the copy (a few seconds) and started again.` : ''}
          </DialogContentText>
          {noVolumes ? (
            <Alert severity="info">{instance.name} keeps no data volume (it was created without “Persist data”), so there is nothing to copy.</Alert>
          ) : (
            <Stack component="form" direction="row" spacing={1} alignItems="flex-start" noValidate onSubmit={take}>
              <TextField
                label="Snapshot name"
                size="small"
                value={name}
                onChange={(e) => setName(e.target.value)}
                error={Boolean(nameError)}
                helperText={nameError ?? ' '}
                autoComplete="off"
                sx={{ flex: 1 }}
              />
              <Button type="submit" variant="contained" disabled={Boolean(nameError) || state.busy !== undefined}>
                Snapshot
              </Button>
            </Stack>
          )}
          <SnapshotBusy busy={state.busy} />
          {state.error && <Alert severity="error">{state.error}</Alert>}
          {state.snapshots === undefined ? (
            !state.error && <CircularProgress size={20} aria-label="Loading snapshots" />
          ) : state.snapshots.length === 0 ? (
            <Typography color="text.secondary">No snapshots yet.</Typography>
          ) : (
            <>
              {readable.length > 0 && (
                <List aria-label={`Snapshots of ${instance.name}`} disablePadding>
                  {readable.map((s) => (
                    <SnapshotRow
                      key={s.id}
                      snapshot={s}
                      state={state}
                      onRestore={() => setRestoring(s)}
                      onClone={() => setCloning(s)}
                      onDelete={() => setDeleting(s)}
                    />
                  ))}
                </List>
              )}
              {apart.length > 0 && (
                <>
                  <Typography variant="subtitle2">
                    Set apart: data {getEngine(instance.engine).displayName} {instance.tag} cannot read (clone one into an instance of its version)
                  </Typography>
                  <List aria-label={`Snapshots ${instance.name} cannot read`} disablePadding>
                    {apart.map(({ snapshot: s, why }) => (
                      <SnapshotRow
                        key={s.id}
                        snapshot={s}
                        state={state}
                        setApart={why}
                        onRestore={() => undefined}
                        onClone={() => setCloning(s)}
                        onDelete={() => setDeleting(s)}
                      />
                    ))}
                  </List>
                </>
              )}
            </>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={state.busy !== undefined}>
          Close
        </Button>
      </DialogActions>
      {restoring && (
        <RestoreConfirm
          instance={instance}
          snapshot={restoring}
          onCancel={() => setRestoring(undefined)}
          onConfirm={(dataPassword) => {
            setRestoring(undefined);
            void state.restore(restoring, dataPassword);
          }}
        />
      )}
      {deleting && (
        <DeleteSnapshotConfirm
          snapshot={deleting}
          onCancel={() => setDeleting(undefined)}
          onConfirm={(s) => {
            setDeleting(undefined);
            void state.remove(s);
          }}
        />
      )}
      {cloning && (
        <CloneSnapshotDialog
          snapshot={cloning}
          busy={state.busy !== undefined}
          onClone={state.clone}
          readPassword={state.readPassword}
          onClose={() => setCloning(undefined)}
        />
      )}
    </Dialog>
  );
}

/** Snapshots of one instance: take, list, restore (after a confirmation), clone, delete. */
export function SnapshotsDialog({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  return instance ? <SnapshotsBody key={instance.id} instance={instance} onClose={onClose} /> : null;
}
