/**
 * Data that deleted instances left behind: Dockbase's data volumes no container uses. Listed from docker's
 * volumes and their labels (which engine and version wrote them, for which instance, with which user and
 * database), described for people, checked before a create reuses them, and deleted on request.
 */
import { volumeSizesArgs, parseVolumeSizes } from '../docker/usage';
import {
  keptVolumesArgs,
  leftBehindVolumesArgs,
  volumeInspectArgs,
  volumeRemoveArgs,
  parseVolumeInspect,
  parseVolumeList,
  type VolumeInfo,
} from '../docker/volumes';
import { getEngine, type DataMount, type EngineDefinition, type EngineId } from '../engines';
import { DockbaseError, commandFailed } from '../model/errors';
import { volumeName } from '../model/instance';
import { KEPT_SETTINGS_KEY, LABEL, snapshotFromLabels, volumeOwner } from '../model/labels';
import { settingsFromLabel, type ServerSettings } from '../model/settings';
import { naturalCompare } from '../model/order';
import type { DockerRunner } from '../docker/runner';
import type { Snapshot } from '../model/snapshot-model';

/** The data one deleted instance left: its volumes and who wrote them. */
export interface KeptData {
  /** The name of the instance that wrote it (a create with this name finds it again). */
  instanceName: string;
  engine: EngineId;
  /** The version that wrote it. */
  tag: string;
  volumes: string[];
  /** The instance's id: a re-created instance takes it back, with its notes and history. */
  instanceId?: string;
  /** The user and database it was initialised with. */
  user?: string;
  database?: string;
  /** The port and image of the instance that made it, when its volumes record them: Re-create offers them. */
  hostPort?: number;
  image?: string;
  /** The flavour of the instance that made it, when its volumes record it: Re-create offers it. */
  flavour?: string;
  /**
   * The settings its server ran with when it was deleted (the marker volume the delete wrote, see
   * KEPT_SETTINGS_KEY): Re-create offers them. Absent when it had none, or was deleted outside Dockbase.
   */
  settings?: ServerSettings;
  /** That marker volume, deleted with the data. */
  settingsVolume?: string;
  /** When the data was first written (ISO 8601), once details are read. */
  createdAt?: string;
  /** Bytes on disk, once details are read. */
  sizeBytes?: number;
}

/**
 * Groups labelled volumes by the instance that wrote them. A kept-settings marker joins the data of the same
 * engine and instance name and id; a marker without data (left by a create that reused it and could not
 * remove it) is no kept data.
 */
export function groupKeptData(volumes: readonly VolumeInfo[]): KeptData[] {
  const groups = new Map<string, KeptData>();
  const markers: VolumeInfo[] = [];
  for (const v of volumes) {
    const owner = volumeOwner(v.labels);
    if (!owner) continue;
    if (owner.mountKey === KEPT_SETTINGS_KEY) {
      markers.push(v);
      continue;
    }
    const instanceName = owner.instanceName || v.name.replace(/^dockbase-/, '').replace(new RegExp(`-${owner.mountKey}$`), '');
    const key = `${owner.engine}\u0000${instanceName}`;
    const group = groups.get(key) ?? {
      instanceName,
      engine: owner.engine,
      tag: owner.tag,
      volumes: [],
      ...(owner.instanceId ? { instanceId: owner.instanceId } : {}),
      ...(owner.user ? { user: owner.user } : {}),
      ...(owner.database ? { database: owner.database } : {}),
      ...(owner.hostPort ? { hostPort: owner.hostPort } : {}),
      ...(owner.image ? { image: owner.image } : {}),
      ...(owner.flavour ? { flavour: owner.flavour } : {}),
    };
    group.volumes.push(v.name);
    if (v.createdAt && (!group.createdAt || v.createdAt < group.createdAt)) group.createdAt = v.createdAt;
    groups.set(key, group);
  }
  for (const m of markers) {
    const group = groups.get(`${m.labels[LABEL.engine] ?? ''}\u0000${m.labels[LABEL.name] ?? ''}`);
    // Only the marker of this very data (the same instance id, when its volumes record one) speaks for it.
    if (!group || group.settingsVolume || (group.instanceId !== undefined && group.instanceId !== m.labels[LABEL.instance])) continue;
    group.settingsVolume = m.name;
    const settings = settingsFromLabel(m.labels[LABEL.settings]);
    if (settings) group.settings = settings;
  }
  return [...groups.values()].sort((a, b) => naturalCompare(a.instanceName, b.instanceName));
}

/** The kept data a create with this name and engine would reuse (its volume names are the engine's mounts). */
export function keptDataForName(kept: readonly KeptData[], name: string, engine: EngineDefinition, tag: string): KeptData | undefined {
  const wanted = new Set(engine.dataMounts(tag).map((m) => volumeName(name, m.key)));
  return kept.find((k) => k.volumes.some((v) => wanted.has(v)));
}

