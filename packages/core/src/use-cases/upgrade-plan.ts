/**
 * What an upgrade or a roll back will do, before anything runs: the versions an instance can move to, the
 * steps of each way (engines/*: `upgrade`), why one is refused, and the rollback point that applies now; and
 * the types the three ways (upgrade-in-place.ts, upgrade-dump-restore.ts, upgrade-rollback.ts) report in.
 */
import { compareVersions, flavourTagRefusal, flavourTags, getEngine, getFlavour, tagVersion, type EngineDefinition, type UpgradeMethod } from '../engines';
import { imageRef, type Instance } from '../model/instance';
import type { PullProgress } from './pull';
import type { StepJournal } from '../jobs/job';
import { isRollbackPoint, snapshotBelongsTo, type RollbackPoint, type Snapshot } from '../model/snapshot-model';
import type { PasswordCheck } from './credentials';

/** The steps of an upgrade or a roll back, in the order they run (each plan lists its own). */
export type UpgradeStepId = 'pull' | 'align' | 'stop' | 'snapshot' | 'prepare' | 'copy' | 'verify' | 'keep' | 'restore' | 'switch' | 'check';

export interface UpgradeStep {
  id: UpgradeStepId;
  /** What it does, for people. */
  label: string;
}

/** What an upgrade of an instance to a version will do, decided from the tags alone (no docker call). */
export interface UpgradePlan {
  engine: EngineDefinition['id'];
  from: string;
  to: string;
  /** The image the new version comes from (the instance's repository, the new tag). */
  image: string;
  method: UpgradeMethod;
  /** Why it cannot be done, naming the way through; undefined when it can. */
  refusal?: string;
  /** What will happen and how long it may take. */
  explanation: string;
  steps: UpgradeStep[];
  /** Cancelling up to and including this step leaves the instance exactly as it was. */
  lastCancellableStep: UpgradeStepId;
}

export interface UpgradeProgress {
  step: UpgradeStepId;
  /** While copying (PostgreSQL): bytes of data restored so far, and the old data's size. */
  bytes?: number;
  totalBytes?: number;
  /** While pulling: layers done and in all. */
  pull?: Pick<PullProgress, 'done' | 'total'>;
}

export interface UpgradeOptions {
  /** Cancels until the switch-over (see `UpgradePlan.lastCancellableStep`); later it is ignored. */
  signal?: AbortSignal;
  onProgress?(progress: UpgradeProgress): void;
  /** How long the new version gets to serve (its own upgrade step included); 10 minutes by default. */
  readyTimeoutMs?: number;
  /** The job's journal (jobs/job.ts): each step that changes docker state is recorded with its undo first. */
  journal?: StepJournal;
}

export interface UpgradeResult {
  instance: Instance;
  from: string;
  to: string;
  method: UpgradeMethod;
  /** The version the new server reports. */
  serverVersion: string;
  /** The data and version from before, kept until the user deletes it. */
  rollbackPoint: RollbackPoint;
  /** Dump and restore: the tables whose rows were counted on both sides, and the rows. */
  verified?: { tables: number; rows: number };
  /** Dump and restore: every extension of the old data, with its version before and after (PostGIS 3.3 → 3.5). */
  extensions?: ExtensionVersions[];
  /** Bytes of data moved (the old data's size). */
  sizeBytes?: number;
}

/** One extension of one database, before and after a dump and restore. */
export interface ExtensionVersions {
  database: string;
  name: string;
  before: string;
  after: string;
}

/**
 * The extensions a dump and restore carried, for people: "postgis 3.3.2 → 3.5.1, vector 0.8.0" (each name
 * once, whatever the databases; PL/pgSQL, which every database has, left out); empty when there were none.
 */
export function extensionsText(extensions: readonly ExtensionVersions[] = []): string {
  const seen = new Map<string, string>();
  for (const e of extensions) {
    if (e.name === 'plpgsql' || seen.has(e.name)) continue;
    seen.set(e.name, e.before === e.after ? `${e.name} ${e.after}` : `${e.name} ${e.before} → ${e.after}`);
  }
  return [...seen.values()].join(', ');
}

export interface RollbackResult {
  instance: Instance;
  from: string;
  to: string;
  serverVersion: string;
  /** The data the instance held before the roll back, kept until the user deletes it. */
  kept: Snapshot;
  /** For a running instance: whether its password opens the data it went back to (set again where the engine allows). */
  password?: PasswordCheck;
}

