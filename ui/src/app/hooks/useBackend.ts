import { useEffect, useState } from 'react';
import type { BackendClient } from '../../backend-client/client';
import { useAppServices } from '../context';

/**
 * The backend client once it has answered `available()`; undefined while unknown, when it does not answer,
 * or when the extension has no backend at all. Used by <App> to decide what goes into the context.
 */
export function useAvailableBackend(client: BackendClient | undefined): BackendClient | undefined {
  const [answered, setAnswered] = useState<{ client: BackendClient; available: boolean } | undefined>();
  useEffect(() => {
    if (!client) return;
    let active = true;
    client.available().then(
      (available) => {
        if (active) setAnswered({ client, available });
      },
      () => {
        // available() never throws by contract; a broken client counts as absent.
        if (active) setAnswered({ client, available: false });
      },
    );
    return () => {
      active = false;
    };
  }, [client]);
  return client && answered?.client === client && answered.available ? client : undefined;
}

/** The backend client if the backend is there (notes, history, Docker Hub tags), else undefined. */
export function useBackend(): BackendClient | undefined {
  return useAppServices().backend;
}