/**
 * Why kept data cannot be reused by a create of `engine` at `tag` (another engine's data, or a version
 * that cannot open it), as the field to blame and a sentence; undefined when it can.
 */
export function reuseProblem(
  owner: { engine: string; tag: string; mountKey?: string; mountPath?: string },
  volume: string,
  mount: DataMount | undefined,
  engine: EngineDefinition,
  tag: string,
): { field: 'name' | 'tag'; message: string } | undefined {
  if (owner.engine !== engine.id || (mount && owner.mountKey !== undefined && owner.mountKey !== mount.key)) {
    const other = owner.engine && owner.engine !== engine.id ? ` (it holds ${safeEngineName(owner.engine)} data)` : '';
    return {
      field: 'name',
      message: `A volume named ${volume} already exists and does not hold ${engine.displayName} data from Dockbase${other}. Choose another name.`,
    };
  }
  if (!engine.canReuseData(owner.tag, tag) || (mount && owner.mountPath && owner.mountPath !== mount.path)) {
    return {
      field: 'tag',
      message: `Volume ${volume} holds ${engine.displayName} ${owner.tag} data, which version ${tag} cannot open. Use version ${owner.tag}, or another name.`,
    };
  }
  return undefined;
}

function safeEngineName(id: string): string {
  try {
    return getEngine(id as EngineId).displayName;
  } catch {
    return id;
  }
}

/** A volume's labels as reuseProblem reads them. */
export function ownerOfVolume(info: VolumeInfo): { engine: string; tag: string; mountKey?: string; mountPath?: string } {
  const l = info.labels;
  return {
    engine: l[LABEL.engine] ?? '',
    tag: l[LABEL.tag] ?? '',
    ...(l[LABEL.volume] !== undefined ? { mountKey: l[LABEL.volume] } : { mountKey: '' }),
    ...(l[LABEL.mountPath] ? { mountPath: l[LABEL.mountPath] } : {}),
  };
}

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/**
 * A size as every front door shows it (the tab and the CLI alike): "512 B", "48.2 MB", "512 kB", "1.2 GB".
 * Decimal (SI) units, 1 kB = 1000 B, as docker prints image and volume sizes; whole bytes, one decimal below
 * 100 and none from 100 on. A value that would round up to 1000 is shown in the next unit ("1.0 MB", never
 * "1000 kB"). "?" for a negative or non-finite number.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const shown = (value: number, unit: number) => (unit === 0 || value >= 99.95 ? String(Math.round(value)) : value.toFixed(1));
  let unit = 0;
  while (unit < SIZE_UNITS.length - 1 && Number(shown(bytes / 1000 ** unit, unit)) >= 1000) unit++;
  return `${shown(bytes / 1000 ** unit, unit)} ${SIZE_UNITS[unit]}`;
}

/** "PostgreSQL 15 data created 25 Nov 2026, 48.2 MB": what the create form and the list of kept data say. */
export function describeKeptData(k: KeptData): string {
  const engine = getEngine(k.engine);
  const parts = [`${engine.displayName} ${k.tag || '(unknown version)'} data`];
  if (k.createdAt) {
    const d = new Date(k.createdAt);
    if (!Number.isNaN(d.getTime())) parts[0] += ` created ${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })}`;
  }
  if (k.sizeBytes !== undefined) parts.push(formatBytes(k.sizeBytes));
  if (k.user || k.database) parts.push([k.user ? `user ${k.user}` : '', k.database ? `database ${k.database}` : ''].filter(Boolean).join(', '));
  return parts.join(', ');
}

/**
 * The volumes that are not kept data although no container uses them: those a snapshot holds. An upgrade's
 * rollback point keeps the old data volume as it is (its labels still say "data of instance X"); offered as
 * kept data, its Delete would destroy the way back and its Re-create would take it from the snapshot.
 */
export function heldBySnapshots(snapshots: readonly Pick<Snapshot, 'volumes'>[]): Set<string> {
  return new Set(snapshots.flatMap((s) => s.volumes.map((v) => v.volume)));
}

/** Everything deleted instances left behind, and every snapshot (the rollback points among them). */
export interface LeftBehind {
  kept: KeptData[];
  /** Newest first. */
  snapshots: Snapshot[];
}

/**
 * Reads `leftBehindVolumesArgs`' output: the snapshots from their manifests' labels, and the kept data from the
 * data volumes no snapshot holds. Any other volume printed is left out.
 */
export function parseLeftBehind(stdout: string): LeftBehind {
  const volumes = parseVolumeList(stdout);
  const snapshots = volumes
    .map((v) => snapshotFromLabels(v.name, v.labels))
    .filter((s): s is Snapshot => s !== undefined)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const held = heldBySnapshots(snapshots);
  return { kept: groupKeptData(volumes.filter((v) => v.labels[LABEL.volume] !== undefined && !held.has(v.name))), snapshots };
}

