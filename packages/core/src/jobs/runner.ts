/**
 * The job runner: the one task runner every long operation goes through, in whichever process outlives the
 * page (the extension's backend in Docker Desktop, the standalone host's backend, the CLI). It takes the
 * instance's lock (lock.ts), records the job and each step's undo in its store before the step runs
 * (job.ts), reports progress to whoever follows, and on start-up recovers what a dead process left
 * unfinished (recovery.ts). The page only starts jobs and follows them.
 */
import type { DockerCli } from '@dockbase/docker-cli';
import { DockerRunner } from '../docker/runner';
import type { Dockbase } from '../dockbase';
import { flavouredName, getEngine } from '../engines';
import { DockbaseError, isDockbaseError, type DockbaseErrorCode } from '../model/errors';
import { imageRef, newInstanceId, type Instance } from '../model/instance';
import type { CreatedInstance } from '../use-cases/create';
import type { PasswordCheck } from '../use-cases/credentials';
import { checkSnapshotName } from '../model/snapshot-model';
import { InvalidInputError } from '../model/errors';
import { journaled, type Job, type JobDoor, type JobMark, type JobProgress, type JobStore, type StepJournal } from './job';
import type { EngineId } from '../engines/ids';
import { InstanceLocks, busyMessage } from './lock';
import { recoverJob, recoveryPlan } from './recovery';
import { ENGINE_AWAY_STEP, engineAnswers, recoverAfterEngineAway } from './engine-away';
import { recordIdOf } from '../use-cases/activity';
import { importStepCancellable } from '../use-cases/import-plan';
import { migrationRefusal } from '../use-cases/migrate';
import { branchCopyRefusal } from '../use-cases/branch-copy';
import { checkDataPassword, dataPasswordFailed, takeDataPassword, type DataPasswordResult } from '../use-cases/data-password';
import type { JobRequest } from './requests';

/** What a door needs of jobs: start one, follow them, cancel one. The backend's client is another. */
export interface JobsService {
  start(request: JobRequest): Promise<Job>;
  /** Running jobs, and those that ended after `since` (ISO), newest first. */
  list(since?: string): Promise<Job[]>;
  cancel(id: string): Promise<void>;
}

export interface JobRunnerOptions {
  dockbase: Dockbase;
  cli: DockerCli;
  store: JobStore;
  /** Who starts the jobs of this runner when a request does not say (the backend: the tab; the CLI: itself). */
  door: JobDoor;
  /** Called once a mark is durable: fault tests end the process here. */
  onMark?(job: Job, mark: JobMark): void | Promise<void>;
  /** Called once a job ended (recorded in the instance's history), recovered ones included. */
  onEnd?(job: Job): void | Promise<void>;
  /**
   * Whether jobs take the instance's lock on the engine (lock.ts): true but for a runner in the page itself
   * (no backend answers), whose bridge runs only what the command policy allows; it then holds the instance
   * against its own jobs only.
   */
  engineLock?: boolean;
}

/** What a delete job produced: whether the data went, and the id its notes and history were kept under. */
export interface DeleteResult {
  dataRemoved: boolean;
  /** Whether data volumes stay (kept data, with its notes and history): false when removed, or when it had none. */
  dataKept: boolean;
  recordId: string;
}

/** What a job works on: the instance (or the one it makes), the image its lock is made from, and whether it is light. */
interface Target {
  id: string;
  name: string;
  engine: EngineId;
  /** Absent for a new instance: no lock (see start). */
  lockImage?: string;
  /** A start, stop or restart: a few run at once (LIGHT_AT_ONCE). */
  light?: boolean;
}

/** How many starts, stops and restarts run at once (each stop may take the engine's whole stop timeout). */
const LIGHT_AT_ONCE = 4;

