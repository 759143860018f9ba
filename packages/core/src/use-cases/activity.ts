/**
 * What happened to each instance, recorded where the backend keeps notes and history. Optional: without a
 * store nothing is recorded and nothing fails. Recording is best effort and never holds a password.
 */
import type { EngineId } from '../engines';
import type { Instance } from '../model/instance';
import type { CreateInstanceInput } from '../model/validation';

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
  | 'pause'
  | 'unpause'
  | 'edit'
  | 'delete'
  | 'snapshot'
  | 'restore'
  | 'delete-snapshot'
  | 'clone'
  | 'export'
  | 'import'
  | 'upgrade'
  | 'rollback'
  | 'migrate'
  | 'branch';

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
    ...(input.settings && Object.keys(input.settings).length > 0 ? { settings: { ...input.settings } } : {}),
  };
}

/** The same settings, read from an instance's labels (a create or clone that ran as a job, whose input stays with it). */
export function instanceSettings(instance: Instance): Record<string, unknown> {
  return {
    image: instance.image,
    tag: instance.tag,
    hostPort: instance.hostPort,
    persistData: instance.volumes.length > 0,
    exposeOnNetwork: instance.bindAddress !== '127.0.0.1',
    ...(instance.user ? { user: instance.user } : {}),
    ...(instance.database ? { database: instance.database } : {}),
    ...(instance.settings ? { settings: { ...instance.settings } } : {}),
  };
}

/**
 * Under which id the backend keeps an instance's notes and history: its data id when it has data volumes
 * (the id they carry, see LABEL.data), so that notes and history stay with kept data and come back with it;
 * its own id otherwise.
 */
export function recordIdOf(instance: Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId'>>): string {
  return instance.dataId ?? instance.id;
}

export class ActivityLog {
  constructor(private readonly store: ActivityStore | undefined) {}

  /**
   * A new instance: its record with the settings it was made with, then "create" in its history. The record
   * is kept under the instance's data id (recordIdOf): on kept data that is the id of the instance that
   * made the data, whose record keeps the notes and history it had (saving replaces only the settings).
   */
  created(instance: Instance, input: CreateInstanceInput, options: { reusedData?: boolean } = {}): Promise<boolean> {
    const store = this.store;
    if (!store) return Promise.resolve(false);
    const id = recordIdOf(instance);
    return settle(
      store
        .saveInstance(id, { name: instance.name, engine: instance.engine, settings: creationSettings(input) })
        .then(() => store.addHistory(id, { action: 'create', outcome: 'ok', ...(options.reusedData ? { detail: 'on the data kept from before' } : {}) })),
    );
  }

  /**
   * The outcome of an action on an instance; resolves true once recorded. A successful delete WITH its data
   * removes the instance's record (its notes go with the data); a delete that keeps the data keeps the
   * record too, for the instance that will find the data again. Anything else lands in its history.
   */
  outcome(
    instance: Pick<Instance, 'id'> & Partial<Pick<Instance, 'dataId' | 'volumes'>>,
    action: RecordedAction,
    result: { ok: boolean; detail?: string; size?: number; dataKept?: boolean },
  ): Promise<boolean> {
    const store = this.store;
    if (!store) return Promise.resolve(false);
    const id = recordIdOf(instance);
    if (result.ok && action === 'delete' && !(result.dataKept && (instance.volumes?.length ?? 0) > 0)) return settle(store.deleteInstance(id));
    const detail = result.ok && action === 'delete' ? 'its data was kept, with these notes and history' : result.detail;
    return settle(
      store.addHistory(id, {
        action,
        outcome: result.ok ? 'ok' : 'failed',
        ...(detail ? { detail } : {}),
        ...(result.size !== undefined ? { size: Math.max(0, Math.round(result.size)) } : {}),
      }),
    );
  }

  /** Kept data deleted for good: the record that waited for it goes too. */
  keptDataDeleted(dataId: string | undefined): Promise<boolean> {
    const store = this.store;
    if (!store || !dataId) return Promise.resolve(false);
    return settle(store.deleteInstance(dataId));
  }
}

/** Best effort: whether it was recorded; a failure to record is never worth an error. */
function settle(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}
