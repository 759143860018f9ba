/**
 * What happened to each instance, recorded where the backend keeps notes and history. Optional: without a
 * store nothing is recorded and nothing fails. Recording is best effort and never holds a password.
 */
import type { EngineId } from './engines';
import type { Instance } from './instance';
import type { CreateInstanceInput } from './validation';

/** The part of the backend's metadata store that recording needs (the UI's backend client fits). */
export interface ActivityStore {
  saveInstance(id: string, input: { name: string; engine: EngineId; settings: Record<string, unknown> }): Promise<unknown>;
  addHistory(id: string, entry: { action: string; outcome: 'ok' | 'failed'; detail?: string; size?: number }): Promise<unknown>;
  deleteInstance(id: string): Promise<unknown>;
}

export type RecordedAction =
  | 'create'
  | 'start'
  | 'stop'
  | 'restart'
  | 'delete'
  | 'snapshot'
  | 'restore'
  | 'delete-snapshot'
  | 'clone'
  | 'export'
  | 'import'
  | 'upgrade'
  | 'rollback';

/** The settings an instance was created with, as the backend keeps them: never the password. */
export function creationSettings(input: CreateInstanceInput): Record<string, unknown> {
  return { image: input.image ?? '', tag: input.tag, hostPort: input.hostPort, persistData: input.persistData, exposeOnNetwork: input.exposeOnNetwork };
}

export class ActivityLog {
  constructor(private readonly store: ActivityStore | undefined) {}

  /** A new instance: its record with the settings it was made with, then "create" in its history. */
  created(instance: Instance, input: CreateInstanceInput): Promise<boolean> {
    const store = this.store;
    if (!store) return Promise.resolve(false);
    return settle(
      store
        .saveInstance(instance.id, { name: instance.name, engine: instance.engine, settings: creationSettings(input) })
        .then(() => store.addHistory(instance.id, { action: 'create', outcome: 'ok' })),
    );
  }

  /**
   * The outcome of an action on an instance. A successful delete removes the instance's record (its notes
   * go with it); anything else lands in its history. Resolves true once recorded.
   */
  outcome(instance: Pick<Instance, 'id'>, action: RecordedAction, result: { ok: boolean; detail?: string; size?: number }): Promise<boolean> {
    const store = this.store;
    if (!store) return Promise.resolve(false);
    if (result.ok && action === 'delete') return settle(store.deleteInstance(instance.id));
    return settle(
      store.addHistory(instance.id, {
        action,
        outcome: result.ok ? 'ok' : 'failed',
        ...(result.detail ? { detail: result.detail } : {}),
        ...(result.size !== undefined ? { size: Math.max(0, Math.round(result.size)) } : {}),
      }),
    );
  }
}

/** Best effort: whether it was recorded; a failure to record is never worth an error. */
function settle(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}
