import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerCli, RunOptions, RunResult } from '@dockbase/docker-cli';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { checkCommand, createDockbase, getEngine, type CreateInstanceInput } from '@dockbase/core';
import { HOSTILE_PASSWORD, ensureTestImage } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { standinImage } from '../support/images';

// MySQL and MongoDB have no real server here: their stand-ins (which only check the admin secret and listen)
// prove the upgrade's docker side for real — pull, stop, the snapshot of every data folder, the container
// replaced on the same volumes with the same id, name, port and password — and the exact argv of the
// engine's own steps. Those (the version check; MongoDB's feature compatibility version on the old server and
// then on the new one) need the real server's client: the stand-in's answers are given here, per version.
const prefix = `dbt-stup-${process.pid}`;
const password = HOSTILE_PASSWORD;

/** The engine's own tools, as the stand-in of each version would answer them. */
interface EngineStep {
  script: string;
  container: string;
  tag: string;
}

function standinCli() {
  const real = new NodeDockerCli();
  const argvs: Array<{ args: string[]; env: Record<string, string> }> = [];
  const steps: EngineStep[] = [];
  const scripts = new Set(
    ['mysql', 'mongo'].flatMap((e) => [getEngine(e as 'mysql').upgrade.versionScript, getEngine(e as 'mongo').upgrade.alignScript ?? '']).filter(Boolean),
  );
  const cli: DockerCli = {
    passesEnv: true,
    async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
      argvs.push({ args: [...args], env: { ...(options.env ?? {}) } });
      // The stand-ins ignore SIGTERM: a graceful stop would wait out its whole timeout. Killed instead.
      if (args[0] === 'stop') return real.run(['kill', args[3]!], options);
      if (args[0] === 'exec' && scripts.has(args[4] ?? '')) {
        const image = (await real.run(['inspect', '--format', '{{.Config.Image}}', args[1]!])).stdout.trim();
        const tag = image.slice(image.lastIndexOf(':') + 1);
        steps.push({ script: args[4]!, container: args[1]!, tag });
        const version = `${tag}.1`;
        return { code: 0, stderr: '', stdout: args[4] === getEngine('mongo').upgrade.alignScript ? `${version} fcv ${tag}\n` : `${version}\n` };
      }
      return real.run(args, options);
    },
    stream: (args, handlers) => {
      argvs.push({ args: [...args], env: {} });
      return real.stream(args, handlers);
    },
  };
  return { cli, argvs, steps, dockbase: createDockbase(cli), real };
}

