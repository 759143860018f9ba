/**
 * The argv shapes Dockbase runs, as data the command policy can check: each argv builder is paired, in its
 * command family's file (containers.ts, create.ts, lifecycle.ts, exec.ts, helpers.ts, volumes.ts, images.ts,
 * usage.ts), with a reader that finds the builder's parameters back in an argv. An argv is of a shape only when
 * building it again from the parameters read gives the very same argv, and every parameter passed the
 * checks the reader applies. So the set of accepted argv is, by construction, what the builders emit for
 * valid parameters: no second, hand-kept list of options that could drift from them.
 */

/** Thrown by readers when an argv is not of their shape. The reason never quotes a value. */
export class NotThisShape extends Error {
  override readonly name = 'NotThisShape';
}

export function mismatch(reason: string): never {
  throw new NotThisShape(reason);
}

/** Variables handed to the docker CLI's environment with a call (create's secrets, see RunOptions.env). */
export type CallEnv = Readonly<Record<string, string>>;

/**
 * A volume a call mounts with labels: docker creates it with those labels when it does not exist, and mounts
 * it as it is when it does. So it must not exist, or be Dockbase's with the same owner (see claimProblem).
 */
export interface VolumeClaim {
  volume: string;
  labels: Readonly<Record<string, string>>;
}

/** What a call touches that must already be Dockbase's; the caller checks it against the engine. */
export interface CommandTargets {
  /** Full ids of containers that must be Dockbase instances. */
  containers: readonly string[];
  /** Names of volumes that must be Dockbase data volumes. */
  volumes: readonly string[];
  /** Volumes mounted with labels: new, or Dockbase's with the owner those labels name. */
  claims: readonly VolumeClaim[];
}

export interface CommandShape {
  /** What the command does, for messages ("stop an instance"). */
  readonly name: string;
  /** The words every argv of this shape starts with (`['volume', 'rm']`). */
  readonly words: readonly string[];
  /** The builder this shape describes. */
  readonly builder: (...params: never[]) => string[];
  /** What an argv of this shape touches; throws NotThisShape when it is not of this shape. */
  match(argv: readonly string[], env: CallEnv): CommandTargets;
}

export interface ShapeSpec<P extends unknown[]> {
  name: string;
  words: readonly string[];
  build: (...params: P) => string[];
  /** Reads the builder's parameters back from `argv` (which starts with `words`), checking each one. */
  read: (argv: readonly string[], env: CallEnv) => NoInfer<P>;
  targets?: (...params: NoInfer<P>) => Partial<CommandTargets>;
  /** The environment the call needs (create's secrets); none by default. */
  env?: (...params: NoInfer<P>) => Record<string, string>;
}

export function shape<P extends unknown[]>(spec: ShapeSpec<P>): CommandShape {
  return {
    name: spec.name,
    words: spec.words,
    builder: spec.build as unknown as (...params: never[]) => string[],
    match(argv, env) {
      const params = spec.read(argv, env);
      const rebuilt = spec.build(...params);
      const diff = firstDifference(rebuilt, argv);
      if (diff !== undefined) {
        mismatch(
          diff < argv.length
            ? `${describeArg(argv[diff] as string)} at position ${diff + 1} is not what Dockbase builds there`
            : 'it ends where Dockbase adds more',
        );
      }
      const expected = spec.env?.(...params) ?? {};
      const names = Object.keys(env);
      if (names.length !== Object.keys(expected).length || names.some((k) => !Object.prototype.hasOwnProperty.call(expected, k) || expected[k] !== env[k])) {
        mismatch('the environment sent with it is not the one Dockbase sends');
      }
      const targets = spec.targets?.(...params) ?? {};
      return { containers: targets.containers ?? [], volumes: targets.volumes ?? [], claims: targets.claims ?? [] };
    },
  };
}

function firstDifference(a: readonly string[], b: readonly string[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return undefined;
}

/** An argument as a message may show it: an option's name, never a value. */
export function describeArg(arg: string): string {
  if (!arg.startsWith('-')) return 'an argument';
  const name = arg.split('=')[0] as string;
  const flat = name.replace(/[^\x21-\x7e]/g, '?');
  return `${flat.length > 40 ? `${flat.slice(0, 40)}…` : flat}${arg.includes('=') ? '=…' : ''}`;
}

/** The parameters a reader found, as a tuple (`read: (a) => params(id, seconds)`). */
export function params<T extends unknown[]>(...values: T): T {
  return values;
}

// ---- readers for the values builders take ---------------------------------------------------------------

/** argv[i], or not this shape when the argv is too short. */
export function at(argv: readonly string[], i: number): string {
  const v = argv[i];
  return v === undefined ? mismatch('it is shorter than what Dockbase builds') : v;
}

/** The rest of `value` after `prefix`, or not this shape. */
export function after(value: string, prefix: string): string {
  return value.startsWith(prefix) ? value.slice(prefix.length) : mismatch(`${describeArg(value)} is not what Dockbase builds there`);
}

/**
 * A container as the core names it: its full 64-digit id. docker resolves a full id before names and id
 * prefixes, so it cannot be confused with another container's name or a prefix of another id.
 */
export function containerId(value: string): string {
  return /^[0-9a-f]{64}$/.test(value) ? value : mismatch('containers are named by their full id');
}

/** A Dockbase instance id in a `ps` filter (read-only; older or foreign ids included). */
export function instanceIdFilter(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value) ? value : mismatch('not an instance id');
}

/** An id Dockbase generates (newInstanceId): 12 hexadecimal digits. */
export function newId(value: string | undefined): string {
  return value !== undefined && /^[0-9a-f]{12}$/.test(value) ? value : mismatch('not an id Dockbase generates');
}

/** Seconds or a count, as Dockbase writes them. */
export function wholeNumber(value: string, max: number): number {
  const n = Number(value);
  return /^\d{1,7}$/.test(value) && n <= max ? n : mismatch('not a number Dockbase writes there');
}

/** A Dockbase data volume's name: `dockbase-<instance name>-<key>`. */
export function dockbaseVolumeName(value: string): string {
  return /^dockbase-[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/.test(value) ? value : mismatch('not the name of a Dockbase data volume');
}

/** An image id as `docker inspect` reports it. */
export function imageId(value: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(value) ? value : mismatch('not an image id');
}

/** A container name as Dockbase gives it: an instance's name, one set aside during an edit, an upgrade's worker. */
export function containerName(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value) ? value : mismatch('not a container name Dockbase gives');
}

const LABEL_KEY = /^io\.dockbase\.[a-z][a-z0-9.-]*$/;
// eslint-disable-next-line no-control-regex
const LABEL_VALUE = /^[^,=\u0000-\u001f]{0,256}$/;

/** A Dockbase label `key=value` on a volume Dockbase creates: key `io.dockbase.…`, a value without separators or controls. */
export function dockbaseLabel(text: string, reason: string): [string, string] {
  const [k = '', v = ''] = text.split(/=(.*)/s);
  return LABEL_KEY.test(k) && LABEL_VALUE.test(v) ? [k, v] : mismatch(reason);
}

/** Targets of a call that acts on one container (its first parameter), which must be a Dockbase instance. */
export const own = (id: string, ..._rest: unknown[]) => ({ containers: [id] });