export class KeptDataCatalog {
  constructor(
    private readonly docker: DockerRunner,
    /** Every snapshot (Snapshots.list): their volumes are theirs, not kept data. */
    private readonly snapshots: () => Promise<readonly Pick<Snapshot, 'volumes'>[]> = async () => [],
  ) {}

  /** Every deleted instance's kept data (one `docker volume ls`, and the snapshots'); no dates or sizes yet (see details). */
  async list(): Promise<KeptData[]> {
    const [r, snapshots] = await Promise.all([this.docker.run(keptVolumesArgs(), 'list the data of deleted instances'), this.snapshots()]);
    const held = heldBySnapshots(snapshots);
    return groupKeptData(parseVolumeList(r.stdout).filter((v) => !held.has(v.name)));
  }

  /**
   * The kept data and every snapshot at once, from ONE `docker volume ls` (what the tab shows below the
   * instances, and the rollback points), where `list` and `Snapshots.list` take two or three.
   */
  async leftBehind(): Promise<LeftBehind> {
    return parseLeftBehind((await this.docker.run(leftBehindVolumesArgs(), 'list the data and snapshots deleted instances left')).stdout);
  }

  /** When it was written and how big it is: one `volume inspect` and one `system df` (computed by docker, slow-ish). */
  async details(kept: KeptData): Promise<KeptData> {
    const [inspected, sizes] = await Promise.all([
      this.docker.tryRun(volumeInspectArgs(kept.volumes)).then((r) => (r.code === 0 ? parseVolumeInspect(r.stdout) : [])),
      this.sizes().catch(() => new Map<string, number>()),
    ]);
    const created = inspected
      .map((v) => v.createdAt)
      .filter((t): t is string => Boolean(t))
      .sort()[0];
    const known = kept.volumes.filter((v) => sizes.has(v));
    return {
      ...kept,
      ...(created ? { createdAt: created } : {}),
      ...(known.length ? { sizeBytes: known.reduce((sum, v) => sum + (sizes.get(v) ?? 0), 0) } : {}),
    };
  }

  /** details() of several at once: still one `volume inspect` and one `system df` in all. */
  async detailsOfAll(list: readonly KeptData[]): Promise<KeptData[]> {
    const volumes = list.flatMap((k) => k.volumes);
    if (volumes.length === 0) return [...list];
    const [inspected, sizes] = await Promise.all([
      this.docker.tryRun(volumeInspectArgs(volumes)).then((r) => (r.stdout.trim() ? parseVolumeInspect(r.stdout) : [])),
      this.sizes().catch(() => new Map<string, number>()),
    ]);
    const created = new Map(inspected.map((v) => [v.name, v.createdAt] as const));
    return list.map((k) => {
      const first = k.volumes
        .map((v) => created.get(v))
        .filter((t): t is string => Boolean(t))
        .sort()[0];
      const known = k.volumes.filter((v) => sizes.has(v));
      return {
        ...k,
        ...(first ? { createdAt: first } : {}),
        ...(known.length ? { sizeBytes: known.reduce((sum, v) => sum + (sizes.get(v) ?? 0), 0) } : {}),
      };
    });
  }

  /** The size of every volume, by name (one `docker system df -v`). */
  async sizes(): Promise<Map<string, number>> {
    const r = await this.docker.run(volumeSizesArgs(), 'measure the volumes');
    return parseVolumeSizes(r.stdout);
  }

  /**
   * Deletes kept data for good. Refused by docker while a container uses a volume, and here while a snapshot
   * holds one (nothing is then removed).
   */
  async remove(kept: KeptData): Promise<void> {
    const held = heldBySnapshots(await this.snapshots());
    const taken = kept.volumes.filter((v) => held.has(v));
    if (taken.length > 0) {
      throw new DockbaseError(
        'volume-conflict',
        `${taken.join(', ')} is held by a snapshot (an upgrade's rollback point?): nothing was deleted. Delete the snapshot instead.`,
      );
    }
    const r = await this.docker.tryRun(volumeRemoveArgs(kept.volumes));
    if (r.code !== 0 && !/no such volume/i.test(r.stderr)) {
      if (/volume is in use/i.test(r.stderr))
        throw new DockbaseError('volume-conflict', `The data of ${kept.instanceName} is in use by a container again: nothing was deleted.`);
      throw commandFailed(`delete the data of ${kept.instanceName}`, r.stderr);
    }
    // Its settings marker on its own, once the data is gone: a bridge that checks every volume first refuses the
    // whole call as "no such volume" when one is missing, and one gone meanwhile must not keep the data.
    if (kept.settingsVolume) await this.docker.bestEffort(volumeRemoveArgs([kept.settingsVolume]));
  }
}
