import { useReducer, type Dispatch } from 'react';
import type { Instance, RollbackPoint } from '@dockbase/core';
import type { CreatePreset } from '../create/useCreateForm';

/**
 * The data dialogs follow the live instance (its status changes while a snapshot stops and starts it; an
 * upgrade's and a roll back's container and version change under them), so they hold its id. A roll back
 * keeps the point it was opened for, which it uses up.
 */
export type DataDialog =
  { kind: 'snapshots' | 'export' | 'import' | 'upgrade' | 'migrate'; id: string } | { kind: 'rollback'; id: string; point: RollbackPoint };

/** The dialogs and panels the instances view has open: each its own slot, undefined while closed. */
export interface Dialogs {
  /** The new-instance form, with what it was opened for. */
  creating: CreatePreset | undefined;
  deleting: Instance | undefined;
  editing: Instance | undefined;
  data: DataDialog | undefined;
  /** The logs panel (when Docker Desktop's own log view is not available). */
  logsOf: Instance | undefined;
  /** The shell command to copy (outside Docker Desktop). */
  shellOf: Instance | undefined;
}

/** One action per dialog opened or closed. */
export type DialogAction =
  | { type: 'openCreate'; preset: CreatePreset }
  | { type: 'closeCreate' }
  | { type: 'openDelete'; instance: Instance }
  | { type: 'closeDelete' }
  | { type: 'openEdit'; instance: Instance }
  | { type: 'closeEdit' }
  | { type: 'openData'; dialog: DataDialog }
  | { type: 'closeData' }
  | { type: 'openLogs'; instance: Instance }
  | { type: 'closeLogs' }
  | { type: 'openShell'; instance: Instance }
  | { type: 'closeShell' };

export const NO_DIALOGS: Dialogs = { creating: undefined, deleting: undefined, editing: undefined, data: undefined, logsOf: undefined, shellOf: undefined };

/** The state with one slot set; the same state when it holds that already (nothing re-renders). */
function withSlot<K extends keyof Dialogs>(state: Dialogs, slot: K, value: Dialogs[K]): Dialogs {
  return state[slot] === value ? state : { ...state, [slot]: value };
}

export function dialogsReducer(state: Dialogs, action: DialogAction): Dialogs {
  switch (action.type) {
    case 'openCreate':
      return withSlot(state, 'creating', action.preset);
    case 'closeCreate':
      return withSlot(state, 'creating', undefined);
    case 'openDelete':
      return withSlot(state, 'deleting', action.instance);
    case 'closeDelete':
      return withSlot(state, 'deleting', undefined);
    case 'openEdit':
      return withSlot(state, 'editing', action.instance);
    case 'closeEdit':
      return withSlot(state, 'editing', undefined);
    case 'openData':
      return withSlot(state, 'data', action.dialog);
    case 'closeData':
      return withSlot(state, 'data', undefined);
    case 'openLogs':
      return withSlot(state, 'logsOf', action.instance);
    case 'closeLogs':
      return withSlot(state, 'logsOf', undefined);
    case 'openShell':
      return withSlot(state, 'shellOf', action.instance);
    case 'closeShell':
      return withSlot(state, 'shellOf', undefined);
  }
}

/** The instances view's dialogs, in one reducer. */
export function useDialogs(): [Dialogs, Dispatch<DialogAction>] {
  return useReducer(dialogsReducer, NO_DIALOGS);
}
