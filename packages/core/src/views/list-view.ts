/**
 * The rules of the instance list as people read it: natural order of names, the table's search and filters,
 * which view suits how many instances, and which instances a bulk Start or Stop applies to. Pure functions:
 * the UI renders what they decide.
 */
import type { EngineId } from '../engines';
import { displayStatus, isActive, type DisplayStatus, type Instance, type ServerView } from '../model/instance';
import { compareByName, naturalCompare } from '../model/order';

export { compareByName, naturalCompare };

/** The status filter's groups: what a user asks for ("which ones run?"), not docker's many states. */
export type StatusGroup = 'running' | 'starting' | 'paused' | 'stopped' | 'problem';

export const STATUS_GROUPS: readonly StatusGroup[] = ['running', 'starting', 'paused', 'stopped', 'problem'];

export const STATUS_GROUP_LABELS: Readonly<Record<StatusGroup, string>> = {
  running: 'Running',
  starting: 'Starting',
  paused: 'Paused',
  stopped: 'Stopped',
  problem: 'Needs attention',
};

const GROUP_OF: Readonly<Record<DisplayStatus, StatusGroup>> = {
  running: 'running',
  healthy: 'running',
  starting: 'starting',
  paused: 'paused',
  stopped: 'stopped',
  unhealthy: 'problem',
  killed: 'problem',
  'out-of-memory': 'problem',
  error: 'problem',
};

/** The group of the status the chip shows (`view`: what Dockbase's own probes know, as for the chip). */
export function statusGroup(instance: Pick<Instance, 'status' | 'health' | 'exitCode' | 'failure'>, view: ServerView = {}): StatusGroup {
  return GROUP_OF[displayStatus(instance, view)];
}

export interface ListFilter {
  /** Part of the name, any case; blank: every name. */
  search: string;
  /** Empty: every engine. */
  engines: ReadonlySet<EngineId>;
  /** Empty: every status. */
  statuses: ReadonlySet<StatusGroup>;
}

export const NO_FILTER: ListFilter = { search: '', engines: new Set(), statuses: new Set() };

export function isFiltering(filter: ListFilter): boolean {
  return filter.search.trim() !== '' || filter.engines.size > 0 || filter.statuses.size > 0;
}

/**
 * The instances the filter lets through, in natural order of names. `viewOf`: what Dockbase's own probes know
 * of each, so that a status filter agrees with the chips.
 */
export function filterInstances<T extends Instance>(instances: readonly T[], filter: ListFilter, viewOf: (instance: T) => ServerView = () => ({})): T[] {
  const needle = filter.search.trim().toLowerCase();
  return instances
    .filter(
      (i) =>
        (needle === '' || i.name.toLowerCase().includes(needle)) &&
        (filter.engines.size === 0 || filter.engines.has(i.engine)) &&
        (filter.statuses.size === 0 || filter.statuses.has(statusGroup(i, viewOf(i)))),
    )
    .sort(compareByName);
}

export type ViewMode = 'cards' | 'table';

/** Up to this many instances fit on a screen as cards; past it the table is the default view. */
export const CARDS_UP_TO = 5;

/** The view to show: the one the user chose, or the one that suits the number of instances. */
export function viewModeFor(count: number, chosen: ViewMode | undefined): ViewMode {
  return chosen ?? (count > CARDS_UP_TO ? 'table' : 'cards');
}

export type BulkAction = 'start' | 'stop';

/** Of the given instances, those the action applies to: Start those not running, Stop those running. */
export function bulkTargets<T extends Instance>(instances: readonly T[], action: BulkAction): T[] {
  return instances.filter((i) => (action === 'start' ? !isActive(i) : isActive(i)));
}
