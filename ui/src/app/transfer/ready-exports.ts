/**
 * Exports whose dump finished but that were not saved yet: an export job (started from a tab) ends with its
 * dump in the instance's container, and only the page can save it into the user's folder. One that finished
 * while the page was away, or after its dialog was closed, waits there until the user saves or discards it.
 *
 * How the page knows which are unsaved: it keeps them in localStorage, by job id, from the first time the jobs
 * list shows them until they are saved or discarded (then kept as done for a while, so that the list, which
 * shows a job until the page's next load, does not offer it again). The jobs list alone would not do: it shows
 * a job that ended while the page was away only until the page has seen it once (useJobs), and a dump must
 * wait longer. Asking docker whether each file is still there would cost a command per card at every render;
 * the dump's container is compared instead (an edit or an upgrade makes a new container, without the file).
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ExportDump, Instance, Job } from '@dockbase/core';
import { useJobs } from '../shared/useJobs';

export const READY_EXPORTS_KEY = 'dockbase.exports';

/** How long an entry is kept: a dump nobody saved in that time is no longer offered (its container keeps it until it is made again). */
const KEEP_MS = 30 * 24 * 3600 * 1000;

interface Entry {
  instanceId: string;
  dump: ExportDump;
  /** When the job ended (ISO). */
  at: string;
  done?: boolean;
}

export interface ReadyExport {
  jobId: string;
  dump: ExportDump;
  at: string;
}

const listeners = new Set<() => void>();
/** Jobs a dialog saves itself right now: not offered on their card meanwhile. */
const claimed = new Set<string>();
let version = 0;

function changed(): void {
  version++;
  for (const l of listeners) l();
}

function readBook(): Record<string, Entry> {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(READY_EXPORTS_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

function writeBook(book: Record<string, Entry>): void {
  const now = Date.now();
  const kept = Object.fromEntries(Object.entries(book).filter(([, e]) => now - Date.parse(e.at) < KEEP_MS));
  try {
    globalThis.localStorage?.setItem(READY_EXPORTS_KEY, JSON.stringify(kept));
  } catch {
    // A browser that keeps nothing offers a dump only while its job is listed.
  }
  changed();
}

/** An export job whose dump waits for the page: it succeeded, and a tab started it (the command line saves its own). */
export function isUnsavedDump(job: Job): boolean {
  const dump = job.result as Partial<ExportDump> | undefined;
  return job.kind === 'export' && job.state === 'succeeded' && job.by === 'tab' && typeof dump?.temp === 'string';
}

/** Remembers the dumps of these jobs (once: a saved one is not offered again). */
function remember(jobs: readonly Job[]): void {
  const book = readBook();
  const fresh = jobs.filter((j) => isUnsavedDump(j) && !book[j.id]);
  if (fresh.length === 0) return;
  for (const j of fresh) book[j.id] = { instanceId: j.instanceId, dump: j.result as ExportDump, at: j.endedAt ?? new Date().toISOString() };
  writeBook(book);
}

/** The dump was saved or discarded: it is no longer offered. */
export function settleExport(jobId: string): void {
  const book = readBook();
  const entry = book[jobId];
  book[jobId] = entry ? { ...entry, done: true } : ({ at: new Date().toISOString(), done: true } as Entry);
  writeBook(book);
}

export function isSettled(jobId: string): boolean {
  return readBook()[jobId]?.done === true;
}

/** A dialog saves this job's dump itself while it is open: returns the release. */
export function claimExport(jobId: string): () => void {
  claimed.add(jobId);
  changed();
  return () => {
    claimed.delete(jobId);
    changed();
  };
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The newest dump of this instance waiting to be saved, if any. */
export function useReadyExport(instance: Pick<Instance, 'id' | 'containerId'>): ReadyExport | undefined {
  const { data: jobs } = useJobs();
  const seen = useSyncExternalStore(subscribe, () => version);
  useEffect(() => {
    if (jobs) remember(jobs.filter((j) => j.instanceId === instance.id));
  }, [jobs, instance.id]);
  return useMemo(() => {
    void seen;
    const book = readBook();
    // The list's too, before they are remembered (the same render that lists them).
    for (const j of jobs ?? []) {
      if (j.instanceId === instance.id && isUnsavedDump(j) && !book[j.id])
        book[j.id] = { instanceId: j.instanceId, dump: j.result as ExportDump, at: j.endedAt ?? '' };
    }
    const ready = Object.entries(book)
      .filter(([id, e]) => e.instanceId === instance.id && !e.done && !claimed.has(id) && e.dump?.container === instance.containerId)
      .sort(([, a], [, b]) => b.at.localeCompare(a.at));
    const [jobId, entry] = ready[0] ?? [];
    return jobId && entry ? { jobId, dump: entry.dump, at: entry.at } : undefined;
  }, [jobs, instance.id, instance.containerId, seen]);
}
