import { describe, expect, it } from 'vitest';
import type { DockerCli } from '@dockbase/docker-cli';
import { createDockbase } from './dockbase';
import { scripted } from './test-support/scripted-cli';

describe('the lifecycle of instances', () => {
  it('lists every instance with exactly one docker call', async () => {
    const cli = scripted([['ps', { stdout: `${psLine('i1')}\n${psLine('i2', 'other')}` }]]);
    const list = await createDockbase(cli).lifecycle.list();
    expect(list.map((i) => i.name)).toEqual(['app', 'other']);
    expect(cli.calls).toHaveLength(1);
  });

  it('reports an engine that is down as engine-unavailable', async () => {
    const cli = scripted([['ps', { code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }]]);
    await expect(createDockbase(cli).lifecycle.list()).rejects.toMatchObject({ code: 'engine-unavailable' });
  });

  it('removes only a container found again by Dockbase’s label, and its volumes only on request', async () => {
    const cli = scripted([['ps', { stdout: psLine('i1') }]]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.remove(instance!);
    expect(cli.calls.slice(1).map((c) => c.join(' '))).toEqual(['ps --all --no-trunc --filter label=io.dockbase.instance=i1 --format {{json .}}', 'rm --force --volumes cid-i1']);
    await service.remove(instance!, { removeData: true });
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-data']);

    const gone = scripted([['ps', { stdout: '' }]]);
    await createDockbase(gone).lifecycle.remove(instance!);
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
    const service = createDockbase(cli).lifecycle;
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
    await expect(createDockbase(cli).lifecycle.list()).rejects.toMatchObject({ code: 'engine-unavailable' });
  });
});
