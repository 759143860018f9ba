import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import {
  ALL_CONTAINERS_PATH,
  containerSummariesFromApi,
  createDockbase,
  imagePath,
  listAllContainersArgs,
  parseContainerSummaries,
  parseVolumeInspect,
  volumeInfoOf,
  volumeInspectArgs,
  volumePath,
} from '@dockbase/core';
import { ensureTestImage } from '../support/data-safety';
import { freePort, realDocker } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// Beside the engine (the host, the backend, the CLI), the checks before a create read the engine's API instead
// of spawning the docker CLI (issue 28: create → ready). On the real engine: the API's answers read as the CLI's
// do, and a create asks no CLI before its run, yet refuses a taken name or port as before.
const { docker, cleanup } = realDocker();
const prefix = `dbt-reads-${process.pid}`;
const image = `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`;
let port = 0;

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(image);
  port = await freePort();
  // A running container publishing a port, a stopped one claiming one by Dockbase's labels, and a volume.
  await docker('run', '--detach', '--name', `${prefix}-running`, '--publish', `127.0.0.1:${port}:6379`, image);
  await docker('create', '--name', `${prefix}-stopped`, '--label', 'io.dockbase.instance=dbt-reads', '--label', `io.dockbase.port=${port + 1}`, image);
  await docker('volume', 'create', '--label', 'io.dockbase.volume=data', '--label', 'io.dockbase.engine=redis', `${prefix}-data`);
}, 120_000);
afterAll(() => cleanup(prefix));

describe('reads from the engine’s API, on the real engine', () => {
  it('lists the same names, published ports, claimed ports and states as `docker ps`', async () => {
    const cli = new NodeDockerCli();
    const [api, ps] = await Promise.all([cli.engine.get(ALL_CONTAINERS_PATH), cli.run(listAllContainersArgs())]);
    expect(api.status).toBe(200);
    const ours = (list: ReturnType<typeof parseContainerSummaries>) =>
      list.filter((c) => c.names.some((n) => n.startsWith(prefix))).sort((a, b) => (a.names[0] ?? '').localeCompare(b.names[0] ?? ''));
    const fromApi = ours(containerSummariesFromApi(api.body) ?? []);
    expect(fromApi).toEqual(ours(parseContainerSummaries(ps.stdout)));
    expect(fromApi).toEqual([
      { names: [`${prefix}-running`], publishedPorts: [port], running: true },
      { names: [`${prefix}-stopped`], publishedPorts: [], claimedPort: port + 1, running: false },
    ]);
  });

  it('tells an image and a volume that are there from ones that are not, as `inspect` does', async () => {
    const cli = new NodeDockerCli();
    expect((await cli.engine.get(imagePath(image) ?? '')).status).toBe(200);
    expect((await cli.engine.get(imagePath(`${REDIS_TEST_IMAGE}:no-such-tag`) ?? '')).status).toBe(404);
    const volume = await cli.engine.get(volumePath(`${prefix}-data`) ?? '');
    expect(volume.status).toBe(200);
    expect([volumeInfoOf(volume.body as Record<string, unknown>)]).toEqual(parseVolumeInspect((await cli.run(volumeInspectArgs([`${prefix}-data`]))).stdout));
    expect((await cli.engine.get(volumePath(`${prefix}-none`) ?? '')).status).toBe(404);
  });

  it('a create spawns no docker CLI before its run, and still refuses a taken name and a taken port', async () => {
    const spawned: string[] = [];
    const cli = new NodeDockerCli({ onSpawn: (args) => spawned.push(args.slice(0, 2).join(' ')) });
    const core = createDockbase(cli);
    const base = { engine: 'redis' as const, image: REDIS_TEST_IMAGE, tag: REDIS_TEST_TAG, password: 'reads pw', persistData: false, exposeOnNetwork: false };
    await expect(core.creation.create({ ...base, name: `${prefix}-running`, hostPort: await freePort() }, { start: true })).rejects.toMatchObject({
      code: 'name-in-use',
    });
    await expect(core.creation.create({ ...base, name: `${prefix}-new`, hostPort: port }, { start: true })).rejects.toMatchObject({ code: 'port-in-use' });
    expect(spawned.filter((c) => c !== 'version --format')).toEqual([]);
    const made = await core.creation.create({ ...base, name: `${prefix}-new`, hostPort: await freePort() }, { start: true });
    expect(spawned.filter((c) => c !== 'version --format')).toEqual(['run --detach']);
    await core.readiness.waitUntilReady(made, { timeoutMs: 60_000 });
  });
});
