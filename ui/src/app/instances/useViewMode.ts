import { useCallback, useState } from 'react';
import { viewModeFor, type ViewMode } from '@dockbase/core';

/** Where the chosen view is remembered: localStorage persists per user (per extension in Docker Desktop). */
export const VIEW_MODE_KEY = 'dockbase.viewMode';

function readChoice(): ViewMode | undefined {
  try {
    const v = globalThis.localStorage?.getItem(VIEW_MODE_KEY);
    return v === 'cards' || v === 'table' ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface ViewModeState {
  mode: ViewMode;
  /** Whether the user chose it (otherwise it follows the number of instances). */
  chosen: boolean;
  setMode(mode: ViewMode): void;
}

/** Cards or table: the user's choice, remembered; otherwise cards for a handful, the table past it (core rule). */
export function useViewMode(count: number): ViewModeState {
  const [choice, setChoice] = useState<ViewMode | undefined>(readChoice);
  const setMode = useCallback((mode: ViewMode) => {
    setChoice(mode);
    try {
      globalThis.localStorage?.setItem(VIEW_MODE_KEY, mode);
    } catch {
      // storage refused (private mode): the choice holds for this session
    }
  }, []);
  return { mode: viewModeFor(count, choice), chosen: choice !== undefined, setMode };
}
