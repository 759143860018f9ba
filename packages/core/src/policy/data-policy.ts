/**
 * The argv shapes of data safety (snapshots, restores, clones, export, import, seed files), as shapes of the
 * command policy (command-policy.ts): each pairs a builder in argv.ts with a reader of its parameters, so a
 * bridge lets through exactly what the builders make from data-scripts.ts, and nothing wider. Per shape:
 *
 * - helper `docker run`: only Dockbase's own copy scripts, only named volumes whose names start `dockbase-`
 *   mounted at /from/<key> (read-only; must be Dockbase's) or /to/<key> (new, labelled only with Dockbase's
 *   labels, or an existing Dockbase volume being replaced), no network, removed when done.
 * - `docker exec <instance> sh -c SCRIPT sh PATH …`: only Dockbase's export, import, sniff and clean-up
 *   scripts, only on its own temporary files (/tmp/dockbase-export-<12 hex> or /tmp/dockbase-import-<12 hex>).
 * - no `docker cp` at all through the exec bridge: docker would write or read a host path itself, follow a
 *   link there and overwrite what exists. Files move as tar streams that Dockbase writes and reads
 *   (HostFiles), each request checked by checkSave / checkSend below: out of an instance only an export's
 *   temporary file, into a new file in an absolute host folder named as an export is
 *   (`<instance>-<YYYYMMDD-HHMMSS>[-N]<extension>`); into an instance only a host file with an importable
 *   extension (as an import's temporary file) or a seed file's (into /docker-entrypoint-initdb.d).
 *
 * Every volume a helper or worker mounts with labels (one it may create) must be new, or Dockbase's with the
 * owner those labels name (claimOwnership); every volume mounted without labels must be Dockbase's.
 * - `volume create` with Dockbase's labels only, `volume ls` of snapshot volumes.
 *
 * And those of upgrades (upgrades.ts):
 *
 * - `rename` of an instance's container to a valid container name (set aside while its successor starts, and
 *   back).
 * - an upgrade worker's `docker run --detach`: named `<instance>-upgrade-<12 hex>-from|to` with the matching
 *   helper label, no network, the image's own entrypoint and command, only Dockbase volumes mounted at an
 *   engine's data folders or the transfer folders (existing ones must be Dockbase's; new ones get Dockbase's
 *   labels only), and no environment but an engine's admin secret (by name, its value in the CLI's
 *   environment, where the CLI takes it).
 * - `docker exec … sh -c SCRIPT sh` with an engine's version or compatibility script, and `… sh FOLDER` with
 *   one of PostgreSQL's dump-and-restore scripts on a socket folder (its own, or the old server's).
 */
import type { SaveTarget, SendSource } from '@dockbase/docker-cli';
import {
  copyInArgs,
  copyOutArgs,
  execScriptArgs,
  helperRunArgs,
  snapshotManifestsArgs,
  upgradeWorkerArgs,
  volumeCreateArgs,
  volumesOfSnapshotArgs,
  type HelperMount,
  type UpgradeWorkerPlan,
} from '../docker/argv';
import { after, at, containerId, dockbaseVolumeName, mismatch, newId, NotThisShape, params, shape, type CallEnv, type CommandShape, type CommandTargets, type VolumeClaim } from '../docker/command-shape';
import { dataScripts, EXPORT_TEMP_PREFIX, HELPER_FROM, HELPER_TO, IMPORT_TEMP_PREFIX, SEED_DIRECTORY, UPGRADE_SOURCE } from '../docker/data-scripts';
import { ENGINES, secretEnvNames, type DumpKind } from '../engines';
import { imageRef } from '../model/instance';
import { LABEL, UPGRADE_WORKER_ROLES, type UpgradeWorkerRole } from '../model/labels';
import { splitImageRef } from '../docker/parse';
import { validateImage, validateTag } from '../model/validation';

