import { describe, expect, it } from 'vitest';
import type { EngineReadResult } from '@dockbase/docker-cli';
import { createDockbase } from '../dockbase';
import { DockerRunner } from './runner';
import { containerOwnership } from '../policy/ownership';
import { scripted } from '../test-support/scripted-cli';
import type { CreateInstanceInput } from '../model/validation';

const input: CreateInstanceInput = {
  engine: 'postgres',
  name: 'app',
  tag: '17',
  hostPort: 5432,
  password: 'top secret',
  persistData: true,
  exposeOnNetwork: false,
};

/** A container as the engine's API lists it (GET /containers/json?all=1). */
function apiContainer(name: string, options: { state?: string; publicPort?: number; labels?: Record<string, string> } = {}) {
  return {
    Names: [`/${name}`],
    State: options.state ?? 'running',
    Status: options.state === 'exited' ? 'Exited (0) 2 hours ago' : 'Up 3 minutes',
    Ports: [
      { PrivatePort: 5432, Type: 'tcp' },
      ...(options.publicPort ? [{ IP: '127.0.0.1', PrivatePort: 5432, PublicPort: options.publicPort, Type: 'tcp' }] : []),
    ],
    Labels: options.labels ?? {},
  };
}

/** A scripted CLI with the engine's API for reads: `answers` by path, anything else a 404. */
function withEngine(answers: Record<string, EngineReadResult | 'unreachable'>, rules: Parameters<typeof scripted>[0] = []) {
  const cli = scripted(rules);
  const reads: string[] = [];
  const engine = {
    async get(path: string) {
      reads.push(path);
      const a = answers[path];
      if (a === 'unreachable') throw new Error('connect ENOENT /var/run/docker.sock');
      return a ?? { status: 404, body: { message: 'not found' } };
    },
  };
  return { cli: Object.assign(cli, { engine }), reads };
}

describe('the checks before a create, asked of the engine’s API beside the engine', () => {
  it('creates with no docker CLI call before the run: names, ports, the image and the volumes come from the API', async () => {
    const { cli, reads } = withEngine(
      {
        '/containers/json?all=1': { status: 200, body: [apiContainer('other', { publicPort: 6379 })] },
        '/images/postgres:17/json': { status: 200, body: { Id: 'sha256:x' } },
      },
      [['run --detach', { stdout: 'c0ffee\n' }]],
    );
    await createDockbase(cli).creation.create(input, { start: true });
    expect(reads).toEqual(['/containers/json?all=1', '/images/postgres:17/json', '/volumes/dockbase-app-data', '/volumes/dockbase-app-data-17']);
    // Only the engine's capabilities (read once per core) and the run itself went through the CLI.
    expect(cli.calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['version --format', 'run --detach']);
  });

  it('refuses a name or a port the API lists and makes nothing', async () => {
    const { cli } = withEngine({
      '/containers/json?all=1': { status: 200, body: [apiContainer('web', { publicPort: 5432 }), apiContainer('old', { state: 'exited' })] },
      '/images/postgres:17/json': { status: 200, body: {} },
    });
    const byPort = await createDockbase(cli)
      .creation.create(input, { start: true })
      .catch((e: Error) => e);
    expect(byPort).toMatchObject({ code: 'port-in-use', field: 'hostPort' });
    const byName = await createDockbase(cli)
      .creation.create({ ...input, name: 'old', hostPort: 5433 }, { start: true })
      .catch((e: Error) => e);
    expect(byName).toMatchObject({ code: 'name-in-use' });
    expect(cli.calls.filter((c) => c[0] === 'run' || c[0] === 'create' || c[0] === 'pull')).toEqual([]);
  });

  it('reads kept data from the API: the instance takes the data’s user and database', async () => {
    const kept = {
      Name: 'dockbase-app-data',
      CreatedAt: '2026-11-01T10:00:00Z',
      Labels: {
        'io.dockbase.volume': 'data',
        'io.dockbase.engine': 'postgres',
        'io.dockbase.tag': '17',
        'io.dockbase.mount': '/var/lib/postgresql/data',
        'io.dockbase.instance': 'i-old',
        'io.dockbase.user': 'shop',
        'io.dockbase.database': 'orders',
      },
    };
    const { cli } = withEngine(
      {
        '/containers/json?all=1': { status: 200, body: [] },
        '/images/postgres:17/json': { status: 200, body: {} },
        '/volumes/dockbase-app-data': { status: 200, body: kept },
      },
      [['run --detach', { stdout: 'c0ffee\n' }]],
    );
    const made = await createDockbase(cli).creation.create(input, { start: true });
    expect(made).toMatchObject({ user: 'shop', database: 'orders' });
    const run = cli.calls.find((c) => c[0] === 'run') ?? [];
    expect(run.join(' ')).toContain('--label io.dockbase.data=i-old');
  });

  it('asks the CLI when the API cannot be reached or answers oddly, and still refuses what the CLI lists', async () => {
    const { cli } = withEngine({ '/containers/json?all=1': 'unreachable', '/images/postgres:17/json': { status: 500, body: { message: 'busy' } } }, [
      ['ps --all', { stdout: '{"Names":"web","State":"running","Status":"Up 1 minute","Ports":"127.0.0.1:5432->5432/tcp","Instance":"","Port":""}\n' }],
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
    ]);
    const error = await createDockbase(cli)
      .creation.create(input, { start: true })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'port-in-use', field: 'hostPort' });
    expect(cli.calls.map((c) => c.slice(0, 2).join(' '))).toEqual(expect.arrayContaining(['ps --all', 'image inspect']));
  });
});

describe('inspecting a container and its image through the engine’s API', () => {
  const labels = { 'io.dockbase.instance': 'i-1', 'io.dockbase.engine': 'redis' };
  const container = {
    Id: 'c0ffee',
    Name: '/cache',
    Image: 'sha256:abc',
    Config: { Labels: labels, Env: [], Cmd: [] },
    State: { Status: 'running' },
    HostConfig: {},
    Mounts: [],
  };

  it('tells a Dockbase instance by its labels, with no docker CLI spawned', async () => {
    const { cli, reads } = withEngine({
      '/containers/c0ffee/json': { status: 200, body: container },
      '/images/sha256:abc/json': { status: 200, body: { Config: { Labels: null } } },
    });
    expect(await containerOwnership(new DockerRunner(cli), 'c0ffee')).toMatchObject({ managed: true, labels });
    expect(reads).toEqual(['/containers/c0ffee/json', '/images/sha256:abc/json']);
    expect(cli.calls).toEqual([]);
  });

  it('says a container the API does not know is gone, and one whose labels its image gave it is not Dockbase’s', async () => {
    const gone = withEngine({});
    expect(await containerOwnership(new DockerRunner(gone.cli), 'c0ffee')).toMatchObject({ managed: false, gone: true });
    const copied = withEngine({
      '/containers/c0ffee/json': { status: 200, body: container },
      '/images/sha256:abc/json': { status: 200, body: { Config: { Labels: labels } } },
    });
    expect(await containerOwnership(new DockerRunner(copied.cli), 'c0ffee')).toMatchObject({
      managed: false,
      reason: expect.stringContaining('from its image'),
    });
  });
});
