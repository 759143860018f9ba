import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  getEngine,
  isDockbaseError,
  type CreatedInstance,
  type Instance,
  type PullProgress,
  InvalidInputError,
  type CreateField,
  type CreateInstanceInput,
  type FieldErrors,
} from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage, isCancelled } from '../shared/errors';
import { invalidateInstanceMeta, invalidateKeptData, queryKeys, relistInstances } from '../shared/queries';
import { setCredentialState } from '../shared/useCredentialCheck';

export type CreateOutcome =
  | { kind: 'created'; instance: Instance }
  /** The user cancelled: back to the form, nothing to report. */
  | { kind: 'cancelled' }
  /** The service blamed fields of the form (shown inline). */
  | { kind: 'invalid'; fields: FieldErrors }
  /** Anything else (already reported in a toast). */
  | { kind: 'failed'; message: string }
  /** A create was already running: this call did nothing. */
  | { kind: 'ignored' };

export interface CreateInstanceState {
  creating: boolean;
  /** Layers of the image being pulled, once the pull has started. */
  pull: PullProgress | undefined;
  /** The last failure that is not about one field. */
  failure: string | undefined;
  /** `seedFiles`: init files copied into the new instance before its first start. */
  create(input: CreateInstanceInput, options?: { seedFiles?: readonly string[] }): Promise<CreateOutcome>;
  /** Aborts the running create; the service removes whatever it made. */
  cancel(): void;
}

const FORM_FIELDS: readonly string[] = ['engine', 'name', 'tag', 'image', 'hostPort', 'password', 'user', 'database', 'seedFiles'] satisfies CreateField[];

function fieldErrorsOf(e: unknown): FieldErrors | undefined {
  if (e instanceof InvalidInputError) return e.fields;
  if (isDockbaseError(e) && e.field && FORM_FIELDS.includes(e.field)) return { [e.field]: e.message };
  return undefined;
}

/** Creates (pulls if needed, then starts) one instance at a time; a second call while one runs is ignored. */
export function useCreateInstance(onCreated?: (instance: Instance) => void): CreateInstanceState {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [pull, setPull] = useState<PullProgress | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  // The guard against double submits: state updates are too late for a second click in the same tick.
  const running = useRef<AbortController | null>(null);

  /**
   * On kept data the password is the data's own (or reset inside the database): once the server answers,
   * the engine's own client proves it. A refused one shows on the row, instead of its connection string,
   * and in a toast.
   */
  const confirmPassword = useCallback(
    (instance: CreatedInstance, reset: boolean) => {
      setCredentialState(queryClient, instance.containerId, { status: 'checking' });
      dockbase.credentials.confirm(instance, { apply: reset }).then(
        (check) => {
          setCredentialState(queryClient, instance.containerId, check);
          if (check.status === 'rejected') desktop.toast.error(check.message);
          else if (check.status === 'ok')
            desktop.toast.success(`${instance.name}: ${getEngine(instance.engine).displayName} accepted its password${reset ? ' (reset)' : ''}.`);
        },
        (e: unknown) => {
          const message = `${instance.name}: its password could not be ${reset ? 'reset' : 'checked'}: ${errorMessage(e)}`;
          setCredentialState(queryClient, instance.containerId, { status: 'rejected', message });
          desktop.toast.error(message);
        },
      );
    },
    [dockbase, desktop, queryClient],
  );

  const create = useCallback(
    async (input: CreateInstanceInput, options: { seedFiles?: readonly string[] } = {}): Promise<CreateOutcome> => {
      if (running.current) return { kind: 'ignored' };
      const controller = new AbortController();
      running.current = controller;
      setCreating(true);
      setPull(undefined);
      setFailure(undefined);
      // Its half-made row stays out of the list until the create is over (no "Stopped" flash, no failed row).
      queryClient.setQueryData<readonly string[]>(queryKeys.creating, (names = []) => [...names, input.name]);
      const shown = () => queryClient.setQueryData<readonly string[]>(queryKeys.creating, (names = []) => names.filter((n) => n !== input.name));
      try {
        const instance = await dockbase.creation.create(input, {
          start: true,
          signal: controller.signal,
          onPullProgress: (p) => setPull(p),
          ...(options.seedFiles?.length ? { seedFiles: options.seedFiles } : {}),
        });
        shown();
        // Best effort: its record and "create" in its history (nothing without a backend); kept data keeps its own.
        void activity.created(instance, input, { reusedData: instance.reusedData !== undefined }).then((recorded) => {
          if (recorded) void invalidateInstanceMeta(queryClient, instance);
        });
        // The new instance shows at once, whether or not its events have arrived yet.
        void relistInstances(queryClient);
        if (instance.reusedData) void invalidateKeptData(queryClient);
        desktop.toast.success(`${instance.name} was created and is starting.`);
        if (instance.reusedData && getEngine(instance.engine).passwordInData) confirmPassword(instance, input.keptDataPassword === 'reset');
        onCreated?.(instance);
        return { kind: 'created', instance };
      } catch (e) {
        if (isCancelled(e)) return { kind: 'cancelled' };
        const fields = fieldErrorsOf(e);
        if (fields) return { kind: 'invalid', fields };
        const message = errorMessage(e);
        setFailure(message);
        desktop.toast.error(message);
        return { kind: 'failed', message };
      } finally {
        shown();
        running.current = null;
        setCreating(false);
        setPull(undefined);
      }
    },
    [dockbase, desktop, activity, queryClient, onCreated, confirmPassword],
  );

  const cancel = useCallback(() => running.current?.abort(), []);

  return { creating, pull, failure, create, cancel };
}
