import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { useState } from 'react';
import type { Instance, RollbackPoint } from '@dockbase/core';
import { useBackend } from '../hooks/useBackend';
import { useContainerViews } from '../hooks/useContainerViews';
import { useInstanceActions } from '../hooks/useInstanceActions';
import { useInstances } from '../hooks/useInstances';
import { useRollbackPoints } from '../hooks/useRollbackPoints';
import { CreateInstanceDialog } from './CreateInstanceDialog';
import { DeleteDialog } from './DeleteDialog';
import { EmptyState } from './EmptyState';
import { EngineUnavailableBanner } from './EngineUnavailableBanner';
import { InstanceCard } from './InstanceCard';
import { LogsPanel } from './LogsPanel';
import { SnapshotsDialog } from './SnapshotsDialog';
import { ExportDialog, ImportDialog } from './TransferDialogs';
import { RollbackDialog, UpgradeDialog } from './UpgradeDialogs';

/** The tab's home: every instance, live, with its actions; the way to create one. */
export function InstancesView() {
  const { instances, problem, retrying, retry } = useInstances();
  const actions = useInstanceActions();
  const views = useContainerViews();
  const backend = useBackend();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Instance | undefined>();
  // Data-safety dialogs follow the live instance (its status changes while a snapshot stops and starts it).
  // An upgrade's and a roll back's too (the container and the version change under them); a roll back keeps the
  // point it was opened for, which it uses up.
  const [dataDialog, setDataDialog] = useState<
    { kind: 'snapshots' | 'export' | 'import' | 'upgrade'; id: string } | { kind: 'rollback'; id: string; point: RollbackPoint } | undefined
  >();
  const dialogInstance = dataDialog && instances?.find((i) => i.id === dataDialog.id);
  const closeDataDialog = () => setDataDialog(undefined);
  const rollbackPoints = useRollbackPoints(Boolean(instances?.length));

  return (
    <Stack component="main" spacing={3} sx={{ p: 3, minWidth: 0 }}>
      <Stack direction="row" alignItems="flex-start" justifyContent="space-between" spacing={2}>
        <Box>
          <Typography variant="h3" component="h1">
            Dockbase
          </Typography>
          <Typography variant="body1" color="text.secondary">
            Local database instances for development.
          </Typography>
        </Box>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} sx={{ flexShrink: 0 }}>
          New instance
        </Button>
      </Stack>

      {problem && <EngineUnavailableBanner problem={problem} retrying={retrying} onRetry={() => void retry()} />}

      {instances === undefined ? (
        !problem && (
          <Stack direction="row" spacing={1} alignItems="center" role="status">
            <CircularProgress size={20} aria-hidden />
            <Typography color="text.secondary">Loading instances…</Typography>
          </Stack>
        )
      ) : instances.length === 0 ? (
        <EmptyState onCreate={() => setCreating(true)} />
      ) : (
        <Stack spacing={2}>
          {instances.map((instance) => (
            <InstanceCard
              key={instance.id}
              instance={instance}
              busy={actions.busy[instance.id]}
              withDetails={backend !== undefined}
              onStart={() => void actions.start(instance)}
              onStop={() => void actions.stop(instance)}
              onRestart={() => void actions.restart(instance)}
              onDelete={() => setDeleting(instance)}
              onLogs={() => views.openLogs(instance)}
              onTerminal={() => views.openTerminal(instance)}
              onSnapshots={() => setDataDialog({ kind: 'snapshots', id: instance.id })}
              onExport={() => setDataDialog({ kind: 'export', id: instance.id })}
              onImport={() => setDataDialog({ kind: 'import', id: instance.id })}
              onUpgrade={() => setDataDialog({ kind: 'upgrade', id: instance.id })}
              rollbackPoint={rollbackPoints.pointFor(instance)}
              onRollback={() => {
                const point = rollbackPoints.pointFor(instance);
                if (point) setDataDialog({ kind: 'rollback', id: instance.id, point });
              }}
            />
          ))}
        </Stack>
      )}

      <CreateInstanceDialog open={creating} onClose={() => setCreating(false)} />
      <DeleteDialog
        instance={deleting}
        onCancel={() => setDeleting(undefined)}
        onConfirm={(instance, options) => {
          setDeleting(undefined);
          void actions.remove(instance, options);
        }}
      />
      <LogsPanel instance={views.logsOf} onClose={views.closeLogs} />
      <SnapshotsDialog instance={dataDialog?.kind === 'snapshots' ? dialogInstance : undefined} onClose={closeDataDialog} />
      <ExportDialog instance={dataDialog?.kind === 'export' ? dialogInstance : undefined} onClose={closeDataDialog} />
      <ImportDialog instance={dataDialog?.kind === 'import' ? dialogInstance : undefined} onClose={closeDataDialog} />
      <UpgradeDialog instance={dataDialog?.kind === 'upgrade' ? dialogInstance : undefined} onClose={closeDataDialog} />
      <RollbackDialog instance={dataDialog?.kind === 'rollback' ? dialogInstance : undefined} point={dataDialog?.kind === 'rollback' ? dataDialog.point : undefined} onClose={closeDataDialog} />
    </Stack>
  );
}
