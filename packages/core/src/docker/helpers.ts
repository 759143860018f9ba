/**
 * Short-lived containers of Dockbase's own: data helpers (`docker run --rm`, copying data between volumes for
 * snapshots, restores, clones and imports) and upgrade workers (`docker run --detach`, one version of the
 * server on chosen volumes), with their readers and shapes. Per shape:
 *
 * - helper `docker run`: only Dockbase's own copy scripts, only named volumes whose names start `dockbase-`
 *   mounted at /from/<key> (read-only; must be Dockbase's) or /to/<key> (new, labelled only with Dockbase's
 *   labels, or an existing Dockbase volume being replaced), no network, removed when done.
 * - an upgrade worker's `docker run --detach`: named `<instance>-upgrade-<12 hex>-from|to` with the matching
 *   helper label, no network, the image's own entrypoint and command, only Dockbase volumes mounted at an
 *   engine's data folders or the transfer folders (existing ones must be Dockbase's; new ones get Dockbase's
 *   labels only), and no environment but an engine's admin secret (by name, its value in the CLI's
 *   environment, where the CLI takes it).
 *
 * Every volume a helper or worker mounts with labels (one it may create) must be new, or Dockbase's with the
 * owner those labels name (claimOwnership); every volume mounted without labels must be Dockbase's.
 */
import { after, at, mismatch, shape, type CallEnv, type CommandShape, type CommandTargets, type VolumeClaim } from './command-shape';
import { dataScripts, HELPER_FROM, HELPER_TO, UPGRADE_SOCKET_FOLDERS } from './data-scripts';
import { ENGINES, secretEnvNames } from '../engines';
import { imageReference } from './images';
import { LABEL, UPGRADE_WORKER_ROLES, volumeLabels, type UpgradeWorkerRole, type VolumeOwner } from '../model/labels';
import type { DataMount } from '../engines';
import { mountValue, readMount, type HelperMount } from './mounts';

export type { HelperMount };

/**
 * A short-lived helper container that copies data between volumes: the instance's own image (nothing else to
 * pull), run as root with no network, removed when done, marked with Dockbase's helper label.
 */
export function helperRunArgs(purpose: 'snapshot' | 'restore' | 'clone' | 'import', image: string, mounts: readonly HelperMount[], script: string): string[] {
  const args = ['run', '--rm', '--pull', 'never', '--network', 'none', '--label', `${LABEL.helper}=${purpose}`, '--user', '0', '--entrypoint', 'sh'];
  for (const m of mounts) args.push('--mount', mountValue(m));
  args.push(image, '-c', script);
  return args;
}

/** One data volume copied into a new one: its mount, the volume it comes from, and the new volume's name. */
export interface VolumeCopyTarget {
  mount: DataMount;
  from: { volume: string };
  volume: string;
}

/**
 * The mounts of a copy into new volumes (COPY_VOLUMES_SCRIPT): each source read-only at /from/<key>, each new
 * volume at /to/<key>, made by the mount with its owner's labels (a clone, a migration, a branch copy).
 */
export function volumeCopyMounts(targets: readonly VolumeCopyTarget[], owner: VolumeOwner): HelperMount[] {
  return targets.flatMap((t) => [
    { volume: t.from.volume, target: `${HELPER_FROM}/${t.mount.key}`, readonly: true },
    { volume: t.volume, target: `${HELPER_TO}/${t.mount.key}`, labels: volumeLabels(t.mount, owner) },
  ]);
}

/** What an upgrade's worker container runs: one version of the server, without network, on chosen volumes. */
export interface UpgradeWorkerPlan {
  /** `upgrade-from`: the old version on the instance's data; `upgrade-to`: the new version on a new volume. */
  role: UpgradeWorkerRole;
  /** Container name: `<instance>-upgrade-<id>-from` / `-to`. */
  name: string;
  /** Image reference (repository:tag). */
  image: string;
  /** The admin secret for the image's own entrypoint (the new version's first start needs it), by variable. */
  env: Readonly<Record<string, string>>;
  mounts: readonly HelperMount[];
}

/**
 * `docker run --detach` of an upgrade worker: the image's own entrypoint and command (so it initialises or
 * opens the data exactly as the instance would), no network at all (nothing but Dockbase reaches it), marked
 * with Dockbase's helper label so no list shows it as an instance. With `secretEnv`, the variables go as
 * `--env NAME` and their values through the CLI's environment (plan.env), as create's do.
 */
