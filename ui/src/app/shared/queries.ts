/**
 * What the tab reads from docker and the backend, in one place: the query keys, the defaults of the one
 * QueryClient each <App> creates, and the invalidations the hooks share. Hooks read through TanStack
 * Query; components never fetch.
 *
 * Opening the tab costs three docker commands however many instances there are: the list (one `docker ps`,
 * asked by main.tsx before the UI loads and never again by age), the event stream, and one `docker volume ls`
 * of everything deleted instances left (the kept data, the snapshots, the rollback points: leftBehindQuery).
 * Nothing is asked per instance as it opens: a server docker still calls "starting" long after its start
 * shows as running, and the watch asks it on its cadence (useServerAnswered).
 *
 * The tab must cost nothing while it sits idle: nothing polls docker and nothing refetches on window focus or
 * reconnect. The instance list is kept current by docker's event stream (`useInstances` invalidates the
 * list query on each burst of events) and by the actions, which invalidate what they changed. The one
 * docker calls that are not an answer to a change are Dockbase's own probes of running servers
 * (`useServerAnswered`): the readiness wait after a start, and the watch, one probe per running instance
 * every 40 s while the tab is visible (docker itself probes only every 20 minutes, so that idle instances
 * cost almost nothing when nobody looks). The one query that polls is the jobs list (`useJobs`), and never
 * docker: it asks the jobs service (the backend, or the page's own runner, in memory) every 500 ms while a
 * job runs and every 5 s otherwise, only while the page is visible, since a job may be started elsewhere
 * (another tab, the command line).
 *
 * One error policy per kind of failure:
 *
 * | Kind of failure                                      | Shown as                                  | Where                                  |
 * | ---------------------------------------------------- | ----------------------------------------- | -------------------------------------- |
 * | The engine / docker list: the list query, the event  | the banner (`EngineUnavailableBanner`,    | `useInstances` (`problem`)             |
 * | stream ending, Retry's ping                          | with Retry); never a toast                |                                        |
 * | The bridge to docker (the standalone host, Docker    | the same banner, naming the host: the     | `useInstances` (`problem`)             |
 * | Desktop's bridge) does not answer                    | last list stays, marked stale; retried    |                                        |
 * | A user's action: start, stop, restart, delete,       | an error toast with the service's message | `useInstanceActions`,                  |
 * | create, save notes, reveal or copy a secret, measure | (create: also the dialog's alert, or the  | `useCreateInstance`, `useInstanceMeta`,|
 * | usage, delete kept data; a job's start refused       | field at fault inline; a job's dialog too)| `useConnection`, `useInstanceJob`...   |
 * | A job that ends (upgrade, roll back, edit, snapshot, | one toast per job, from any door, also    | `useJobOutcomes` (the dialog's alert:  |
 * | restore, import), or ended while the page was away   | after the page was away (an interruption: | `useInstanceJob`)                      |
 * |                                                      | a warning; a cancel: none)                |                                        |
 * | A password that does not open the data               | on the row (instead of the connection     | `useCredentialCheck`                   |
 * |                                                      | string) and in a toast                    |                                        |
 * | The backend stops answering after it did             | a banner naming the backend, retried with | `useBackendStatus`                     |
 * |                                                      | backoff until it answers again            |                                        |
 * | An optional feature: the backend (health, Docker     | silent degradation: the feature is hidden | `useAvailableBackend`, `useTags`,      |
 * | Hub tags, notes and history, recording) and the      | or shows catalog data, said as such       | `useInstanceMeta` (`meta`),            |
 * | engine usage behind the form's suggestions           | ("offline: suggested versions")           | `ActivityLog`, `useEngineUsage`        |
 *
 * Nothing is retried silently (`retry: false`), except what is down: the engine, the bridge and the
 * backend are asked again with a growing wait (see RETRY_DELAYS_MS) while, and only while, they do not
 * answer. A healthy, idle tab makes no docker call at all (only the jobs list is asked, every 5 s, while visible).
 */
