import net from 'node:net';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import type { DockerCli } from '@dockbase/docker-cli';
import { EARLIER_STEADY_INTERVAL_SECONDS, LABEL, STEADY_HEALTH, createDockbase } from '@dockbase/core';

// The core code the engine, image and browser suites use, in one place.
export { displayStatus, getEngine } from '@dockbase/core';
export type { CreateInstanceInput, EngineId, Instance } from '@dockbase/core';

/** Dockbase over the real engine, plus raw docker access for assertions. */
export function realDocker() {
  const cli = new NodeDockerCli();
  const dockbase = createDockbase(cli);
  const docker = async (...args: string[]): Promise<string> => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** Names of every container and volume whose name starts with the prefix (what a test may leave). */
  const leftovers = async (prefix: string) => {
    const containers = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n.startsWith(prefix));
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n').filter((n) => n.includes(prefix));
    return { containers, volumes };
  };
  /** Removes everything a test made whose name contains the prefix. */
  const cleanup = async (prefix: string) => {
    const { containers, volumes } = await leftovers(prefix);
    if (containers.length) await cli.run(['rm', '--force', '--volumes', ...containers]);
    if (volumes.length) await cli.run(['volume', 'rm', '--force', ...volumes]);
  };
  const dockbaseContainerCount = async () => (await docker('ps', '--all', '--quiet', '--filter', `label=${LABEL.instance}`)).split('\n').filter(Boolean).length;
  return { cli, dockbase, docker, leftovers, cleanup, dockbaseContainerCount };
}

/**
 * Dockbase as earlier builds created instances: the same argv, but docker's healthcheck every 30 s instead
 * of every 20 minutes. Their instances must keep working; and a test that needs docker's own verdict on an
 * engine without a start interval gets it in 30 s instead of 20 minutes.
 */
export function earlierBuild(cli: DockerCli) {
  const steady = `${STEADY_HEALTH.intervalSeconds}s`;
  const rewrite = (args: readonly string[]) =>
    args[0] === 'create' || args[0] === 'run'
      ? args.map((a, i) => (a === steady && args[i - 1] === '--health-interval' ? `${EARLIER_STEADY_INTERVAL_SECONDS}s` : a))
      : args;
  const earlier: DockerCli = {
    ...(cli.passesEnv ? { passesEnv: true } : {}),
    run: (args, options) => cli.run(rewrite(args), options),
    stream: (args, handlers) => cli.stream(rewrite(args), handlers),
  };
  return createDockbase(earlier);
}

/** A port in a range the tests own, distinct per test file. */
export function testPort(offset: number): number {
  // Below Linux's ephemeral range (32768–60999): a port there can be held at any moment by some process's
  // outgoing connection, and docker-proxy then cannot publish it ("port is already in use").
  return 21000 + (process.pid % 500) * 10 + offset;
}

/**
 * A loopback port nothing listens on right now (the kernel picks it), for tests on an engine other people
 * share: fixed ranges collide with other test runs and with whatever else this machine runs.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
