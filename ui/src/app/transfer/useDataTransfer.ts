import { useState } from 'react';
import { busyMessage, type ExportProgress, type ExportResult, type ImportResult, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { useInstanceJob } from '../shared/useInstanceJob';
import { useInstanceOperation } from '../shared/useInstanceOperation';
import { runningJobsByInstance, useJobs } from '../shared/useJobs';

export interface ExportState {
  running: boolean;
  progress: ExportProgress | undefined;
  result: ExportResult | undefined;
  failure: string | undefined;
  run(directory: string): Promise<boolean>;
  /** Stops the dump: its partial file is removed, nothing is written. */
  cancel(): void;
}

/**
 * Export an instance to a file in a folder, with progress and cancel; the outcome goes to the history. It runs
 * in the page (the dump streams to a file the page writes), not as a job.
 */
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
  /** The page is copying the chosen file into the container (before the job starts). */
  sending: boolean;
  running: boolean;
  result: ImportResult | undefined;
  failure: string | undefined;
  /** Resolves once the import ended: whether it worked. */
  run(file: string): Promise<boolean>;
}

/**
 * Import a file into an instance (its current data kept in a snapshot first). Only the page can read the
 * user's file (Docker Desktop), so the page first puts it into the container; the import itself is a job (it
 * runs in the backend, outliving the page), whose outcome is toasted and recorded where every job's is.
 */
export function useImport(instance: Instance): ImportState {
  const { dockbase, desktop } = useAppServices();
  const job = useInstanceJob<ImportResult>(instance, 'import');
  const { data: jobs } = useJobs();
  const [sending, setSending] = useState(false);
  const [sendFailure, setSendFailure] = useState<string | undefined>();
  const holder = runningJobsByInstance(jobs).get(instance.id);

  const refuse = (message: string) => {
    setSendFailure(message);
    desktop.toast.error(message);
    return false;
  };

  return {
    sending,
    running: sending || job.running,
    result: job.result,
    failure: sendFailure ?? job.failure,
    async run(file: string) {
      if (sending || job.running) return false;
      setSendFailure(undefined);
      // Known busy: said before the file is copied into the container for nothing.
      if (holder) return refuse(busyMessage(instance.name, { kind: holder.kind, title: holder.title, by: holder.by, since: holder.startedAt }));
      setSending(true);
      let sent;
      try {
        sent = await dockbase.backups.sendImportFile(instance, file);
      } catch (e) {
        return refuse(errorMessage(e));
      } finally {
        setSending(false);
      }
      const end = await job.run({ kind: 'import', instanceId: instance.id, file: sent.temp, fileName: sent.fileName });
      // Refused before it started (another door holds the instance): the file sent for it goes again.
      if (!end.job) await dockbase.backups.discardImportFile(instance, sent).catch(() => undefined);
      return end.job?.state === 'succeeded';
    },
  };
}
