import { describe, expect, it } from 'vitest';
import type { DockerCli, RunResult, StreamHandle, StreamHandlers } from '@dockbase/docker-cli';
import { InstanceService } from './service';
import type { CreateInstanceInput } from './validation';

type Reply = Partial<RunResult> | ((args: readonly string[]) => Partial<RunResult>);

/** A scripted DockerCli: answers by the first matching argv prefix and records every call. */
function scripted(rules: Array<[string, Reply]>): DockerCli & { calls: string[][] } {
  const calls: string[][] = [];
  const answer = (args: readonly string[]): RunResult => {
    const line = args.join(' ');
    const rule = rules.find(([prefix]) => line.startsWith(prefix));
    const reply = rule ? (typeof rule[1] === 'function' ? rule[1](args) : rule[1]) : {};
    return { stdout: '', stderr: '', code: 0, ...reply };
  };
  return {
    calls,
    async run(args) {
      calls.push([...args]);
      return answer(args);
    },
    stream(args, handlers: StreamHandlers): StreamHandle {
      calls.push([...args]);
      const r = answer(args);
      const done = Promise.resolve().then(() => {
        r.stdout.split('\n').filter(Boolean).forEach((l) => handlers.onLine(l, 'stdout'));
        r.stderr.split('\n').filter(Boolean).forEach((l) => handlers.onLine(l, 'stderr'));
        return r.code;
      });
      return { cancel: () => undefined, done };
    },
  };
}

const input: CreateInstanceInput = {
  engine: 'postgres',
  name: 'app',
  tag: '17',
  hostPort: 5432,
  password: 'top secret',
  persistData: true,
  exposeOnNetwork: false,
};

describe('InstanceService.create', () => {
  it('removes the container and the volume it made when docker create fails, and redacts the password', async () => {
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume: dockbase-app-data' }],
      ['create', { code: 125, stderr: 'docker: Error response from daemon: invalid argument "POSTGRES_PASSWORD=top secret".' }],
      ['ps --all --quiet', { stdout: 'c0ffee\n' }],
    ]);
    const error = await new InstanceService(cli).create(input).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'command-failed', message: 'Could not create app: docker: Error response from daemon: invalid argument "POSTGRES_PASSWORD=********".' });
    expect(cli.calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['ps --all', 'image inspect', 'volume inspect', 'create --pull', 'ps --all', 'rm --force', 'volume rm']);
    expect(cli.calls.at(-2)).toEqual(['rm', '--force', '--volumes', 'c0ffee']);
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-data']);
  });

  it('keeps a volume that existed before (kept data) when a later step fails', async () => {
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { stdout: '[{"Name":"dockbase-app-data","Labels":{"io.dockbase.volume":"data","io.dockbase.engine":"postgres","io.dockbase.tag":"17","io.dockbase.mount":"/var/lib/postgresql/data"}}]' }],
      ['run --detach', { code: 125, stdout: 'c0ffee\n', stderr: 'docker: Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:5432 failed: port is already allocated' }],
      ['ps --all --quiet', { stdout: 'c0ffee\n' }],
    ]);
    await expect(new InstanceService(cli).create(input, { start: true })).rejects.toMatchObject({ code: 'port-in-use', field: 'hostPort' });
    const ops = cli.calls.map((c) => c.slice(0, 2).join(' '));
    expect(ops).toContain('rm --force');
    expect(ops).not.toContain('volume rm');
  });

  it('pulls a missing image and reports its layers before creating', async () => {
    const progress: string[] = [];
    const cli = scripted([
      ['image inspect', { code: 1, stderr: 'Error: No such image: postgres:17' }],
      ['pull', { stdout: '17: Pulling from library/postgres\naaaaaaaaaaaa: Pulling fs layer\naaaaaaaaaaaa: Pull complete\nStatus: Downloaded newer image for postgres:17' }],
      ['volume inspect', { code: 1 }],
      ['create', { stdout: 'c0ffee\n' }],
    ]);
    const instance = await new InstanceService(cli).create(input, { onPullProgress: (p) => progress.push(`${p.done}/${p.total}${p.status ? ` ${p.status}` : ''}`) });
    expect(progress).toEqual(['0/1', '1/1', '1/1 downloaded']);
    expect(instance).toMatchObject({ name: 'app', containerId: 'c0ffee', status: 'created', volumes: ['dockbase-app-data'] });
    expect(cli.calls.map((c) => c[0])).toEqual(['ps', 'image', 'volume', 'pull', 'create']);
  });
});

describe('InstanceService', () => {
  it('lists every instance with exactly one docker call', async () => {
    const cli = scripted([['ps', { stdout: `${psLine('i1')}\n${psLine('i2', 'other')}` }]]);
    const list = await new InstanceService(cli).list();
    expect(list.map((i) => i.name)).toEqual(['app', 'other']);
    expect(cli.calls).toHaveLength(1);
  });

  it('reports an engine that is down as engine-unavailable', async () => {
    const cli = scripted([['ps', { code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }]]);
    await expect(new InstanceService(cli).list()).rejects.toMatchObject({ code: 'engine-unavailable' });
  });

  it('removes only a container found again by Dockbase’s label, and its volumes only on request', async () => {
    const cli = scripted([['ps', { stdout: psLine('i1') }]]);
    const service = new InstanceService(cli);
    const [instance] = await service.list();
    await service.remove(instance!);
    expect(cli.calls.slice(1).map((c) => c.join(' '))).toEqual(['ps --all --no-trunc --filter label=io.dockbase.instance=i1 --format {{json .}}', 'rm --force --volumes cid-i1']);
    await service.remove(instance!, { removeData: true });
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-data']);

    const gone = scripted([['ps', { stdout: '' }]]);
    await new InstanceService(gone).remove(instance!);
    expect(gone.calls.map((c) => c[0])).toEqual(['ps']);
  });
});

function psLine(id: string, name = 'app'): string {
  return JSON.stringify({
    ID: `cid-${id}`,
    Names: name,
    Image: 'postgres:17',
    Labels: `io.dockbase.instance=${id},io.dockbase.engine=postgres,io.dockbase.name=${name},io.dockbase.tag=17,io.dockbase.port=5432,io.dockbase.bind=127.0.0.1,io.dockbase.volumes=dockbase-${name}-data`,
    State: 'running',
    Status: 'Up 1 second (health: starting)',
    Ports: '127.0.0.1:5432->5432/tcp',
    CreatedAt: '2026-11-25 18:00:00 +0000 UTC',
  });
}

describe('connection strings', () => {
  it('are read from the container and masked without it', async () => {
    const cli = scripted([
      ['ps', { stdout: psLine('i1') }],
      ['container inspect', { stdout: JSON.stringify([{ Id: 'cid-i1', Config: { Env: ['POSTGRES_PASSWORD=p w/é'], Cmd: [] }, State: {} }]) }],
    ]);
    const service = new InstanceService(cli);
    const [instance] = await service.list();
    expect(await service.connection(instance!)).toEqual({
      uri: 'postgresql://postgres:p%20w%2F%C3%A9@127.0.0.1:5432/postgres',
      maskedUri: 'postgresql://postgres:********@127.0.0.1:5432/postgres',
    });
  });

  it('a missing docker bridge reads as the engine being unavailable', async () => {
    const cli: DockerCli = {
      run: () => Promise.reject(new Error('no bridge')),
      stream: () => ({ cancel: () => undefined, done: Promise.resolve(127) }),
    };
    await expect(new InstanceService(cli).list()).rejects.toMatchObject({ code: 'engine-unavailable' });
  });
});
