import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  busyMessage,
  cancelled,
  isDockbaseError,
  type ExportDump,
  type ExportProgress,
  type ExportResult,
  type DumpKind,
  type ImportResult,
  type Instance,
  type Job,
  type SentImportFile,
} from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { invalidateInstanceMeta } from '../shared/queries';
import { useInstanceJob } from '../shared/useInstanceJob';
import { runningJobsByInstance, useJobs } from '../shared/useJobs';
import type { StepsProgress } from '../shared/Steps';
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

/**
 * Where an import is, as its dialog shows it: `choose` (no file yet, or a cancel brought the form back);
 * `sending` (the page copies the file into the container and reads it: the dialog stays); `ready` (its size and
 * kind are shown, and it waits for Import); `importing` (the job runs, with or without the dialog); `ended`.
 */
export type ImportPhase = 'choose' | 'sending' | 'ready' | 'importing' | 'ended';

/** The page's own step before the job's (importSteps): copying the file into the container. */
export const SEND_STEP = 'send';

/** An import's file as the dialog names it: what the page read of it, or what its job says. */
export interface ImportFileShown {
  fileName: string;
  sizeBytes?: number;
  kind?: DumpKind;
  gzip?: boolean;
}

export interface ImportState {
  phase: ImportPhase;
  /** The page is copying the chosen file into the container (before the job starts). */
  sending: boolean;
  running: boolean;
  /** The file sent, once read (its name, size and kind), or the one the job shown imports (its name, and size once read). */
  file: ImportFileShown | undefined;
  /** The steps done and running: the page's copy (SEND_STEP), then the job's. */
  progress: StepsProgress;
  /** Whether Cancel does something now: stops the copy, or the job while its step allows it. */
  cancellable: boolean;
  result: ImportResult | undefined;
  failure: string | undefined;
  /** The job shown was cancelled: `failure` says what was put back. */
  cancelled: boolean;
  /** Copies the file into the container and reads it; resolves whether it waits for `confirm`. */
  send(file: string): Promise<boolean>;
  /** Imports the file sent (as a job); resolves once the import ended: whether it worked. */
  /** `dataPassword`: the dump's password, for the instance to take once it is imported (engines that ask: asksDataPassword). */
  confirm(dataPassword?: string): Promise<boolean>;
  /** Stops the copy, or the job while Cancel leaves everything as it was. */
  cancel(): void;
  /** Removes the file waiting for Import (another file is chosen, or the dialog is closed). */
  discard(): Promise<void>;
}

/**
 * Import a file into an instance (its current data kept in a snapshot first). Only the page can read the
 * user's file (Docker Desktop), so the page first puts it into the container and reads its size and kind, to
 * be confirmed; the import itself is a job (it runs in the backend, outliving the page), whose outcome is
 * toasted and recorded where every job's is. A file sent but never imported is removed from the container.
 */