type HelperPurpose = Parameters<typeof helperRunArgs>[0];
const HELPER_PURPOSES: readonly HelperPurpose[] = ['snapshot', 'restore', 'clone', 'import'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const EXPORT_TEMP = new RegExp(`^${escape(EXPORT_TEMP_PREFIX)}[0-9a-f]{12}$`);
const IMPORT_TEMP = new RegExp(`^${escape(IMPORT_TEMP_PREFIX)}[0-9a-f]{12}$`);
const DUMP_KINDS: readonly DumpKind[] = ['postgres-sql', 'postgres-custom', 'mysql-sql', 'mariadb-sql', 'sql', 'mongo-archive', 'redis-rdb'];
const KEY = /^[a-z][a-z0-9]*$/;
/** A Dockbase label on a volume a helper creates: key `io.dockbase.…`, a value without separators or controls. */
const LABEL_KEY = /^io\.dockbase\.[a-z][a-z0-9.-]*$/;
// eslint-disable-next-line no-control-regex
const LABEL_VALUE = /^[^,=\u0000-\u001f]{0,256}$/;

let scripts: ReturnType<typeof dataScripts> | undefined;
const known = () => (scripts ??= dataScripts());

const extensions = (list: Iterable<string>) => new RegExp(`(${[...new Set(list)].map(escape).join('|')})$`, 'i');
/** An export's file name without its extension: `<instance>-<YYYYMMDD-HHMMSS>`. */
const EXPORT_STEM = /^[A-Za-z0-9][A-Za-z0-9_.-]*-\d{8}-\d{6}$/;
const EXPORT_EXTENSIONS = new Set(ENGINES.map((e) => e.transfer.exportExtension));
const IMPORTABLE = extensions(ENGINES.flatMap((e) => e.transfer.importExtensions));
const SEEDABLE = extensions(ENGINES.flatMap((e) => e.transfer.seedExtensions));

/** The machine's path rules: POSIX paths are split on `/` only (a `\\` is a character of a name there). */
export type HostPlatform = 'posix' | 'windows';

/** An absolute host path without `..` segments or control characters, by the rules of `platform`. */
function hostPath(p: string, platform: HostPlatform): string {
  const parts = platform === 'windows' ? p.split(/[\\/]/) : p.split('/');
  const absolute = platform === 'windows' ? /^[A-Za-z]:[\\/]/.test(p) : p.startsWith('/');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(p) || !absolute || parts.includes('..')) mismatch('not an absolute path on this machine without ".."');
  return p;
}

/** An image reference with an explicit tag, as the instance's own image is named. */
function helperImage(ref: string): string {
  const { image, tag } = splitImageRef(ref);
  if (image === '' || validateImage(image) !== undefined || validateTag(tag) !== undefined || imageRef(image, tag) !== ref) {
    mismatch('not an image reference Dockbase uses');
  }
  return ref;
}

/** One `--mount` value of a helper: a Dockbase volume at /from/<key> (read-only) or /to/<key> (maybe new, labelled). */
function helperMount(spec: string): HelperMount {
  const [type, source, target, ...rest] = spec.split(',');
  if (type !== 'type=volume') mismatch('helpers mount named volumes only');
  const volume = dockbaseVolumeName(after(source ?? '', 'source='));
  const [, dir, key] = /^(\/[a-z]+)\/(.+)$/.exec(after(target ?? '', 'target=')) ?? [];
  if (!key || !KEY.test(key) || (dir !== HELPER_FROM && dir !== HELPER_TO)) mismatch('not where a helper mounts data');
  if (dir === HELPER_FROM) {
    if (rest.length !== 1 || rest[0] !== 'readonly') mismatch('a helper reads its sources read-only');
    return { volume, target: `${dir}/${key}`, readonly: true };
  }
  const labels: Record<string, string> = {};
  for (const part of rest) {
    const [k = '', v = ''] = after(part, 'volume-label=').split(/=(.*)/s);
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) mismatch('a helper labels new volumes with Dockbase’s labels only');
    labels[k] = v;
  }
  return rest.length > 0 ? { volume, target: `${dir}/${key}`, labels } : { volume, target: `${dir}/${key}` };
}

