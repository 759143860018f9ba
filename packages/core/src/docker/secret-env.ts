/**
 * Secrets on docker's command line. Where the docker CLI can take them from its own environment
 * (`cli.passesEnv`), a command names each secret variable alone (`--env NAME`) and its value goes through
 * the CLI's environment: the password is then in no argv (not in a process list, the standalone host's log
 * or what its command policy reads). Elsewhere the values are in the argv, as docker takes them.
 */
import type { RunResult } from '@dockbase/docker-cli';
import { createContainerArgs, createContainerEnv, type CreatePlan } from './create';
import type { EngineCapabilities } from './health';
import type { DockerRunner } from './runner';

/**
 * Runs the docker command `argsFor` builds with its secrets `env`: `argsFor(true)` must name them alone
 * (their values then go through the CLI's environment), `argsFor(false)` carry them. Any exit code is
 * returned, as `DockerRunner.tryRun` returns it.
 */
export function runWithSecretEnv(
  docker: DockerRunner,
  env: Readonly<Record<string, string>>,
  argsFor: (secretEnv: boolean) => readonly string[],
): Promise<RunResult> {
  // With no secret there is nothing to pass: the argv is the same either way, and the CLI gets no environment.
  const secretEnv = docker.cli.passesEnv === true && Object.keys(env).length > 0;
  return docker.tryRun(argsFor(secretEnv), undefined, secretEnv ? { ...env } : undefined);
}

/**
 * One `docker create` (or, with `start`, `docker run --detach`) of an instance's container, its password
 * through the CLI's environment where it can take it. Every container of an instance is made here: a new
 * one, an edit's or an upgrade's replacement.
 */
export function createWithSecrets(docker: DockerRunner, plan: CreatePlan, options: { start: boolean; capabilities: EngineCapabilities }): Promise<RunResult> {
  return runWithSecretEnv(docker, createContainerEnv(plan), (secretEnv) =>
    createContainerArgs(plan, { start: options.start, secretEnv, capabilities: options.capabilities }),
  );
}
