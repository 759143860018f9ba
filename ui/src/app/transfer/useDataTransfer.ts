import type { ExportProgress, ExportResult, ImportResult, Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { useInstanceOperation } from '../shared/useInstanceOperation';

export interface ExportState {
  running: boolean;
  progress: ExportProgress | undefined;
  result: ExportResult | undefined;
  failure: string | undefined;
  run(directory: string): Promise<boolean>;
  /** Stops the dump: its partial file is removed, nothing is written. */
  cancel(): void;
}

/** Export an instance to a file in a folder, with progress and cancel; the outcome goes to the history. */
export function useExport(instance: Instance): ExportState {
  const { dockbase } = useAppServices();
  return useInstanceOperation(instance, {
    action: 'export',
    idle: undefined as ExportProgress | undefined,
    // It only reads the instance: nothing to list again.
    changesInstance: false,
    perform: (directory: string, { signal, setProgress }) => dockbase.backups.export(instance, { directory, signal, onProgress: setProgress }),
    succeeded: (r: ExportResult) => ({ toast: `${instance.name} was exported to ${r.file}.`, detail: `${r.tool} → ${r.file}`, size: r.sizeBytes }),
  });
}

export interface ImportState {
  running: boolean;
  result: ImportResult | undefined;
  failure: string | undefined;
  run(file: string): Promise<boolean>;
}

/** Import a file into an instance (its current data kept in a snapshot first); the outcome goes to the history. */
export function useImport(instance: Instance): ImportState {
  const { dockbase } = useAppServices();
  const { running, result, failure, run } = useInstanceOperation(instance, {
    action: 'import',
    idle: undefined,
    changesInstance: true,
    perform: (file: string) => dockbase.backups.import(instance, file),
    succeeded: (r: ImportResult, file) => ({
      toast: `${file} was imported into ${instance.name}. Its previous data is kept as "${r.kept.name}".`,
      detail: file,
      size: r.sizeBytes,
    }),
  });
  return { running, result, failure, run };
}
