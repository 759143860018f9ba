import { createContext, memo, useCallback, useContext, useEffect, useLayoutEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Instance } from '@dockbase/core';
import { useServerAnswered, type ServerReadiness } from './useServerAnswered';

/**
 * Dockbase's own probes of every shown instance (the readiness wait after a start, the watch of a running
 * server: useServerAnswered), one for each instance whether its row or card is on screen or not (only those
 * on screen are rendered): the status filter, the watch's cadence and a hang's detection do not depend on
 * scrolling. What each found is kept here (ServerViewsProvider), and the rows and cards on screen read it
 * (useWatchedServer).
 */
class ServerViews {
  private readonly views = new Map<string, ServerReadiness>();
  private readonly told = new Map<string, ServerReadiness>();
  private readonly listeners = new Map<string, Set<() => void>>();

  get(containerId: string): ServerReadiness | undefined {
    return this.views.get(containerId);
  }

  /** While the watch renders: the rows and cards rendered after it in the same pass read it at once. */
  put(containerId: string, view: ServerReadiness): void {
    const now = this.views.get(containerId);
    if (!now || !sameView(now, view)) this.views.set(containerId, view);
  }

  /** Once committed: the rows and cards that showed an older view render again. */
  tell(containerId: string): void {
    const view = this.views.get(containerId);
    if (view === undefined || this.told.get(containerId) === view) return;
    this.told.set(containerId, view);
    for (const l of [...(this.listeners.get(containerId) ?? [])]) l();
  }

  subscribe(containerId: string, listener: () => void): () => void {
    let set = this.listeners.get(containerId);
    if (!set) this.listeners.set(containerId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}

function sameView(a: ServerReadiness, b: ServerReadiness): boolean {
  const ka = Object.keys(a) as (keyof ServerReadiness)[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

const Views = createContext<ServerViews | undefined>(undefined);
const NO_VIEW: ServerReadiness = {};

/** Where the watches below keep what they found, for `children`. */
export function ServerViewsProvider({ children }: { children: ReactNode }) {
  const [views] = useState(() => new ServerViews());
  return <Views.Provider value={views}>{children}</Views.Provider>;
}

/**
 * The watches of every instance in `instances`; rendered before the rows or cards that read them. Those of
 * `onScreen` come at once (their rows show what they found from the first frame), the others once the list
 * is drawn: they must not slow its first render.
 */
export function ServerWatchList({ instances, onScreen }: { instances: readonly Instance[]; onScreen: readonly Instance[] }) {
  const views = useContext(Views);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => setDrawn(true), []);
  if (!views) return null;
  return (drawn ? instances : onScreen).map((instance) => <ServerWatch key={instance.id} instance={instance} views={views} />);
}

const ServerWatch = memo(function ServerWatch({ instance, views }: { instance: Instance; views: ServerViews }) {
  const view = useServerAnswered(instance);
  views.put(instance.containerId, view);
  useLayoutEffect(() => views.tell(instance.containerId));
  return null;
});

/** What the instance's watch found, for its status chip (docker's word alone outside ServerViewsProvider). */
export function useWatchedServer(instance: Pick<Instance, 'containerId'>): ServerReadiness {
  const views = useContext(Views);
  const { containerId } = instance;
  const subscribe = useCallback((listener: () => void) => views?.subscribe(containerId, listener) ?? (() => undefined), [views, containerId]);
  return useSyncExternalStore(subscribe, () => views?.get(containerId) ?? NO_VIEW);
}
