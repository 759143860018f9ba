/**
 * What the tab says of a job, wherever it ran (this page, the backend, another tab, the command line): its
 * outcome as one toast, where it is as one line (a card's or a row's), and its outcome as the instance's
 * history keeps it. Everything is read from the Job itself (its kind, title, progress and JSON result), so a
 * job this page never started is said in the same words.
 */
import {
  ENGINE_AWAY_STEP,
  formatBytes,
  getEngine,
  type CreatedInstance,
  type DataPasswordResult,
  type DeleteResult,
  type EditStep,
  type ImportResult,
  type ImportStepId,
  type Job,
  type JobKind,
  type BranchCopyResult,
  type MigrateResult,
  type PasswordCheck,
  type RollbackResult,
  type Snapshot,
  type UpgradeResult,
  type UpgradeStepId,
} from '@dockbase/core';

/** An edit's steps, as its dialog and a row say them. */
export const EDIT_STEP_TEXT: Record<EditStep, string> = {
  stopping: 'Stopping it…',
  replacing: 'Replacing its container…',
  starting: 'Starting the new container…',
  'setting-password': 'Setting the new password inside the database…',
  'checking-password': 'Checking the new password…',
  'cleaning-up': 'Removing the old container…',
  'rolling-back': 'Putting the old container back…',
};

/** An upgrade's and a roll back's steps, short, for a row (the dialog names each in full). */
const UPGRADE_STEP_TEXT: Record<UpgradeStepId, string> = {
  pull: 'getting the image',
  align: 'checking its compatibility setting',
  stop: 'stopping it',
  snapshot: 'keeping its data as the rollback point',
  prepare: 'starting both versions',
  copy: 'copying the data',
  verify: 'counting the rows on both sides',
  keep: 'keeping what it holds now',
  restore: 'putting the data back',
  switch: 'switching over',
  check: 'checking the new server',
};

/** The steps of a create, a clone, a start, a restart, a stop and a delete, for a row (`queued`: waiting for one of the runner's few turns). */
const LIFECYCLE_STEP_TEXT: Record<string, string> = {
  queued: 'waiting its turn',
  pull: 'getting the image',
  copy: 'copying the snapshot’s data',
  start: 'starting it',
  restart: 'restarting it',
  ready: 'waiting for the server to answer',
  stop: 'stopping it',
  delete: 'deleting it',
};

/** An import's steps, for a card or a row (its dialog lists them in full, importSteps). */
const IMPORT_STEP_TEXT: Record<ImportStepId, string> = {
  check: 'checking the file',
  keep: 'keeping its data in a “before import” snapshot',
  load: 'loading the file',
  password: 'checking its password',
};

/** A migration's steps, for the card of the instance it copies (its dialog lists them in full). */
const MIGRATE_STEP_TEXT: Record<string, string> = {
  check: 'checking that the data can move',
  pull: 'getting the image',
  copy: 'copying its data',
  start: 'starting the new instance',
  ready: 'waiting for the new instance to load the data',
};

/** A branch copy's steps (`dockbase branch`), for the card of the instance it copies. */
const BRANCH_STEP_TEXT: Record<string, string> = {
  stop: 'stopping it (its copy takes the port)',
  copy: 'copying its data',
  start: 'starting the copy',
  ready: 'waiting for the copy to answer',
};

/** The kinds whose steps LIFECYCLE_STEP_TEXT says. */
const LIFECYCLE_KINDS: readonly JobKind[] = ['create', 'clone', 'start', 'restart', 'stop', 'delete'];
/** The kinds that make a new instance: once they can no longer be cancelled, they create and start it. */
const MAKES_AN_INSTANCE: readonly JobKind[] = ['create', 'clone'];

const BY_TEXT: Record<string, string> = { cli: 'from the command line', schedule: 'by a schedule', tab: '' };

/** What a job's title quotes (“before migration” in `Restore “before migration”`). */
function quoted(title: string): string | undefined {
  return /“(.*)”/.exec(title)?.[1];
}

/** The file an import's title names (`Import orders.sql`). */
function importedFile(title: string): string {
  return title.replace(/^Import /, '');
}

/** Where a running job is, in one line: its title, its step and its copy's or pull's progress, and who started it when not a tab. */
export function jobProgressText(job: Job): string {
  const { step, bytes, totalBytes, pull } = job.progress;
  let where = '';
  // Any kind: what it began is put back (or finished) once the engine answers again.
  if (step === ENGINE_AWAY_STEP) where = 'waiting for the Docker engine to come back';
  else if (job.kind === 'export') where = step === 'dump' ? `dumping${bytes ? ` (${formatBytes(bytes)})` : ''}` : '';
  // A create or a clone that can no longer be cancelled is past its pull or copy: its container is being made.
  else if (MAKES_AN_INSTANCE.includes(job.kind) && !job.cancellable) where = 'creating and starting it';
  else if (step) {
    if (job.kind === 'edit') where = (EDIT_STEP_TEXT as Record<string, string>)[step]?.replace(/…$/, '').toLowerCase() ?? step;
    else if (job.kind === 'upgrade' || job.kind === 'rollback') where = (UPGRADE_STEP_TEXT as Record<string, string>)[step] ?? step;
    else if (LIFECYCLE_KINDS.includes(job.kind)) where = LIFECYCLE_STEP_TEXT[step] ?? step;
    else if (job.kind === 'migrate') where = MIGRATE_STEP_TEXT[step] ?? step;
    else if (job.kind === 'branch') where = BRANCH_STEP_TEXT[step] ?? step;
    else if (job.kind === 'import') where = `${(IMPORT_STEP_TEXT as Record<string, string>)[step] ?? step}${totalBytes ? ` (${formatBytes(totalBytes)})` : ''}`;
    if (step === 'copy' && bytes !== undefined) where += ` (${formatBytes(bytes)}${totalBytes ? ` of about ${formatBytes(totalBytes)}` : ''})`;
    else if (step === 'pull' && pull && pull.total > 0) where += ` (${pull.done} of ${pull.total} layers)`;
  }
  const by = BY_TEXT[job.by] ?? `by ${job.by}`;
  return `${job.title}${by ? ` (${by})` : ''}${where ? `: ${where}…` : '…'}`;
}

