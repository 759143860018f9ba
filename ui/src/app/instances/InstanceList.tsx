import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useMemo, useState } from 'react';
import { NO_FILTER, bulkTargets, type Instance, type Job, type ListFilter, type RollbackPoint } from '@dockbase/core';
import { lazyPart } from '../shared/lazy-part';
import { PartBoundary } from '../shared/PartBoundary';
import { FOCUS_RING, type ActionItem } from './InstanceActions';
import { InstancesTable } from './InstancesTable';
import { ListToolbar } from './ListToolbar';
import type { InstanceActions } from './useInstanceActions';
import type { ListSelection } from './useListSelection';
import type { ResourceUsageState } from './useResourceUsage';
import { ServerViewsProvider, ServerWatchList } from './ServerWatches';
import { useWindowedList } from './useWindowedList';
import { VIEW_MODE_KEY, type ViewModeState } from './useViewMode';

// The cards load when first shown: the table alone needs none of their code.
const loadCards = () => import('./InstanceCard');
const InstanceCard = lazyPart(loadCards, (m) => m.InstanceCard);
// When the cards are the view the user chose, their code loads with the page, beside the list's docker ps,
// not once the list is in (a failure here is the part's own to retry when shown).
if (chosenView() === 'cards') loadCards().catch(() => undefined);

function chosenView(): string | null | undefined {
  try {
    return globalThis.localStorage?.getItem(VIEW_MODE_KEY);
  } catch {
    return undefined;
  }
}

export interface InstanceListProps {
  /** Every instance listed (the usage is measured for all of them). */
  instances: readonly Instance[];
  /** The ones the search and filters let through. */
  shown: readonly Instance[];
  filter: ListFilter;
  onFilter(filter: ListFilter): void;
  view: ViewModeState;
  selection: ListSelection;
  busy: InstanceActions['busy'];
  /** The job running on each instance (by id), from any tab or the command line. */
  jobs: ReadonlyMap<string, Job>;
  actionsOf(instance: Instance): readonly ActionItem[];
  pointFor(instance: Instance): RollbackPoint | undefined;
  usage: ResourceUsageState;
  /** Notes and history on the cards and opened rows (only when the backend is there). */
  withDetails: boolean;
  /** The list shown is the last one known, not the engine's current state. */
  stale: boolean;
  /** When the list was read (ms since the epoch). */
  listedAt: number;
}

/** The instances as cards or a table, under the toolbar (search, filters, view, bulk actions, usage). */
export function InstanceList({
  instances,
  shown,
  filter,
  onFilter,
  view,
  selection,
  busy,
  jobs,
  actionsOf,
  pointFor,
  usage,
  withDetails,
  stale,
  listedAt,
}: InstanceListProps) {
  const { scope } = selection;
  return (
    <Stack spacing={2} sx={stale ? { opacity: 0.6 } : undefined} aria-label={stale ? 'Last known instances (may be out of date)' : undefined}>
      <ListToolbar
        filter={filter}
        onFilter={onFilter}
        view={view.mode}
        onView={view.setMode}
        bulkScope={selection.scopeText}
        selectedCount={selection.selected.size}
        onClearSelection={selection.clear}
        canStart={bulkTargets(scope, 'start').length}
        canStop={bulkTargets(scope, 'stop').length}
        bulkRunning={selection.bulkRunning}
        onBulk={(a) => void selection.onBulk(a)}
        measuring={usage.measuring}
        onMeasure={() => usage.measure(instances)}
        measuredAt={usage.report?.measuredAt}
      />
      <ServerViewsProvider>
        {shown.length === 0 ? (
          <Stack direction="row" spacing={1} alignItems="center">
            <Typography color="text.secondary">No instance matches the search and filters.</Typography>
            <Button size="small" onClick={() => onFilter(NO_FILTER)} sx={FOCUS_RING}>
              Clear filters
            </Button>
          </Stack>
        ) : view.mode === 'table' ? (
          <InstancesTable
            instances={shown}
            busy={busy}
            jobs={jobs}
            actionsOf={actionsOf}
            selected={selection.selected}
            onSelect={selection.onSelect}
            onSelectAll={selection.onSelectAll}
            usage={usage.report?.byInstance}
            withDetails={withDetails}
            listedAt={listedAt}
          />
        ) : (
          <PartBoundary what="the cards" fallback={<CircularProgress size={20} aria-label="Loading the cards" />}>
            <InstanceCards shown={shown} busy={busy} jobs={jobs} actionsOf={actionsOf} pointFor={pointFor} usage={usage} withDetails={withDetails} />
          </PartBoundary>
        )}
      </ServerViewsProvider>
    </Stack>
  );
}

/** A card's height before any is drawn (px, with the space under it): the first screenful is guessed from it. */
const CARD_ESTIMATE = 200;

/** The cards, one under the other; only those on screen are rendered (useWindowedList). */
function InstanceCards({
  shown,
  busy,
  jobs,
  actionsOf,
  pointFor,
  usage,
  withDetails,
}: Pick<InstanceListProps, 'shown' | 'busy' | 'jobs' | 'actionsOf' | 'pointFor' | 'usage' | 'withDetails'>) {
  // The cards whose notes were opened stay rendered: a draft is never lost.
  const [opened, setOpened] = useState<ReadonlySet<string>>(NONE);
  const onDetailsShown = useCallback((id: string) => setOpened((o) => (o.has(id) ? o : new Set(o).add(id))), []);
  const keys = useMemo(() => shown.map((i) => i.id), [shown]);
  const windowed = useWindowedList(keys, { estimate: CARD_ESTIMATE, pinned: opened });
  const onScreen = useMemo(() => windowed.items.map((i) => shown[i.index] as Instance), [windowed.items, shown]);
  return (
    <div ref={windowed.containerRef} onFocus={windowed.onFocus}>
      <ServerWatchList instances={shown} onScreen={onScreen} />
      {windowed.items.map(({ index, key, gapBefore }) => {
        const instance = shown[index] as Instance;
        return (
          // The space under a card is the item's own, measured with it.
          <div key={key} ref={windowed.measureRef(key)} style={{ paddingBottom: 16, marginTop: gapBefore }}>
            <InstanceCard
              instance={instance}
              busy={busy[instance.id]}
              job={jobs.get(instance.id)}
              actions={actionsOf(instance)}
              withDetails={withDetails}
              usage={usage.report?.byInstance.get(instance.id)}
              rollbackPoint={pointFor(instance)}
              onDetailsShown={onDetailsShown}
            />
          </div>
        );
      })}
      {windowed.gapAfter > 0 && <div aria-hidden style={{ height: windowed.gapAfter }} />}
    </div>
  );
}

const NONE: ReadonlySet<string> = new Set();
