import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { busyMessage, type ExportDump, type ExportProgress, type ExportResult, type ImportResult, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta } from '../shared/queries';
import { useInstanceJob } from '../shared/useInstanceJob';
import { runningJobsByInstance, useJobs } from '../shared/useJobs';
import { claimExport, isSettled, isUnsavedDump, settleExport, type ReadyExport } from './ready-exports';

export interface ExportState {
  running: boolean;
  progress: ExportProgress | undefined;
  result: ExportResult | undefined;
  failure: string | undefined;
  /** A dump that waits to be saved (this dialog's, once a save failed, or the one it was opened for): run saves it. */
  dump: ExportDump | undefined;
  /** Dumps (unless a dump waits), then saves into `directory`; resolves whether the file was written. */
  run(directory: string): Promise<boolean>;
  /** Stops the dump: its partial file is removed, nothing is written. */
  cancel(): void;
}

/**
 * Export an instance to a file in a folder. The dump is a job (it runs in the backend, outliving the page,
 * cancellable throughout); once it succeeded, the page saves it into the folder itself, since only the page
 * reaches the user's files, and toasts and records the file. A dump whose save failed, or that finished after
 * the dialog was closed, waits in the container: its card offers it (ready-exports.ts), and `ready` opens the
 * dialog on it.
 */
export function useExport(instance: Instance, ready?: ReadyExport): ExportState {
  const { dockbase, desktop, activity } = useAppServices();
  const client = useQueryClient();
  const job = useInstanceJob<ExportDump>(instance, 'export');
  const [pending, setPending] = useState<{ jobId: string; dump: ExportDump } | undefined>(ready);
  const [saving, setSaving] = useState<number | undefined>();
  const [result, setResult] = useState<ExportResult | undefined>();
  const [saveFailure, setSaveFailure] = useState<string | undefined>();
  const busy = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => void (mounted.current = false);
  }, []);

  // The dump this dialog follows is saved here, not offered on the card meanwhile.
  const followed = pending?.jobId ?? job.job?.id;
  useEffect(() => (followed ? claimExport(followed) : undefined), [followed]);
  // One that finished while the dialog was open (started by another tab): it waits here for its save.
  const shown = job.job;
  useEffect(() => {
    if (shown && isUnsavedDump(shown) && !isSettled(shown.id)) setPending((p) => p ?? { jobId: shown.id, dump: shown.result as ExportDump });
  }, [shown]);

  const save = async (target: { jobId: string; dump: ExportDump }, directory: string): Promise<boolean> => {
    setSaving(target.dump.sizeBytes);
    let outcome: { ok: boolean; detail: string; size?: number };
    try {
      const r = await dockbase.backups.saveExport(instance, target.dump, directory);
      settleExport(target.jobId);
      setPending(undefined);
      setResult(r);
      desktop.toast.success(`${instance.name} was exported to ${r.file}.`);
      outcome = { ok: true, detail: `${r.tool} → ${r.file}`, size: r.sizeBytes };
    } catch (e) {
      // The dump stays: saved again into another folder, or discarded from the card.
      setPending(target);
      const message = errorMessage(e);
      setSaveFailure(message);
      desktop.toast.error(message);
      outcome = { ok: false, detail: message };
    } finally {
      setSaving(undefined);
    }
    void activity.outcome(instance, 'export', outcome).then((recorded) => {
      if (recorded) void invalidateInstanceMeta(client, instance);
    });
    return outcome.ok;
  };

  const dumping = job.running && !pending;
  return {
    running: busy.current || dumping || saving !== undefined,
    progress: saving !== undefined ? { phase: 'saving', bytes: saving } : dumping ? { phase: 'dumping', bytes: job.progress.bytes ?? 0 } : undefined,
    result,
    // A cancel is the user's own doing: the form is back, nothing said.
    failure: saveFailure ?? (pending || result || job.cancelled ? undefined : job.failure),
    dump: pending?.dump,
    async run(directory: string) {
      if (busy.current || job.running) return false;
      busy.current = true;
      try {
        setResult(undefined);
        setSaveFailure(undefined);
        let target = pending;
        if (!target) {
          const end = await job.run({ kind: 'export', instanceId: instance.id });
          // Closed meanwhile: the dump waits for its card's Save… instead.
          if (end.job?.state !== 'succeeded' || !mounted.current) return false;
          target = { jobId: end.job.id, dump: end.job.result as ExportDump };
          setPending(target);
        }
        return await save(target, directory);
      } finally {
        busy.current = false;
      }
    },
    cancel: job.cancel,
  };
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
