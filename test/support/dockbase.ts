import { NodeDockerCli } from '../../host/src/node-docker-cli';
import { InstanceService } from '../../ui/src/core/service';
import { LABEL } from '../../ui/src/core/instance';

// The core code the engine, image and browser suites use, in one place (the core may move).
export { getEngine } from '../../ui/src/core/engines';
export type { EngineId } from '../../ui/src/core/engines';
export { displayStatus } from '../../ui/src/core/instance';
export type { Instance } from '../../ui/src/core/instance';
export type { CreateInstanceInput } from '../../ui/src/core/validation';

/** A service over the real engine, plus raw docker access for assertions. */
export function realDocker() {
  const cli = new NodeDockerCli();
  const service = new InstanceService(cli);
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
  const dockbaseContainerCount = async () =>
    (await docker('ps', '--all', '--quiet', '--filter', `label=${LABEL.instance}`)).split('\n').filter(Boolean).length;
  return { cli, service, docker, leftovers, cleanup, dockbaseContainerCount };
}

/** A port in a range the tests own, distinct per test file. */
export function testPort(offset: number): number {
  return 41000 + (process.pid % 500) * 10 + offset;
}
