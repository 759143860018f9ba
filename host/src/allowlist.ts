/**
 * What the standalone host lets the page run: the core's command policy (checkCommand, which accepts exactly
 * the argv shapes the core's builders emit), plus, at request time, the check that each container and volume
 * the call acts on is Dockbase's. This file is the bridge's boundary; nothing else decides what reaches docker.
 */
import {
  DockerRunner,
  checkCommand,
  claimOwnership,
  containerOwnership,
  notDockbasesText,
  volumeOwnership,
  type CommandTargets,
  type CommandVerdict,
  type Ownership,
} from '@dockbase/core';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import type { ExecRequest } from './protocol';

/** Bounds on one command: how many arguments and how long each may be (in UTF-16 code units). */
export const MAX_ARGS = 256;
export const MAX_ARG_LENGTH = 8192;
/** Most variables one call may hand to docker's environment (create's secrets: one per engine today). */
export const MAX_ENV = 8;

/** Why `docker cmd ...args` (with `env`) is refused by the policy alone, or undefined when it may run. */
export function refusal(cmd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): string | undefined {
  const verdict = checkCommand([cmd, ...args], env);
  return verdict.allowed ? undefined : verdict.reason;
}

export type ExecAuthorization =
  | { ok: true; request: ExecRequest }
  | { ok: false; /** HTTP status: 400 malformed, 403 refused, 404 no such container/volume, 503 cannot check. */ status: number; error: string };

/**
 * Decides whether an /api/exec(-stream) body may run: a well-formed request, a call the core makes, on
 * containers that are Dockbase instances and volumes that are Dockbase data volumes. The engine is asked
 * (with the same docker binary) at request time; a container found to be an instance is remembered (ids
 * are never reused, and an instance label cannot be removed from a container).
 */
export class ExecGuard {
  /** Most engine lookups running at once (they are docker processes too); more answer 429. */
  static readonly MAX_CHECKS = 16;
  private checks = 0;
  private readonly docker: DockerRunner;
  private readonly instances = new Set<string>();
  private readonly pending = new Map<string, Promise<Ownership>>();

  constructor(dockerBinary: string) {
    this.docker = new DockerRunner(new NodeDockerCli({ binary: dockerBinary }));
  }

  async authorize(body: Buffer): Promise<ExecAuthorization> {
    const parsed = parseExecRequest(body);
    if (typeof parsed === 'string') return { ok: false, status: 400, error: parsed };
    const verdict: CommandVerdict = checkCommand([parsed.cmd, ...parsed.args], parsed.env ?? {});
    if (!verdict.allowed) return { ok: false, status: 403, error: verdict.reason };
    const refused = await this.checkTargets(verdict.name, verdict);
    return refused ?? { ok: true, request: parsed };
  }

  /**
   * Asks the engine whether what a call acts on is Dockbase's: each container an instance, each volume a
   * Dockbase data volume, each volume it may create new or Dockbase's with the owner it names. Undefined
   * when all are; otherwise the refusal (`what` names the call: "stop an instance").
   */
  async checkTargets(what: string, targets: CommandTargets): Promise<Extract<ExecAuthorization, { ok: false }> | undefined> {
    type Checked = { kind: 'container' | 'volume'; ref: string; ownership: Ownership };
    const count = targets.containers.length + targets.volumes.length + targets.claims.length;
    if (count === 0) return undefined;
    if (this.checks >= ExecGuard.MAX_CHECKS) return { ok: false, status: 429, error: 'too many docker commands are being checked' };
    let checked: Checked[];
    this.checks += 1;
    try {
      checked = await Promise.all([
        ...targets.containers.map(async (ref): Promise<Checked> => ({ kind: 'container', ref, ownership: await this.container(ref) })),
        ...targets.volumes.map(async (ref): Promise<Checked> => ({ kind: 'volume', ref, ownership: await volumeOwnership(this.docker, ref) })),
        ...targets.claims.map(async (claim): Promise<Checked> => ({ kind: 'volume', ref: claim.volume, ownership: await claimOwnership(this.docker, claim) })),
      ]);
    } catch (e) {
      // The engine's own words (e.g. "Cannot connect to the Docker daemon"): the core maps them to "engine unavailable".
      return { ok: false, status: 503, error: `cannot check what this command acts on: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      this.checks -= 1;
    }
    for (const { kind, ref, ownership } of checked) {
      if (ownership.managed) continue;
      // docker's own wording for a missing object, which the core recognises (a probe of a container that died).
      if (ownership.gone) return { ok: false, status: 404, error: `Error: No such ${kind}: ${ref}` };
      const shown = kind === 'container' ? ref.slice(0, 12) : ref;
      return { ok: false, status: 403, error: `not allowed to ${what}: ${notDockbasesText(`${kind} ${shown}`, ownership.reason)}` };
    }
    return undefined;
  }

  /** Whether a container is an instance, asked once at a time per id, remembered when it is. */
  private container(id: string): Promise<Ownership> {
    if (this.instances.has(id)) return Promise.resolve({ managed: true, labels: {} });
    let asked = this.pending.get(id);
    if (!asked) {
      asked = containerOwnership(this.docker, id).then((o) => {
        if (o.managed) {
          if (this.instances.size >= 10_000) this.instances.clear();
          this.instances.add(id);
        }
        return o;
      });
      const forget = () => this.pending.delete(id);
      asked.then(forget, forget);
      this.pending.set(id, asked);
    }
    return asked;
  }
}

/** `{cmd, args, env?}` from a request body, or why it is malformed. */
export function parseExecRequest(body: Buffer): ExecRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected {cmd, args}';
  const { cmd, args, env, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return 'expected only {cmd, args, env}';
  if (typeof cmd !== 'string') return 'cmd must be a string';
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) return 'args must be an array of strings';
  if (args.length > MAX_ARGS) return `at most ${MAX_ARGS} arguments`;
  const words = [cmd, ...args];
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env)) return 'env must be an object of strings';
    const entries = Object.entries(env as Record<string, unknown>);
    if (entries.length > MAX_ENV) return `at most ${MAX_ENV} variables in env`;
    for (const [name, v] of entries) {
      if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(name) || typeof v !== 'string') return 'env must map variable names to strings';
      words.push(v);
    }
  }
  if (words.some((a) => a.length > MAX_ARG_LENGTH)) return `an argument is longer than ${MAX_ARG_LENGTH}`;
  if (words.some((a) => a.includes('\0'))) return 'arguments must not contain NUL';
  return env === undefined ? { cmd, args } : { cmd, args, env: env as Record<string, string> };
}
