/**
 * `docker exec … sh -c SCRIPT` in an instance, only ever with a script Dockbase holds: the engine's health
 * probe, its password check and setting, and the data scripts (data-scripts.ts), with their readers and shapes.
 * Per data script:
 *
 * - `… sh -c SCRIPT sh PATH …`: only Dockbase's export, import, sniff and clean-up scripts, only on its own
 *   temporary files (/tmp/dockbase-export-<12 hex> or /tmp/dockbase-import-<12 hex>).
 * - `… sh -c SCRIPT sh` with an engine's version or compatibility script, and `… sh FOLDER` with one of
 *   PostgreSQL's dump-and-restore scripts on a socket folder (its own, or the old server's).
 */
import { at, containerId, mismatch, own, shape, type CommandShape } from './command-shape';
import { dataScripts, EXPORT_TEMP_FILE, IMPORT_TEMP_FILE, UPGRADE_SOCKET_FOLDERS } from './data-scripts';
import { ENGINES, getEngine, type DumpKind, type EngineDefinition, type EngineId } from '../engines';

/** Runs the engine's own health probe once inside the container (used while it starts). */
export function probeArgs(containerId: string, engineId: EngineId): string[] {
  const engine = getEngine(engineId);
  return ['exec', containerId, 'sh', '-c', engine.healthcheck(engine.containerPort).command];
}

/** How long one readiness wait runs inside the container (WAIT_TRIES × WAIT_PAUSE_S, plus the probes' own time). */
const WAIT_TRIES = 60;
const WAIT_PAUSE_S = '0.05';

/**
 * The engine's probe repeated inside the container every 50 ms, for about three seconds, until it passes:
 * exit 0 as soon as the server answers, 1 when the time is up. One exec sees "ready" within 50 ms of the
 * server answering, where a probe per exec paid an exec each time and paused between them.
 */
export function readinessWaitScript(probe: string): string {
  return `n=0; until { ${probe}; } >/dev/null 2>&1; do n=$((n+1)); [ "$n" -lt ${WAIT_TRIES} ] || exit 1; sleep ${WAIT_PAUSE_S}; done`;
}

/** Waits, inside the container, until the engine's own health probe passes (readinessWaitScript). */
export function waitReadyArgs(containerId: string, engineId: EngineId): string[] {
  const engine = getEngine(engineId);
  return ['exec', containerId, 'sh', '-c', readinessWaitScript(engine.healthcheck(engine.containerPort).command)];
}

/** Runs one of the engine's fixed credential scripts (verifyPassword, applyPassword) inside the container. */
function credentialScript(containerId: string, script: string): string[] {
  return ['exec', containerId, 'sh', '-c', script];
}

/** Proves the container's configured password authenticates, with the engine's own client. */
export function verifyPasswordArgs(containerId: string, engineId: EngineId): string[] {
  const engine = getEngine(engineId);
  return credentialScript(containerId, engine.verifyPassword(engine.containerPort));
}

/** Sets the data's password to the container's configured one (engines that allow it: see applyPassword). */
export function applyPasswordArgs(containerId: string, engineId: EngineId): string[] {
  const script = getEngine(engineId).applyPassword;
  if (!script) throw new Error(`${engineId} has no way to set a password without the old one`);
  return credentialScript(containerId, script);
}

/** Runs one of Dockbase's data scripts (data-scripts.ts) in a running container, its arguments as `$1…`. */
export function execScriptArgs(containerId: string, script: string, ...args: string[]): string[] {
  return ['exec', containerId, 'sh', '-c', script, 'sh', ...args];
}

// ---- readers and shapes ---------------------------------------------------------------------------------

let scripts: ReturnType<typeof dataScripts> | undefined;
const known = () => (scripts ??= dataScripts());
const DUMP_KINDS: readonly DumpKind[] = ['postgres-sql', 'postgres-custom', 'mysql-sql', 'mariadb-sql', 'sql', 'mongo-archive', 'redis-rdb'];

