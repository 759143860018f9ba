import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { formatBytes, getEngine, type Instance, type Snapshot } from '@dockbase/core';
import { useOrphanSnapshots } from './useOrphanSnapshots';
import { formatTime } from '../shared/format';
import { FOCUS_RING } from '../shared/styles';
import { LeftBehindSection } from './LeftBehindSection';
import { CloneSnapshotDialog, DeleteSnapshotConfirm, SnapshotBusy, SnapshotReasonChip } from './SnapshotParts';

function OrphanRow({ snapshot, busy, onClone, onDelete }: { snapshot: Snapshot; busy: boolean; onClone(s: Snapshot): void; onDelete(s: Snapshot): void }) {
  const of = `${snapshot.name} of ${snapshot.instanceName}`;
  return (
    <TableRow data-snapshot={snapshot.id}>
      <TableCell component="th" scope="row">
        <Stack direction="row" spacing={1} alignItems="center">
          <Typography variant="body2" sx={{ fontWeight: 600, wordBreak: 'break-all' }}>
            {snapshot.name}
          </Typography>
          <SnapshotReasonChip snapshot={snapshot} />
        </Stack>
      </TableCell>
      <TableCell>
        {getEngine(snapshot.engine).displayName} {snapshot.tag}
      </TableCell>
      <TableCell>{snapshot.instanceName}</TableCell>
      <TableCell align="right">{formatBytes(snapshot.sizeBytes)}</TableCell>
      <TableCell>{formatTime(snapshot.createdAt)}</TableCell>
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        <Button size="small" disabled={busy} onClick={() => onClone(snapshot)} sx={FOCUS_RING} aria-label={`Clone snapshot ${of}`}>
          Clone
        </Button>
        <Button size="small" color="error" disabled={busy} onClick={() => onDelete(snapshot)} sx={FOCUS_RING} aria-label={`Delete snapshot ${of}`}>
          Delete
        </Button>
      </TableCell>
    </TableRow>
  );
}

/**
 * Snapshots whose instance was deleted (orphanSnapshots): nothing else lists them, yet they take space and
 * may be the last copy of its data. What, of which instance, how big, when, with Clone (a new instance from
 * it, the form of an instance's own snapshots) and Delete (asked, naming it). Hidden when there is none.
 */
export function OrphanSnapshotsSection({ instances }: { instances: readonly Instance[] | undefined }) {
  const { orphans, busy, remove, clone } = useOrphanSnapshots(instances);
  const [open, setOpen] = useState(false);
  const [cloning, setCloning] = useState<Snapshot | undefined>();
  const [deleting, setDeleting] = useState<Snapshot | undefined>();
  if (orphans.length === 0) return null;
  const confirmDelete = (s: Snapshot) => {
    setDeleting(undefined);
    void remove(s);
  };
  return (
    <>
      <LeftBehindSection title="Snapshots of deleted instances" count={orphans.length} open={open} onOpen={setOpen}>
        <Stack spacing={1}>
          <SnapshotBusy busy={busy} />
          <Table size="small" aria-label="Snapshots of deleted instances">
            <TableHead>
              <TableRow>
                <TableCell>Snapshot</TableCell>
                <TableCell>Engine</TableCell>
                <TableCell>Instance</TableCell>
                <TableCell align="right">Size</TableCell>
                <TableCell>Taken</TableCell>
                <TableCell align="right">Actions</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {orphans.map((s) => (
                <OrphanRow key={s.id} snapshot={s} busy={busy !== undefined} onClone={setCloning} onDelete={setDeleting} />
              ))}
            </TableBody>
          </Table>
        </Stack>
      </LeftBehindSection>
      {cloning && <CloneSnapshotDialog snapshot={cloning} busy={busy !== undefined} onClone={clone} onClose={() => setCloning(undefined)} />}
      {deleting && <DeleteSnapshotConfirm snapshot={deleting} orphan onCancel={() => setDeleting(undefined)} onConfirm={confirmDelete} />}
    </>
  );
}
