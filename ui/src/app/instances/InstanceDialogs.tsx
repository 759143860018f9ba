import { useMemo, type Dispatch } from 'react';
import type { Instance } from '@dockbase/core';
import { lazyPart } from '../shared/lazy-part';
import { PartBoundary } from '../shared/PartBoundary';
import type { Dialogs, DialogAction } from './dialogs';
import type { InstanceActions } from './useInstanceActions';

// What the first screen does not show loads when first needed: a smaller first script shows the list sooner.
const CreateInstanceDialog = lazyPart(
  () => import('../create/CreateInstanceDialog'),
  (m) => m.CreateInstanceDialog,
);
const DeleteDialog = lazyPart(
  () => import('./DeleteDialog'),
  (m) => m.DeleteDialog,
);
const EditInstanceDialog = lazyPart(
  () => import('../edit/EditInstanceDialog'),
  (m) => m.EditInstanceDialog,
);
const LogsPanel = lazyPart(
  () => import('./LogsPanel'),
  (m) => m.LogsPanel,
);
const ShellDialog = lazyPart(
  () => import('./ShellDialog'),
  (m) => m.ShellDialog,
);
const SnapshotsDialog = lazyPart(
  () => import('../snapshots/SnapshotsDialog'),
  (m) => m.SnapshotsDialog,
);
const ExportDialog = lazyPart(
  () => import('../transfer/TransferDialogs'),
  (m) => m.ExportDialog,
);
const ImportDialog = lazyPart(
  () => import('../transfer/TransferDialogs'),
  (m) => m.ImportDialog,
);
const UpgradeDialog = lazyPart(
  () => import('../upgrade/UpgradeDialogs'),
  (m) => m.UpgradeDialog,
);
const RollbackDialog = lazyPart(
  () => import('../upgrade/UpgradeDialogs'),
  (m) => m.RollbackDialog,
);

const MigrateDialog = lazyPart(
  () => import('../migrate/MigrateDialog'),
  (m) => m.MigrateDialog,
);

/** The data dialogs as a failure to show one names them. */
const DATA_DIALOG_NAMES = {
  snapshots: 'the snapshots',
  export: 'the export dialog',
  import: 'the import dialog',
  upgrade: 'the upgrade dialog',
  rollback: 'the roll back dialog',
  migrate: 'the migrate dialog',
} as const;

export interface InstanceDialogsProps {
  dialogs: Dialogs;
  dispatch: Dispatch<DialogAction>;
  /** The live instances: the data dialogs follow theirs. */
  instances: readonly Instance[] | undefined;
  actions: InstanceActions;
  /** Whether the backend is there (the delete dialog then offers to keep the notes). */
  withNotes: boolean;
}

/** The dialogs and panels the instances view has open, each loaded when first needed. */
export function InstanceDialogs({ dialogs, dispatch, instances, actions, withNotes }: InstanceDialogsProps) {
  const close = useMemo(
    () => ({
      create: () => dispatch({ type: 'closeCreate' }),
      delete: () => dispatch({ type: 'closeDelete' }),
      edit: () => dispatch({ type: 'closeEdit' }),
      data: () => dispatch({ type: 'closeData' }),
      logs: () => dispatch({ type: 'closeLogs' }),
      shell: () => dispatch({ type: 'closeShell' }),
    }),
    [dispatch],
  );
  const { creating, deleting, editing, data, logsOf, shellOf } = dialogs;
  const dialogInstance = data && instances?.find((i) => i.id === data.id);
  return (
    <>
      {creating !== undefined && (
        <PartBoundary what="the new-instance form" onClose={close.create}>
          <CreateInstanceDialog open preset={creating} onClose={close.create} />
        </PartBoundary>
      )}
      {deleting !== undefined && (
        <PartBoundary what="the delete dialog" onClose={close.delete}>
          <DeleteDialog
            instance={deleting}
            withNotes={withNotes}
            onCancel={close.delete}
            onConfirm={(instance, options) => {
              close.delete();
              void actions.remove(instance, options);
            }}
          />
        </PartBoundary>
      )}
      {editing !== undefined && (
        <PartBoundary what="the edit dialog" onClose={close.edit}>
          <EditInstanceDialog instance={editing} onClose={close.edit} />
        </PartBoundary>
      )}
      {logsOf !== undefined && (
        <PartBoundary what="the logs" onClose={close.logs}>
          <LogsPanel instance={logsOf} onClose={close.logs} />
        </PartBoundary>
      )}
      {shellOf !== undefined && (
        <PartBoundary what="the shell" onClose={close.shell}>
          <ShellDialog instance={shellOf} onClose={close.shell} />
        </PartBoundary>
      )}
      {data !== undefined && (
        <PartBoundary what={DATA_DIALOG_NAMES[data.kind]} onClose={close.data}>
          {data.kind === 'snapshots' && <SnapshotsDialog instance={dialogInstance} onClose={close.data} />}
          {data.kind === 'export' && <ExportDialog instance={dialogInstance} onClose={close.data} />}
          {data.kind === 'import' && <ImportDialog instance={dialogInstance} onClose={close.data} />}
          {data.kind === 'upgrade' && <UpgradeDialog instance={dialogInstance} onClose={close.data} />}
          {data.kind === 'migrate' && <MigrateDialog instance={dialogInstance} onClose={close.data} />}
          {data.kind === 'rollback' && <RollbackDialog instance={dialogInstance} point={data.point} onClose={close.data} />}
        </PartBoundary>
      )}
    </>
  );
}
