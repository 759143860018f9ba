import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { useCallback, useMemo, useState } from 'react';
import { bulkTargets, filterInstances, isFiltering, NO_FILTER, type BulkAction, type Instance, type KeptData, type ListFilter, type RollbackPoint } from '@dockbase/core';
import { useBackend, useBackendStatus } from '../hooks/useBackend';
import { useContainerViews } from '../hooks/useContainerViews';
import type { CreatePreset } from '../hooks/useCreateForm';
import { useInstanceActions } from '../hooks/useInstanceActions';
import { useInstances } from '../hooks/useInstances';
import { useResourceUsage } from '../hooks/useResourceUsage';
import { useRollbackPoints } from '../hooks/useRollbackPoints';
import { useViewMode } from '../hooks/useViewMode';
import { useServerViews } from '../hooks/useServerAnswered';
import { EmptyState } from './EmptyState';
import { BackendUnavailableBanner, EngineUnavailableBanner } from './EngineUnavailableBanner';
import { instanceActionItems } from './InstanceActions';
import { InstancesTable } from './InstancesTable';
import { ListToolbar } from './ListToolbar';
import { PartBoundary } from './PartBoundary';
import { lazyPart } from '../lazy-part';

// What the first screen does not show loads when first needed: a smaller first script shows the list sooner.
const CreateInstanceDialog = lazyPart(() => import('./CreateInstanceDialog'), (m) => m.CreateInstanceDialog);
const DeleteDialog = lazyPart(() => import('./DeleteDialog'), (m) => m.DeleteDialog);
const EditInstanceDialog = lazyPart(() => import('./EditInstanceDialog'), (m) => m.EditInstanceDialog);
const LogsPanel = lazyPart(() => import('./LogsPanel'), (m) => m.LogsPanel);
const ShellDialog = lazyPart(() => import('./ShellDialog'), (m) => m.ShellDialog);
const KeptDataSection = lazyPart(() => import('./KeptDataSection'), (m) => m.KeptDataSection);
const OrphanSnapshotsSection = lazyPart(() => import('./OrphanSnapshotsSection'), (m) => m.OrphanSnapshotsSection);
const InstanceCard = lazyPart(() => import('./InstanceCard'), (m) => m.InstanceCard);
const SnapshotsDialog = lazyPart(() => import('./SnapshotsDialog'), (m) => m.SnapshotsDialog);
const ExportDialog = lazyPart(() => import('./TransferDialogs'), (m) => m.ExportDialog);
const ImportDialog = lazyPart(() => import('./TransferDialogs'), (m) => m.ImportDialog);
const UpgradeDialog = lazyPart(() => import('./UpgradeDialogs'), (m) => m.UpgradeDialog);
const RollbackDialog = lazyPart(() => import('./UpgradeDialogs'), (m) => m.RollbackDialog);

const NO_INSTANCES: readonly Instance[] = [];

/** The data dialogs as a failure to show one names them. */
const DATA_DIALOG_NAMES = { snapshots: 'the snapshots', export: 'the export dialog', import: 'the import dialog', upgrade: 'the upgrade dialog', rollback: 'the roll back dialog' } as const;

