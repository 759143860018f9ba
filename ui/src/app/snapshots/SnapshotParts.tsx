/**
 * What every list of snapshots shares: the instance's own (SnapshotsDialog) and the deleted instances'
 * (OrphanSnapshotsSection). Why a snapshot was kept, the operation running, and the clone form.
 */
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { formatBytes, getEngine, suggestPort, type CloneInput, type Snapshot } from '@dockbase/core';
import { useEngineUsage } from '../shared/useEngineUsage';
import { volumesPhrase } from '../shared/format';
import { formatTime } from '../shared/format';
import type { SnapshotOperation } from './useSnapshots';

const REASONS: Record<Snapshot['reason'], string | undefined> = {
  manual: undefined,
  'before-restore': 'kept before a restore',
  'before-import': 'kept before an import',
  'before-upgrade': 'rollback point',
  'before-rollback': 'kept before a roll back',
};
const BUSY: Record<SnapshotOperation, string> = {
  snapshot: 'Taking the snapshot…',
  restore: 'Restoring…',
  'delete-snapshot': 'Deleting the snapshot…',
  clone: 'Cloning…',
};

/** Why Dockbase kept the snapshot (none for one the user took). */
export function SnapshotReasonChip({ snapshot }: { snapshot: Snapshot }) {
  const reason =
    snapshot.reason === 'before-upgrade' && snapshot.upgradeTo ? `rollback point of the upgrade to ${snapshot.upgradeTo}` : REASONS[snapshot.reason];
  return reason ? <Chip size="small" label={reason} /> : null;
}

/** The operation running on a list of snapshots, said while it runs. */
export function SnapshotBusy({ busy }: { busy: SnapshotOperation | undefined }) {
  if (!busy) return null;
  return (
    <Stack direction="row" spacing={1} alignItems="center" role="status">
      <CircularProgress size={16} aria-hidden />
      <Typography variant="body2">{BUSY[busy]}</Typography>
    </Stack>
  );
}

export interface CloneSnapshotDialogProps {
  snapshot: Snapshot;
  /** Another operation on these snapshots is running: Clone waits for it. */
  busy: boolean;
  /** Clones; resolves true once the new instance exists (the dialog then closes). */
  onClone(snapshot: Snapshot, input: CloneInput): Promise<boolean>;
  /** The password of the instance the snapshot was taken of, when it can still be read (its data keeps it). */
  readPassword?: () => Promise<string | undefined>;
  onClose(): void;
}

/** A new instance from a snapshot: its name, port and password (the engine, version and data are the snapshot's). */
export function CloneSnapshotDialog({ snapshot, busy, onClone, readPassword, onClose }: CloneSnapshotDialogProps) {
  const titleId = useId();
  const engine = getEngine(snapshot.engine);
  const [name, setName] = useState(`${snapshot.instanceName}-copy`);
  // A free port is suggested, as the create form does, until the user types one.
  const { usage } = useEngineUsage();
  const [typedPort, setPort] = useState<string | undefined>();
  const port = typedPort ?? (usage ? String(suggestPort(engine, usage.ports)) : '');
  const [password, setPassword] = useState('');
  useEffect(() => {
    if (!readPassword) return;
    let live = true;
    void readPassword().then((p) => live && p !== undefined && setPassword((current) => current || p));
    return () => {
      live = false;
    };
    // Read once when the form opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onClone(snapshot, { name, hostPort: Number(port), password, exposeOnNetwork: false }).then((ok) => ok && onClose());
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Stack component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>
          Clone “{snapshot.name}” of {snapshot.instanceName}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <DialogContentText>
              A new {engine.displayName} {snapshot.tag} instance with a copy of this snapshot’s data, with the same user and database.{' '}
              {engine.applyPassword
                ? `Dockbase sets the password below in the copied data, so the clone’s connection string works (it starts as ${snapshot.instanceName}’s).`
                : `The copied data keeps its users and passwords, so the password is the one of ${snapshot.instanceName}.`}
            </DialogContentText>
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
            <TextField
              label="Port"
              value={port}
              onChange={(e) => setPort(e.target.value)}
              inputMode="numeric"
              placeholder={String(engine.containerPort)}
              required
            />
            <TextField label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" required />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || !name || !port || !password}>
            Clone
          </Button>
        </DialogActions>
      </Stack>
    </Dialog>
  );
}

/**
 * Asks before a snapshot is deleted, naming it, what it is and what goes: every place that deletes one asks
 * (a snapshot can be the only copy of an upgrade's data, or of an instance that no longer exists).
 */
export function DeleteSnapshotConfirm({
  snapshot,
  orphan = false,
  onCancel,
  onConfirm,
}: {
  snapshot: Snapshot;
  orphan?: boolean;
  onCancel(): void;
  onConfirm(s: Snapshot): void;
}) {
  const titleId = useId();
  const volumes = snapshot.volumes.map((v) => v.volume);
  const why = orphan
    ? `${snapshot.instanceName} no longer exists: this snapshot of ${formatTime(snapshot.createdAt)} may be the last copy of its data. `
    : snapshot.reason === 'before-upgrade'
      ? `This is the rollback point of the upgrade${snapshot.upgradeTo ? ` to ${snapshot.upgradeTo}` : ''}: without it, ${snapshot.instanceName} cannot be rolled back. `
      : '';
  return (
    <Dialog open onClose={onCancel} maxWidth="sm" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>
        Delete snapshot “{snapshot.name}” of {snapshot.instanceName}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          {why}Its {volumesPhrase(volumes)} ({formatBytes(snapshot.sizeBytes)}) {volumes.length === 1 ? 'is' : 'are'} deleted for good. This cannot be undone.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" color="error" onClick={() => onConfirm(snapshot)}>
          Delete snapshot
        </Button>
      </DialogActions>
    </Dialog>
  );
}
