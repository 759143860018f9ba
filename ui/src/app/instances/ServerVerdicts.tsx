/**
 * Docker's verdict on each container as this tab first saw it (the core's `noteVerdict`), shared by every
 * card and row that shows the instance: the watch's answer counts only when newer. One record per tab, that
 * is per cache (its QueryClient): a new cache starts afresh, as its answers do.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SeenVerdict } from '@dockbase/core';

/** Per container id: docker's verdict as the tab last saw it, and since when. */
export type SeenVerdicts = Map<string, SeenVerdict>;

const SeenVerdictsContext = createContext<SeenVerdicts | null>(null);

export function SeenVerdictsProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [held, setHeld] = useState(() => ({ client, verdicts: new Map<string, SeenVerdict>() as SeenVerdicts }));
  let current = held;
  if (held.client !== client) {
    current = { client, verdicts: new Map() };
    setHeld(current);
  }
  return <SeenVerdictsContext.Provider value={current.verdicts}>{children}</SeenVerdictsContext.Provider>;
}

export function useSeenVerdicts(): SeenVerdicts {
  const value = useContext(SeenVerdictsContext);
  if (!value) throw new Error('useSeenVerdicts must be used inside <SeenVerdictsProvider>');
  return value;
}
