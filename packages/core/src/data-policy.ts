/**
 * The argv shapes of data safety (snapshots, restores, clones, export, import, seed files), as a policy a
 * front door that runs docker for a less trusted page (the standalone host) can check: each function accepts
 * exactly what the builders in argv.ts make from data-scripts.ts, and nothing wider. The reasoning, per shape:
 *
 * - helper `docker run`: only Dockbase's own copy scripts, only named volumes whose names start `dockbase-`
 *   mounted at /from/<key> (read-only) or /to/<key>, no network, removed when done.
 * - `docker exec … sh -c SCRIPT sh PATH …`: only Dockbase's export, import, sniff and clean-up scripts, only on
 *   its own temporary files (/tmp/dockbase-export-<12 hex> or /tmp/dockbase-import-<12 hex>).
 * - `docker cp`: out of a container only from an export's temporary file, into an absolute host path whose
 *   file name is an export's (`<instance>-<YYYYMMDD-HHMMSS><extension>`); into a container only a host file
 *   with an importable extension (to an import's temporary file) or a seed file's extension (into
 *   /docker-entrypoint-initdb.d). No flags (no -L, no archives on stdin or stdout), no `..` in host paths.
 */
import { SEED_DIRECTORY } from './create';
import { dataScripts, HELPER_FROM, HELPER_TO } from './data-scripts';
import { ENGINES, type DumpKind } from './engines';
import { LABEL } from './labels';

const HELPER_PURPOSES = ['snapshot', 'restore', 'clone', 'import'];
const TEMP_FILE = /^\/tmp\/dockbase-(export|import)-[0-9a-f]{12}$/;
const EXPORT_TEMP = /^\/tmp\/dockbase-export-[0-9a-f]{12}$/;
const IMPORT_TEMP = /^\/tmp\/dockbase-import-[0-9a-f]{12}$/;
const DUMP_KINDS: readonly DumpKind[] = ['postgres-sql', 'postgres-custom', 'mysql-sql', 'mariadb-sql', 'sql', 'mongo-archive', 'redis-rdb'];
const VOLUME = /^dockbase-[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const KEY = /^[a-z][a-z0-9]*$/;
const CONTAINER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

let scripts: ReturnType<typeof dataScripts> | undefined;
const known = () => (scripts ??= dataScripts());

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const extensions = (list: Iterable<string>) => new RegExp(`(${[...new Set(list)].map(escape).join('|')})$`, 'i');
const EXPORT_NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]*-\\d{8}-\\d{6}${extensions(ENGINES.map((e) => e.transfer.exportExtension)).source}`);
const IMPORTABLE = extensions(ENGINES.flatMap((e) => e.transfer.importExtensions));
const SEEDABLE = extensions(ENGINES.flatMap((e) => e.transfer.seedExtensions));

/** An absolute host path without `..` segments or control characters (POSIX, or Windows with a drive letter). */
function safeHostPath(p: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(p)) return false;
  if (!(p.startsWith('/') || /^[A-Za-z]:\\/.test(p))) return false;
  return !p.split(/[\\/]/).includes('..');
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? '';

function helperMount(spec: string): boolean {
  const parts = spec.split(',');
  if (parts[0] !== 'type=volume') return false;
  const source = parts[1]?.startsWith('source=') ? parts[1].slice('source='.length) : '';
  const target = parts[2]?.startsWith('target=') ? parts[2].slice('target='.length) : '';
  if (!VOLUME.test(source)) return false;
  const [, dir, key] = /^(\/[a-z]+)\/(.+)$/.exec(target) ?? [];
  if (!key || !KEY.test(key) || (dir !== HELPER_FROM && dir !== HELPER_TO)) return false;
  const rest = parts.slice(3);
  if (dir === HELPER_FROM) return rest.length === 1 && rest[0] === 'readonly';
  return rest.every((p) => p.startsWith(`volume-label=io.dockbase.`));
}

/** `docker run --rm … sh -c <copy script>`: a data helper exactly as `helperRunArgs` builds it. */
export function isDataHelperRun(args: readonly string[]): boolean {
  const head = ['--rm', '--pull', 'never', '--network', 'none', '--label'];
  if (!head.every((a, i) => args[i] === a)) return false;
  const purpose = /^io\.dockbase\.helper=(.+)$/.exec(args[6] ?? '')?.[1] ?? '';
  if (args[6] !== `${LABEL.helper}=${purpose}` || !HELPER_PURPOSES.includes(purpose)) return false;
  if (!['--user', '0', '--entrypoint', 'sh'].every((a, i) => args[7 + i] === a)) return false;
  let i = 11;
  let mounts = 0;
  while (args[i] === '--mount') {
    if (!helperMount(args[i + 1] ?? '')) return false;
    mounts++;
    i += 2;
  }
  const [image, dashC, script, ...extra] = args.slice(i);
  return mounts > 0 && extra.length === 0 && !!image && !image.startsWith('-') && dashC === '-c' && known().helper.has(script ?? '');
}

/** `docker exec <container> sh -c <data script> sh <temp file> [kind gz]`. */
export function isDataExec(args: readonly string[]): boolean {
  const [container = '', sh, dashC, script = '', argv0, file = '', ...rest] = args;
  if (!CONTAINER.test(container) || sh !== 'sh' || dashC !== '-c' || argv0 !== 'sh' || !known().exec.has(script)) return false;
  if (!TEMP_FILE.test(file)) return false;
  if (rest.length === 0) return true;
  return rest.length === 2 && DUMP_KINDS.includes(rest[0] as DumpKind) && (rest[1] === '0' || rest[1] === '1') && IMPORT_TEMP.test(file);
}

/** `docker cp` in one of its three data-safety shapes (see the module comment). */
export function isDataCopy(args: readonly string[]): boolean {
  if (args.length !== 2) return false;
  const [from = '', to = ''] = args;
  const inContainer = (ref: string) => {
    const colon = ref.indexOf(':');
    return colon > 0 && CONTAINER.test(ref.slice(0, colon)) ? ref.slice(colon + 1) : undefined;
  };
  const source = inContainer(from);
  if (source !== undefined) return EXPORT_TEMP.test(source) && safeHostPath(to) && EXPORT_NAME.test(baseName(to));
  const target = inContainer(to);
  if (target === undefined || !safeHostPath(from)) return false;
  if (IMPORT_TEMP.test(target)) return IMPORTABLE.test(from);
  const seed = target.startsWith(`${SEED_DIRECTORY}/`) ? target.slice(SEED_DIRECTORY.length + 1) : '';
  return /^\d{2}-[A-Za-z0-9_.-]+$/.test(seed) && SEEDABLE.test(from) && SEEDABLE.test(seed);
}
