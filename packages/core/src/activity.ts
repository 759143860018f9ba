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
  addHistory(id: string, entry: { action: string; outcome: 'ok' | 'failed'; detail?: string }): Promise<unknown>;
  deleteInstance(id: string): Promise<unknown>;
}

export type RecordedAction = 'create' | 'start' | 'stop' | 'restart' | 'unpause' | 'edit' | 'delete';

/** The settings an instance was created with, as the backend keeps them: never the password. */
export function creationSettings(input: CreateInstanceInput): Record<string, unknown> {
  return {
    image: input.image ?? '',
    tag: input.tag,
    hostPort: input.hostPort,
    persistData: input.persistData,
    exposeOnNetwork: input.exposeOnNetwork,
    ...(input.user ? { user: input.user } : {}),
    ...(input.database ? { database: input.database } : {}),
  };
}

export class ActivityLog {
  constructor(private readonly store: ActivityStore | undefined) {}

  /**
   * A new instance: its record with the settings it was made with, then "create" in its history. On kept
   * data the instance has its old id back, and the record keeps the notes and history it had (saving
   * replaces only the settings).
   */
  created(instance: Instance, input: CreateInstanceInput, options: { reusedData?: boolean } = {}): Promise<boolean> {
    const store = this.store;
    if (!store) return Promise.resolve(false);
    return settle(
      store
        .saveInstance(instance.id, { name: instance.name, engine: instance.engine, settings: creationSettings(input) })
        .then(() => store.addHistory(instance.id, { action: 'create', outcome: 'ok', ...(options.reusedData ? { detail: 'on the data kept from before' } : {}) })),
    );
  }

  /**
   * The outcome of an action on an instance; resolves true once recorded. A successful delete WITH its data
   * removes the instance's record (its notes go with the data); a delete that keeps the data keeps the
   * record too, for the instance that will find the data again. Anything else lands in its history.
   */
  outcome(instance: Instance, action: RecordedAction, result: { ok: boolean; detail?: string; dataKept?: boolean }): Promise<boolean> {
    const store = this.store;
    if (!store) return Promise.resolve(false);
    if (result.ok && action === 'delete' && !(result.dataKept && instance.volumes.length > 0)) return settle(store.deleteInstance(instance.id));
    const detail = result.ok && action === 'delete' ? 'its data was kept, with these notes and history' : result.detail;
    return settle(store.addHistory(instance.id, { action, outcome: result.ok ? 'ok' : 'failed', ...(detail ? { detail } : {}) }));
  }

  /** Kept data deleted for good: the record that waited for it goes too. */
  keptDataDeleted(instanceId: string | undefined): Promise<boolean> {
    const store = this.store;
    if (!store || !instanceId) return Promise.resolve(false);
    return settle(store.deleteInstance(instanceId));
  }
}

/** Best effort: whether it was recorded; a failure to record is never worth an error. */
function settle(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}
