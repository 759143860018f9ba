import { useCallback, useEffect, useReducer } from 'react';
import { skipToken, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { getEngine, type Instance, type PasswordCheck } from '@dockbase/core';
import { useAppServices } from './context';
import { useBackend, useBackendStatus } from './useBackend';
import { queryKeys } from './queries';

/** What is known of an instance's password: checked, being checked, or nothing yet (undefined). */
export type CredentialState = PasswordCheck | { status: 'checking' };

export interface CredentialCheck {
  state: CredentialState | undefined;
  /**
   * Checks the password once per container where it matters (engines that keep it in their data, a running
   * instance), and answers from the cache afterwards: one `docker exec` at the first reveal or copy.
   */
  ensure(): Promise<CredentialState | undefined>;
}

export function setCredentialState(client: QueryClient, containerId: string, state: CredentialState): void {
  client.setQueryData(queryKeys.credentialCheck(containerId), state);
}

/** Whether the instance's password opens its data (see queries.ts: a refused one shows on the row and in a toast). */
export function useCredentialCheck(instance: Instance): CredentialCheck {
  const { dockbase } = useAppServices();
  const backend = useBackend();
  const client = useQueryClient();
  const key = queryKeys.credentialCheck(instance.containerId);
  const { data: state } = useQuery<CredentialState>({ queryKey: key, queryFn: skipToken, staleTime: Infinity });

  const ensure = useCallback(async () => {
    const known = client.getQueryData<CredentialState>(key);
    if (known && known.status !== 'unverifiable') return known;
    if (!getEngine(instance.engine).passwordInData || instance.status !== 'running') return known;
    const checked = await dockbase.credentials.verify(instance).catch(() => undefined);
    if (checked) {
      client.setQueryData(key, checked);
      // Remembered by the backend, so that a refusal still shows after a reload (best effort).
      if (checked.status !== 'unverifiable') {
        void backend
          ?.recordPasswordCheck(instance.containerId, {
            instanceId: instance.id,
            status: checked.status,
            ...(checked.status === 'rejected' ? { message: checked.message } : {}),
          })
          .catch(() => undefined);
      }
    }
    return checked;
  }, [client, key, dockbase, instance, backend]);

  return { state, ensure };
}

/**
 * Every credential state known, by container id, through ONE subscription (a table of a hundred rows does
 * not hold a hundred observers).
 */
export function useCredentialStates(): ReadonlyMap<string, CredentialState> {
  const client = useQueryClient();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(
    () =>
      client.getQueryCache().subscribe((e) => {
        if (e.query.queryKey[0] === 'credential-check' && e.type === 'updated') rerender();
      }),
    [client],
  );
  const states = new Map<string, CredentialState>();
  for (const q of client.getQueryCache().findAll({ queryKey: ['credential-check'] })) {
    const id = q.queryKey[1];
    if (typeof id === 'string' && q.state.data) states.set(id, q.state.data as CredentialState);
  }
  return states;
}

/**
 * The verdicts the backend remembers (its jobs' checks, and the page's), read once the backend answers, so
 * that "password refused" shows after a reload as before it: one request, no docker command. A verdict the
 * page already holds (newer) is kept.
 */
export function useRememberedPasswordChecks(): void {
  const backend = useBackend();
  const status = useBackendStatus();
  const client = useQueryClient();
  const { data } = useQuery({
    queryKey: ['password-checks'],
    queryFn: () => backend!.passwordChecks(),
    enabled: backend !== undefined && status === 'up',
    staleTime: Infinity,
  });
  useEffect(() => {
    for (const r of data ?? []) {
      if (client.getQueryData(queryKeys.credentialCheck(r.containerId))) continue;
      setCredentialState(client, r.containerId, r.status === 'rejected' ? { status: 'rejected', message: r.message ?? '' } : { status: 'ok' });
    }
  }, [data, client]);
}
