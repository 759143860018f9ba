/**
 * The exit codes scripts can rely on: ONE mapping, from the core's typed errors (DockbaseError.code) and the
 * command line's own usage errors. A new error code in the core fails the type check here until it is mapped.
 */
import { isDockbaseError, type DockbaseErrorCode } from '@dockbase/core';
import { CommanderError } from 'commander';

export const EXIT = {
  /** Done. */
  ok: 0,
  /** The operation failed (docker reported an error, the server did not become ready, ...). */
  failed: 1,
  /** The command line or the input is wrong: unknown command or option, a missing or invalid value. */
  usage: 2,
  /** The named instance (or the image to create it from) does not exist, or the container is not one Dockbase created. */
  notFound: 3,
  /** The Docker engine is not reachable: start Docker and run the command again. */
  engineUnavailable: 4,
  /** A name, port or data volume is already taken by something else, or another job holds the instance. */
  conflict: 5,
  /** The registry could not be reached or rate-limited the pull: trying again later may work. */
  registry: 6,
  /** The data or the file does not fit: another engine's or version's data, a file its engine cannot use. Nothing was changed. */
  refused: 7,
  /** Interrupted (Ctrl-C): whatever the command had made was removed again. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every code the core can report, and what a script sees for it. */
export const EXIT_BY_ERROR_CODE: Readonly<Record<DockbaseErrorCode, ExitCode>> = {
  'invalid-input': EXIT.usage,
  'not-found': EXIT.notFound,
  'not-managed': EXIT.notFound,
  'image-not-found': EXIT.notFound,
  'engine-unavailable': EXIT.engineUnavailable,
  // Only a bridge (the tab's, the standalone host's) can be away; the CLI talks to docker itself.
  'bridge-unavailable': EXIT.engineUnavailable,
  'name-in-use': EXIT.conflict,
  'port-in-use': EXIT.conflict,
  'volume-conflict': EXIT.conflict,
  busy: EXIT.conflict,
  network: EXIT.registry,
  'pull-rate-limited': EXIT.registry,
  'incompatible-data': EXIT.refused,
  'bad-file': EXIT.refused,
  cancelled: EXIT.cancelled,
  'command-failed': EXIT.failed,
};

/** A mistake on the command line that the parser cannot see (two password sources, `rm` of a running instance without --yes). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the command has already explained on stderr: exit code 1, nothing more to print. */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
}

/** The exit code for anything a command threw. */
export function exitCodeOf(error: unknown): ExitCode {
  if (isDockbaseError(error)) return EXIT_BY_ERROR_CODE[error.code] ?? EXIT.failed;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof CommanderError) {
    // --help and --version end the parse with exit code 0; everything else commander reports is a usage error.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return EXIT.failed;
}

/** The table of exit codes, for `dockbase --help` and the README. */
export const EXIT_CODES_HELP = `Exit codes:
  0    done
  1    the operation failed
  2    usage: a wrong command, option or value (the same checks as the Docker Desktop tab)
  3    not found: no such instance (or a container Dockbase did not create), or
       no such image
  4    the Docker engine is not reachable
  5    conflict: the name, port or data volume is taken, or another job (the
       tab's, another dockbase's) holds the instance
  6    the registry is unreachable or rate-limited the pull (try again later)
  7    the data or file does not fit (another engine's or version's data, a file
       its engine cannot use): nothing was changed
  130  interrupted (Ctrl-C)`;
