/**
 * A job's end as the instance's history keeps it: ONE way, whoever ran the job (the backend for its jobs, the
 * page for the jobs it ran itself, the command line for its own), so that the tab's history says the same
 * thing for the same job from every door. Never a password: versions, counts, names, sizes.
 */
import { getEngine } from '../engines';
import { count } from '../model/words';
import type { Snapshot } from '../model/snapshot-model';
import { instanceSettings, recordIdOf, type ActivityStore, type RecordedAction } from '../use-cases/activity';
import type { ExportDump, ImportResult } from '../use-cases/backups';
import type { CreatedInstance } from '../use-cases/create';
import type { MigrateResult } from '../use-cases/migrate';
import type { BranchCopyResult } from '../use-cases/branch-copy';
import type { RollbackResult, UpgradeResult } from '../use-cases/upgrade-plan';
import type { Job } from './job';
import type { DeleteResult } from './runner';

/** The longest detail the backend's history takes. */
const MAX_DETAIL = 4000;

export interface JobHistoryEntry {
  action: RecordedAction;
  outcome: 'ok' | 'failed';
  detail?: string;
  /** Bytes it moved (a snapshot, an import, an upgrade's copy). */
  size?: number;
}

/** The words the history keeps for an upgrade that worked: versions, method, counts, the rollback point. */
export function upgradeDetail(engine: string, r: UpgradeResult): string {
  const how = r.method === 'dump-restore' ? 'dump and restore' : 'in place';
  const checked = r.verified ? `, ${count(r.verified.tables, 'table')} and ${count(r.verified.rows, 'row')} checked on both sides` : '';
  return `${engine} ${r.from} → ${r.to} (${how}${checked}); rollback point “${r.rollbackPoint.name}”`;
}

/**
 * A cancelled job's detail. The history knows only ok and failed, so a cancel is said in words, first:
 * "Cancelled: Upgrade to Redis 8.0. Nothing was changed: cache runs Redis 7.4 as before."
 */
export function cancelledDetail(job: Pick<Job, 'title' | 'message'>): string {
  const rest = (job.message ?? '').replace(/^(?:cancelled[.:;]?|[^.;:]*\bcancelled[.;])\s*/i, '').trim();
  return `Cancelled: ${job.title}.${rest ? ` ${rest.charAt(0).toUpperCase()}${rest.slice(1)}` : ''}`;
}

/** What a job's title quotes (“before migration” in `Restore “before migration”`). */
function quoted(title: string): string | undefined {
  return /“(.*)”/.exec(title)?.[1];
}

function clip(detail: string): string {
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail;
}

/** A job's end as one history entry: what it did (or its error, its cancel, what recovery did), and its size. */
export function jobHistoryEntry(job: Job): JobHistoryEntry {
  const action: RecordedAction = job.kind;
  if (job.state !== 'succeeded') {
    const detail = job.state === 'cancelled' ? cancelledDetail(job) : (job.message ?? job.title);
    return { action, outcome: 'failed', detail: clip(detail) };
  }
  const engine = getEngine(job.engine).displayName;
  const ok = (detail?: string, size?: number): JobHistoryEntry => ({
    action,
    outcome: 'ok',
    ...(detail ? { detail: clip(detail) } : {}),
    ...(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
  });
  switch (job.kind) {
    case 'create':
      return ok((job.result as CreatedInstance | undefined)?.reusedData ? 'on the data kept from before' : undefined);
    case 'clone':
      return ok(job.title);
    case 'start':
    case 'stop':
    case 'restart':
      return ok();
    case 'delete':
      return ok((job.result as DeleteResult | undefined)?.dataKept ? 'its data was kept, with these notes and history' : undefined);
    case 'upgrade': {
      const r = job.result as UpgradeResult | undefined;
      return r ? ok(upgradeDetail(engine, r), r.sizeBytes) : ok(job.title);
    }
    case 'rollback': {
      const r = job.result as RollbackResult | undefined;
      return r ? ok(`${engine} ${r.from} → ${r.to}; ${r.from}'s data kept as “${r.kept.name}”`, r.kept.sizeBytes) : ok(job.title);
    }
    case 'edit': {
      const changes = (job.result as { changes?: string[] } | undefined)?.changes ?? [];
      return ok(changes.length ? changes.join('; ') : undefined);
    }
    case 'snapshot': {
      const s = job.result as Snapshot | undefined;
      return ok(s?.name ?? quoted(job.title) ?? job.title, s?.sizeBytes);
    }
    case 'restore':
      return ok(quoted(job.title) ?? job.title);
    case 'import':
      return ok(job.title.replace(/^Import /, ''), (job.result as ImportResult | undefined)?.sizeBytes);
    case 'export':
      // The dump; its save into a folder is recorded by whoever saves it, with the file.
      return ok(job.title, (job.result as ExportDump | undefined)?.sizeBytes);
    case 'migrate': {
      const r = job.result as MigrateResult | undefined;
      return ok(
        r ? `${engine} ${r.migratedFrom.tag} → ${getEngine(r.engine).displayName} ${r.tag}: “${r.name}” made from “${r.migratedFrom.name}”` : job.title,
      );
    }
    case 'branch': {
      const r = job.result as BranchCopyResult | undefined;
      return ok(r ? `“${r.name}” made from “${r.branchedFrom.name}” for the branch ${r.project?.branch ?? ''}, on port ${r.hostPort}` : job.title);
    }
  }
}

/**
 * Records a job's end (a runner's onEnd): a new instance (a create's, a clone's) gets its record under its
 * data's id, with the settings its labels hold, then its entry; a delete that took the data (or an instance
 * that had none) removes the record, one that kept it says so in the history kept with it; anything else is
 * one entry under `recordId` (the instance's record id as it is now; its own id when gone). A create that
 * failed made nothing to record. Best effort: whether it was recorded, never an error.
 */
export async function recordJobEnd(store: ActivityStore | undefined, job: Job, recordId: string = job.instanceId): Promise<boolean> {
  if (!store) return false;
  try {
    const entry = jobHistoryEntry(job);
    if (job.kind === 'create' || job.kind === 'clone') {
      const made = job.state === 'succeeded' ? (job.result as CreatedInstance | undefined) : undefined;
      if (!made) return false;
      const id = recordIdOf(made);
      await store.saveInstance(id, { name: made.name, engine: made.engine, settings: instanceSettings(made) });
      await store.addHistory(id, entry);
      return true;
    }
    // A migration (a branch copy) is in the history of the instance it copied, and the new instance gets its record with it.
    if ((job.kind === 'migrate' || job.kind === 'branch') && job.state === 'succeeded') {
      const made = job.result as MigrateResult | BranchCopyResult | undefined;
      if (made) {
        const id = recordIdOf(made);
        await store.saveInstance(id, { name: made.name, engine: made.engine, settings: instanceSettings(made) });
        await store.addHistory(id, entry);
      }
    }
    if (job.kind === 'delete' && job.state === 'succeeded') {
      const r = job.result as DeleteResult;
      if (r.dataKept) await store.addHistory(r.recordId, entry);
      else await store.deleteInstance(r.recordId);
      return true;
    }
    await store.addHistory(recordId, entry);
    return true;
  } catch {
    return false;
  }
}