/** What a create job produced: the instance, and on kept data the verdict on its password (the job checks it). */
export type CreatedJobResult = CreatedInstance & { passwordCheck?: PasswordCheck };

export type JobToast = { severity: 'success' | 'error' | 'warning'; message: string };

/**
 * The one toast a job's end gets: what it did, in the words each dialog used before jobs; its error; what
 * recovery did after an interruption (a warning). A cancel gets none: it is the user's own doing. Neither does
 * a start, a stop or a restart that worked: the instance's status says it (as it did before they were jobs). A
 * create on kept data whose password the server refused is a warning that says so.
 */
export function jobOutcomeToast(job: Job): JobToast | undefined {
  switch (job.state) {
    case 'running':
    case 'cancelled':
      return undefined;
    case 'failed':
      return { severity: 'error', message: job.message || `${job.title} failed.` };
    case 'interrupted':
      return { severity: 'warning', message: job.message || `${job.title} was interrupted.` };
    case 'succeeded': {
      const message = successText(job);
      // On kept data whose password the server refused: the instance runs, but its connection string does not work.
      const check = job.kind === 'create' ? (job.result as CreatedJobResult | undefined)?.passwordCheck : undefined;
      if (message && check?.status === 'rejected') return { severity: 'warning', message: `${message} ${check.message}` };
      // A restore or an import given its data's password: what became of it (a password not taken is a warning).
      const given = job.kind === 'restore' || job.kind === 'import' ? (job.result as DataPasswordResult | undefined)?.dataPassword : undefined;
      if (message && given) return { severity: given.taken ? 'success' : 'warning', message: `${message} ${given.message}` };
      return message === undefined ? undefined : { severity: 'success', message };
    }
  }
}

/** What a job that worked did, in a toast; undefined when it gets none. */
export function successText(job: Job): string | undefined {
  const name = job.instanceName;
  const engine = getEngine(job.engine).displayName;
  switch (job.kind) {
    case 'create':
      return `${name} was created and is starting.`;
    case 'clone':
      return `${name} was created from "${quoted(job.title) ?? 'the snapshot'}" and is starting.`;
    case 'migrate': {
      const r = job.result as MigrateResult | undefined;
      return r ? `${r.name} runs ${getEngine(r.engine).displayName} ${r.tag} with the data of ${name}, which is as it was.` : `${name}: ${job.title} done.`;
    }
    case 'branch': {
      const r = job.result as BranchCopyResult | undefined;
      return r
        ? `${r.name} serves the branch ${r.project?.branch ?? ''} on port ${r.hostPort} with a copy of the data of ${name}, which is stopped.`
        : `${name}: ${job.title} done.`;
    }
    case 'start':
    case 'stop':
    case 'restart':
      return undefined;
    case 'delete':
      return (job.result as DeleteResult | undefined)?.dataRemoved ? `${name} and its data were deleted.` : `${name} was deleted.`;
    case 'upgrade': {
      const r = job.result as UpgradeResult | undefined;
      return r ? `${name} now runs ${engine} ${r.to}. Its data from ${r.from} is kept as the rollback point.` : `${name}: ${job.title} done.`;
    }
    case 'rollback': {
      const r = job.result as RollbackResult | undefined;
      return r
        ? `${name} runs ${engine} ${r.to} again, with its data from before the upgrade. What ${r.from} held is kept as “${r.kept.name}”.`
        : `${name}: ${job.title} done.`;
    }
    case 'edit': {
      const changes = (job.result as { changes?: string[] } | undefined)?.changes ?? [];
      return changes.length ? `${name}: ${changes.join('; ')}.` : `${name}: nothing to change.`;
    }
    case 'snapshot': {
      const s = job.result as Snapshot | undefined;
      return `Snapshot "${s?.name ?? quoted(job.title) ?? ''}" of ${name} taken.`;
    }
    case 'restore': {
      const kept = (job.result as { kept?: Snapshot } | undefined)?.kept;
      return `${name} was restored from "${quoted(job.title) ?? 'the snapshot'}".${kept ? ` Its previous data is kept as "${kept.name}".` : ''}`;
    }
    case 'import': {
      const r = job.result as ImportResult | undefined;
      return `${importedFile(job.title)} was imported into ${name}.${r?.kept ? ` Its previous data is kept as "${r.kept.name}".` : ''}`;
    }
    case 'export':
      // A finished export is not done until it is saved: its dialog toasts the save, its card offers it.
      return undefined;
  }
}
