/**
 * The files of data safety (exports, imports, seed files) through a bridge: no `docker cp` at all through the
 * exec bridge, where docker would write or read a host path itself, follow a link there and overwrite what
 * exists. Files move as tar streams that Dockbase writes and reads (HostFiles, copy.ts), each request checked
 * by checkSave / checkSend below: out of an instance only an export's temporary file, into a new file in an
 * absolute host folder named as an export is (`<instance>-<YYYYMMDD-HHMMSS>[-N]<extension>`); into an instance
 * only a host file with an importable extension (as an import's temporary file) or a seed file's (into
 * /docker-entrypoint-initdb.d).
 *
 * The shapes of data safety's other calls (helper runs, data scripts, volumes, upgrade workers) are with their
 * command families (helpers.ts, exec.ts, volumes.ts) and checked with every other shape (command-policy.ts).
 */
import type { SaveTarget, SendSource } from '@dockbase/docker-cli';
import { mismatch, NotThisShape } from '../docker/command-shape';
import { copyInArgs, copyOutArgs, readCopyIn, readCopyOut } from '../docker/copy';
import { EXPORT_TEMP_FILE, IMPORT_TEMP_FILE, SEED_DIRECTORY } from '../docker/data-scripts';
import { ENGINES } from '../engines';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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

/** The builders of the two file copies, which checkSave and checkSend check (a bridge runs them through HostFiles only). */
export const FILE_COPY_BUILDERS: readonly ((...params: never[]) => string[])[] = [copyOutArgs, copyInArgs];

export type FileVerdict =
  { allowed: true; /** The instance the copy reads or writes, which must be Dockbase's. */ container: string } | { allowed: false; reason: string };

function fileVerdict(read: () => string): FileVerdict {
  try {
    return { allowed: true, container: read() };
  } catch (e) {
    if (e instanceof NotThisShape) return { allowed: false, reason: e.message };
    throw e;
  }
}

/**
 * Whether a bridge may save `docker ...argv`'s output (HostFiles.save) as `to`: an export's temporary file
 * copied out of an instance, into a new file named as an export is, in an absolute folder of this machine.
 */
export function checkSave(argv: readonly string[], to: SaveTarget, platform: HostPlatform = 'posix'): FileVerdict {
  return fileVerdict(() => {
    const [id, source] = readCopyOut(argv);
    if (!EXPORT_TEMP_FILE.test(source)) mismatch('only an export’s temporary file is copied out');
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
    const [id, folder] = readCopyIn(argv);
    hostPath(from.path, platform);
    const target = `${folder}/${from.name}`;
    if (IMPORT_TEMP_FILE.test(target)) return IMPORTABLE.test(from.path) ? id : mismatch('not a file Dockbase imports');
    if (folder !== SEED_DIRECTORY || !/^\d{2}-[A-Za-z0-9_.-]+$/.test(from.name) || !SEEDABLE.test(from.path) || !SEEDABLE.test(from.name))
      mismatch('not a seed file');
    return id;
  });
}
