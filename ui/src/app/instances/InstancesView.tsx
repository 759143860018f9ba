import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { useCallback, useMemo, useState, type Dispatch } from 'react';
import {
  filterInstances,
  isFiltering,
  NO_FILTER,
  type BulkAction,
  type Instance,
  type Job,
  type KeptData,
  type ListFilter,
  type RollbackPoint,
} from '@dockbase/core';
import { useBackend, useBackendFailure, useBackendStatus } from '../shared/useBackend';
import { lazyPart } from '../shared/lazy-part';
import { PartBoundary } from '../shared/PartBoundary';
import { runningJobsByInstance, useJobOutcomes, useJobs } from '../shared/useJobs';
import { useRememberedPasswordChecks } from '../shared/useCredentialCheck';
import { useRollbackPoints } from '../upgrade/useRollbackPoints';
import { useDialogs, type DialogAction } from './dialogs';
import { EmptyState } from './EmptyState';
import { BackendUnavailableBanner, EngineUnavailableBanner } from './EngineUnavailableBanner';
import { instanceActionItems } from './InstanceActions';
import { InstanceDialogs } from './InstanceDialogs';
import { InstanceList } from './InstanceList';
import { ProjectsPanel } from './ProjectsPanel';
import { useContainerViews, type ContainerViews } from './useContainerViews';
import { useInstanceActions, type InstanceActions } from './useInstanceActions';
import { useInstances } from './useInstances';
import { useListSelection } from './useListSelection';
import { useResourceUsage } from './useResourceUsage';
import { useServerViews } from './useServerAnswered';
import { useViewMode } from './useViewMode';

// What the first screen does not show loads when first needed: a smaller first script shows the list sooner.
const KeptDataSection = lazyPart(
  () => import('../snapshots/KeptDataSection'),
  (m) => m.KeptDataSection,
);
const OrphanSnapshotsSection = lazyPart(
  () => import('../snapshots/OrphanSnapshotsSection'),
  (m) => m.OrphanSnapshotsSection,
);

const NO_INSTANCES: readonly Instance[] = [];

/** Instances no job holds. */
const notHeld = (jobs: ReadonlyMap<string, Job>) => (i: Instance) => !jobs.has(i.id);

