import { ENGINES } from '@dockbase/core';

/**
 * The only scripts `docker exec` may run: the engines' health probes (Dockbase's readiness check) and their
 * fixed credential scripts (check a password, set PostgreSQL's through its local socket). Each reads what
 * it needs from the container's own env: no value of the page's choosing reaches them.
 */
const HEALTH_PROBES = new Set(
  ENGINES.flatMap((e) => [e.healthcheck(e.containerPort).command, e.verifyPassword(e.containerPort), ...(e.applyPassword ? [e.applyPassword] : [])]),
);

/** Checks the arguments of a subcommand that is allowed in one shape only; returns why not, or undefined. */
type ArgsRule = (args: readonly string[]) => string | undefined;

/**
 * `docker run --detach …` only: Dockbase creates and starts an instance in one call. (Anything `run` can
 * start, `create` + `start` can too; an attached or interactive run has no use in a browser tab.)
 */
const detachedRun: ArgsRule = (args) => (args[0] === '--detach' ? undefined : 'this docker run is not allowed: only `docker run --detach …`');

/** `docker exec <container> sh -c <an engine's health probe>` only. */
const healthProbe: ArgsRule = (args) =>
  args.length === 4 && args[1] === 'sh' && args[2] === '-c' && HEALTH_PROBES.has(args[3] as string) && !(args[0] as string).startsWith('-')
    ? undefined
    : 'this docker exec is not allowed: only an engine’s health probe or credential check';

/** `docker system df --verbose --format …` only (the sizes of volumes, on request). */
const diskUsage: ArgsRule = (args) => (args[0] === 'df' && !args.slice(1).some((a) => a !== '--verbose' && a !== '--format' && !a.startsWith('{{')) ? undefined : 'this docker system is not allowed: only `docker system df`');

/**
 * What the standalone host lets the page run. Docker Desktop's bridge runs any docker command; the standalone
 * host serves a browser tab, so it narrows the bridge to the subcommands the Dockbase UI needs.
 *
 * THE allowlist: a top-level docker subcommand maps to `true` (any arguments), to the list of its own
 * subcommands that are allowed (the first argument must be one of them), or to a rule for its arguments.
 */
export const DOCKER_ALLOWLIST: Readonly<Record<string, true | readonly string[] | ArgsRule>> = Object.freeze({
  ps: true,
  run: detachedRun,
  exec: healthProbe,
  inspect: true,
  create: true,
  start: true,
  stop: true,
  restart: true,
  unpause: true,
  rename: true,
  stats: true,
  system: diskUsage,
  rm: true,
  pull: true,
  logs: true,
  events: true,
  version: true,
  info: true,
  volume: Object.freeze(['create', 'inspect', 'rm', 'ls']),
  image: Object.freeze(['inspect', 'ls']),
  // The UI inspects containers with `docker container inspect` (read-only, the same as `docker inspect`).
  container: Object.freeze(['inspect']),
});

/**
 * Global docker flags that pick another engine or configuration. They only work BEFORE the subcommand (which
 * the allowlist already makes impossible); refusing them anywhere is a second line of defence.
 */
const GLOBAL_FLAGS = ['--host', '-H', '--context', '--config'];

/** Bounds on one command: how many arguments and how long each may be (in UTF-16 code units). */
export const MAX_ARGS = 256;
export const MAX_ARG_LENGTH = 8192;

/** Why `docker cmd ...args` is refused, or undefined when it may run. */
export function refusal(cmd: string, args: readonly string[]): string | undefined {
  if (cmd === '') return 'an empty docker command is not allowed';
  const rule = Object.prototype.hasOwnProperty.call(DOCKER_ALLOWLIST, cmd) ? DOCKER_ALLOWLIST[cmd] : undefined;
  if (rule === undefined) return `docker ${printable(cmd)} is not allowed by the standalone host`;
  if (typeof rule === 'function') {
    const why = rule(args);
    if (why) return why;
  } else if (rule !== true) {
    const sub = args[0];
    if (sub === undefined || !rule.includes(sub)) {
      return `docker ${cmd} ${sub === undefined ? '(no subcommand)' : printable(sub)} is not allowed by the standalone host`;
    }
  }
  for (const a of args) {
    const flag = GLOBAL_FLAGS.find((f) => a === f || a.startsWith(`${f}=`));
    if (flag) return `the global docker flag ${flag} is not allowed`;
  }
  return undefined;
}

/** A short, single-line rendering of a refused (sub)command name for an error message. */
function printable(word: string): string {
  const flat = word.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(flat.length > 40 ? `${flat.slice(0, 40)}…` : flat);
}