import { QueryClient } from '@tanstack/react-query';
import { recordIdOf, type Dockbase, type EngineId, type Instance } from '@dockbase/core';

export const queryKeys = {
  /** Every instance (`dockbase.lifecycle.list`). */
  instances: ['instances'] as const,
  /** Names and host ports taken by any container, for the create form (`dockbase.creation.usage`). */
  engineUsage: ['engine-usage'] as const,
  /**
   * Running jobs, and those that ended since this browser last saw the list (useJobs), newest first, from the
   * jobs service (the backend's, or the page's own).
   */
  jobs: ['jobs'] as const,
  /** Whether the backend answers its health check. */
  backendAvailable: ['backend', 'available'] as const,
  /** Docker Hub's tags of an engine's image (or of a flavour's: its id), through the backend. */
  hubTags: (source: EngineId | string) => ['backend', 'hub-tags', source] as const,
  /** Snapshots of one instance (`dockbase.snapshots.list`). */
  snapshots: (instanceId: string) => ['snapshots', instanceId] as const,
  /**
   * Every snapshot and the data deleted instances left behind, from ONE `docker volume ls`
   * (`dockbase.keptData.leftBehind`), read once for the whole view (leftBehindQuery): the cards' Roll back
   * (the rollback points are snapshots), the snapshots of deleted instances (orphanSnapshots), the kept data
   * below the instances, and the snapshots a delete leaves.
   */
  leftBehind: ['left-behind'] as const,
  /** Notes and history of one instance, from the backend. */
  instanceMeta: (id: string) => ['backend', 'instance-meta', id] as const,
  /** What is read of kept data beyond the list (their details, below); the list itself is `leftBehind`'s. */
  keptData: ['kept-data'] as const,
  /** When and how big one instance's kept data is (volume inspect + system df), on request. */
  keptDataDetails: (names: readonly string[]) => ['kept-data', 'details', ...names] as const,
  /**
   * The same of every kept data at once, for the list. A key of its own: its answer is a list, while the one
   * above is one kept data's (one kept data has the same volumes in both).
   */
  keptDataDetailsOfAll: (names: readonly string[]) => ['kept-data', 'details-of-all', ...names] as const,
  /** The tags of an image already on the engine (no download needed). */
  localTags: (image: string) => ['local-tags', image] as const,
  /** Whether an instance's password opens its data, per container (a new container asks again). */
  credentialCheck: (containerId: string) => ['credential-check', containerId] as const,
  /** The last measure of CPU, memory and data size (taken on request only). */
  resourceUsage: ['resource-usage'] as const,
  /** An instance's editable settings, read from its container when the edit dialog opens. */
  editSettings: (containerId: string) => ['edit-settings', containerId] as const,
  /** The last lines of a container's log, read once when a failure's details are opened. */
  lastLogLines: (containerId: string, statusText: string, lines: number) => ['last-log-lines', containerId, statusText, lines] as const,
  /** Names being created right now: the list hides their half-made rows until the create is over. */
  creating: ['creating'] as const,
  /** Whether the server of this run of a container answered Dockbase's readiness probe. */
  readiness: (containerId: string) => ['readiness', containerId] as const,
  /** The last answer of Dockbase's own probe of a running server (the watch, or the probe after Unpause), per container. */
  liveness: (containerId: string) => ['liveness', containerId] as const,
};

/** Waits between retries of what is down (the engine, the bridge, the backend); the last one repeats. */
export const RETRY_DELAYS_MS = [2000, 4000, 8000, 15000, 30000] as const;

export function retryDelay(attempt: number): number {
  return RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 30000;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Idle costs nothing: docker's events and the actions invalidate what changed; nothing polls.
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        refetchInterval: false,
        // Failures are reported (see the policy above), not retried behind the user's back.
        retry: false,
        // The engine and the backend are local: the browser being offline says nothing about them.
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}

