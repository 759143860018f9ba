import { useCallback, useEffect, useState } from 'react';
import type { Instance } from '@dockbase/core';
import type { InstanceMeta } from '../../backend-client/client';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';

export interface InstanceMetaState {
  meta: InstanceMeta | undefined;
  loading: boolean;
  saving: boolean;
  saveNotes(notes: string): Promise<boolean>;
}

/**
 * Notes and history of one instance from the backend (only used when the backend is there). `version`
 * changes when something new was recorded, which reads them again.
 */
export function useInstanceMeta(instance: Instance, version = 0): InstanceMetaState {
  const { backend, desktop } = useAppServices();
  const [meta, setMeta] = useState<InstanceMeta | undefined>();
  const [loading, setLoading] = useState(true);
  const [saving, setSaving] = useState(false);
  const [generation, setGeneration] = useState(0);
  const { id } = instance;

  useEffect(() => {
    if (!backend) return;
    let active = true;
    setLoading(true);
    backend
      .getInstance(id)
      .then(
        (m) => {
          if (active) setMeta(m);
        },
        () => {
          // No notes to show is not worth an error: the instance itself is fine.
          if (active) setMeta(undefined);
        },
      )
      .finally(() => {
        if (active) setLoading(false);
      });
    return () => {
      active = false;
    };
  }, [backend, id, generation, version]);

  const saveNotes = useCallback(
    async (notes: string): Promise<boolean> => {
      if (!backend) return false;
      setSaving(true);
      try {
        // Instances created outside Dockbase (or before the backend existed) get their record first.
        if (!meta) await backend.saveInstance(instance.id, { name: instance.name, engine: instance.engine, settings: {} });
        await backend.setNotes(instance.id, notes);
        desktop.toast.success(`Notes of ${instance.name} saved.`);
        setGeneration((g) => g + 1);
        return true;
      } catch (e) {
        desktop.toast.error(`Could not save the notes: ${errorMessage(e)}`);
        return false;
      } finally {
        setSaving(false);
      }
    },
    [backend, desktop, instance, meta],
  );

  return { meta, loading, saving, saveNotes };
}