/** What a plan reads of an instance. */
export type UpgradeSubject = Pick<Instance, 'engine' | 'tag' | 'image' | 'name'> & Partial<Pick<Instance, 'flavour'>>;

/** Newer versions first: the tags an instance may be upgraded to, each with its plan (refused ones too, with why). */
export function upgradeTargets(instance: UpgradeSubject, tags: readonly string[]): UpgradePlan[] {
  const engine = getEngine(instance.engine);
  const versionOf = (tag: string) => tagVersion(engine, tag);
  const from = versionOf(instance.tag);
  const seen = new Set<string>();
  const out: UpgradePlan[] = [];
  // A flavour's instance moves to the same flavour's tags only.
  const flavour = instance.flavour ? getFlavour(instance.flavour) : undefined;
  for (const tag of flavour ? flavourTags(flavour, tags) : tags) {
    const v = versionOf(tag);
    if (!v || seen.has(tag) || !from) continue;
    // Only newer ones: older and equal tags are not upgrades (a typed one is still refused with its reason).
    const order = compareVersions(from, v);
    if (order !== -1) continue;
    seen.add(tag);
    out.push(planUpgrade(instance, tag));
  }
  return out.sort((a, b) => -(compareVersions(versionOf(a.to)!, versionOf(b.to)!) ?? b.to.length - a.to.length));
}

/** The plan of upgrading `instance` to `toTag`: method, steps, explanation, or why not. Pure. */
export function planUpgrade(instance: UpgradeSubject, toTag: string): UpgradePlan {
  const engine = getEngine(instance.engine);
  const to = toTag.trim();
  // A flavour keeps its flavour: the new version is one of its own tags (PostGIS 15 → PostGIS's 17 image).
  const flavour = instance.flavour ? getFlavour(instance.flavour) : undefined;
  const refusal = (flavour && flavourTagRefusal(flavour, to)) || engine.upgrade.refusal(instance.tag, to);
  const method = engine.upgrade.method(instance.tag, to);
  const name = `${engine.displayName}`;
  const steps: UpgradeStep[] = [{ id: 'pull', label: `Get the image ${imageRef(instance.image, to)}` }];
  if (method === 'dump-restore') {
    steps.push(
      { id: 'stop', label: `Stop ${instance.name} (nothing can write to it during the copy)` },
      { id: 'prepare', label: `Start ${name} ${instance.tag} and ${to} side by side, without network` },
      { id: 'copy', label: `Copy every database and role with pg_dumpall ${to} into psql` },
      { id: 'verify', label: 'Count the rows of every table on both sides' },
      { id: 'switch', label: `Switch ${instance.name} to ${to} on its new data volume; keep the ${instance.tag} volume as the rollback point` },
      { id: 'check', label: `Check that the server reports ${to}` },
    );
  } else {
    const align = engine.upgrade.alignWhat;
    if (align) steps.push({ id: 'align', label: `Check ${align} of ${instance.tag} (and set it if it is lower)` });
    steps.push(
      { id: 'stop', label: `Stop ${instance.name}` },
      { id: 'snapshot', label: 'Keep a snapshot of its data: the rollback point' },
      { id: 'switch', label: `Start ${name} ${to} on the same data${engine.id === 'mariadb' ? ' (the image runs mariadb-upgrade first)' : ''}` },
      { id: 'check', label: `Check that the server reports ${to}${align ? ` and set ${align} to it` : ''}` },
    );
  }
  return {
    engine: engine.id,
    from: instance.tag,
    to,
    image: imageRef(instance.image, to),
    method,
    ...(refusal ? { refusal } : {}),
    explanation: engine.upgrade.explain(instance.tag, to),
    steps,
    lastCancellableStep: method === 'dump-restore' ? 'verify' : 'snapshot',
  };
}

/** The rollback point that applies to the instance now: its newest one from before an upgrade to the version it runs. */
export function rollbackPointFor(
  instance: Pick<Instance, 'id' | 'engine' | 'tag'> & Partial<Pick<Instance, 'dataId'>>,
  snapshots: readonly Snapshot[],
): RollbackPoint | undefined {
  return snapshots
    .filter(isRollbackPoint)
    .filter((s) => snapshotBelongsTo(s, instance) && s.engine === instance.engine && s.upgradeTo === instance.tag)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}
