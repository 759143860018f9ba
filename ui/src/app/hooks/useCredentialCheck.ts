import { useCallback } from 'react';
import { skipToken, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { getEngine, type Instance, type PasswordCheck } from '@dockbase/core';
import { useAppServices } from '../context';
import { queryKeys } from '../queries';

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
  const client = useQueryClient();
  const key = queryKeys.credentialCheck(instance.containerId);
  const { data: state } = useQuery<CredentialState>({ queryKey: key, queryFn: skipToken, staleTime: Infinity });

  const ensure = useCallback(async () => {
    const known = client.getQueryData<CredentialState>(key);
    if (known && known.status !== 'unverifiable') return known;
    if (!getEngine(instance.engine).passwordInData || instance.status !== 'running') return known;
    const checked = await dockbase.credentials.verify(instance).catch(() => undefined);
    if (checked) client.setQueryData(key, checked);
    return checked;
  }, [client, key, dockbase, instance]);

  return { state, ensure };
}
