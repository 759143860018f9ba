import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import { Fragment, memo, useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import { displayStatus, flavouredName, getEngine, type Instance, type InstanceUsage, type Job } from '@dockbase/core';
import { useCredentialStates, type CredentialState } from '../shared/useCredentialCheck';
import type { InstanceAction } from './useInstanceActions';
import { ServerWatchList, useWatchedServer } from './ServerWatches';
import { engineAccent, engineMonogram } from '../shared/EngineIcon';
import { ActionMenu, BUSY_TEXT, type ActionItem } from './InstanceActions';
import { projectText } from './project-text';
import { ExportReadyNote } from '../transfer/ExportReady';
import { lazyPart } from '../shared/lazy-part';
import { PartBoundary } from '../shared/PartBoundary';
import { RunningJobNote } from './RunningJob';
import { LOOK } from './StatusChip';
import { usageText } from './UsageLine';
import { useUptime } from './uptime';
import { useWindowedList } from './useWindowedList';

export interface InstancesTableProps {
  instances: readonly Instance[];
  busy: Readonly<Record<string, InstanceAction>>;
  /** The job running on each instance (by id), from any tab or the command line. */
  jobs: ReadonlyMap<string, Job>;
  actionsOf(instance: Instance): readonly ActionItem[];
  selected: ReadonlySet<string>;
  onSelect(id: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  /** CPU, memory and data size by instance id, once measured (the columns show then). */
  usage: ReadonlyMap<string, InstanceUsage> | undefined;
  /** Notes and history in an opened row (only when the backend is there). */
  withDetails: boolean;
  /** When the list was read (ms since the epoch): the uptimes docker gave then are counted on from there. */
  listedAt: number;
}

// An opened row's connection string, notes and history are the card's own parts, loaded when a row is first opened.
const InstanceRowDetails = lazyPart(
  () => import('./InstanceRowDetails'),
  (m) => m.InstanceRowDetails,
);

/** The primary actions' icons, drawn inline (Material's own paths): a hundred rows stay cheap to render. */
const ROW_ICONS: Record<string, string> = {
  start: 'M8 5v14l11-7z',
  unpause: 'M8 5v14l11-7z',
  stop: 'M6 6h12v12H6z',
  pause: 'M6 19h4V5H6zm8-14v14h4V5z',
};

/** A row's details toggle: a chevron down while closed, up while open. */
const EXPAND_ICON = { closed: 'M16.59 8.59 12 13.17 7.41 8.59 6 10l6 6 6-6z', open: 'm12 8-6 6 1.41 1.41L12 10.83l4.59 4.58L18 14z' } as const;

function Icon({ d }: { d: string }): ReactNode {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

/** A row's height before any is drawn (px): the first screenful is guessed from it. */
const ROW_ESTIMATE = 49;

/**
 * One instance: its row, and its details row once opened. A table section of its own (tbody), so that the
 * space both take is measured as one item of the windowed list.
 */
const Row = memo(function Row({
  instance,
  busy,
  job,
  actions,
  selected,
  onSelect,
  usage,
  measured,
  credential,
  withDetails,
  listedAt,
  details,
  onToggleDetails,
  rowIndex,
  measureRef,
}: {
  instance: Instance;
  busy: InstanceAction | undefined;
  job: Job | undefined;
  actions: readonly ActionItem[];
  selected: boolean;
  onSelect(id: string, on: boolean): void;
  usage: InstanceUsage | undefined;
  measured: boolean;
  credential: CredentialState | undefined;
  withDetails: boolean;
  listedAt: number;
  /** Undefined until the details are first opened; then whether they are open (kept, hidden, once closed). */
  details: boolean | undefined;
  onToggleDetails(id: string): void;
  /** The row's place in the whole table (aria-rowindex), the header being 1. */
  rowIndex: number;
  measureRef(element: HTMLElement | null): void;
}) {
  const open = details === true;
  const opened = details !== undefined;
  const detailsId = useId();
  const engine = getEngine(instance.engine);
  // The same rule as a card's chip (Dockbase's own probe while docker has no verdict, or a stale one), from
  // what the list's watch of every shown instance found: a row asks nothing itself.
  const readiness = useWatchedServer(instance);
  const look = LOOK[displayStatus(instance, readiness)];
  const t = usage ? usageText(usage) : undefined;
  const uptime = useUptime(instance, listedAt);
  const primary = actions.filter((a) => a.primary);
  // Selection, name, engine, status, port, uptime, [CPU, memory, data,] actions.
  const columns = measured ? 10 : 7;
  return (
    <tbody ref={measureRef}>
      <tr
        className={selected ? 'db-selected' : undefined}
        data-instance={instance.name}
        aria-rowindex={rowIndex}
        aria-busy={busy !== undefined || job !== undefined}
      >
        <td className="db-check">
          <input type="checkbox" checked={selected} onChange={(e) => onSelect(instance.id, e.target.checked)} aria-label={`Select ${instance.name}`} />
        </td>
        <th scope="row" className="db-name">
          {instance.name}
          {instance.project && <span className="db-project">{projectText(instance.project)}</span>}
        </th>
        <td>
          <span className="db-engine">
            <span className="db-monogram" aria-hidden style={{ background: engineAccent(instance.engine) }}>
              {engineMonogram(instance.engine)}
            </span>
            {flavouredName(engine.displayName, instance.flavour)} {instance.tag}
          </span>
        </td>
        <td>
          <span className={`db-chip db-chip-${look.color ?? 'default'}`} title={instance.failure?.summary ?? instance.statusText}>
            {look.label}
          </span>
          {credential?.status === 'rejected' && (
            <span className="db-chip db-chip-error db-chip-filled" title={credential.message}>
              Password refused
            </span>
          )}
          {busy && !job && (
            <span className="db-note" role="status">
              {BUSY_TEXT[busy]}
            </span>
          )}
          {job ? <RunningJobNote job={job} /> : <ExportReadyNote instance={instance} />}
          {instance.failure && !busy && !job && (
            <span className="db-note db-failure" title={instance.failure.summary}>
              {instance.failure.summary}
            </span>
          )}
        </td>
        <td>
          {instance.hostPort}
          {instance.bindAddress !== '127.0.0.1' && (
            <span className="db-muted" title="Reachable from your network">
              {' '}
              (network)
            </span>
          )}
        </td>
        <td>{uptime ?? '–'}</td>
        {measured && (
          <>
            <td className="db-num">{t?.cpu ?? '–'}</td>
            <td className="db-num">{t?.memory ?? '–'}</td>
            <td className="db-num">{t?.data ?? '–'}</td>
          </>
        )}
        <td className="db-actions">
          {primary.map((item) => (
            <button
              key={item.id}
              type="button"
              className="db-icon-button"
              aria-label={item.label}
              title={item.label}
              disabled={item.disabled}
              onClick={item.onClick}
            >
              {ROW_ICONS[item.id] ? <Icon d={ROW_ICONS[item.id] as string} /> : item.icon}
            </button>
          ))}
          <ActionMenu instanceName={instance.name} items={actions.filter((a) => !a.primary)} />
          <button
            type="button"
            className="db-icon-button"
            aria-label={`Details of ${instance.name}`}
            aria-expanded={open}
            aria-controls={opened ? detailsId : undefined}
            title={withDetails ? 'Connection string, notes and history' : 'Connection string'}
            onClick={() => onToggleDetails(instance.id)}
          >
            <Icon d={open ? EXPAND_ICON.open : EXPAND_ICON.closed} />
          </button>
        </td>
      </tr>
      {opened && (
        <tr className="db-details" hidden={!open} aria-rowindex={open ? rowIndex + 1 : undefined}>
          <td colSpan={columns}>
            <Box id={detailsId} role="region" aria-label={`Details of ${instance.name}`}>
              <PartBoundary what="the instance's details" fallback={<CircularProgress size={20} aria-label="Loading the details" />}>
                <InstanceRowDetails instance={instance} withDetails={withDetails} />
              </PartBoundary>
            </Box>
          </td>
        </tr>
      )}
    </tbody>
  );
});

/**
 * The compact view: one row per instance, the same actions as a card (its menu holds the less frequent
 * ones). Rows are plain table elements styled once for the whole table, and only the rows on screen are
 * rendered (useWindowedList): a thousand instances render as fast as a screenful. The table still says how
 * many rows it has (aria-rowcount) and where each rendered one stands (aria-rowindex).
 */
export function InstancesTable({ instances, busy, jobs, actionsOf, selected, onSelect, onSelectAll, usage, withDetails, listedAt }: InstancesTableProps) {
  const all = instances.length > 0 && instances.every((i) => selected.has(i.id));
  const some = instances.some((i) => selected.has(i.id));
  const measured = usage !== undefined;
  const credentials = useCredentialStates();
  // The rows whose details were opened (true while open): they stay rendered, so a notes draft is never lost.
  const [details, setDetails] = useState<ReadonlyMap<string, boolean>>(NO_DETAILS);
  const onToggleDetails = useCallback((id: string) => setDetails((d) => new Map(d).set(id, !d.get(id))), []);
  const keys = useMemo(() => instances.map((i) => i.id), [instances]);
  const pinned = useMemo(() => new Set(details.keys()), [details]);
  const windowed = useWindowedList(keys, { estimate: ROW_ESTIMATE, pinned });
  // Each instance's place among the table's rows: the header is row 1, an open details row is one more.
  const rowIndexes = useMemo(() => {
    const out = new Map<string, number>();
    let index = 2;
    for (const i of instances) {
      out.set(i.id, index);
      index += details.get(i.id) ? 2 : 1;
    }
    return { of: out, count: index - 1 };
  }, [instances, details]);
  const columns = measured ? 10 : 7;
  const onScreen = useMemo(() => windowed.items.map((i) => instances[i.index] as Instance), [windowed.items, instances]);
  return (
    <Box sx={TABLE_STYLE}>
      <ServerWatchList instances={instances} onScreen={onScreen} />
      <table aria-label="Instances" aria-rowcount={rowIndexes.count} ref={windowed.containerRef} onFocus={windowed.onFocus}>
        <thead>
          <tr aria-rowindex={1}>
            <th className="db-check">
              <input
                type="checkbox"
                checked={all}
                ref={(el) => {
                  if (el) el.indeterminate = some && !all;
                }}
                onChange={(e) => onSelectAll(e.target.checked)}
                aria-label="Select all shown"
              />
            </th>
            <th>Name</th>
            <th>Engine</th>
            <th>Status</th>
            <th>Port</th>
            <th>Uptime</th>
            {measured && (
              <>
                <th className="db-num">CPU</th>
                <th className="db-num">Memory</th>
                <th className="db-num">Data</th>
              </>
            )}
            <th className="db-actions">Actions</th>
          </tr>
        </thead>
        {windowed.items.map(({ index, key, gapBefore }) => {
          const instance = instances[index] as Instance;
          return (
            <Fragment key={key}>
              {gapBefore > 0 && <Gap height={gapBefore} columns={columns} />}
              <Row
                instance={instance}
                busy={busy[instance.id]}
                job={jobs.get(instance.id)}
                actions={actionsOf(instance)}
                selected={selected.has(instance.id)}
                onSelect={onSelect}
                usage={usage?.get(instance.id)}
                measured={measured}
                credential={credentials.get(instance.containerId)}
                withDetails={withDetails}
                listedAt={listedAt}
                details={details.get(instance.id)}
                onToggleDetails={onToggleDetails}
                rowIndex={rowIndexes.of.get(instance.id) ?? 0}
                measureRef={windowed.measureRef(key)}
              />
            </Fragment>
          );
        })}
        {windowed.gapAfter > 0 && <Gap height={windowed.gapAfter} columns={columns} />}
      </table>
    </Box>
  );
}

const NO_DETAILS: ReadonlyMap<string, boolean> = new Map();

/** The space of rows not rendered: an empty row, out of the accessibility tree. */
function Gap({ height, columns }: { height: number; columns: number }) {
  return (
    <tbody aria-hidden className="db-gap">
      <tr>
        <td colSpan={columns} style={{ height, padding: 0, border: 0 }} />
      </tr>
    </tbody>
  );
}

/** The whole table's look, in one place (theme colours, light and dark), instead of per-cell components. */
const TABLE_STYLE = {
  border: 1,
  borderColor: 'divider',
  borderRadius: 1,
  overflowX: 'auto',
  '& table': { width: '100%', borderCollapse: 'collapse', typography: 'body2' },
  '& th, & td': { textAlign: 'left', px: 1.5, py: 0.75, borderBottom: 1, borderColor: 'divider', verticalAlign: 'middle', whiteSpace: 'nowrap' },
  '& thead th': { fontWeight: 500, color: 'text.secondary', whiteSpace: 'nowrap' },
  // The last row has no border under it (nor does the last instance's row when its closed details follow it);
  // every other instance's rows (each in a section of its own) keep theirs.
  '& tbody:last-child tr:last-of-type > *, & tbody:last-child tr:has(+ tr.db-details[hidden]:last-of-type) > *': { borderBottom: 0 },
  '& tbody.db-gap tr, & tbody.db-gap tr:hover': { bgcolor: 'transparent' },
  '& tbody tr:hover': { bgcolor: 'action.hover' },
  '& tr.db-selected': { bgcolor: 'action.selected' },
  // An opened row's details: text wraps there, and the row under the pointer is not highlighted.
  '& tbody tr.db-details, & tbody tr.db-details:hover': { bgcolor: 'transparent' },
  '& tr.db-details > td': { whiteSpace: 'normal', pl: 7 },
  '& .db-check': { width: 40, pr: 0 },
  '& .db-check input': {
    width: 16,
    height: 16,
    m: 0,
    accentColor: (t: { palette: { primary: { main: string } } }) => t.palette.primary.main,
    cursor: 'pointer',
  },
  '& .db-name': { fontWeight: 600 },
  '& .db-project': { display: 'block', fontWeight: 400, fontSize: '0.8125rem', color: 'text.secondary' },
  '& .db-engine': { display: 'inline-flex', alignItems: 'center', gap: 1, whiteSpace: 'nowrap' },
  '& .db-monogram': { display: 'inline-grid', placeItems: 'center', width: 20, height: 20, borderRadius: 0.5, color: '#fff', fontSize: 8, fontWeight: 700 },
  '& .db-chip': {
    display: 'inline-block',
    px: 1,
    py: '1px',
    mr: 0.5,
    borderRadius: 4,
    border: 1,
    fontSize: '0.8125rem',
    lineHeight: 1.5,
    whiteSpace: 'nowrap',
  },
  '& .db-chip-default': { borderColor: 'text.secondary', color: 'text.primary' },
  '& .db-chip-success': { borderColor: 'success.main', color: 'success.main' },
  '& .db-chip-info': { borderColor: 'info.main', color: 'info.main' },
  '& .db-chip-warning': { borderColor: 'warning.main', color: 'warning.main' },
  '& .db-chip-error': { borderColor: 'error.main', color: 'error.main' },
  '& .db-chip-filled': { bgcolor: 'error.main', color: 'error.contrastText' },
  '& .db-note': {
    display: 'block',
    typography: 'caption',
    color: 'text.secondary',
    maxWidth: 280,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  '& .db-failure': { color: 'error.main' },
  '& .db-job': { display: 'flex', alignItems: 'center', gap: 1 },
  '& .db-job .db-note': { color: 'text.primary' },
  '& .db-text-button': {
    flexShrink: 0,
    p: '0 4px',
    border: 0,
    borderRadius: 0.5,
    bgcolor: 'transparent',
    color: 'primary.main',
    typography: 'caption',
    fontWeight: 600,
    cursor: 'pointer',
    '&:hover': { bgcolor: 'action.hover' },
    '&:focus-visible': { outline: '2px solid', outlineColor: 'text.primary', outlineOffset: 1 },
  },
  '& .db-muted': { typography: 'caption', color: 'text.secondary' },
  '& .db-num': { textAlign: 'right', whiteSpace: 'nowrap' },
  '& .db-actions': { textAlign: 'right', whiteSpace: 'nowrap', width: 1 },
  '& .db-icon-button': {
    display: 'inline-grid',
    placeItems: 'center',
    width: 32,
    height: 32,
    p: 0,
    border: 0,
    borderRadius: '50%',
    bgcolor: 'transparent',
    color: 'primary.main',
    cursor: 'pointer',
    verticalAlign: 'middle',
    '&:hover': { bgcolor: 'action.hover' },
    '&:disabled': { color: 'action.disabled', cursor: 'default' },
    '&:focus-visible': { outline: '2px solid', outlineColor: 'text.primary', outlineOffset: 1 },
  },
} as const;
