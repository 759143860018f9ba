import { skipToken, useQuery } from '@tanstack/react-query';
import type { BackendClient } from '../../backend-client/client';
import { useAppServices } from '../context';
import { queryKeys } from '../queries';

/**
 * The backend client once it has answered `available()`; undefined while unknown, when it does not answer,
 * or when the extension has no backend at all. Asked once per App. Used by <App> to decide what goes into
 * the context; a backend that is not there is no error (silent degradation, see queries.ts).
 */
export function useAvailableBackend(client: BackendClient | undefined): BackendClient | undefined {
  const { data: available } = useQuery({
    queryKey: queryKeys.backendAvailable,
    // available() never throws by contract; a broken client counts as absent.
    queryFn: client ? () => client.available().catch(() => false) : skipToken,
    staleTime: Infinity,
  });
  return client && available ? client : undefined;
}

/** The backend client if the backend is there (notes, history, Docker Hub tags), else undefined. */
export function useBackend(): BackendClient | undefined {
  return useAppServices().backend;
}
