import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import { isDockbaseError, InvalidInputError, type EditChanges, type EditField, type EditStep, type EditableSettings, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { queryKeys } from '../shared/queries';
import { useInstanceJob } from '../shared/useInstanceJob';

export type EditOutcome =
  { kind: 'saved'; changes: string[] } | { kind: 'invalid'; fields: Partial<Record<EditField, string>> } | { kind: 'failed'; message: string };

export interface EditInstanceState {
  /** What the instance is set to now (one docker inspect when the dialog opens). */
  settings: EditableSettings | undefined;
  loadError: string | undefined;
  saving: boolean;
  /** The step the replacement is at, while saving. */
  step: EditStep | undefined;
  failure: string | undefined;
  /** Resolves once the change is applied, refused or failed. */
  save(changes: EditChanges): Promise<EditOutcome>;
}

const EDIT_FIELDS: readonly string[] = ['hostPort', 'password', 'memoryBytes', 'settings'] satisfies EditField[];

/** A refusal that belongs beside a field of the form, not in the dialog's alert. */
function fieldErrors(e: unknown): Partial<Record<EditField, string>> | undefined {
  if (e instanceof InvalidInputError) return e.fields as Partial<Record<EditField, string>>;
  if (isDockbaseError(e) && e.field && EDIT_FIELDS.includes(e.field)) return { [e.field]: e.message };
  return undefined;
}

/**
 * Editing one instance: its current settings, then the change, run as a job on the instance (it runs in the
 * backend, outliving the page; the instance's other actions wait, and another job on it refuses it). The core
 * replaces the container and puts the old one back on failure; the dialog shows the step it is at. The
 * outcome is toasted and recorded, without any secret, where every job's is (useJobOutcomes, the backend).
 */
export function useEditInstance(instance: Instance): EditInstanceState {
  const { dockbase } = useAppServices();
  const settings = useQuery({
    queryKey: queryKeys.editSettings(instance.containerId),
    queryFn: () => dockbase.editing.settings(instance),
    staleTime: 0,
  });
  const job = useInstanceJob<{ changes?: string[] }>(instance, 'edit');
  const { run } = job;

  const save = useCallback(
    async (changes: EditChanges): Promise<EditOutcome> => {
      const end = await run({ kind: 'edit', instanceId: instance.id, changes });
      if (!end.job) {
        const fields = fieldErrors(end.refused);
        return fields ? { kind: 'invalid', fields } : { kind: 'failed', message: errorMessage(end.refused) };
      }
      if (end.job.state === 'succeeded') return { kind: 'saved', changes: (end.job.result as { changes?: string[] } | undefined)?.changes ?? [] };
      return { kind: 'failed', message: end.job.message ?? '' };
    },
    [run, instance.id],
  );

  return {
    settings: settings.data,
    loadError: settings.error ? errorMessage(settings.error) : undefined,
    saving: job.running,
    step: job.running ? (job.progress.step as EditStep | undefined) : undefined,
    // A refusal at a field is said beside it (EditForm), not again above the form.
    failure: fieldErrors(job.refusal) ? undefined : job.failure,
    save,
  };
}