export function useImport(instance: Instance): ImportState {
  const { dockbase, desktop } = useAppServices();
  const job = useInstanceJob<ImportResult>(instance, 'import');
  const { data: jobs } = useJobs();
  const [sending, setSending] = useState(false);
  const [sendFailure, setSendFailure] = useState<string | undefined>();
  const [sendCancelled, setSendCancelled] = useState(false);
  // A job this dialog showed before is hidden once another file is chosen (until its Import).
  const [jobHidden, setJobHidden] = useState(false);
  const [file, setFile] = useState<ImportFileShown | undefined>();
  // The file waiting for Import; a ref too, so that confirm sees it as soon as send resolved.
  const [ready, setReady] = useState<SentImportFile | undefined>();
  const waiting = useRef<SentImportFile | undefined>(undefined);
  const copying = useRef<AbortController | undefined>(undefined);
  const busy = useRef(false);
  const holder = runningJobsByInstance(jobs).get(instance.id);

  const hold = (sent: SentImportFile | undefined) => {
    waiting.current = sent;
    setReady(sent);
  };
  const refuse = (message: string) => {
    setSendFailure(message);
    desktop.toast.error(message);
    return false;
  };
  const discard = async () => {
    const sent = waiting.current;
    if (!sent) return;
    hold(undefined);
    setFile(undefined);
    await dockbase.backups.discardImportFile(instance, sent).catch(() => undefined);
  };

  // Closed while the file was copied or waited for Import: the copy stops, the file goes.
  const latest = useRef({ discard });
  latest.current = { discard };
  useEffect(
    () => () => {
      copying.current?.abort();
      void latest.current.discard();
    },
    [],
  );

  const phase: ImportPhase = sending ? 'sending' : job.running ? 'importing' : ready ? 'ready' : job.job && !jobHidden ? 'ended' : 'choose';
  const ended = phase === 'ended';
  const jobShown = phase === 'importing' || ended;
  const jobSteps = jobShown ? job.progress : {};
  const progress: StepsProgress =
    phase === 'sending'
      ? { step: SEND_STEP, done: [] }
      : phase === 'ready'
        ? { step: undefined, done: [SEND_STEP] }
        : phase === 'choose'
          ? { step: undefined, done: [] }
          : {
              // An import that did not finish shows where it stopped, without a spinner.
              step: ended && !job.result ? undefined : jobSteps.step,
              done: [SEND_STEP, ...(jobSteps.done ?? [])],
            };

  return {
    phase,
    sending,
    running: sending || job.running,
    file: (jobShown ? fileOfJob(job.job, file) : undefined) ?? file,
    progress,
    cancellable: sending || (phase === 'importing' && job.cancellable),
    result: jobShown ? job.result : undefined,
    failure: sendFailure ?? (jobShown ? job.failure : undefined),
    cancelled: sendCancelled || (jobShown && job.cancelled),
    async send(path: string) {
      if (busy.current || sending || job.running) return false;
      busy.current = true;
      try {
        setSendFailure(undefined);
        setSendCancelled(false);
        setJobHidden(true);
        // Known busy: said before the file is copied into the container for nothing.
        if (holder) return refuse(busyMessage(instance.name, { kind: holder.kind, title: holder.title, by: holder.by, since: holder.startedAt }));
        setSending(true);
        const abort = new AbortController();
        copying.current = abort;
        let sent: SentImportFile | undefined;
        try {
          // A file read before and not imported goes first.
          await discard();
          sent = await dockbase.backups.sendImportFile(instance, path, { signal: abort.signal });
          const info = await dockbase.backups.readSentFile(instance, sent);
          if (abort.signal.aborted) throw cancelled(`Import cancelled; nothing was changed in ${instance.name}.`);
          setFile(info);
          hold(sent);
          return true;
        } catch (e) {
          // Read but then cancelled: the file goes (one refused when read is removed by the core).
          if (sent && abort.signal.aborted) await dockbase.backups.discardImportFile(instance, sent).catch(() => undefined);
          if (isDockbaseError(e, 'cancelled')) {
            // The user's own doing: said in the dialog, not toasted.
            setSendCancelled(true);
            setSendFailure(errorMessage(e));
            return false;
          }
          return refuse(errorMessage(e));
        } finally {
          copying.current = undefined;
          setSending(false);
        }
      } finally {
        busy.current = false;
      }
    },
    async confirm(dataPassword?: string) {
      const sent = waiting.current;
      if (!sent || busy.current || job.running) return false;
      busy.current = true;
      try {
        setSendFailure(undefined);
        setJobHidden(false);
        hold(undefined);
        const end = await job.run({
          kind: 'import',
          instanceId: instance.id,
          file: sent.temp,
          fileName: sent.fileName,
          ...(dataPassword !== undefined ? { dataPassword } : {}),
        });
        // Refused before it started (another door holds the instance): the file sent for it goes again.
        if (!end.job) await dockbase.backups.discardImportFile(instance, sent).catch(() => undefined);
        return end.job?.state === 'succeeded';
      } finally {
        busy.current = false;
      }
    },
    cancel() {
      if (copying.current) copying.current.abort();
      else job.cancel();
    },
    discard,
  };
}

/**
 * The file of the import job shown: the one this dialog read, or what the job says (started elsewhere: its
 * title names the file, its progress the size once the job read it).
 */
function fileOfJob(job: Job | undefined, read: ImportFileShown | undefined): ImportFileShown | undefined {
  if (!job) return undefined;
  const fileName = job.title.replace(/^Import /, '');
  if (read?.fileName === fileName) return read;
  const sizeBytes = (job.state === 'succeeded' ? (job.result as ImportResult | undefined)?.sizeBytes : undefined) ?? job.progress.totalBytes;
  return { fileName, ...(sizeBytes !== undefined ? { sizeBytes } : {}) };
}
