import { useCallback, useMemo, useState } from 'react';
import { isFiltering, type BulkAction, type Instance, type ListFilter } from '@dockbase/core';
import type { InstanceActions } from './useInstanceActions';

export interface ListSelection {
  selected: ReadonlySet<string>;
  onSelect(id: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  /** What the bulk actions apply to: the selected instances that are shown, or every instance shown. */
  scope: readonly Instance[];
  /** How the toolbar names the scope: "selected", "shown" (filtered) or "all". */
  scopeText: 'selected' | 'shown' | 'all';
  bulkRunning: boolean;
  onBulk(action: BulkAction): Promise<void>;
}

/** The table's selection, and the bulk actions (Start, Stop) over what is selected or shown. */
export function useListSelection(shown: readonly Instance[], filter: ListFilter, bulk: InstanceActions['bulk']): ListSelection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkRunning, setBulkRunning] = useState(false);
  // Bulk actions apply to the selected instances that are shown, or to every instance shown.
  const chosen = useMemo(() => shown.filter((i) => selected.has(i.id)), [shown, selected]);
  const scope = chosen.length > 0 ? chosen : shown;
  const scopeText = chosen.length > 0 ? 'selected' : isFiltering(filter) ? 'shown' : 'all';

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
      await bulk(action, scope);
    } finally {
      setBulkRunning(false);
    }
  };
  return { selected, onSelect, onSelectAll, scope, scopeText, bulkRunning, onBulk };
}
