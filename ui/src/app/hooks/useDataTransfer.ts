import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ExportProgress, ExportResult, ImportResult, Instance } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage, isCancelled } from '../errors';
import { invalidateInstanceMeta, invalidateSnapshots, relistInstances } from '../queries';

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
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ExportProgress | undefined>();
  const [result, setResult] = useState<ExportResult | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const controller = useRef<AbortController | null>(null);

  const run = useCallback(
    async (directory: string) => {
      if (controller.current) return false;
      const abort = new AbortController();
      controller.current = abort;
      setRunning(true);
      setProgress(undefined);
      setResult(undefined);
      setFailure(undefined);
      let outcome: { ok: boolean; detail?: string; size?: number };
      try {
        const r = await dockbase.backups.export(instance, { directory, signal: abort.signal, onProgress: setProgress });
        setResult(r);
        desktop.toast.success(`${instance.name} was exported to ${r.file}.`);
        outcome = { ok: true, detail: `${r.tool} → ${r.file}`, size: r.sizeBytes };
      } catch (e) {
        const message = errorMessage(e);
        if (!isCancelled(e)) {
          setFailure(message);
          desktop.toast.error(message);
        }
        outcome = { ok: false, detail: message };
      } finally {
        controller.current = null;
        setRunning(false);
      }
      void activity.outcome(instance, 'export', outcome).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance);
      });
      return outcome.ok;
    },
    [dockbase, desktop, activity, queryClient, instance],
  );

  return { running, progress, result, failure, run, cancel: useCallback(() => controller.current?.abort(), []) };
}

export interface ImportState {
  running: boolean;
  result: ImportResult | undefined;
  failure: string | undefined;
  run(file: string): Promise<boolean>;
}

/** Import a file into an instance (its current data kept in a snapshot first); the outcome goes to the history. */
export function useImport(instance: Instance): ImportState {
  const { dockbase, desktop, activity } = useAppServices();
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ImportResult | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const busy = useRef(false);

  const run = useCallback(
    async (file: string) => {
      if (busy.current) return false;
      busy.current = true;
      setRunning(true);
      setResult(undefined);
      setFailure(undefined);
      let outcome: { ok: boolean; detail?: string; size?: number };
      try {
        const r = await dockbase.backups.import(instance, file);
        setResult(r);
        desktop.toast.success(`${file} was imported into ${instance.name}. Its previous data is kept as "${r.kept.name}".`);
        outcome = { ok: true, detail: file, size: r.sizeBytes };
      } catch (e) {
        const message = errorMessage(e);
        setFailure(message);
        desktop.toast.error(message);
        outcome = { ok: false, detail: message };
      } finally {
        busy.current = false;
        setRunning(false);
        void invalidateSnapshots(queryClient, instance.id);
        void relistInstances(queryClient);
      }
      void activity.outcome(instance, 'import', outcome).then((recorded) => {
        if (recorded) void invalidateInstanceMeta(queryClient, instance);
      });
      return outcome.ok;
    },
    [dockbase, desktop, activity, queryClient, instance],
  );

  return { running, result, failure, run };
}