function readHelperRun(argv: readonly string[]): [HelperPurpose, string, HelperMount[], string] {
  const purpose = after(at(argv, 7), `${LABEL.helper}=`) as HelperPurpose;
  if (!HELPER_PURPOSES.includes(purpose)) mismatch('not a data helper Dockbase runs');
  const mounts: HelperMount[] = [];
  let i = 12;
  while (argv[i] === '--mount') {
    mounts.push(helperMount(at(argv, i + 1)));
    i += 2;
  }
  if (mounts.length === 0) mismatch('a data helper mounts volumes');
  const script = at(argv, i + 2);
  if (!known().helper.has(script)) mismatch('not one of Dockbase’s data scripts');
  return [purpose, helperImage(at(argv, i)), mounts, script];
}

/**
 * What a helper's or a worker's mounts must be: what it reads, and existing volumes it replaces (no labels),
 * must be Dockbase's; a volume it may create (labels) must be new, or Dockbase's with the owner it names.
 */
function mountTargets(mounts: readonly HelperMount[]): Partial<CommandTargets> {
  return {
    volumes: mounts.filter((m) => m.readonly || !m.labels).map((m) => m.volume),
    claims: mounts.flatMap((m): VolumeClaim[] => (!m.readonly && m.labels ? [{ volume: m.volume, labels: m.labels }] : [])),
  };
}

const helperTargets = (_p: HelperPurpose, _image: string, mounts: readonly HelperMount[], _script: string) => mountTargets(mounts);

function readExecScript(argv: readonly string[]): [string, string, ...string[]] {
  const script = at(argv, 4);
  if (!known().exec.has(script)) mismatch('not one of Dockbase’s data scripts');
  const [file = '', ...rest] = argv.slice(6);
  if (!EXPORT_TEMP.test(file) && !IMPORT_TEMP.test(file)) mismatch('not one of Dockbase’s temporary files');
  if (rest.length > 0 && !(rest.length === 2 && IMPORT_TEMP.test(file) && DUMP_KINDS.includes(rest[0] as DumpKind) && (rest[1] === '0' || rest[1] === '1'))) {
    mismatch('not the arguments of an import');
  }
  return [containerId(at(argv, 1)), script, file, ...rest];
}

/** `<full container id>:<path>`. */
function inContainer(ref: string): [string, string] {
  const colon = ref.indexOf(':');
  return colon > 0 ? [containerId(ref.slice(0, colon)), ref.slice(colon + 1)] : mismatch('not a path in a container');
}

/** The builders of the two file copies, which checkSave and checkSend check (a bridge runs them through HostFiles only). */
export const FILE_COPY_BUILDERS: readonly ((...params: never[]) => string[])[] = [copyOutArgs, copyInArgs];

export type FileVerdict = { allowed: true; /** The instance the copy reads or writes, which must be Dockbase's. */ container: string } | { allowed: false; reason: string };

function fileVerdict(read: () => string): FileVerdict {
  try {
    return { allowed: true, container: read() };
  } catch (e) {
    if (e instanceof NotThisShape) return { allowed: false, reason: e.message };
    throw e;
  }
}

const sameArgv = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

/**
 * Whether a bridge may save `docker ...argv`'s output (HostFiles.save) as `to`: an export's temporary file
 * copied out of an instance, into a new file named as an export is, in an absolute folder of this machine.
 */
export function checkSave(argv: readonly string[], to: SaveTarget, platform: HostPlatform = 'posix'): FileVerdict {
  return fileVerdict(() => {
    const [id, source] = inContainer(at(argv, 1));
    if (!EXPORT_TEMP.test(source) || !sameArgv(argv, copyOutArgs(id, source))) mismatch('only an export’s temporary file is copied out, as a tar stream');
    hostPath(to.directory, platform);
    if (!EXPORT_STEM.test(to.stem) || !EXPORT_EXTENSIONS.has(to.extension)) mismatch('not the name of an export file');
    return id;
  });
}

