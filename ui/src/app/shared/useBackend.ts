import { useEffect, useMemo, useRef } from 'react';
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { BackendError, type BackendClient, type BackendStatus } from '../../backend-client/client';
import { useAppServices } from './context';
import { queryKeys, retryDelay } from './queries';

export interface AvailableBackend {
  /** The client while the backend answers; undefined otherwise (its features are then hidden). */
  client: BackendClient | undefined;
  status: BackendStatus;
  /** Why the backend cannot start, when status is 'failed'. */
  failure?: string;
  /**
   * The client whether or not the backend answers now (undefined only without a backend): jobs go to it while
   * it is checked or down, since its own jobs may still run there (see jobs-service.ts).
   */
  expected?: BackendClient;
}

/** A failure that means the backend itself is gone (not a refusal of one request). */
function meansDown(e: unknown): boolean {
  return e instanceof BackendError && (e.code === 'unavailable' || e.statusCode === 502 || e.statusCode === 503 || e.statusCode === 504);
}

/** The client, reporting each failure that means the backend is gone. */
function monitored(client: BackendClient, onDown: () => void): BackendClient {
  const watch =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      f(...args).catch((e: unknown) => {
        if (meansDown(e)) onDown();
        throw e;
      });
  return {
    available: () => client.available(),
    failure: () => client.failure?.(),
    listTags: watch(client.listTags.bind(client)),
    getInstance: watch(client.getInstance.bind(client)),
    saveInstance: watch(client.saveInstance.bind(client)),
    setNotes: watch(client.setNotes.bind(client)),
    addHistory: watch(client.addHistory.bind(client)),
    deleteInstance: watch(client.deleteInstance.bind(client)),
    // A start that got no answer is asked again by whoever started it (useJobs' startJob): a network blip is
    // not the backend gone (the jobs list, asked every 500 ms, says so when it is).
    startJob: client.startJob.bind(client),
    jobs: watch(client.jobs.bind(client)),
    job: watch(client.job.bind(client)),
    cancelJob: watch(client.cancelJob.bind(client)),
    passwordChecks: watch(client.passwordChecks.bind(client)),
    recordPasswordCheck: watch(client.recordPasswordCheck.bind(client)),
  };
}

/**
 * The pauses before asking a backend that missed an answer again. Docker starting containers makes the
 * browser drop requests in flight ("network changed": each container brings a network interface), and two
 * dozen servers starting on two cores can fail three asks in a row over three seconds (seen in CI). A backend
 * that answers within 15 s is slow, not down; one that is really gone still fails the last ask, 15 s on.
 */
export const ASK_AGAIN_AFTER_MS = [1000, 2000, 4000, 8000];

async function askUntilSure(client: BackendClient): Promise<boolean> {
  if (await client.available().catch(() => false)) return true;
  for (const pause of ASK_AGAIN_AFTER_MS) {
    // What runs it gave up on it and said why: asking again changes nothing.
    if (client.failure?.()) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (await client.available().catch(() => false)) return true;
  }
  return false;
}

/**
 * The backend client once it has answered `available()`; undefined while unknown, when it does not answer,
 * or when the extension has no backend at all. A backend that exists but does not answer (it died, the host
 * restarts it) is `down`: asked again with a growing wait until it answers, and then everything it serves
 * is read again. A healthy backend is asked once.
 */
export function useAvailableBackend(client: BackendClient | undefined): AvailableBackend {
  const queryClient = useQueryClient();
  const attempts = useRef(0);
  const wasUp = useRef(false);
  const { data: available } = useQuery({
    queryKey: queryKeys.backendAvailable,
    // available() never throws by contract; a broken client counts as absent. A missed answer is asked
    // again (over 15 s: askUntilSure) before the backend counts as down: on a busy laptop a
    // request can be dropped while containers start, and the banner would come and go.
    queryFn: client ? () => askUntilSure(client) : skipToken,
    staleTime: Infinity,
    // Asked again with a growing wait while down; not once what runs it has given up on it and said why.
    refetchInterval: (q) => (q.state.data === false && !client?.failure?.() ? retryDelay(attempts.current++) : false),
  });
  useEffect(() => {
    if (available === true) {
      attempts.current = 0;
      // Back after being down: what it serves is read again.
      if (wasUp.current === false) void queryClient.invalidateQueries({ queryKey: ['backend'], predicate: (q) => q.queryKey[1] !== 'available' });
      wasUp.current = true;
    } else if (available === false) wasUp.current = false;
  }, [available, queryClient]);
  const watched = useMemo(
    () =>
      client
        ? // An ask in flight goes on (it is patient, askUntilSure): a failure meanwhile (the jobs list is asked every
          // 500 ms) must not start it over, or a backend that is really gone would never be called so.
          monitored(client, () => void queryClient.invalidateQueries({ queryKey: queryKeys.backendAvailable, exact: true }, { cancelRefetch: false }))
        : undefined,
    [client, queryClient],
  );
  const failure = available === false ? client?.failure?.() : undefined;
  const status: BackendStatus = !client ? 'none' : available === undefined ? 'checking' : available ? 'up' : failure ? 'failed' : 'down';
  return { client: watched && available ? watched : undefined, status, ...(failure ? { failure } : {}), ...(watched ? { expected: watched } : {}) };
}

/** The backend client if the backend is there (notes, history, Docker Hub tags), else undefined. */
export function useBackend(): BackendClient | undefined {
  return useAppServices().backend;
}

/** Whether the backend is expected and answering (see useAvailableBackend). */
export function useBackendStatus(): BackendStatus {
  return useAppServices().backendStatus ?? 'none';
}

/** Why the backend cannot start, when its status is 'failed'. */
export function useBackendFailure(): string | undefined {
  return useAppServices().backendFailure;
}
