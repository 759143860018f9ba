/**
 * The shell scripts Dockbase runs inside containers to move data: fixed text, chosen per use case (and per
 * engine, from each engine's `transfer`), with every path and name passed as a positional argument (`sh -c
 * SCRIPT sh ARG…`), so nothing a user typed is ever parsed by a shell. None holds a secret: tools that need
 * the password read it from the container's environment, which already has it. The standalone host's
 * command policy accepts exactly these scripts.
 */
import { ENGINES, type EngineDefinition } from '../engines';

/**
 * Where an upgrade's new-version worker mounts the transfer volume, which is the old-version worker's socket
 * folder: its tools reach the old server there.
 */
export const UPGRADE_SOURCE = '/run/dockbase-upgrade';

/** The socket folders PostgreSQL's upgrade scripts may be pointed at: the new server's own, or the old one's. */
export const UPGRADE_SOCKET_FOLDERS: ReadonlySet<string> = new Set([
  ...ENGINES.flatMap((e) => (e.upgrade.dumpRestore ? [e.upgrade.dumpRestore.socketFolder] : [])),
  UPGRADE_SOURCE,
]);

/** Where the official images look for init files on their first start. */
export const SEED_DIRECTORY = '/docker-entrypoint-initdb.d';

/** Where export files are made inside a container, and import files put: names the command policy accepts. */
export const EXPORT_TEMP_PREFIX = '/tmp/dockbase-export-';
export const IMPORT_TEMP_PREFIX = '/tmp/dockbase-import-';
/** An export's or an import's temporary file: its prefix and 12 hexadecimal digits (the prefixes hold no pattern characters). */
export const EXPORT_TEMP_FILE = new RegExp(`^${EXPORT_TEMP_PREFIX}[0-9a-f]{12}$`);
export const IMPORT_TEMP_FILE = new RegExp(`^${IMPORT_TEMP_PREFIX}[0-9a-f]{12}$`);

/** Where a data helper container mounts the volumes it reads (`/from/<key>`, read-only) and writes (`/to/<key>`). */
export const HELPER_FROM = '/from';
export const HELPER_TO = '/to';

/**
 * Sets `$reflink` to `--reflink=auto` where the helper's `cp` has it (GNU coreutils; BusyBox where built with
 * it, as Debian's is), else to nothing. With it, a copy within a filesystem that shares blocks (XFS, Btrfs) is
 * copy-on-write: the data is not read or written, only referenced, however large it is; anywhere else `cp`
 * copies the bytes as without it. Asked once, on a file every container has (docker writes /etc/hostname), to
 * /dev/null: it writes nothing. A `cp` that does not know the option says so and the copy goes on without it.
 */
const REFLINK_WHERE_IT_CAN = 'reflink=; if cp --reflink=auto /etc/hostname /dev/null 2>/dev/null; then reflink=--reflink=auto; fi';

/**
 * Copies every /from/<key> into the empty /to/<key> exactly (owners, modes, times, links), copy-on-write where
 * the filesystem allows, then prints the size in KiB.
 */
export const COPY_VOLUMES_SCRIPT = [
  'set -e',
  REFLINK_WHERE_IT_CAN,
  `for src in ${HELPER_FROM}/*; do cp -a $reflink "$src/." "${HELPER_TO}/\${src##*/}/"; done`,
  `du -sk ${HELPER_TO}`,
].join('\n');

/**
 * The copy of a stopped instance's volumes for its engine: COPY_VOLUMES_SCRIPT, or, for an engine that names
 * files a copy may leave out (`transfer.copyLeavesOut`), the same copy without them where it names any. Only
 * the folders that hold such files are walked (their owner and mode set as the source's, then their time);
 * everything else goes by `cp -a` as a whole, in one call per folder. POSIX sh and the options BusyBox has
 * too (slim and Alpine images); names are compared in the shell itself, no process per file.
 */