/**
 * Whether a bridge may send a host file into an instance with `docker ...argv` (HostFiles.send): one with an
 * importable extension as an import's temporary file, or a seed file's into the init folder.
 */
export function checkSend(argv: readonly string[], from: SendSource, platform: HostPlatform = 'posix'): FileVerdict {
  return fileVerdict(() => {
    const [id, folder] = inContainer(at(argv, 2));
    if (!sameArgv(argv, copyInArgs(id, folder))) mismatch('files go into an instance as a tar stream');
    hostPath(from.path, platform);
    const target = `${folder}/${from.name}`;
    if (IMPORT_TEMP.test(target)) return IMPORTABLE.test(from.path) ? id : mismatch('not a file Dockbase imports');
    if (folder !== SEED_DIRECTORY || !/^\d{2}-[A-Za-z0-9_.-]+$/.test(from.name) || !SEEDABLE.test(from.path) || !SEEDABLE.test(from.name)) mismatch('not a seed file');
    return id;
  });
}

function readVolumeCreate(argv: readonly string[]): [string, Record<string, string>] {
  const labels: Record<string, string> = {};
  let i = 2;
  while (argv[i] === '--label') {
    const [k = '', v = ''] = at(argv, i + 1).split(/=(.*)/s);
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) mismatch('volumes are created with Dockbase’s labels only');
    labels[k] = v;
    i += 2;
  }
  if (Object.keys(labels).length === 0) mismatch('Dockbase labels every volume it creates');
  return [dockbaseVolumeName(at(argv, i)), labels];
}

/** The call acts on this container, which must be a Dockbase instance. */
const own = (id: string, ..._rest: unknown[]) => ({ containers: [id] });

// ---- upgrades ---------------------------------------------------------------------------------------------

const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*-upgrade-[0-9a-f]{12}-(from|to)$/;
/** The environment a worker may get: an engine's admin secret, and the variable naming its own superuser. */
const SECRET_NAMES = new Set(ENGINES.flatMap((e) => [...secretEnvNames(e), ...(e.accountVariables.user ? [e.accountVariables.user] : [])]));
/** Where a worker mounts volumes: the engines' data folders (of every version they know) and the transfer folders. */
const WORKER_FOLDERS = new Set([
  ...ENGINES.flatMap((e) => [e.defaultTag, ...e.suggestedTags].flatMap((t) => e.dataMounts(t).map((m) => m.path))),
  ...ENGINES.flatMap((e) => (e.upgrade.dumpRestore ? [e.upgrade.dumpRestore.socketFolder] : [])),
  UPGRADE_SOURCE,
]);
/** The socket folders PostgreSQL's upgrade scripts may be pointed at: the new server's own, or the old one's. */
const SOCKET_FOLDERS = new Set([...ENGINES.flatMap((e) => (e.upgrade.dumpRestore ? [e.upgrade.dumpRestore.socketFolder] : [])), UPGRADE_SOURCE]);

function workerMount(spec: string): HelperMount {
  const [type, source, target, ...rest] = spec.split(',');
  if (type !== 'type=volume') mismatch('workers mount named volumes only');
  const volume = dockbaseVolumeName(after(source ?? '', 'source='));
  const folder = after(target ?? '', 'target=');
  if (!WORKER_FOLDERS.has(folder)) mismatch('not where a worker mounts data');
  const readonly = rest[0] === 'readonly';
  const labels: Record<string, string> = {};
  for (const part of readonly ? rest.slice(1) : rest) {
    const [k = '', v = ''] = after(part, 'volume-label=').split(/=(.*)/s);
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) mismatch('a worker labels new volumes with Dockbase’s labels only');
    labels[k] = v;
  }
  return { volume, target: folder, ...(readonly ? { readonly } : {}), ...(Object.keys(labels).length > 0 ? { labels } : {}) };
}

