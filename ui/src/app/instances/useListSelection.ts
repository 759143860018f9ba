import { useCallback, useMemo, useState } from 'react';
import { isFiltering, type BulkAction, type Instance, type ListFilter, type ViewMode } from '@dockbase/core';
import type { InstanceActions } from './useInstanceActions';

export interface ListSelection {
  selected: ReadonlySet<string>;
  onSelect(id: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  /** Unselects every instance. */
  clear(): void;
  /** What the bulk actions apply to: the selected instances, or every instance shown. */
  scope: readonly Instance[];
  /** How the toolbar names the scope: "selected", "shown" (filtered) or "all". */
  scopeText: 'selected' | 'shown' | 'all';
  bulkRunning: boolean;
  onBulk(action: BulkAction): Promise<void>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The table's selection, and the bulk actions (Start, Stop) over what is selected or shown. Only what the
 * user sees can be selected: an instance the search or a filter hides (or that is gone) leaves the selection
 * at once, and so does every instance when the cards show (they have no checkboxes), so a bulk action never
 * applies to an instance out of sight, and showing it again does not bring back a forgotten choice.
 */
export function useListSelection(shown: readonly Instance[], filter: ListFilter, mode: ViewMode, bulk: InstanceActions['bulk']): ListSelection {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(NONE);
  const [bulkRunning, setBulkRunning] = useState(false);
  const visible = useMemo(() => (mode === 'table' ? shown.filter((i) => chosen.has(i.id)) : []), [mode, shown, chosen]);
  const selected = useMemo(
    () => (visible.length === chosen.size ? chosen : visible.length === 0 ? NONE : new Set(visible.map((i) => i.id))),
    [visible, chosen],
  );
  // What left the view leaves the selection for good (set while rendering: no frame shows the old one).
  if (selected !== chosen) setChosen(selected);
  const scope = visible.length > 0 ? visible : shown;
  const scopeText = visible.length > 0 ? 'selected' : isFiltering(filter) ? 'shown' : 'all';

  const onSelect = useCallback((id: string, on: boolean) => {
    setChosen((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const onSelectAll = useCallback((on: boolean) => setChosen(on ? new Set(shown.map((i) => i.id)) : NONE), [shown]);
  const clear = useCallback(() => setChosen(NONE), []);
  const onBulk = async (action: BulkAction) => {
    setBulkRunning(true);
    try {
      await bulk(action, scope);
    } finally {
      setBulkRunning(false);
    }
  };
  return { selected, onSelect, onSelectAll, clear, scope, scopeText, bulkRunning, onBulk };
}
