import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isDockbaseError, type Instance, type PullProgress, InvalidInputError, type CreateField, type CreateInstanceInput, type FieldErrors } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage, isCancelled } from '../errors';
import { invalidateInstanceMeta, relistInstances } from '../queries';

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

const FORM_FIELDS: readonly string[] = ['engine', 'name', 'tag', 'image', 'hostPort', 'password', 'seedFiles'] satisfies CreateField[];

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

  const create = useCallback(
    async (input: CreateInstanceInput, options: { seedFiles?: readonly string[] } = {}): Promise<CreateOutcome> => {
      if (running.current) return { kind: 'ignored' };
      const controller = new AbortController();
      running.current = controller;
      setCreating(true);
      setPull(undefined);
      setFailure(undefined);
      try {
        const instance = await dockbase.creation.create(input, {
          start: true,
          signal: controller.signal,
          onPullProgress: (p) => setPull(p),
          ...(options.seedFiles?.length ? { seedFiles: options.seedFiles } : {}),
        });
        // Best effort: its record and "create" in its history (nothing without a backend).
        void activity.created(instance, input).then((recorded) => {
          if (recorded) void invalidateInstanceMeta(queryClient, instance.id);
        });
        // The new instance shows at once, whether or not its events have arrived yet.
        void relistInstances(queryClient);
        desktop.toast.success(`${instance.name} was created and is starting.`);
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
        running.current = null;
        setCreating(false);
        setPull(undefined);
      }
    },
    [dockbase, desktop, activity, queryClient, onCreated],
  );

  const cancel = useCallback(() => running.current?.abort(), []);

  return { creating, pull, failure, create, cancel };
}