const cleanup = async (real: NodeDockerCli) => {
  const names = (await real.run(['ps', '--all', '--format', '{{.Names}}'])).stdout.split('\n').filter((n) => n.startsWith(prefix));
  if (names.length) await real.run(['rm', '--force', '--volumes', ...names]);
  const volumes = (await real.run(['volume', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((n) => n.startsWith(`dockbase-${prefix}`));
  if (volumes.length) await real.run(['volume', 'rm', '--force', ...volumes]);
};

// The stand-ins exist in one version each (MySQL 8.4, MongoDB 8.0): the same image, tagged here (locally,
// never pushed) as the old and the new version of a test repository; a version it lacks is then asked of the
// local registry, which has none.
const MYSQL = `127.0.0.1:5000/${prefix}/standin-mysql`;
const MONGO = `127.0.0.1:5000/${prefix}/standin-mongo`;

beforeAll(async () => {
  const real = new NodeDockerCli();
  await cleanup(real);
  for (const ref of [`${standinImage('mysql')}:8.4`, `${standinImage('mongo')}:8.0`]) await ensureTestImage(ref);
  for (const tag of ['8.4', '9.4']) await real.run(['tag', `${standinImage('mysql')}:8.4`, `${MYSQL}:${tag}`]);
  for (const tag of ['8.0', '8.2']) await real.run(['tag', `${standinImage('mongo')}:8.0`, `${MONGO}:${tag}`]);
});
afterAll(async () => {
  const real = new NodeDockerCli();
  await cleanup(real);
  await real.run(['rmi', `${MYSQL}:8.4`, `${MYSQL}:9.4`, `${MONGO}:8.0`, `${MONGO}:8.2`]);
});

describe('MySQL 8.4 → 9.4 (stand-in)', () => {
  it('snapshots, replaces the container on the same volume, checks the version with MySQL’s own client, and every call passes the host’s policy', async () => {
    const { dockbase, argvs, steps } = standinCli();
    const input: CreateInstanceInput = {
      engine: 'mysql',
      name: `${prefix}-my`,
      tag: '8.4',
      image: MYSQL,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
    };
    const instance = await dockbase.readiness.waitUntilReady(await dockbase.creation.create(input, { start: true }));
    await expect(dockbase.upgrades.upgrade(instance, '9.9-innovation')).rejects.toMatchObject({ code: 'image-not-found' });
    expect((await dockbase.lifecycle.get(instance.id)).containerId).toBe(instance.containerId);
    argvs.length = 0;

    const result = await dockbase.upgrades.upgrade(instance, '9.4');
    expect(result).toMatchObject({ from: '8.4', to: '9.4', method: 'in-place', serverVersion: '9.4.1', rollbackPoint: { tag: '8.4', upgradeTo: '9.4' } });
    const upgraded = await dockbase.lifecycle.get(instance.id);
    expect(upgraded).toMatchObject({ id: instance.id, name: input.name, tag: '9.4', hostPort: input.hostPort, volumes: [`dockbase-${input.name}-data`] });
    // The version check ran on the new container, with MySQL's own client and the password from its environment.
    expect(steps).toEqual([
      { script: `MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot -N -B -e 'SELECT VERSION()'`, container: upgraded.containerId, tag: '9.4' },
    ]);
    const run = argvs.find((a) => a.args[0] === 'run' && a.args[1] === '--detach')!;
    expect(run.args).toContain('--env');
    expect(run.args[run.args.indexOf('--env') + 1]).toBe('MYSQL_ROOT_PASSWORD');
    expect(run.env).toEqual({ MYSQL_ROOT_PASSWORD: password });
    expect(run.args.at(-1)).toBe(`${MYSQL}:9.4`);
    expect(argvs.filter((a) => a.args.some((x) => x.includes(password)))).toEqual([]);
    expect(argvs.map((a) => checkCommand(a.args, a.env)).filter((v) => !v.allowed)).toEqual([]);

    // Refusals name the way: no downgrade, no skipped LTS.
    await expect(dockbase.upgrades.upgrade(upgraded, '8.4')).rejects.toThrow(/Downgrades are refused/);
    await expect(dockbase.upgrades.upgrade({ ...upgraded, tag: '8.0' }, '9.4')).rejects.toThrow(
      'MySQL cannot skip a long-term series: the way is 8.0 → 8.4 → 9.4. Upgrade to 8.4 first, then to 9.4.',
    );

    // Roll back: 8.4 again, on its snapshot's copy of the data.
    await dockbase.upgrades.rollback(upgraded, result.rollbackPoint);
    expect(await dockbase.lifecycle.get(instance.id)).toMatchObject({ tag: '8.4', status: 'running' });
  });
});

describe('MongoDB 8.0 → 8.2 (stand-in)', () => {
  it('sets the feature compatibility version on 8.0 before the switch and on 8.2 after it, snapshots both data folders', async () => {
    const { dockbase, argvs, steps } = standinCli();
    const align = getEngine('mongo').upgrade.alignScript!;
    const input: CreateInstanceInput = {
      engine: 'mongo',
      name: `${prefix}-mg`,
      tag: '8.0',
      image: MONGO,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
    };
    const instance = await dockbase.readiness.waitUntilReady(await dockbase.creation.create(input, { start: true }));
    argvs.length = 0;
    const result = await dockbase.upgrades.upgrade(instance, '8.2');
    const upgraded = await dockbase.lifecycle.get(instance.id);
    expect(result).toMatchObject({ serverVersion: '8.2.1', rollbackPoint: { tag: '8.0', upgradeTo: '8.2' } });
    expect(steps.map((s) => [s.script === align ? 'align' : 'version', s.tag, s.container])).toEqual([
      ['align', '8.0', instance.containerId],
      ['align', '8.2', upgraded.containerId],
      ['version', '8.2', upgraded.containerId],
    ]);
    // The FCV script authenticates inside mongosh from the container's environment and confirms the change.
    expect(align).toContain('admin.auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD)');
    expect(align).toMatch(/setFeatureCompatibilityVersion: series[\s\S]*command\.confirm = true/);
    const snapshot = argvs.find((a) => a.args.includes('io.dockbase.helper=snapshot'))!.args;
    expect(snapshot).toContain(`type=volume,source=dockbase-${input.name}-db,target=/from/db,readonly`);
    expect(snapshot).toContain(`type=volume,source=dockbase-${input.name}-configdb,target=/from/configdb,readonly`);
    expect(upgraded.volumes).toEqual([`dockbase-${input.name}-db`, `dockbase-${input.name}-configdb`]);
    expect(argvs.filter((a) => a.args.some((x) => x.includes(password)))).toEqual([]);
    expect(argvs.map((a) => checkCommand(a.args, a.env)).filter((v) => !v.allowed)).toEqual([]);

    // Skipping a series is refused with the path.
    await expect(dockbase.upgrades.upgrade({ ...upgraded, tag: '6.0' }, '8.0')).rejects.toThrow('6.0 → 7.0 → 8.0');
  });
});