/** Reads an exec of one engine's script (`scriptOf`) back: the container and that engine. */
function engineScript(scriptOf: (e: EngineDefinition) => string | undefined, reason: string) {
  return (argv: readonly string[]): [string, EngineId] => [
    containerId(at(argv, 1)),
    ENGINES.find((e) => scriptOf(e) !== undefined && scriptOf(e) === at(argv, 4))?.id ?? mismatch(reason),
  ];
}

/** Reads `probeArgs` back: the container and the engine whose probe it runs. */
export const readProbe = engineScript((e) => e.healthcheck(e.containerPort).command, 'not an engine’s health probe');

/** Reads `waitReadyArgs` back: the container and the engine whose probe it repeats. */
export const readWaitReady = engineScript((e) => readinessWaitScript(e.healthcheck(e.containerPort).command), 'not an engine’s readiness wait');

/** Reads an exec of a data script on a temporary file (export, import, sniff, clean-up) back. */
export function readExecScript(argv: readonly string[]): [string, string, ...string[]] {
  const script = at(argv, 4);
  if (!known().exec.has(script)) mismatch('not one of Dockbase’s data scripts');
  const [file = '', ...rest] = argv.slice(6);
  if (!EXPORT_TEMP_FILE.test(file) && !IMPORT_TEMP_FILE.test(file)) mismatch('not one of Dockbase’s temporary files');
  if (
    rest.length > 0 &&
    !(rest.length === 2 && IMPORT_TEMP_FILE.test(file) && DUMP_KINDS.includes(rest[0] as DumpKind) && (rest[1] === '0' || rest[1] === '1'))
  ) {
    mismatch('not the arguments of an import');
  }
  return [containerId(at(argv, 1)), script, file, ...rest];
}

/** Reads an exec of an engine's version or compatibility script back. */
export function readVersionScript(argv: readonly string[]): [string, string] {
  const script = at(argv, 4);
  if (!known().version.has(script) || argv.length !== 6) mismatch('not one of the engines’ version scripts');
  return [containerId(at(argv, 1)), script];
}

/** Reads an exec of one of PostgreSQL's dump-and-restore scripts on a socket folder back. */
export function readUpgradeScript(argv: readonly string[]): [string, string, string] {
  const script = at(argv, 4);
  if (!known().upgrade.has(script)) mismatch('not one of PostgreSQL’s upgrade scripts');
  const folder = at(argv, 6);
  if (!UPGRADE_SOCKET_FOLDERS.has(folder) || argv.length !== 7) mismatch('not a socket folder of an upgrade');
  return [containerId(at(argv, 1)), script, folder];
}

export const EXEC_SHAPES: readonly CommandShape[] = [
  shape({ name: 'probe an instance', words: ['exec'], build: probeArgs, read: readProbe, targets: own }),
  shape({ name: 'wait until an instance answers', words: ['exec'], build: waitReadyArgs, read: readWaitReady, targets: own }),
  shape({
    name: 'check an instance’s password',
    words: ['exec'],
    build: verifyPasswordArgs,
    read: engineScript((e) => e.verifyPassword(e.containerPort), 'not an engine’s password check'),
    targets: own,
  }),
  shape({
    name: 'set an instance’s password',
    words: ['exec'],
    build: applyPasswordArgs,
    read: engineScript((e) => e.applyPassword, 'not an engine’s password setting'),
    targets: own,
  }),
  shape({ name: 'run a data script in an instance', words: ['exec'], build: execScriptArgs, read: readExecScript, targets: own }),
  shape({ name: 'check an instance’s version', words: ['exec'], build: execScriptArgs, read: readVersionScript, targets: own }),
  shape({ name: 'run an upgrade step in a worker', words: ['exec'], build: execScriptArgs, read: readUpgradeScript, targets: own }),
];