export function copyVolumesScript(engine: Pick<EngineDefinition, 'transfer'>): string {
  const leavesOut = engine.transfer.copyLeavesOut;
  if (!leavesOut) return COPY_VOLUMES_SCRIPT;
  return [
    'set -e',
    REFLINK_WHERE_IT_CAN,
    "nl='",
    "'",
    'leaves_out() {',
    leavesOut,
    '}',
    'same_owner_mode() { chown "$(stat -c %u:%g "$1")" "$2"; chmod "$(stat -c %a "$1")" "$2"; }',
    'copy_dir() {',
    '  local from="$1" to="$2" rel="$3" e name',
    '  set --',
    '  for e in "$from"/* "$from"/.[!.]* "$from"/..?*; do',
    '    [ -e "$e" ] || [ -L "$e" ] || continue',
    '    name="$rel/${e##*/}"',
    '    case "$list" in *"$nl$name$nl"*) continue ;; esac',
    '    if [ -d "$e" ] && [ ! -L "$e" ]; then',
    '      case "$list" in *"$nl$name/"*)',
    '        mkdir "$to/${e##*/}"',
    '        same_owner_mode "$e" "$to/${e##*/}"',
    '        copy_dir "$e" "$to/${e##*/}" "$name"',
    '        touch -r "$e" "$to/${e##*/}"',
    '        continue ;;',
    '      esac',
    '    fi',
    '    set -- "$@" "$e"',
    '  done',
    '  [ "$#" -eq 0 ] || cp -a $reflink "$@" "$to/"',
    '}',
    `for src in ${HELPER_FROM}/*; do`,
    `  dst="${HELPER_TO}/\${src##*/}"`,
    '  list="$nl$(leaves_out "$src")$nl"',
    '  if [ "$list" = "$nl$nl" ]; then',
    '    cp -a $reflink "$src/." "$dst/"',
    '  else',
    '    same_owner_mode "$src" "$dst"',
    '    copy_dir "$src" "$dst" .',
    '    touch -r "$src" "$dst"',
    '  fi',
    'done',
    `du -sk ${HELPER_TO}`,
  ].join('\n');
}

/**
 * Prints the first 9 bytes of the RDB a Redis-family data folder (mounted read-only at /from/data) loads at
 * start: the base file its append-only manifest names, else dump.rdb; nothing when there is none. Its header
 * names its format version (`REDIS0011`). Read while the server may run: the base file is only ever replaced
 * whole (renamed into place), never written in place.
 */
export const RDB_HEADER_SCRIPT = [
  `d=${HELPER_FROM}/data f=`,
  'm="$d/appendonlydir/appendonly.aof.manifest"',
  'if [ -f "$m" ]; then b=$(sed -n \'s/^file \\(.*\\) seq [0-9]* type b.*/\\1/p\' "$m" | tail -n 1); if [ -n "$b" ]; then f="$d/appendonlydir/$b"; fi; fi',
  'if [ -z "$f" ]; then f="$d/dump.rdb"; fi',
  'if [ -f "$f" ]; then head -c 9 "$f"; fi',
].join('\n');

/** Prints the size in KiB of what /from holds (a volume kept as it is, measured for its snapshot). */
export const MEASURE_VOLUMES_SCRIPT = `du -sk ${HELPER_FROM}`;

/** Replaces the content of every /to/<key> with an exact copy of /from/<key>, copy-on-write where the filesystem allows. */
export const REPLACE_VOLUMES_SCRIPT = [
  'set -e',
  REFLINK_WHERE_IT_CAN,
  `for src in ${HELPER_FROM}/*; do`,
  `  dst="${HELPER_TO}/\${src##*/}"`,
  '  rm -rf "$dst"/* "$dst"/.[!.]* "$dst"/..?*',
  '  cp -a $reflink "$src/." "$dst/"',
  'done',
].join('\n');

/** The offline step of an import (engines that cannot load a file while running), over /to/<key>. */
export function offlineImportScript(engine: EngineDefinition): string | undefined {
  const script = engine.transfer.offlineImportScript;
  return script === undefined ? undefined : `set -e\n${script}`;
}

/**
 * Export, run with `docker exec`: the engine's dump tool writes "$1.part" in the background while its size is
 * printed every second (`dockbase-progress BYTES`); on success the file is renamed to "$1" and its size
 * printed (`dockbase-size BYTES`), on failure the partial file is removed and the tool's last words go to
 * stderr. "$1.pid" names the tool's process for `CANCEL_SCRIPT`.
 *
 * "$1" and "$1.part" are made first, with the shell's no-clobber (O_EXCL: nothing that exists there, a file,
 * a folder or a link, is reused or followed), so a server's user who guesses the name cannot put a folder
 * or a link there for the rename to go into; the copy out still takes nothing but one regular file.
 */
