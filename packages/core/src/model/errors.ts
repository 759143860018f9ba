/**
 * The errors Dockbase reports, each with a message a user understands. No message ever contains a
 * password: anything that may echo user input or docker's stderr goes through `redact` first.
 */
import { CONFLICT } from './validation';

export type DockbaseErrorCode =
  | 'engine-unavailable'
  /** What carries Dockbase's docker commands (the standalone host, Docker Desktop's bridge) does not answer. */
  | 'bridge-unavailable'
  | 'name-in-use'
  | 'port-in-use'
  | 'image-not-found'
  | 'pull-rate-limited'
  | 'network'
  | 'invalid-input'
  | 'volume-conflict'
  | 'not-found'
  | 'not-managed'
  | 'cancelled'
  | 'incompatible-data'
  | 'bad-file'
  | 'command-failed'
  /** Another job holds the instance (another tab, the command line): the message names it and since when. */
  | 'busy';

export class DockbaseError extends Error {
  override readonly name = 'DockbaseError';

  constructor(
    readonly code: DockbaseErrorCode,
    message: string,
    /** For invalid input: the field at fault (`name`, `hostPort`, `password`, `tag`, `image`, ...). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isDockbaseError(e: unknown, code?: DockbaseErrorCode): e is DockbaseError {
  return e instanceof DockbaseError && (code === undefined || e.code === code);
}

export const REDACTED = '********';

/** Replaces every occurrence of each secret (and its URI-encoded form) with asterisks. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

const ENGINE_DOWN = [
  /Cannot connect to the Docker daemon/i,
  /error during connect/i,
  /Is the docker daemon running/i,
  /docker daemon is not running/i,
  /connect: no such file or directory/i,
  /permission denied while trying to connect to the Docker daemon/i,
];

export function looksLikeEngineDown(stderr: string): boolean {
  return ENGINE_DOWN.some((re) => re.test(stderr));
}

export function engineUnavailable(): DockbaseError {
  return new DockbaseError('engine-unavailable', 'The Docker engine is not reachable. Start Docker (or Docker Desktop) and try again.');
}

export function bridgeUnavailable(detail?: string): DockbaseError {
  return new DockbaseError(
    'bridge-unavailable',
    `Dockbase cannot reach docker: the Dockbase host (or Docker Desktop's bridge) does not answer${detail ? ` (${detail})` : ''}. It may have stopped; start it again.`,
  );
}

/** Lines of docker's CLI that help at a terminal, not in a tab ("Run 'docker run --help' for more information"). */
const CLI_NOISE = [/^(Run|See) 'docker [a-z ]+--help'/i, /^Error: failed to start containers?:/i, /^Unable to find image .* locally$/i];

/** First meaningful lines of docker's stderr, bounded and redacted, without the CLI's prefixes and hints. */
export function stderrExcerpt(stderr: string, secrets: readonly string[] = [], max = 300): string {
  const text = redact(stderr, secrets)
    .split('\n')
    .map((l) =>
      l
        .trim()
        .replace(/^docker:\s*/i, '')
        .replace(/^Error response from daemon:\s*/i, '')
        .replace(/^Error:\s*/, ''),
    )
    .filter((l) => l && !CLI_NOISE.some((re) => re.test(l)))
    .join(' ')
    .replace(/\s*\.$/, '');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * docker's wording, translated for people who did not type the command: the usual failures get a sentence
 * saying what happened and what to do; anything else is docker's own text without its CLI hints.
 */
const TRANSLATIONS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [
    /(?:Bind for [^ ]*?:(\d+) failed: port is already allocated|listen tcp[46]? [^ ]*?:(\d+): bind: address already in use)/i,
    (m) => `port ${m[1] ?? m[2]} is already in use on this machine`,
  ],
  [/port is already allocated|address already in use/i, () => 'its port is already in use on this machine'],
  [/exec: "([^"]+)": executable file not found in \$PATH/i, (m) => `the image has no "${m[1]}" program: is it an image of this database engine?`],
  [/executable file not found in \$PATH/i, () => 'the image lacks a program Dockbase needs: is it an image of this database engine?'],
  [/no space left on device/i, () => 'Docker has run out of disk space (free some with "docker system prune")'],
  [/Minimum memory limit allowed is (\d+\s*\w+)/i, (m) => `the memory limit is too small: at least ${m[1]}`],
  [/No such container/i, () => 'the container no longer exists'],
  [/(?:container [0-9a-f]+ )?is not running/i, () => 'the container is not running'],
  [/is paused, unpause the container/i, () => 'the container is paused: unpause it first'],
  [/invalid reference format/i, () => 'the image name is not valid'],
  [/OCI runtime (?:create|exec) failed:.*?: ([^:]+): unknown$/i, (m) => `the container runtime could not start it: ${m[1]}`],
];

export function translateDockerError(stderr: string, secrets: readonly string[] = []): string {
  const text = stderrExcerpt(stderr, secrets);
  for (const [re, say] of TRANSLATIONS) {
    const m = re.exec(text);
    if (m) return say(m);
  }
  return text;
}

/** Maps a failed docker invocation to a typed error. */
export function commandFailed(action: string, stderr: string, secrets: readonly string[] = []): DockbaseError {
  if (looksLikeEngineDown(stderr)) return engineUnavailable();
  const said = translateDockerError(stderr, secrets);
  return new DockbaseError('command-failed', `Could not ${action}: ${said || 'docker reported an error'}`);
}

/** The field names of the create form, as users read them in a message. */
const FIELD_LABELS: Record<string, string> = {
  engine: 'Engine',
  name: 'Name',
  tag: 'Version',
  image: 'Image',
  hostPort: 'Port',
  password: 'Password',
  user: 'User',
  database: 'Database',
  seedFiles: 'Init files',
};

/** Input that fails validation: every field's problem, the first one as the message. */
export class InvalidInputError extends DockbaseError {
  constructor(readonly fields: Readonly<Record<string, string>>) {
    const [field, message] = Object.entries(fields)[0] ?? ['input', 'Invalid input.'];
    super('invalid-input', `${FIELD_LABELS[field] ?? field}: ${message}`, field);
  }
}

export function cancelled(message = 'Cancelled.'): DockbaseError {
  return new DockbaseError('cancelled', message);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

const PORT_TAKEN = /port is already allocated|address already in use|bind for .* failed/i;

/** Whether `docker run`'s stderr says the container was created but could not start. */
export function isStartFailure(stderr: string): boolean {
  return PORT_TAKEN.test(stderr) || /failed to create shim|OCI runtime|error while creating mount source|starting container/i.test(stderr);
}

/** A failed start (or restart) of an instance: a taken port is named, anything else explained. */
export function startError(target: { name: string; hostPort: number }, stderr: string, secrets: readonly string[]): DockbaseError {
  if (PORT_TAKEN.test(stderr)) {
    return new DockbaseError('port-in-use', `Port ${target.hostPort} is already in use on this machine.`, 'hostPort');
  }
  return new DockbaseError('command-failed', `Could not start ${target.name}: ${translateDockerError(stderr, secrets)}`);
}

/** A failed `docker create` / `docker run`: a taken name or a missing image is named, anything else explained. */
export function createError(input: { name: string; engine: string; image?: string; tag: string }, stderr: string, secrets: readonly string[]): DockbaseError {
  if (/Conflict\. The container name/i.test(stderr)) return new DockbaseError('name-in-use', CONFLICT.name(input.name), 'name');
  if (/No such image|not found|manifest unknown/i.test(stderr)) {
    return new DockbaseError('image-not-found', `Image ${input.image ?? input.engine}:${input.tag} was not found.`, 'tag');
  }
  return commandFailed(`create ${input.name}`, stderr, secrets);
}