/**
 * Asks docker for the instances as soon as the cache exists, while React renders its first frame (or takes
 * over the answer main.tsx asked for before the UI loaded): the list query of useInstances then finds the
 * answer on its way (the same key, the same call).
 */
export function startListing(client: QueryClient, dockbase: Dockbase, firstList?: Promise<Instance[]>): QueryClient {
  void client.prefetchQuery({ queryKey: queryKeys.instances, queryFn: () => firstList ?? dockbase.lifecycle.list() });
  return client;
}

/**
 * Lists the instances again. The newest request wins: a list still in flight was asked for before
 * whatever calls this happened, so it is cancelled (its answer ignored) rather than reused.
 */
export async function relistInstances(client: QueryClient): Promise<void> {
  await client.cancelQueries({ queryKey: queryKeys.instances, exact: true });
  await client.invalidateQueries({ queryKey: queryKeys.instances, exact: true });
}

/**
 * What every reader of the snapshots or of the kept data shares: one `docker volume ls` for both, read once the
 * instances are shown (nothing asks it again by itself: what changes it invalidates it, see below). A reader
 * that must see the engine as it is when it opens (a dialog) asks again with `staleTime: 0`.
 */
export function leftBehindQuery(dockbase: Dockbase) {
  return { queryKey: queryKeys.leftBehind, queryFn: () => dockbase.keptData.leftBehind(), staleTime: Number.POSITIVE_INFINITY };
}

/** The data kept by deleted instances changed (a delete, a create on kept data, a kept-data delete). */
export async function invalidateKeptData(client: QueryClient): Promise<void> {
  await Promise.all([client.invalidateQueries({ queryKey: queryKeys.keptData }), client.invalidateQueries({ queryKey: queryKeys.leftBehind, exact: true })]);
}

/**
 * An instance was deleted: what it left behind is read again, its kept data and every snapshot (its own are
 * now the snapshots of a deleted instance; any taken outside the tab, by the CLI, show up with them).
 */
export async function invalidateLeftBehind(client: QueryClient): Promise<void> {
  await invalidateKeptData(client);
}

/**
 * A container started (here, outside, or by a restart): the answer its previous run gave the readiness
 * probe says nothing about this run. A probe still running is started over.
 */
/** A container started again: what its last run answered says nothing of this one. */
export async function forgetReadiness(client: QueryClient, containerId: string): Promise<void> {
  client.removeQueries({ queryKey: queryKeys.liveness(containerId), exact: true });
  await client.resetQueries({ queryKey: queryKeys.readiness(containerId), exact: true });
}

/** The event stream was down: any container may have started meanwhile, unseen. */
export async function forgetAllReadiness(client: QueryClient): Promise<void> {
  client.removeQueries({ queryKey: ['liveness'] });
  await client.resetQueries({ queryKey: ['readiness'] });
}

/**
 * Reads an instance's notes and history again (once something new was recorded or saved). They are kept
 * under its record id (recordIdOf: its data id when it has data), or the id given.
 */
export function invalidateInstanceMeta(client: QueryClient, instance: string | (Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>)): Promise<void> {
  const id = typeof instance === 'string' ? instance : recordIdOf(instance);
  return client.invalidateQueries({ queryKey: queryKeys.instanceMeta(id), exact: true });
}

/**
 * Lists the snapshots again (one was taken, restored, deleted, cloned, or kept before a restore, an import, an
 * upgrade or a roll back): the instance's own, when given, and every snapshot (the rollback points and the
 * deleted instances' are found among them).
 */
export async function invalidateSnapshots(client: QueryClient, instanceId?: string): Promise<void> {
  await Promise.all([
    ...(instanceId !== undefined ? [client.invalidateQueries({ queryKey: queryKeys.snapshots(instanceId), exact: true })] : []),
    client.invalidateQueries({ queryKey: queryKeys.leftBehind, exact: true }),
  ]);
}