export function exportScript(engine: EngineDefinition): string {
  return [
    'umask 077',
    'f=$1',
    'out="$f.part"',
    'set -C',
    // `true`, not `:`: a failed redirection of a special built-in ends the shell before it can say why.
    'if ! { true >"$f" && true >"$out"; } 2>/dev/null; then echo "The export\'s temporary file $f is taken in the container." >&2; exit 1; fi',
    'set +C',
    `(\n${engine.transfer.exportScript}\n) >/dev/null 2>"$f.err" </dev/null &`,
    'pid=$!',
    'echo "$pid" >"$f.pid"',
    // Checks 10 times a second whether the tool is done (a finished export waits for nothing), reports once a
    // second; stat, not wc, which in some images reads the whole file to count it.
    'n=0',
    `while [ -e "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do`,
    '  n=$((n + 1))',
    '  if [ $((n % 10)) = 1 ] && [ -f "$out" ]; then echo "dockbase-progress $(stat -c %s "$out")"; fi',
    '  sleep 0.1',
    'done',
    // mv -f replaces the file made above (root's, in sticky /tmp: only root can have replaced it meanwhile).
    'if wait "$pid" && mv -f "$out" "$f" && [ -f "$f" ] && [ ! -L "$f" ]; then rm -f "$f.err" "$f.pid"; echo "dockbase-size $(stat -c %s "$f")"; exit 0; fi',
    'tail -n 20 "$f.err" >&2',
    'rm -f "$f" "$out" "$f.err" "$f.pid" "$out.cfg"',
    'exit 1',
  ].join('\n');
}

/**
 * Ends an export that is still running (its tool and the tool's children) and removes every file it made
 * ("$1" and its .part, .err, .pid, .cfg companions; an import's .toc). Also removes a finished export's file
 * once it is copied out, and an import's file.
 */
export const CANCEL_SCRIPT = [
  'f=$1',
  'p=$(cat "$f.pid" 2>/dev/null)',
  'if [ -n "$p" ]; then',
  '  for s in /proc/[0-9]*/stat; do read -r c _ _ pp _ 2>/dev/null <"$s" && [ "$pp" = "$p" ] && kill "$c" 2>/dev/null; done',
  '  kill "$p" 2>/dev/null',
  '  i=0; while [ -e "$f.pid" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
  'fi',
  'rm -f "$f" "$f.part" "$f.err" "$f.pid" "$f.cfg" "$f.part.cfg" "$f.toc"',
].join('\n');

/** Prints the size of "$1", its first 128 bytes in hex, `--`, then the first 128 bytes of its gunzipped content (if any). */
export const SNIFF_SCRIPT = 'wc -c <"$1"\nod -An -tx1 -N 128 "$1"\necho --\ngunzip -c "$1" 2>/dev/null | od -An -tx1 -N 128';

/**
 * Import, run with `docker exec`: the engine's restore of "$1" (kind "$2", gzip-compressed when "$3" is 1).
 * The uploaded file and its companions (.err, .gz, .cfg, .toc) are removed whatever happens.
 */
export function importScript(engine: EngineDefinition): string | undefined {
  const script = engine.transfer.importScript;
  if (script === undefined) return undefined;
  return ['in=$1', 'kind=$2', 'gz=$3', `trap 'rm -f "$in" "$in.err" "$in.gz" "$in.cfg" "$in.toc"' EXIT`, script].join('\n');
}

/**
 * Every script a container may be asked to run for data safety (the standalone host's policy): `helper` in
 * helper containers, `exec` with a temporary file as argument, `version` with no argument (an engine's version
 * and compatibility checks), `upgrade` with a socket folder as argument (PostgreSQL's dump and restore).
 */
export function dataScripts(): { helper: Set<string>; exec: Set<string>; version: Set<string>; upgrade: Set<string> } {
  const helper = new Set([COPY_VOLUMES_SCRIPT, REPLACE_VOLUMES_SCRIPT, MEASURE_VOLUMES_SCRIPT, RDB_HEADER_SCRIPT, ...ENGINES.map(copyVolumesScript)]);
  const exec = new Set([CANCEL_SCRIPT, SNIFF_SCRIPT]);
  const version = new Set<string>();
  const upgrade = new Set<string>();
  for (const e of ENGINES) {
    const offline = offlineImportScript(e);
    if (offline) helper.add(offline);
    exec.add(exportScript(e));
    const imp = importScript(e);
    if (imp) exec.add(imp);
    version.add(e.upgrade.versionScript);
    if (e.upgrade.alignScript) version.add(e.upgrade.alignScript);
    const dr = e.upgrade.dumpRestore;
    if (dr) for (const script of [dr.versionScript, dr.sizeScript, dr.fingerprintScript, dr.extensionsScript, dr.copyScript]) upgrade.add(script);
  }
  return { helper, exec, version, upgrade };
}