export function upgradeWorkerArgs(plan: UpgradeWorkerPlan, options: { secretEnv?: boolean } = {}): string[] {
  const args = ['run', '--detach', '--pull', 'never', '--name', plan.name, '--network', 'none', '--label', `${LABEL.helper}=${plan.role}`];
  for (const [k, v] of Object.entries(plan.env)) args.push('--env', options.secretEnv ? k : `${k}=${v}`);
  for (const m of plan.mounts) args.push('--mount', mountValue(m));
  args.push(plan.image);
  return args;
}

// ---- readers and shapes ---------------------------------------------------------------------------------

type HelperPurpose = Parameters<typeof helperRunArgs>[0];
const HELPER_PURPOSES: readonly HelperPurpose[] = ['snapshot', 'restore', 'clone', 'import'];
const KEY = /^[a-z][a-z0-9]*$/;
let helperScripts: Set<string> | undefined;

/** One `--mount` value of a helper: a Dockbase volume at /from/<key> (read-only) or /to/<key> (maybe new, labelled). */
function helperMount(spec: string): HelperMount {
  const mount = readMount(spec, 'helpers');
  const [, dir, key] = /^(\/[a-z]+)\/(.+)$/.exec(mount.target) ?? [];
  if (!key || !KEY.test(key) || (dir !== HELPER_FROM && dir !== HELPER_TO)) mismatch('not where a helper mounts data');
  if ((dir === HELPER_FROM) !== (mount.readonly === true) || (dir === HELPER_FROM && mount.labels)) mismatch('a helper reads its sources read-only');
  return mount;
}

/** Reads `helperRunArgs` back: its purpose, image, mounts and script. */
export function readHelperRun(argv: readonly string[]): [HelperPurpose, string, HelperMount[], string] {
  const purpose = after(at(argv, 7), `${LABEL.helper}=`) as HelperPurpose;
  if (!HELPER_PURPOSES.includes(purpose)) mismatch('not a data helper Dockbase runs');
  const mounts: HelperMount[] = [];
  let i = 12;
  for (; argv[i] === '--mount'; i += 2) mounts.push(helperMount(at(argv, i + 1)));
  if (mounts.length === 0) mismatch('a data helper mounts volumes');
  const script = at(argv, i + 2);
  if (!(helperScripts ??= dataScripts().helper).has(script)) mismatch('not one of Dockbase’s data scripts');
  return [purpose, imageReference(at(argv, i)), mounts, script];
}

const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*-upgrade-[0-9a-f]{12}-(from|to)$/;
/** The environment a worker may get: an engine's admin secret, and the variable naming its own superuser. */
const SECRET_NAMES = new Set(ENGINES.flatMap((e) => [...secretEnvNames(e), ...(e.accountVariables.user ? [e.accountVariables.user] : [])]));
/** Where a worker mounts volumes: the engines' data folders (of every version they know) and the transfer folders. */
const WORKER_FOLDERS = new Set([
  ...ENGINES.flatMap((e) => [e.defaultTag, ...e.suggestedTags].flatMap((t) => e.dataMounts(t).map((m) => m.path))),
  ...UPGRADE_SOCKET_FOLDERS,
]);

/** Reads `upgradeWorkerArgs` back: the worker's plan (its secrets from `env` when passed by name). */
export function readWorkerRun(argv: readonly string[], env: CallEnv): [UpgradeWorkerPlan, { secretEnv?: boolean }] {
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
  for (; argv[i] === '--mount'; i += 2) {
    const mount = readMount(at(argv, i + 1), 'workers');
    mounts.push(WORKER_FOLDERS.has(mount.target) ? mount : mismatch('not where a worker mounts data'));
  }
  if (mounts.length === 0) mismatch('a worker mounts volumes');
  return [{ role, name, image: imageReference(at(argv, i)), env: vars, mounts }, byName ? { secretEnv: true } : {}];
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

export const HELPER_SHAPES: readonly CommandShape[] = [
  shape({
    name: 'copy data between volumes',
    words: ['run'],
    build: helperRunArgs,
    read: readHelperRun,
    targets: (_p, _image, mounts, _script) => mountTargets(mounts),
  }),
  shape({
    name: 'start an upgrade worker',
    words: ['run'],
    build: upgradeWorkerArgs,
    read: readWorkerRun,
    targets: (plan, _options?) => mountTargets(plan.mounts),
    env: (plan, options = {}) => (options.secretEnv ? { ...plan.env } : {}),
  }),
];
