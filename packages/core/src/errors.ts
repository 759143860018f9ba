/**
 * The errors Dockbase reports, each with a message a user understands. No message ever contains a
 * password: anything that may echo user input or docker's stderr goes through `redact` first.
 */
import { CONFLICT } from './validation';

export type DockbaseErrorCode =
  | 'engine-unavailable'
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
  | 'command-failed';

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
  return new DockbaseError(
    'engine-unavailable',
    'The Docker engine is not reachable. Start Docker (or Docker Desktop) and try again.',
  );
}

/** First meaningful lines of docker's stderr, bounded and redacted. */
export function stderrExcerpt(stderr: string, secrets: readonly string[] = [], max = 300): string {
  const text = redact(stderr, secrets)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/^Error response from daemon:\s*/i, '');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Maps a failed docker invocation to a typed error. */
export function commandFailed(action: string, stderr: string, secrets: readonly string[] = []): DockbaseError {
  if (looksLikeEngineDown(stderr)) return engineUnavailable();
  const excerpt = stderrExcerpt(stderr, secrets);
  return new DockbaseError('command-failed', `Could not ${action}: ${excerpt || 'docker reported an error'}`);
}

/** The field names of the create form, as users read them in a message. */
const FIELD_LABELS: Record<string, string> = {
  engine: 'Engine',
  name: 'Name',
  tag: 'Version',
  image: 'Image',
  hostPort: 'Port',
  password: 'Password',
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
  return new DockbaseError('command-failed', `Could not start ${target.name}: ${stderrExcerpt(stderr, secrets)}`);
}

/** A failed `docker create` / `docker run`: a taken name or a missing image is named, anything else explained. */
export function createError(input: { name: string; engine: string; image?: string; tag: string }, stderr: string, secrets: readonly string[]): DockbaseError {
  if (/Conflict\. The container name/i.test(stderr)) return new DockbaseError('name-in-use', CONFLICT.name(input.name), 'name');
  if (/No such image|not found|manifest unknown/i.test(stderr)) {
    return new DockbaseError('image-not-found', `Image ${input.image ?? input.engine}:${input.tag} was not found.`, 'tag');
  }
  return commandFailed(`create ${input.name}`, stderr, secrets);
}
