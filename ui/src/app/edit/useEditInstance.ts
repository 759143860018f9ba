import { useCallback, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { isDockbaseError, InvalidInputError, type EditChanges, type EditField, type EditStep, type EditableSettings, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta, queryKeys } from '../shared/queries';
import { setCredentialState } from '../shared/useCredentialCheck';
import type { InstanceActions } from '../shared/instance-actions';

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
  save(changes: EditChanges): Promise<EditOutcome>;
}

const EDIT_FIELDS: readonly string[] = ['hostPort', 'password', 'memoryBytes'] satisfies EditField[];

/**
 * Editing one instance: its current settings, then the change, run as the instance's one operation (its
 * other actions wait) and recorded in its history without any secret. The core replaces the container and
 * puts the old one back on failure; the dialog shows the step it is at.
 */
export function useEditInstance(instance: Instance, actions: Pick<InstanceActions, 'run'>): EditInstanceState {
  const { dockbase, desktop } = useAppServices();
  const client = useQueryClient();
  const settings = useQuery({
    queryKey: queryKeys.editSettings(instance.containerId),
    queryFn: () => dockbase.editing.settings(instance),
    staleTime: 0,
  });
  const [saving, setSaving] = useState(false);
  const [step, setStep] = useState<EditStep | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  const save = useCallback(
    async (changes: EditChanges): Promise<EditOutcome> => {
      setSaving(true);
      setFailure(undefined);
      let outcome: EditOutcome = { kind: 'failed', message: '' };
      try {
        await actions.run(instance, 'edit', async () => {
          try {
            const result = await dockbase.editing.edit(instance, changes, { onStep: setStep });
            if (result.passwordCheck && result.instance) setCredentialState(client, result.instance.containerId, result.passwordCheck);
            outcome = { kind: 'saved', changes: result.changes };
            desktop.toast.success(result.changes.length ? `${instance.name}: ${result.changes.join('; ')}.` : `${instance.name}: nothing to change.`);
          } catch (e) {
            if (e instanceof InvalidInputError) outcome = { kind: 'invalid', fields: e.fields as Partial<Record<EditField, string>> };
            else if (isDockbaseError(e) && e.field && EDIT_FIELDS.includes(e.field)) outcome = { kind: 'invalid', fields: { [e.field]: e.message } };
            else outcome = { kind: 'failed', message: errorMessage(e) };
            if (outcome.kind === 'failed') setFailure(outcome.message);
            throw e;
          }
        });
      } finally {
        setSaving(false);
        setStep(undefined);
        void invalidateInstanceMeta(client, instance);
      }
      return outcome;
    },
    [actions, instance, dockbase, desktop, client],
  );

  return {
    settings: settings.data,
    loadError: settings.error ? errorMessage(settings.error) : undefined,
    saving,
    step,
    failure,
    save,
  };
}
