import { useCallback } from 'react';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { recordIdOf, type Instance } from '@dockbase/core';
import type { BackendClient, InstanceMeta } from '../../backend-client/client';
import { useAppServices } from './context';
import { errorMessage } from './errors';
import { invalidateInstanceMeta, queryKeys } from './queries';

export interface InstanceMetaState {
  meta: InstanceMeta | undefined;
  loading: boolean;
  saving: boolean;
  saveNotes(notes: string): Promise<boolean>;
}

/**
 * Notes and history of one instance from the backend (only used when the backend is there). Read again
 * whenever the instance's meta query is invalidated: notes saved here, an outcome recorded by an action.
 * Failing to read them is silent; failing to save notes is the user's action failing (a toast).
 */
export function useInstanceMeta(instance: Instance): InstanceMetaState {
  const { backend, desktop } = useAppServices();
  const queryClient = useQueryClient();
  // Kept under the instance's record id: its data id when it has data, so notes follow kept data.
  const id = recordIdOf(instance);
  const read = useQuery({
    queryKey: queryKeys.instanceMeta(id),
    // null when the backend knows no such instance (a query's data is never undefined).
    queryFn: backend ? async () => (await backend.getInstance(id)) ?? null : skipToken,
  });
  // No notes to show is not worth an error: the instance itself is fine.
  const meta = read.isError ? undefined : (read.data ?? undefined);

  const { mutateAsync: save, isPending: saving } = useMutation({
    mutationFn: async ({ store, notes, known }: { store: BackendClient; notes: string; known: boolean }) => {
      // Instances created outside Dockbase (or before the backend existed) get their record first.
      if (!known) await store.saveInstance(id, { name: instance.name, engine: instance.engine, settings: {} });
      await store.setNotes(id, notes);
    },
    onSuccess: () => {
      desktop.toast.success(`Notes of ${instance.name} saved.`);
      void invalidateInstanceMeta(queryClient, id);
    },
    onError: (e) => desktop.toast.error(`Could not save the notes: ${errorMessage(e)}`),
  });

  const known = meta !== undefined;
  const saveNotes = useCallback(
    async (notes: string): Promise<boolean> => {
      if (!backend) return false;
      return save({ store: backend, notes, known }).then(
        () => true,
        () => false,
      );
    },
    [backend, save, known],
  );

  return { meta, loading: read.isFetching, saving, saveNotes };
}

/** The backend's record of an instance by id (notes, history), or undefined; silent on failure. */
export function useInstanceMetaById(id: string | undefined): InstanceMeta | undefined {
  const { backend } = useAppServices();
  const read = useQuery({
    queryKey: queryKeys.instanceMeta(id ?? ''),
    queryFn: backend && id ? async () => (await backend.getInstance(id)) ?? null : skipToken,
  });
  return read.isError ? undefined : (read.data ?? undefined);
}
