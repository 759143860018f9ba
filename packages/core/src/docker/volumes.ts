/**
 * Data volumes: `volume create` (with Dockbase's labels only), `volume inspect`, `volume rm` (Dockbase's data
 * volumes only) and `volume ls` (the data deleted instances left, the snapshots and their volumes), with their
 * readers and shapes and the parsers of what they print.
 */
import { after, at, dockbaseLabel, dockbaseVolumeName, mismatch, newId, params, shape, type CommandShape } from './command-shape';
import { JSON_FORMAT, parseJsonLines, parseLabelString, str, stringRecord, type Json } from './output';
import { LABEL } from '../model/labels';
import { MAX_SETTINGS, settingsFromLabel, settingsLabel } from '../model/settings';

export function volumeCreateArgs(name: string, labels: Readonly<Record<string, string>>): string[] {
  const args = ['volume', 'create'];
  for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
  args.push(name);
  return args;
}

export function volumeInspectArgs(names: readonly string[]): string[] {
  return ['volume', 'inspect', ...names];
}

export function volumeRemoveArgs(names: readonly string[]): string[] {
  return ['volume', 'rm', ...names];
}

/** Dockbase's data volumes that no container uses: the data deleted instances left behind. */
export function keptVolumesArgs(): string[] {
  return ['volume', 'ls', '--filter', `label=${LABEL.volume}`, '--filter', 'dangling=true', '--format', JSON_FORMAT];
}

/** Every snapshot's manifest volume (names only; read their labels with volume inspect). */
export function snapshotManifestsArgs(): string[] {
  return ['volume', 'ls', '--quiet', '--filter', `label=${LABEL.snapshotRole}=manifest`];
}

/**
 * What `leftBehindVolumesArgs` prints of each volume no container uses: its name and labels when it is one of
 * Dockbase's data volumes (`io.dockbase.volume`: kept data, a snapshot's data, the old data a rollback point
 * holds) or a snapshot's manifest, and an empty line for any other volume, whose labels (which may hold
 * someone's secrets) never leave docker.
 */
export const LEFT_BEHIND_FORMAT = `{{if or (.Label "${LABEL.volume}") (eq (.Label "${LABEL.snapshotRole}") "manifest")}}{"Name":{{json .Name}},"Labels":{{json .Labels}}}{{end}}`;

/**
 * The data deleted instances left and every snapshot, in ONE call (the tab's open): Dockbase's volumes that no
 * container uses, with their labels. A snapshot's manifest is an empty volume nothing mounts.
 */
export function leftBehindVolumesArgs(): string[] {
  return ['volume', 'ls', '--filter', 'dangling=true', '--format', LEFT_BEHIND_FORMAT];
}

/** Every volume of one snapshot (its manifest and its data). */
export function volumesOfSnapshotArgs(snapshotId: string): string[] {
  return ['volume', 'ls', '--quiet', '--filter', `label=${LABEL.snapshot}=${snapshotId}`];
}

// ---- readers and shapes ---------------------------------------------------------------------------------

/**
 * The settings label of a snapshot's manifest or a kept-settings marker: JSON, so it holds the commas and `=`
 * other labels may not, and passes only as the very text Dockbase writes for the settings it reads back.
 */
function settingsLabelPair(text: string): [string, string] {
  const value = text.slice(LABEL.settings.length + 1);
  const settings = settingsFromLabel(value);
  if (!settings || settingsLabel(settings) !== value || Object.keys(settings).length > MAX_SETTINGS) mismatch('its settings label is not one Dockbase writes');
  return [LABEL.settings, value];
}

/** Reads `volumeCreateArgs` back: a Dockbase data volume's name, and Dockbase's labels (at least one). */
export function readVolumeCreate(argv: readonly string[]): [string, Record<string, string>] {
  const labels: Record<string, string> = {};
  let i = 2;
  while (argv[i] === '--label') {
    const text = at(argv, i + 1);
    const [k, v] = text.startsWith(`${LABEL.settings}=`) ? settingsLabelPair(text) : dockbaseLabel(text, 'volumes are created with Dockbase’s labels only');
    labels[k] = v;
    i += 2;
  }
  if (Object.keys(labels).length === 0) mismatch('Dockbase labels every volume it creates');
  return [dockbaseVolumeName(at(argv, i)), labels];
}

export const VOLUME_SHAPES: readonly CommandShape[] = [
  shape({ name: 'inspect data volumes', words: ['volume', 'inspect'], build: volumeInspectArgs, read: (a) => params(a.slice(2).map(dockbaseVolumeName)) }),
  shape({
    name: 'delete data volumes',
    words: ['volume', 'rm'],
    build: volumeRemoveArgs,
    read: (a) => params(a.slice(2).map(dockbaseVolumeName)),
    targets: (volumes) => ({ volumes }),
  }),
  shape({
    name: 'create a data volume',
    words: ['volume', 'create'],
    build: volumeCreateArgs,
    read: readVolumeCreate,
    targets: (volume, labels) => ({ claims: [{ volume, labels }] }),
  }),
  shape({ name: 'list the data of deleted instances', words: ['volume', 'ls'], build: keptVolumesArgs, read: () => params() }),
  shape({ name: 'list snapshots', words: ['volume', 'ls'], build: snapshotManifestsArgs, read: () => params() }),
  shape({ name: 'list what deleted instances left and the snapshots', words: ['volume', 'ls'], build: leftBehindVolumesArgs, read: () => params() }),
  shape({
    name: 'list a snapshot’s volumes',
    words: ['volume', 'ls'],
    build: volumesOfSnapshotArgs,
    read: (a) => params(newId(after(at(a, 4), `label=${LABEL.snapshot}=`))),
  }),
];

// ---- what they print ------------------------------------------------------------------------------------

export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
  /** ISO 8601, when docker says (`volume inspect` does, `volume ls` does not). */
  createdAt?: string;
}

export function parseVolumeInspect(stdout: string): VolumeInfo[] {
  const arr: unknown = JSON.parse(stdout);
  return (Array.isArray(arr) ? (arr as Json[]) : []).map(volumeInfoOf);
}

/** The engine API's path for one volume (200 with what `volume inspect` prints for it, 404: no such volume). */
export function volumePath(name: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) ? `/volumes/${name}` : undefined;
}

/** One volume as `volume inspect` and the engine's API describe it. */
export function volumeInfoOf(v: Json): VolumeInfo {
  const created = new Date(str(v.CreatedAt));
  return {
    name: str(v.Name),
    labels: stringRecord(v.Labels),
    ...(str(v.CreatedAt) && !Number.isNaN(created.getTime()) ? { createdAt: created.toISOString() } : {}),
  };
}

/** `docker volume ls --format '{{json .}}'`: names and labels (labels as one "k=v,k=v" string). */
export function parseVolumeList(stdout: string): VolumeInfo[] {
  return parseJsonLines(stdout).map((v) => ({ name: str(v.Name), labels: parseLabelString(str(v.Labels)) }));
}