function readWorkerRun(argv: readonly string[], env: CallEnv): [UpgradeWorkerPlan, { secretEnv?: boolean }] {
  const name = at(argv, 5);
  const [, end] = WORKER_NAME.exec(name) ?? mismatch('not the name of an upgrade worker');
  const role = after(at(argv, 9), `${LABEL.helper}=`) as UpgradeWorkerRole;
  if (!UPGRADE_WORKER_ROLES.includes(role) || role !== `upgrade-${end}`) mismatch('not an upgrade worker’s label');
  const vars: Record<string, string> = {};
  let byName = false;
  let i = 10;
  for (; argv[i] === '--env'; i += 2) {
    const [k = '', v] = at(argv, i + 1).split(/=(.*)/s);
    if (!SECRET_NAMES.has(k) || k in vars) mismatch('a worker gets no environment but an engine’s admin secret and its superuser’s name');
    if (v === undefined) {
      if (!Object.prototype.hasOwnProperty.call(env, k)) mismatch('an --env without value has none in the environment');
      byName = true;
    }
    vars[k] = v ?? (env[k] as string);
  }
  const mounts: HelperMount[] = [];
  for (; argv[i] === '--mount'; i += 2) mounts.push(workerMount(at(argv, i + 1)));
  if (mounts.length === 0) mismatch('a worker mounts volumes');
  return [{ role, name, image: helperImage(at(argv, i)), env: vars, mounts }, byName ? { secretEnv: true } : {}];
}

function readVersionScript(argv: readonly string[]): [string, string] {
  const script = at(argv, 4);
  if (!known().version.has(script) || argv.length !== 6) mismatch('not one of the engines’ version scripts');
  return [containerId(at(argv, 1)), script];
}

function readUpgradeScript(argv: readonly string[]): [string, string, string] {
  const script = at(argv, 4);
  if (!known().upgrade.has(script)) mismatch('not one of PostgreSQL’s upgrade scripts');
  const folder = at(argv, 6);
  if (!SOCKET_FOLDERS.has(folder) || argv.length !== 7) mismatch('not a socket folder of an upgrade');
  return [containerId(at(argv, 1)), script, folder];
}

/** The data-safety shapes, checked by the command policy beside the lifecycle shapes in argv.ts. */
export const DATA_SHAPES: readonly CommandShape[] = [
  shape({ name: 'copy data between volumes', words: ['run'], build: helperRunArgs, read: readHelperRun, targets: helperTargets }),
  shape({ name: 'run a data script in an instance', words: ['exec'], build: execScriptArgs, read: readExecScript, targets: own }),
  shape({ name: 'create a data volume', words: ['volume', 'create'], build: volumeCreateArgs, read: readVolumeCreate, targets: (volume, labels) => ({ claims: [{ volume, labels }] }) }),
  shape({ name: 'list snapshots', words: ['volume', 'ls'], build: snapshotManifestsArgs, read: () => params() }),
  shape({ name: 'list a snapshot’s volumes', words: ['volume', 'ls'], build: volumesOfSnapshotArgs, read: (a) => params(newId(after(at(a, 4), `label=${LABEL.snapshot}=`))) }),
  shape({
    name: 'start an upgrade worker',
    words: ['run'],
    build: upgradeWorkerArgs,
    read: readWorkerRun,
    targets: (plan, _options?) => mountTargets(plan.mounts),
    env: (plan, options = {}) => (options.secretEnv ? { ...plan.env } : {}),
  }),
  shape({ name: 'check an instance’s version', words: ['exec'], build: execScriptArgs, read: readVersionScript, targets: own }),
  shape({ name: 'run an upgrade step in a worker', words: ['exec'], build: execScriptArgs, read: readUpgradeScript, targets: own }),
];
