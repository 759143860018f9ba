/**
 * The command policy: which docker argv a bridge (the standalone host's /api/exec) may run. Exactly the argv
 * the core's builders emit, for parameters the core itself would accept, and nothing else: each command
 * family (docker/containers.ts, create.ts, …) pairs its builders with readers of their parameters in its
 * shapes, assembled here as COMMAND_SHAPES, and an argv passes only when building it again from what was read
 * gives the very same argv. That refuses, without listing them, every option the core never writes (`-v`,
 * `--privileged`, `--pid host`, `--cap-add`, `--env-file`, `--cidfile`, `--detach=false`, bind mounts,
 * `volume create --opt`…), `=`-joined and abbreviated spellings, repeated options, arguments after `--`, and
 * global options such as `--host` or `--context`.
 *
 * A shape cannot tell from the argv alone whether a container or volume it names is Dockbase's: the verdict
 * lists them, and the caller checks each against the engine before running anything (see ownership.ts).
 */
import { NotThisShape, type CallEnv, type CommandShape, type CommandTargets } from '../docker/command-shape';
import { CONTAINER_SHAPES } from '../docker/containers';
import { CREATE_SHAPES } from '../docker/create';
import { EXEC_SHAPES } from '../docker/exec';
import { EXTENSION_SHAPES } from '../docker/extensions';
import { HELPER_SHAPES } from '../docker/helpers';
import { IMAGE_SHAPES } from '../docker/images';
import { LIFECYCLE_SHAPES } from '../docker/lifecycle';
import { USAGE_SHAPES } from '../docker/usage';
import { VOLUME_SHAPES } from '../docker/volumes';

/**
 * Every shape a bridge may run, by command family. Where shapes share their first words (`run`: an instance's,
 * then a helper's and a worker's), the first one's reason is the one a refusal gives.
 */
export const COMMAND_SHAPES: readonly CommandShape[] = [
  ...CONTAINER_SHAPES,
  ...IMAGE_SHAPES,
  ...VOLUME_SHAPES,
  ...CREATE_SHAPES,
  ...LIFECYCLE_SHAPES,
  ...EXEC_SHAPES,
  ...EXTENSION_SHAPES,
  ...HELPER_SHAPES,
  ...USAGE_SHAPES,
];

export type CommandVerdict =
  | ({ allowed: true; /** The shape's name ("stop an instance"). */ name: string } & CommandTargets)
  | { allowed: false; /** Why, without quoting any value of the argv. */ reason: string };

/** Whether `docker ...argv` (with `env` added to the CLI's environment) is a call Dockbase makes. */
export function checkCommand(argv: readonly string[], env: CallEnv = {}): CommandVerdict {
  const candidates = COMMAND_SHAPES.filter((s) => s.words.every((w, i) => argv[i] === w));
  if (candidates.length === 0) {
    const sub = COMMAND_SHAPES.some((s) => s.words.length > 1 && s.words[0] === argv[0]) ? argv.slice(0, 2) : argv.slice(0, 1);
    return { allowed: false, reason: `docker ${sub.map(printable).join(' ') || '(nothing)'} is not allowed: Dockbase never runs it` };
  }
  let reason: string | undefined;
  for (const candidate of candidates) {
    try {
      return { allowed: true, name: candidate.name, ...candidate.match(argv, env) };
    } catch (e) {
      if (!(e instanceof NotThisShape)) throw e;
      reason ??= e.message;
    }
  }
  const words = (candidates[0] as (typeof candidates)[number]).words;
  return { allowed: false, reason: `this docker ${words.join(' ')} is not allowed: ${reason ?? 'it is not one Dockbase builds'}` };
}

/** A short, single-line rendering of a refused (sub)command name. */
function printable(word: string): string {
  const flat = word.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(flat.length > 40 ? `${flat.slice(0, 40)}…` : flat);
}
