/**
 * What a copy between the host and a container says when it fails, in words a user reads: docker's last
 * lines, or the system's reason by name (its own message would name a temporary file the user never sees).
 */
import { HostFileError } from './port';

/** How many of docker's last stderr lines a failure quotes. */
const STDERR_LINES = 5;

export function dockerFailure(binary: string, exit: { code: number | null; signal: string | null; stderr: string; error?: Error }): HostFileError {
  if (exit.error) return new HostFileError('docker', `Cannot run ${binary}: ${exit.error.message}`);
  const lines = exit.stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-STDERR_LINES)
    .join('\n');
  return new HostFileError('docker', lines || (exit.signal ? `docker was stopped (${exit.signal}).` : `docker failed (exit code ${exit.code}).`));
}

export function cancelled(): HostFileError {
  return new HostFileError('cancelled', 'The copy was cancelled.');
}

export function unwritable(dir: string, e: unknown): HostFileError {
  if (e instanceof HostFileError) return e;
  const code = errorCode(e);
  if (code === 'ENOENT') return new HostFileError('unwritable', `The folder ${dir} does not exist.`);
  if (code === 'ENOTDIR') return new HostFileError('unwritable', `${dir} is not a folder.`);
  return new HostFileError('unwritable', `Cannot write a file in ${dir}: ${reason(e)}.`);
}

export function unreadable(file: string, e: unknown): HostFileError {
  if (e instanceof HostFileError) return e;
  const code = errorCode(e);
  // ELOOP from O_NOFOLLOW on Linux and macOS; EMLINK on FreeBSD.
  if (code === 'ELOOP' || code === 'EMLINK') return new HostFileError('unreadable', `${file} is a link; choose the file itself.`);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new HostFileError('unreadable', `${file} does not exist.`);
  return new HostFileError('unreadable', `Cannot read ${file}: ${reason(e)}.`);
}

const REASONS: Record<string, string> = {
  ...{ ENOSPC: 'the disk is full', EDQUOT: 'the disk quota is used up', EFBIG: 'the file is too large for this disk', EROFS: 'the disk is read-only' },
  ...{ EACCES: 'permission denied', EPERM: 'permission denied', EIO: 'an input/output error', ENAMETOOLONG: 'the name is too long' },
};

/** The system's reason, in words (its message otherwise names a temporary file the user never sees). */
function reason(e: unknown): string {
  const code = errorCode(e);
  return (code && REASONS[code]) ?? (code || (e instanceof Error ? e.message : String(e)));
}

export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