/** The tab's home: every instance, live, as cards or a table, with their actions; the way to create one. */
export function InstancesView() {
  const { instances, problem, stale, listedAt, retrying, retry, nextRetryAt } = useInstances();
  const actions = useInstanceActions();
  const views = useContainerViews();
  const backend = useBackend();
  const backendStatus = useBackendStatus();
  const usage = useResourceUsage();
  const [creating, setCreating] = useState<CreatePreset | undefined>();
  const [deleting, setDeleting] = useState<Instance | undefined>();
  const [editing, setEditing] = useState<Instance | undefined>();
  const [filter, setFilter] = useState<ListFilter>(NO_FILTER);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkRunning, setBulkRunning] = useState(false);
  const count = instances?.length ?? 0;
  const view = useViewMode(count);

  // The status filter groups by what the chips show (Dockbase's own probes where they are the newer word);
  // without one, nothing here follows the probes' answers (the cards and rows do).
  const serverView = useServerViews(filter.statuses.size > 0 && instances ? instances : NO_INSTANCES);
  const shown = useMemo(() => (instances ? filterInstances(instances, filter, serverView) : []), [instances, filter, serverView]);
  // Bulk actions apply to the selected instances that are shown, or to every instance shown.
  const chosen = useMemo(() => shown.filter((i) => selected.has(i.id)), [shown, selected]);
  const scope = chosen.length > 0 ? chosen : shown;
  const scopeText = chosen.length > 0 ? 'selected' : isFiltering(filter) ? 'shown' : 'all';

  // Data-safety dialogs follow the live instance (its status changes while a snapshot stops and starts it).
  // An upgrade's and a roll back's too (the container and the version change under them); a roll back keeps the
  // point it was opened for, which it uses up.
  const [dataDialog, setDataDialog] = useState<
    { kind: 'snapshots' | 'export' | 'import' | 'upgrade'; id: string } | { kind: 'rollback'; id: string; point: RollbackPoint } | undefined
  >();
  const dialogInstance = dataDialog && instances?.find((i) => i.id === dataDialog.id);
  const closeDataDialog = () => setDataDialog(undefined);
  const rollbackPoints = useRollbackPoints(Boolean(instances?.length));
  const { pointFor } = rollbackPoints;

  const { start, stop, unpause, restart, busy } = actions;
  const { openLogs, openTerminal } = views;
  const actionsOf = useCallback(
    (instance: Instance) =>
      instanceActionItems(instance, busy[instance.id], pointFor(instance), {
        onStart: () => void start(instance),
        onStop: () => void stop(instance),
        onUnpause: () => void unpause(instance),
        onRestart: () => void restart(instance),
        onEdit: () => setEditing(instance),
        onLogs: () => openLogs(instance),
        onTerminal: () => openTerminal(instance),
        onSnapshots: () => setDataDialog({ kind: 'snapshots', id: instance.id }),
        onExport: () => setDataDialog({ kind: 'export', id: instance.id }),
        onImport: () => setDataDialog({ kind: 'import', id: instance.id }),
        onUpgrade: () => setDataDialog({ kind: 'upgrade', id: instance.id }),
        onRollback: () => {
          const point = pointFor(instance);
          if (point) setDataDialog({ kind: 'rollback', id: instance.id, point });
        },
        onDelete: () => setDeleting(instance),
      }),
    [busy, start, stop, unpause, restart, openLogs, openTerminal, pointFor],
  );

  const onSelect = useCallback((id: string, on: boolean) => {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const onSelectAll = useCallback((on: boolean) => setSelected(on ? new Set(shown.map((i) => i.id)) : new Set()), [shown]);
  const onBulk = async (action: BulkAction) => {
    setBulkRunning(true);
    try {
      await actions.bulk(action, scope);
    } finally {
      setBulkRunning(false);
    }
  };
  const recreate = (kept: KeptData) => setCreating({ engine: kept.engine, tag: kept.tag, name: kept.instanceName });

  return (
    <Stack component="main" spacing={3} sx={{ p: 3, minWidth: 0 }}>
      <Stack direction="row" alignItems="flex-start" justifyContent="space-between" spacing={2}>
        <Box>
          <Typography variant="h3" component="h1">
            Dockbase
          </Typography>
          <Typography variant="body1" color="text.secondary">
            Local database instances for development.
            {instances !== undefined && count > 0 && (
              <span role="status">
                {' '}
                {isFiltering(filter) ? `${shown.length} of ${count}` : count} instance{count === 1 ? '' : 's'}
                {isFiltering(filter) ? ' shown' : ''}.
              </span>
            )}
          </Typography>
        </Box>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating({})} sx={{ flexShrink: 0 }}>
          New instance
        </Button>
      </Stack>

      {problem && <EngineUnavailableBanner problem={problem} retrying={retrying} onRetry={() => void retry()} stale={stale} listedAt={listedAt} nextRetryAt={nextRetryAt} />}
      <BackendUnavailableBanner status={backendStatus} />

      {instances === undefined ? (
        !problem && (
          <Stack direction="row" spacing={1} alignItems="center" role="status">
            <CircularProgress size={20} aria-hidden />
            <Typography color="text.secondary">Loading instances…</Typography>
          </Stack>
        )
      ) : instances.length === 0 ? (
        <EmptyState onCreate={() => setCreating({})} />
      ) : (
        <Stack spacing={2} sx={stale ? { opacity: 0.6 } : undefined} aria-label={stale ? 'Last known instances (may be out of date)' : undefined}>
          <ListToolbar
            filter={filter}
            onFilter={setFilter}
            view={view.mode}
            onView={view.setMode}
            bulkScope={scopeText}
            canStart={bulkTargets(scope, 'start').length}
            canStop={bulkTargets(scope, 'stop').length}
            bulkRunning={bulkRunning}
            onBulk={(a) => void onBulk(a)}
            measuring={usage.measuring}
            onMeasure={() => usage.measure(instances)}
            measuredAt={usage.report?.measuredAt}
          />
          {shown.length === 0 ? (
            <Typography color="text.secondary">No instance matches the search and filters.</Typography>
          ) : view.mode === 'table' ? (
            <InstancesTable
              instances={shown}
              busy={busy}
              actionsOf={actionsOf}
              selected={selected}
              onSelect={onSelect}
              onSelectAll={onSelectAll}
              usage={usage.report?.byInstance}
            />
          ) : (
            <PartBoundary what="the cards" fallback={<CircularProgress size={20} aria-label="Loading the cards" />}>
            <Stack spacing={2}>
              {shown.map((instance) => (
                <InstanceCard
                  key={instance.id}
                  instance={instance}
                  busy={busy[instance.id]}
                  actions={actionsOf(instance)}
                  withDetails={backend !== undefined}
                  usage={usage.report?.byInstance.get(instance.id)}
                  rollbackPoint={pointFor(instance)}
                />
              ))}
            </Stack>
            </PartBoundary>
          )}
        </Stack>
      )}

      {/* What deleted instances left is loaded once the instances are shown: it must not slow their first render. */}
      {instances !== undefined && (
        <PartBoundary what="the data deleted instances kept">
          <KeptDataSection onRecreate={recreate} />
        </PartBoundary>
      )}
      {instances !== undefined && (
        <PartBoundary what="the snapshots of deleted instances">
          <OrphanSnapshotsSection instances={instances} />
        </PartBoundary>
      )}
      {creating !== undefined && (
        <PartBoundary what="the new-instance form" onClose={() => setCreating(undefined)}>
          <CreateInstanceDialog open preset={creating} onClose={() => setCreating(undefined)} />
        </PartBoundary>
      )}
      {deleting !== undefined && (
        <PartBoundary what="the delete dialog" onClose={() => setDeleting(undefined)}>
          <DeleteDialog
            instance={deleting}
            withNotes={backend !== undefined}
            onCancel={() => setDeleting(undefined)}
            onConfirm={(instance, options) => {
              setDeleting(undefined);
              void actions.remove(instance, options);
            }}
          />
        </PartBoundary>
      )}
      {editing !== undefined && (
        <PartBoundary what="the edit dialog" onClose={() => setEditing(undefined)}>
          <EditInstanceDialog instance={editing} actions={actions} onClose={() => setEditing(undefined)} />
        </PartBoundary>
      )}
      {views.logsOf !== undefined && (
        <PartBoundary what="the logs" onClose={views.closeLogs}>
          <LogsPanel instance={views.logsOf} onClose={views.closeLogs} />
        </PartBoundary>
      )}
      {views.shellOf !== undefined && (
        <PartBoundary what="the shell" onClose={views.closeShell}>
          <ShellDialog instance={views.shellOf} onClose={views.closeShell} />
        </PartBoundary>
      )}
      {dataDialog !== undefined && (
        <PartBoundary what={DATA_DIALOG_NAMES[dataDialog.kind]} onClose={closeDataDialog}>
          {dataDialog.kind === 'snapshots' && <SnapshotsDialog instance={dialogInstance} onClose={closeDataDialog} />}
          {dataDialog.kind === 'export' && <ExportDialog instance={dialogInstance} onClose={closeDataDialog} />}
          {dataDialog.kind === 'import' && <ImportDialog instance={dialogInstance} onClose={closeDataDialog} />}
          {dataDialog.kind === 'upgrade' && <UpgradeDialog instance={dialogInstance} onClose={closeDataDialog} />}
          {dataDialog.kind === 'rollback' && <RollbackDialog instance={dialogInstance} point={dataDialog.point} onClose={closeDataDialog} />}
        </PartBoundary>
      )}
    </Stack>
  );
}