/** At most `size` holders at once; the others wait in order. */
class Turns {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async take(onWait: () => void): Promise<() => void> {
    if (this.active >= this.size) {
      onWait();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** A create's journal that also ends Cancel once its container is made (from there it is finished, not undone). */
function withCancelEnd(ctx: RunContext): StepJournal {
  return {
    begin: async (step, undo) => {
      await ctx.journal.begin(step, undo);
      if (step === 'create') ctx.cancellable(false);
    },
    end: (step) => ctx.journal.end(step),
    commit: (step, forward) => ctx.journal.commit(step, forward),
  };
}

/**
 * The journal of steps that follow a job's commit (a restore's or an import's data is in; then the instance
 * takes the data's password, with a container swap). Recovery finishes a job that committed with its last
 * commit's forward steps only, so each step begun here is written as a commit whose forward puts back every
 * step of this phase begun so far (recoveryPlan's undo, in its order): interrupted, the job is finished with
 * the instance on its old container, its own password. A commit of the phase's own (the swap served) is
 * written as it is.
 */
function afterCommit(journal: StepJournal): StepJournal {
  const begun: JobMark[] = [];
  return {
    begin: async (step, undo = []) => {
      begun.push({ at: new Date().toISOString(), phase: 'begin', step, undo });
      await journal.commit(step, recoveryPlan(begun).actions);
    },
    end: (step) => journal.end(step),
    commit: (step, forward) => journal.commit(step, forward),
  };
}

/** What one kind of job does: its title and checks (before anything is taken) and its work. */
interface Prepared {
  title: string;
  /** Whether Cancel leaves everything as it was at the start. */
  cancellable: boolean;
  run(ctx: RunContext): Promise<unknown>;
}

interface RunContext {
  journal: StepJournal;
  signal: AbortSignal;
  progress(p: JobProgress): void;
  cancellable(can: boolean): void;
}

interface Running {
  job: Job;
  abort: AbortController;
  done: Promise<Job>;
  lastWrite: number;
  /** The lock's container id, when the job took one. */
  lock?: string;
}

export class JobRunner implements JobsService {
  private readonly docker: DockerRunner;
  private readonly locks: InstanceLocks;
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Set<(job: Job) => void>();
  private readonly engineLock: boolean;
  private readonly turns = new Turns(LIGHT_AT_ONCE);

  constructor(private readonly options: JobRunnerOptions) {
    this.docker = new DockerRunner(options.cli);
    this.locks = new InstanceLocks(this.docker);
    this.engineLock = options.engineLock ?? true;
  }

  /**
   * Starts a job: resolves with it once it runs (its lock taken, its record durable), or rejects when it is
   * refused (invalid, the instance gone, or `busy`: another job holds the instance, from any door).
   */
  async start(request: JobRequest, by: JobDoor = this.options.door): Promise<Job> {
    const held = (r: Running) =>
      r.job.state === 'running' && ('instanceId' in request ? r.job.instanceId === request.instanceId : r.job.instanceName === request.input.name);
    for (const r of this.running.values()) {
      if (held(r))
        throw new DockbaseError('busy', busyMessage(r.job.instanceName, { kind: r.job.kind, title: r.job.title, by: r.job.by, since: r.job.startedAt }));
    }
    const { target, ...prepared } = await this.prepareRequest(request);
    const job: Job = {
      id: newInstanceId(),
      kind: request.kind,
      instanceId: target.id,
      instanceName: target.name,
      engine: target.engine,
      title: prepared.title,
      by,
      startedAt: new Date().toISOString(),
      state: 'running',
      progress: {},
      cancellable: prepared.cancellable,
    };
    // A new instance needs no lock: nothing else can act on it before it exists, and docker refuses a second
    // container of its name (a second create of it fails with name-in-use).
    const lock = this.engineLock && target.lockImage ? await this.locks.acquire(job, target.lockImage, this.options.store.owner) : undefined;
    try {
      await this.options.store.insert(job);
    } catch (e) {
      if (lock) await this.locks.releaseOwn(lock);
      throw e;
    }
    const abort = new AbortController();
    const entry: Running = { job, abort, lastWrite: 0, done: Promise.resolve(job), ...(lock ? { lock } : {}) };
    this.running.set(job.id, entry);
    entry.done = this.execute(entry, prepared, target.light === true);
    this.emit(job);
    return { ...job };
  }

  async list(since?: string): Promise<Job[]> {
    const stored = await this.options.store.recent(since);
    return stored.map((j) => (this.running.has(j.id) ? { ...this.running.get(j.id)!.job } : j));
  }

  async cancel(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) throw new DockbaseError('not-found', 'That job is not running here.');
    if (!r.job.cancellable) throw new DockbaseError('invalid-input', `“${r.job.title}” can no longer be cancelled: it is finishing.`);
    r.abort.abort();
  }

  /** Resolves with the job once it ended (at once when it is not running here). */
  async wait(id: string): Promise<Job | undefined> {
    const r = this.running.get(id);
    if (r) return r.done;
    return (await this.options.store.recent()).find((j) => j.id === id);
  }

  /** Follows every change of every job of this runner; returns the unsubscribe. */
  subscribe(listener: (job: Job) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Brings back every instance whose job this runner's store left unfinished (its process died): each is
   * finished or undone (recovery.ts), recorded as interrupted with what was done, and its lock let go. Locks
   * this store took for jobs it never recorded (the process died in between) go too.
   */
  async recover(): Promise<Job[]> {
    const out: Job[] = [];
    const ports = {
      docker: this.docker,
      lifecycle: this.options.dockbase.lifecycle,
      readiness: this.options.dockbase.readiness,
      credentials: this.options.dockbase.credentials,
    };
    for (const u of await this.options.store.unfinished()) {
      if (this.running.has(u.job.id)) continue;
      const r = await recoverJob(ports, u).catch((e: unknown) => ({
        recovered: 'undone' as const,
        message: `${u.job.title} was interrupted (Dockbase stopped), and putting ${u.job.instanceName} back failed: ${(e as Error).message}`,
      }));
      const job: Job = { ...u.job, state: 'interrupted', endedAt: new Date().toISOString(), message: r.message, recovered: r.recovered };
      await this.options.store.finish(job.id, { state: job.state, endedAt: job.endedAt, message: job.message, recovered: job.recovered });
      if (this.engineLock) await this.locks.release(job.instanceName, job.id);
      await this.options.onEnd?.(job);
      this.emit(job);
      out.push(job);
    }
    if (this.engineLock) await this.locks.releaseOrphans(this.options.store.owner, new Set(this.running.keys()));
    return out;
  }

  private async execute(entry: Running, prepared: Prepared, light: boolean): Promise<Job> {
    const { job } = entry;
    const store = this.options.store;
    // The journal as written so far, for a recovery in this process should the engine go away (engine-away.ts).
    const marks: JobMark[] = [];
    const mark = async (m: JobMark) => {
      await store.mark(job.id, m);
      marks.push(m);
      await this.options.onMark?.(job, m);
    };
    const journal: StepJournal = {
      begin: (step, undo = []) => mark({ at: new Date().toISOString(), phase: 'begin', step, undo }),
      end: (step) => mark({ at: new Date().toISOString(), phase: 'end', step }),
      commit: async (step, forward = []) => {
        job.cancellable = false;
        await mark({ at: new Date().toISOString(), phase: 'commit', step, forward });
      },
    };
    const ctx: RunContext = {
      journal,
      signal: entry.abort.signal,
      progress: (p) => {
        const before = job.progress;
        const stepChanged = p.step !== undefined && p.step !== before.step;
        const done = stepChanged && before.step && !(before.done ?? []).includes(before.step) ? [...(before.done ?? []), before.step] : before.done;
        job.progress = { ...before, ...p, ...(done ? { done } : {}) };
        this.emit(job);
        const now = Date.now();
        if (stepChanged || now - entry.lastWrite > 1000) {
          entry.lastWrite = now;
          void store.progress(job.id, job.progress, job.cancellable).catch(() => undefined);
        }
      },
      cancellable: (can) => {
        if (job.cancellable !== can) {
          job.cancellable = can;
          this.emit(job);
        }
      },
    };
    // Starts and stops (a bulk action starts one per instance) run a few at a time; the rest wait their turn.
    const release = light ? await this.turns.take(() => ctx.progress({ step: 'queued' })) : undefined;
    try {
      job.result = await prepared.run(ctx);
      job.state = 'succeeded';
      if (job.progress.step) job.progress = { ...job.progress, done: [...new Set([...(job.progress.done ?? []), job.progress.step])], step: undefined };
    } catch (e) {
      job.state = isDockbaseError(e, 'cancelled') ? 'cancelled' : 'failed';
      job.message = e instanceof Error ? e.message : String(e);
      job.code = isDockbaseError(e) ? e.code : 'command-failed';
      if (isDockbaseError(e) && e.field) job.field = e.field;
    }
    // Failed because the engine went away: interrupted, and finished or undone once the engine is back.
    if (job.state === 'failed' && !(await engineAnswers(this.docker))) {
      // Not over yet: it runs on, waiting for the engine, until recovery has put back what it began.
      job.state = 'running';
      job.cancellable = false;
      const { dockbase } = this.options;
      const ports = { docker: this.docker, lifecycle: dockbase.lifecycle, readiness: dockbase.readiness, credentials: dockbase.credentials };
      const r = await recoverAfterEngineAway(ports, job, marks, () => ctx.progress({ step: ENGINE_AWAY_STEP }));
      Object.assign(job, { state: 'interrupted', message: r.message, recovered: r.recovered });
    }
    job.cancellable = false;
    job.endedAt = new Date().toISOString();
    try {
      await store.finish(job.id, {
        state: job.state,
        endedAt: job.endedAt,
        ...(job.message !== undefined ? { message: job.message } : {}),
        ...(job.code !== undefined ? { code: job.code } : {}),
        ...(job.field !== undefined ? { field: job.field } : {}),
        ...(job.result !== undefined ? { result: job.result } : {}),
        ...(job.recovered !== undefined ? { recovered: job.recovered } : {}),
      });
    } finally {
      release?.();
      // The lock this job made, by its id: nobody else's can have that id.
      if (entry.lock) await this.locks.releaseOwn(entry.lock);
      this.running.delete(job.id);
    }
    await Promise.resolve(this.options.onEnd?.(job)).catch(() => undefined);
    this.emit(job);
    return { ...job };
  }

  private emit(job: Job): void {
    for (const l of this.listeners) l({ ...job });
  }

  /** What a request works on (a new instance for a create or a clone), its title, checks and work. */
  private async prepareRequest(request: JobRequest): Promise<Prepared & { target: Target }> {
    const { dockbase } = this.options;
    if (request.kind === 'create') {
      const id = newInstanceId();
      const engine = getEngine(request.input.engine);
      return {
        target: { id, name: request.input.name, engine: engine.id },
        title: `Create ${flavouredName(engine.displayName, request.input.flavour)} ${request.input.tag}`,
        cancellable: true,
        run: async (ctx): Promise<CreatedInstance & { passwordCheck?: PasswordCheck }> => {
          const created = await dockbase.creation.create(request.input, {
            id,
            start: true,
            signal: ctx.signal,
            journal: withCancelEnd(ctx),
            onPullProgress: (p) => ctx.progress({ step: 'pull', pull: { done: p.done, total: p.total } }),
            onImageCheck: (c) => (c.verdict === 'unchecked' ? ctx.progress({ step: 'pull', imageNote: c.message }) : undefined),
            ...(request.seedFiles?.length ? { seedFiles: request.seedFiles } : {}),
          });
          if (!created.reusedData || !engine.passwordInData) return created;
          // On kept data the password is the data's own, or reset inside the database (where the engine allows
          // it): once the server answers, its own client proves it, here, so the verdict does not depend on the
          // page still being there (the backend remembers it).
          const reset = request.input.keptDataPassword === 'reset';
          ctx.progress({ step: 'password' });
          const passwordCheck = await dockbase.credentials.confirm(created, { apply: reset }).catch((e: unknown): PasswordCheck => ({
            status: 'rejected',
            message: `${created.name}: its password could not be ${reset ? 'reset' : 'checked'}: ${(e as Error).message}`,
          }));
          return { ...created, passwordCheck };
        },
      };
    }
    if (request.kind === 'clone') {
      const snapshot = (await dockbase.snapshots.list()).find((s) => s.id === request.snapshotId);
      if (!snapshot) throw new DockbaseError('not-found', 'That snapshot no longer exists.');
      const id = newInstanceId();
      return {
        target: { id, name: request.input.name, engine: snapshot.engine },
        title: `Clone “${snapshot.name}”`,
        cancellable: true,
        run: (ctx) => (
          ctx.progress({ step: 'copy' }),
          dockbase.snapshots.clone(snapshot, request.input, { id, start: true, signal: ctx.signal, journal: withCancelEnd(ctx) })
        ),
      };
    }
    const instance = await dockbase.lifecycle.get(request.instanceId);
    const prepared = await this.prepare(instance, request);
    return {
      ...prepared,
      target: {
        id: instance.id,
        name: instance.name,
        engine: instance.engine,
        lockImage: imageRef(instance.image, instance.tag),
        light: request.kind === 'start' || request.kind === 'stop' || request.kind === 'restart',
      },
    };
  }

  /** Each kind's title, checks and work, on an instance that exists. */
  private async prepare(instance: Instance, request: Exclude<JobRequest, { kind: 'create' | 'clone' }>): Promise<Prepared> {
    const { dockbase } = this.options;
    const engine = getEngine(instance.engine);
    switch (request.kind) {
      case 'start':
      case 'restart': {
        const restart = request.kind === 'restart';
        const usage = () => dockbase.creation.usage();
        return {
          title: restart ? 'Restart' : 'Start',
          cancellable: false,
          run: async (ctx) => {
            await journaled(ctx.journal, request.kind, [], async () => {
              ctx.progress({ step: request.kind });
              await (restart ? dockbase.lifecycle.restart(instance, usage) : dockbase.lifecycle.start(instance, usage));
            });
            ctx.progress({ step: 'ready' });
            await dockbase.readiness.waitUntilReady(instance, { restarted: true, signal: ctx.signal });
          },
        };
      }
      case 'stop':
        return {
          title: 'Stop',
          cancellable: false,
          run: (ctx) => (ctx.progress({ step: 'stop' }), journaled(ctx.journal, 'stop', [], () => dockbase.lifecycle.stop(instance))),
        };
      case 'delete':
        return {
          title: request.removeData ? 'Delete with its data' : 'Delete',
          cancellable: false,
          // Nothing undoes a delete: interrupted, what was not deleted yet is still there, and shows (recovery.ts).
          // Its result says under which id its notes and history were kept, for whoever records its end.
          run: async (ctx): Promise<DeleteResult> => {
            ctx.progress({ step: 'delete' });
            await journaled(ctx.journal, 'delete', [], () => dockbase.lifecycle.remove(instance, { removeData: request.removeData }));
            return { dataRemoved: request.removeData, dataKept: !request.removeData && instance.volumes.length > 0, recordId: recordIdOf(instance) };
          },
        };
      case 'upgrade': {
        const plan = dockbase.upgrades.plan(instance, request.to);
        if (plan.refusal) throw new DockbaseError('invalid-input', plan.refusal, 'tag');
        const blocked = await dockbase.upgrades.blocker(instance, request.to);
        if (blocked) throw new DockbaseError('volume-conflict', `${blocked} ${instance.name} was not changed.`, 'tag');
        const order = plan.steps.map((s) => s.id);
        const last = order.indexOf(plan.lastCancellableStep);
        return {
          title: `Upgrade to ${engine.displayName} ${request.to}`,
          cancellable: true,
          run: (ctx) =>
            dockbase.upgrades.upgrade(instance, request.to, {
              signal: ctx.signal,
              journal: ctx.journal,
              onProgress: (p) => {
                ctx.progress({
                  step: p.step,
                  ...(p.bytes !== undefined ? { bytes: p.bytes, totalBytes: p.totalBytes ?? 0 } : {}),
                  ...(p.pull ? { pull: p.pull } : {}),
                });
                ctx.cancellable(order.indexOf(p.step) <= last);
              },
            }),
        };
      }
      case 'rollback': {
        const point = (await dockbase.upgrades.rollbackPoints(instance)).find((p) => p.id === request.pointId);
        if (!point) throw new DockbaseError('not-found', `That rollback point of ${instance.name} no longer exists.`);
        return {
          title: `Roll back to ${engine.displayName} ${point.tag}`,
          cancellable: false,
          run: (ctx) => dockbase.upgrades.rollback(instance, point, { journal: ctx.journal, onProgress: (p) => ctx.progress({ step: p.step }) }),
        };
      }
      case 'edit':
        return {
          title: 'Change settings',
          cancellable: true,
          run: (ctx) =>
            dockbase.editing.edit(instance, request.changes, {
              signal: ctx.signal,
              journal: ctx.journal,
              onStep: (step) => {
                ctx.progress({ step });
                if (step !== 'stopping') ctx.cancellable(false);
              },
            }),
        };
      case 'restore': {
        // A snapshot of another instance of the same engine may be restored too (the core checks it can be read).
        const snapshot = (await dockbase.snapshots.list()).find((s) => s.id === request.snapshotId);
        if (!snapshot) throw new DockbaseError('not-found', `That snapshot of ${instance.name} no longer exists.`);
        const { dataPassword } = request;
        if (dataPassword !== undefined) checkDataPassword(instance, 'restore', dataPassword);
        return {
          title: `Restore “${snapshot.name}”`,
          cancellable: false,
          run: async (ctx) => {
            ctx.progress({ step: 'restore' });
            const restored = await dockbase.snapshots.restore(instance, snapshot, { journal: ctx.journal });
            if (dataPassword === undefined) return restored;
            ctx.progress({ step: 'password' });
            return { ...restored, ...(await this.takeDataPassword(ctx, instance, dataPassword, `snapshot “${snapshot.name}”`, 'restored', restored.password)) };
          },
        };
      }
      case 'snapshot': {
        const why = checkSnapshotName(request.name);
        if (why) throw new InvalidInputError({ name: why });
        return {
          title: `Snapshot “${request.name}”`,
          cancellable: false,
          run: (ctx) => (ctx.progress({ step: 'snapshot' }), dockbase.snapshots.take(instance, { name: request.name, journal: ctx.journal })),
        };
      }
      case 'import': {
        const { dataPassword } = request;
        if (dataPassword !== undefined) checkDataPassword(instance, 'import', dataPassword);
        // Cancellable while its step allows it (importSteps): until the load, and during a load by a tool beside
        // the server, which the data from before then replaces.
        return {
          title: `Import ${request.fileName}`,
          cancellable: true,
          run: async (ctx) => {
            const imported = await dockbase.backups.importSent(
              instance,
              { temp: request.file, fileName: request.fileName },
              {
                journal: ctx.journal,
                signal: ctx.signal,
                onProgress: (p) => {
                  ctx.cancellable(importStepCancellable(instance, p.step));
                  ctx.progress({ step: p.step, ...(p.sizeBytes !== undefined ? { totalBytes: p.sizeBytes } : {}) });
                },
              },
            );
            if (dataPassword === undefined) return imported;
            return { ...imported, ...(await this.takeDataPassword(ctx, instance, dataPassword, request.fileName, 'imported', imported.password)) };
          },
        };
      }
      case 'migrate': {
        // Refused before the job starts when the answer needs no docker (engines, versions, settings).
        const why = migrationRefusal(instance, request.input);
        if (why) throw new DockbaseError('incompatible-data', `${why} ${instance.name} was not changed.`, 'engine');
        const to = getEngine(request.input.engine);
        const id = newInstanceId();
        return {
          title: `Migrate to ${to.displayName} ${request.input.tag} as “${request.input.name}”`,
          cancellable: true,
          run: (ctx) =>
            dockbase.migrations.migrate(instance, request.input, {
              id,
              signal: ctx.signal,
              journal: withCancelEnd(ctx),
              onProgress: (p) => ctx.progress({ step: p.step, ...(p.pull ? { pull: { done: p.pull.done, total: p.pull.total } } : {}) }),
            }),
        };
      }
      case 'branch': {
        // Refused before the job starts when the answer needs no docker (no data volume, a bad project label).
        const why = branchCopyRefusal(instance, request.input);
        if (why) throw new DockbaseError('invalid-input', `${why} ${instance.name} was not changed.`);
        const id = newInstanceId();
        return {
          title: `Copy for the branch ${request.input.project.branch} as “${request.input.name}”`,
          cancellable: true,
          run: (ctx) =>
            dockbase.branches.branch(instance, request.input, {
              id,
              signal: ctx.signal,
              journal: withCancelEnd(ctx),
              onStep: (step) => ctx.progress({ step }),
            }),
        };
      }
      case 'export':
        // The dump only, cancellable throughout: the save into the user's folder is the door's (only it reaches
        // the user's files), and a dump that finished while nobody watched waits in the container for it.
        return {
          title: `Export with ${engine.transfer.exportTool}`,
          cancellable: true,
          run: (ctx) => (
            ctx.progress({ step: 'dump', bytes: 0 }),
            dockbase.backups.exportDump(instance, { signal: ctx.signal, journal: ctx.journal, onProgress: (bytes) => ctx.progress({ step: 'dump', bytes }) })
          ),
        };
    }
  }

  /**
   * After a restore or an import committed: the instance takes the password given for its data
   * (data-password.ts), its steps journaled after the commit. The data is in by then, so a failure other than
   * a refused password (Edit put the old container back) is said in the outcome, not as the job's failure;
   * but when the Docker engine went away meanwhile, it is thrown, for the runner to put the instance back
   * once the engine answers again.
   */
  private async takeDataPassword(
    ctx: RunContext,
    instance: Instance,
    password: string,
    source: string,
    data: 'restored' | 'imported',
    check: PasswordCheck | undefined,
  ): Promise<DataPasswordResult> {
    const { dockbase } = this.options;
    try {
      return await takeDataPassword(dockbase, instance, password, { source, data, check, journal: afterCommit(ctx.journal), signal: ctx.signal });
    } catch (e) {
      if (!(await engineAnswers(this.docker))) throw e;
      return { ...(check ? { password: check } : {}), dataPassword: dataPasswordFailed(instance, source, e) };
    }
  }
}

/** A job that ended without succeeding, as the error its door reports (the CLI's exit code comes from its code). */
export function jobError(job: Job): DockbaseError {
  if (job.state === 'succeeded') throw new Error('the job succeeded');
  const code = (job.state === 'cancelled' ? 'cancelled' : (job.code ?? 'command-failed')) as DockbaseErrorCode;
  return new DockbaseError(code, job.message ?? `${job.title} ${job.state}.`, job.field);
}
