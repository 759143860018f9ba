/**
 * What the tab does to an instance from its card or row, one operation at a time per instance: the list's
 * actions (instances/useInstanceActions.ts implements it). Start, stop, restart and delete run as jobs, as the
 * long operations (edit, upgrade, snapshots…: useInstanceJob) do; pause and unpause run at once.
 */
import type { BulkAction, Instance } from '@dockbase/core';

export type InstanceAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'delete';

export interface InstanceActions {
  /** The operation running on each instance (by id), whoever started its job; its actions are disabled meanwhile. */
  busy: Readonly<Record<string, InstanceAction>>;
  start(instance: Instance): Promise<boolean>;
  stop(instance: Instance): Promise<boolean>;
  restart(instance: Instance): Promise<boolean>;
  /** Freezes a running instance (docker pause); Unpause takes it out. */
  pause(instance: Instance): Promise<boolean>;
  unpause(instance: Instance): Promise<boolean>;
  remove(instance: Instance, options: { removeData: boolean }): Promise<boolean>;
  /**
   * Starts (or stops) every instance of the list it applies to (see bulkTargets): one job each, asked for at
   * once (the runner runs a few at a time); one toast says how it went. Resolves with how many succeeded.
   */
  bulk(action: BulkAction, instances: readonly Instance[]): Promise<{ done: number; failed: number }>;
}
