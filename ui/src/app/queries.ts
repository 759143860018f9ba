/**
 * What the tab reads from docker and the backend, in one place: the query keys, the defaults of the one
 * QueryClient each <App> creates, and the invalidations the hooks share. Hooks read through TanStack
 * Query; components never fetch.
 *
 * The tab must cost nothing while it sits idle: nothing polls and nothing refetches on window focus or
 * reconnect. The instance list is kept current by docker's event stream (`useInstances` invalidates the
 * list query on each burst of events) and by the actions, which invalidate what they changed. The one
 * docker call that is not an answer to a change is the readiness probe (`useServerAnswered`), and it too
 * runs only after a change: while a container that just started has no verdict from docker yet.
 *
 * One error policy per kind of failure:
 *
 * | Kind of failure                                      | Shown as                                  | Where                                  |
 * | ---------------------------------------------------- | ----------------------------------------- | -------------------------------------- |
 * | The engine / docker list: the list query, the event  | the banner (`EngineUnavailableBanner`,    | `useInstances` (`problem`)             |
 * | stream ending, Retry's ping                          | with Retry); never a toast                |                                        |
 * | A user's action: start, stop, restart, delete,       | an error toast with the service's message | `useInstanceActions`,                  |
 * | create, save notes, reveal or copy a secret          | (create: also the dialog's alert, or the  | `useCreateInstance`, `useInstanceMeta` |
 * |                                                      | field at fault inline)                    | (`saveNotes`), `useConnection`, ...    |
 * | An optional feature: the backend (health, Docker     | silent degradation: the feature is hidden | `useAvailableBackend`, `useTags`,      |
 * | Hub tags, notes and history, recording) and the      | or shows catalog data; the form works     | `useInstanceMeta` (`meta`),            |
 * | engine usage behind the form's suggestions           | without suggestions (create still checks) | `ActivityLog`, `useEngineUsage`        |
 *
 * Nothing is retried silently (`retry: false`): a failure is reported as above, and Retry or the next
 * action asks again.
 */
import { QueryClient } from '@tanstack/react-query';
import type { EngineId } from '@dockbase/core';

export const queryKeys = {
  /** Every instance (`dockbase.lifecycle.list`). */
  instances: ['instances'] as const,
  /** Names and host ports taken by any container, for the create form (`dockbase.creation.usage`). */
  engineUsage: ['engine-usage'] as const,
  /** Whether the backend answers its health check. */
  backendAvailable: ['backend', 'available'] as const,
  /** Docker Hub's tags of an engine's image, through the backend. */
  hubTags: (engine: EngineId) => ['backend', 'hub-tags', engine] as const,
  /** Snapshots of one instance (`dockbase.snapshots.list`). */
  snapshots: (instanceId: string) => ['snapshots', instanceId] as const,
  /** Notes and history of one instance, from the backend. */
  instanceMeta: (id: string) => ['backend', 'instance-meta', id] as const,
  /** Every rollback point (`dockbase.upgrades.rollbackPoints`): one query for all the cards' Roll back. */
  rollbackPoints: ['rollback-points'] as const,
  /** Whether the server of this run of a container answered Dockbase's readiness probe. */
  readiness: (containerId: string) => ['readiness', containerId] as const,
};

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
 * Lists the instances again. The newest request wins: a list still in flight was asked for before
 * whatever calls this happened, so it is cancelled (its answer ignored) rather than reused.
 */
export async function relistInstances(client: QueryClient): Promise<void> {
  await client.cancelQueries({ queryKey: queryKeys.instances, exact: true });
  await client.invalidateQueries({ queryKey: queryKeys.instances, exact: true });
}

/**
 * A container started (here, outside, or by a restart): the answer its previous run gave the readiness
 * probe says nothing about this run. A probe still running is started over.
 */
export function forgetReadiness(client: QueryClient, containerId: string): Promise<void> {
  return client.resetQueries({ queryKey: queryKeys.readiness(containerId), exact: true });
}

/** The event stream was down: any container may have started meanwhile, unseen. */
export function forgetAllReadiness(client: QueryClient): Promise<void> {
  return client.resetQueries({ queryKey: ['readiness'] });
}

/** Reads an instance's notes and history again (once something new was recorded or saved). */
export function invalidateInstanceMeta(client: QueryClient, id: string): Promise<void> {
  return client.invalidateQueries({ queryKey: queryKeys.instanceMeta(id), exact: true });
}

/**
 * Lists an instance's snapshots again (one was taken, restored, deleted, or kept before a restore, an import,
 * an upgrade or a roll back), and the rollback points, which are snapshots too.
 */
export async function invalidateSnapshots(client: QueryClient, instanceId: string): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.snapshots(instanceId), exact: true }),
    client.invalidateQueries({ queryKey: queryKeys.rollbackPoints, exact: true }),
  ]);
}