/** The tab's home: every instance, live, as cards or a table, with their actions; the way to create one. */
export function InstancesView() {
  const { instances, problem, stale, listedAt, retrying, retry, nextRetryAt } = useInstances();
  const actions = useInstanceActions();
  // The jobs running (from this tab, another one or the command line) show on their rows; how each ends is told once.
  useJobOutcomes();
  useRememberedPasswordChecks();
  const { data: jobList } = useJobs();
  const jobs = useMemo(() => runningJobsByInstance(jobList), [jobList]);
  const [dialogs, dispatch] = useDialogs();
  const views = useContainerViews(dispatch);
  const backend = useBackend();
  const backendStatus = useBackendStatus();
  const backendFailure = useBackendFailure();
  const usage = useResourceUsage();
  const [filter, setFilter] = useState<ListFilter>(NO_FILTER);
  const count = instances?.length ?? 0;
  const view = useViewMode(count);

  // The status filter groups by what the chips show (Dockbase's own probes where they are the newer word);
  // without one, nothing here follows the probes' answers (the cards and rows do).
  const serverView = useServerViews(filter.statuses.size > 0 && instances ? instances : NO_INSTANCES);
  const shown = useMemo(() => (instances ? filterInstances(instances, filter, serverView) : []), [instances, filter, serverView]);
  // A bulk start or stop leaves alone the instances a job holds (their own Start and Stop wait for it too).
  const { bulk } = actions;
  const bulkFree = useCallback((a: BulkAction, list: readonly Instance[]) => bulk(a, list.filter(notHeld(jobs))), [bulk, jobs]);
  const selection = useListSelection(shown, filter, view.mode, bulkFree);
  const { pointFor } = useRollbackPoints(Boolean(instances?.length));
  const actionsOf = useActionsOf(actions, jobs, views, pointFor, dispatch);
  const create = () => dispatch({ type: 'openCreate', preset: {} });
  // Re-create offers what the data's instance had: its name, engine, version, (where its volumes record
  // them) its port and image, and the settings it had when it was deleted.
  const recreate = (kept: KeptData) =>
    dispatch({
      type: 'openCreate',
      preset: {
        engine: kept.engine,
        tag: kept.tag,
        name: kept.instanceName,
        ...(kept.hostPort ? { hostPort: kept.hostPort } : {}),
        ...(kept.image ? { image: kept.image } : {}),
        ...(kept.flavour ? { flavour: kept.flavour } : {}),
        ...(kept.settings ? { settings: kept.settings } : {}),
      },
    });

  return (
    <Stack component="main" spacing={3} sx={{ p: 3, minWidth: 0 }}>
      <ViewHeader count={instances !== undefined ? count : undefined} shown={shown.length} filtering={isFiltering(filter)} onCreate={create} />

      {problem && (
        <EngineUnavailableBanner
          problem={problem}
          retrying={retrying}
          onRetry={() => void retry()}
          stale={stale}
          listedAt={listedAt}
          nextRetryAt={nextRetryAt}
        />
      )}
      <BackendUnavailableBanner status={backendStatus} failure={backendFailure} />

      {instances === undefined ? (
        !problem && (
          <Stack direction="row" spacing={1} alignItems="center" role="status">
            <CircularProgress size={20} aria-hidden />
            <Typography color="text.secondary">Loading instances…</Typography>
          </Stack>
        )
      ) : instances.length === 0 ? (
        <EmptyState onCreate={create} />
      ) : (
        <>
          <ProjectsPanel instances={instances} onBulk={bulkFree} />
          <InstanceList
            instances={instances}
            shown={shown}
            filter={filter}
            onFilter={setFilter}
            view={view}
            selection={selection}
            busy={actions.busy}
            jobs={jobs}
            actionsOf={actionsOf}
            pointFor={pointFor}
            usage={usage}
            withDetails={backend !== undefined}
            stale={stale}
            listedAt={listedAt}
          />
        </>
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
      <InstanceDialogs dialogs={dialogs} dispatch={dispatch} instances={instances} actions={actions} withNotes={backend !== undefined} />
    </Stack>
  );
}

/** The title, how many instances there are (and are shown), and New instance. `count` is undefined until listed. */
function ViewHeader({ count, shown, filtering, onCreate }: { count: number | undefined; shown: number; filtering: boolean; onCreate(): void }) {
  return (
    <Stack direction="row" alignItems="flex-start" justifyContent="space-between" spacing={2}>
      <Box>
        <Typography variant="h3" component="h1">
          Dockbase
        </Typography>
        <Typography variant="body1" color="text.secondary">
          Local database instances for development.
          {count !== undefined && count > 0 && (
            <span role="status">
              {' '}
              {filtering ? `${shown} of ${count}` : count} instance{count === 1 ? '' : 's'}
              {filtering ? ' shown' : ''}.
            </span>
          )}
        </Typography>
      </Box>
      <Button variant="contained" startIcon={<AddIcon />} onClick={onCreate} sx={{ flexShrink: 0 }}>
        New instance
      </Button>
    </Stack>
  );
}

/** Each instance's actions (the card's and the row's), bound to what the view does for them. */
function useActionsOf(
  actions: InstanceActions,
  jobs: ReadonlyMap<string, Job>,
  views: ContainerViews,
  pointFor: (instance: Instance) => RollbackPoint | undefined,
  dispatch: Dispatch<DialogAction>,
) {
  const { start, stop, pause, unpause, restart, busy } = actions;
  const { openLogs, openTerminal } = views;
  return useCallback(
    (instance: Instance) =>
      instanceActionItems(instance, busy[instance.id], jobs.get(instance.id), pointFor(instance), {
        onStart: () => void start(instance),
        onStop: () => void stop(instance),
        onPause: () => void pause(instance),
        onUnpause: () => void unpause(instance),
        onRestart: () => void restart(instance),
        onEdit: () => dispatch({ type: 'openEdit', instance }),
        onLogs: () => openLogs(instance),
        onTerminal: () => openTerminal(instance),
        onSnapshots: () => dispatch({ type: 'openData', dialog: { kind: 'snapshots', id: instance.id } }),
        onExport: () => dispatch({ type: 'openData', dialog: { kind: 'export', id: instance.id } }),
        onImport: () => dispatch({ type: 'openData', dialog: { kind: 'import', id: instance.id } }),
        onUpgrade: () => dispatch({ type: 'openData', dialog: { kind: 'upgrade', id: instance.id } }),
        onMigrate: () => dispatch({ type: 'openData', dialog: { kind: 'migrate', id: instance.id } }),
        onRollback: () => {
          const point = pointFor(instance);
          if (point) dispatch({ type: 'openData', dialog: { kind: 'rollback', id: instance.id, point } });
        },
        onDelete: () => dispatch({ type: 'openDelete', instance }),
      }),
    [busy, jobs, start, stop, pause, unpause, restart, openLogs, openTerminal, pointFor, dispatch],
  );
}
