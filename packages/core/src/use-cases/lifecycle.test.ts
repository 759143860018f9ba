import { describe, expect, it } from 'vitest';
import type { DockerCli } from '@dockbase/docker-cli';
import { createDockbase } from '../dockbase';
import { notDockbasesText } from '../policy/ownership';
import { scripted } from '../test-support/scripted-cli';

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
    const cli = scripted([['ps', { stdout: psLine('i1') }], ...ownContainer('i1'), ['volume inspect', { stdout: volumeJson('app', 'i1') }]]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.remove(instance!);
    expect(cli.calls.slice(1).map((c) => c.join(' '))).toEqual([
      'ps --all --no-trunc --filter label=io.dockbase.instance=i1 --format {{json .}}',
      'container inspect cid-i1',
      `image inspect --format {{json .Config.Labels}} ${IMAGE_ID}`,
      // Kept data: a marker an earlier life of the name left goes (this one has no settings to record).
      'volume rm dockbase-app-settings',
      'rm --force --volumes cid-i1',
    ]);
    await service.remove(instance!, { removeData: true });
    expect(cli.calls.slice(-3)).toEqual([
      ['volume', 'inspect', 'dockbase-app-data'],
      ['rm', '--force', '--volumes', 'cid-i1'],
      ['volume', 'rm', 'dockbase-app-data'],
    ]);

    const gone = scripted([['ps', { stdout: '' }]]);
    await createDockbase(gone).lifecycle.remove(instance!);
    expect(gone.calls.map((c) => c[0])).toEqual(['ps']);
  });

  it('records the settings the server runs with beside the data it keeps, before the container goes; if it cannot, nothing is deleted', async () => {
    const settings = JSON.stringify({ max_connections: '300' });
    const labels = `io.dockbase.instance=i2,io.dockbase.engine=postgres,io.dockbase.name=app,io.dockbase.tag=17,io.dockbase.port=5432,io.dockbase.volumes=dockbase-app-data,io.dockbase.data=i1,io.dockbase.settings=${settings}`;
    const cli = scripted([
      ['ps', { stdout: psLine('i2', 'app', labels) }],
      ...ownContainer('i2', null, { 'io.dockbase.data': 'i1', 'io.dockbase.tag': '17', 'io.dockbase.settings': settings }),
      ['volume rm', { code: 1, stderr: 'Error: No such volume: dockbase-app-settings' }],
    ]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.remove(instance!);
    expect(cli.calls.slice(-3)).toEqual([
      ['volume', 'rm', 'dockbase-app-settings'],
      [
        'volume',
        'create',
        ...['--label', 'io.dockbase.volume=settings', '--label', 'io.dockbase.engine=postgres', '--label', 'io.dockbase.tag=17'],
        ...['--label', 'io.dockbase.name=app', '--label', 'io.dockbase.schema=1', '--label', 'io.dockbase.instance=i1'],
        ...['--label', `io.dockbase.settings=${settings}`, 'dockbase-app-settings'],
      ],
      ['rm', '--force', '--volumes', 'cid-i2'],
    ]);

    const failing = scripted([
      ['ps', { stdout: psLine('i2', 'app', labels) }],
      ...ownContainer('i2', null, { 'io.dockbase.settings': settings }),
      ['volume create', { code: 1, stderr: 'Error response from daemon: no space left on device' }],
    ]);
    await expect(createDockbase(failing).lifecycle.remove(instance!)).rejects.toMatchObject({ message: expect.stringMatching(/nothing was deleted/) });
    expect(failing.calls.some((c) => c[0] === 'rm')).toBe(false);
  });

  it('inspects a container once to know it is Dockbase’s (its labels never change): stop, start and restart then cost one docker call each', async () => {
    const cli = scripted([
      ['ps', { stdout: psLine('i1') }],
      ...ownContainer('i1'),
      ['stop', { stdout: '' }],
      ['start', { stdout: '' }],
      ['restart', { stdout: '' }],
    ]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.stop(instance!);
    await service.start(instance!);
    await service.restart(instance!);
    expect(cli.calls.slice(1).map((c) => c[0])).toEqual(['container', 'image', 'stop', 'start', 'restart']);

    // Removed behind Dockbase's back meanwhile: said as before, not docker's words.
    const gone = scripted([
      ['ps', { stdout: psLine('i1') }],
      ...ownContainer('i1'),
      ['stop', { stdout: '' }],
      ['restart', { code: 1, stderr: 'Error response from daemon: No such container: cid-i1' }],
    ]);
    const again = createDockbase(gone).lifecycle;
    const [same] = await again.list();
    await again.stop(same!);
    await expect(again.restart(same!)).rejects.toMatchObject({ code: 'not-found', message: 'This instance no longer exists.' });
  });

  it('refuses to touch a container whose Dockbase labels come from its image, and names why', async () => {
    // An image built with LABEL io.dockbase.instance=x io.dockbase.engine=postgres io.dockbase.volumes=victim, run by hand.
    const labels = { 'io.dockbase.instance': 'x', 'io.dockbase.engine': 'postgres', 'io.dockbase.volumes': 'victim' };
    const cli = scripted([
      ['ps', { stdout: psLine('x', 'app', 'io.dockbase.instance=x,io.dockbase.engine=postgres,io.dockbase.volumes=victim') }],
      ['container inspect', { stdout: JSON.stringify([{ Id: 'cid-x', Image: IMAGE_ID, Config: { Labels: labels, Env: [], Cmd: [] } }]) }],
      ['image inspect', { stdout: `${JSON.stringify(labels)}\n` }],
    ]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    expect(instance?.volumes).toEqual(['victim']); // what docker ps shows: the image's labels
    for (const act of [
      () => service.remove(instance!, { removeData: true }),
      () => service.stop(instance!),
      () => service.start(instance!),
      () => service.restart(instance!),
    ]) {
      await expect(act()).rejects.toMatchObject({
        code: 'not-managed',
        message: expect.stringMatching(/^app is not managed by Dockbase: its Dockbase labels come from its image/),
      });
    }
    expect(cli.calls.map((c) => c[0])).not.toContain('rm');
    expect(cli.calls.map((c) => c.slice(0, 2).join(' '))).not.toContain('volume rm');
    expect(cli.calls.map((c) => c[0]).filter((c) => ['stop', 'start', 'restart'].includes(c!))).toEqual([]);
  });

  it('gives the same explanation when a bridge that checks ownership itself refused the inspect', async () => {
    const refusal = `the Dockbase host refused the command (HTTP 403: not allowed to inspect an instance: ${notDockbasesText('container cid-x', 'its Dockbase labels come from its image, so it was not created by Dockbase')})`;
    const cli = scripted([
      ['ps', { stdout: psLine('x') }],
      ['container inspect', { code: 127, stderr: `${refusal}\n` }],
    ]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await expect(service.remove(instance!)).rejects.toMatchObject({
      code: 'not-managed',
      message: expect.stringMatching(/^app is not managed by Dockbase: its Dockbase labels come from its image, so it was not created by Dockbase\. /),
    });
  });

  it('pauses with docker pause, only once the container is known to be Dockbase’s', async () => {
    const cli = scripted([['ps', { stdout: psLine('i1') }], ...ownContainer('i1')]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.pause(instance!);
    expect(cli.calls.slice(1).map((c) => c.join(' '))).toEqual([
      'container inspect cid-i1',
      `image inspect --format {{json .Config.Labels}} ${IMAGE_ID}`,
      'pause cid-i1',
    ]);

    const labels = { 'io.dockbase.instance': 'x', 'io.dockbase.engine': 'postgres', 'io.dockbase.volumes': 'victim' };
    const foreign = scripted([
      ['ps', { stdout: psLine('x', 'app', 'io.dockbase.instance=x,io.dockbase.engine=postgres,io.dockbase.volumes=victim') }],
      ['container inspect', { stdout: JSON.stringify([{ Id: 'cid-x', Image: IMAGE_ID, Config: { Labels: labels, Env: [], Cmd: [] } }]) }],
      ['image inspect', { stdout: `${JSON.stringify(labels)}\n` }],
    ]);
    const [made] = await createDockbase(foreign).lifecycle.list();
    await expect(createDockbase(foreign).lifecycle.pause(made!)).rejects.toMatchObject({ code: 'not-managed' });
    expect(foreign.calls.map((c) => c[0])).not.toContain('pause');
  });

  it('counts a container made from such an image by Dockbase itself: its own labels override the image’s', async () => {
    const imageLabels = { 'io.dockbase.instance': 'x', 'io.dockbase.engine': 'postgres', 'io.dockbase.volumes': 'victim' };
    const cli = scripted([['ps', { stdout: psLine('i1') }], ...ownContainer('i1', imageLabels), ['volume inspect', { stdout: volumeJson('app', 'i1') }]]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.remove(instance!, { removeData: true });
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-data']);
  });

  it('deletes nothing when a volume the instance names does not say it holds that instance’s data', async () => {
    for (const [volume, why] of [
      [JSON.stringify([{ Name: 'dockbase-app-data', Labels: null }]), /does not carry Dockbase's volume labels/],
      [volumeJson('app', 'ffffffffffff'), /holds the data of another instance/],
      [volumeJson('app', 'i1').replace('"io.dockbase.engine":"postgres"', '"io.dockbase.engine":"mysql"'), /is not labelled as app's postgres data/],
      [volumeJson('other', 'i1').replace('dockbase-other-data', 'dockbase-app-data'), /is not labelled as app's postgres data/],
    ] as const) {
      const cli = scripted([['ps', { stdout: psLine('i1') }], ...ownContainer('i1'), ['volume inspect', { stdout: volume }]]);
      const service = createDockbase(cli).lifecycle;
      const [instance] = await service.list();
      await expect(service.remove(instance!, { removeData: true })).rejects.toMatchObject({ code: 'volume-conflict', message: expect.stringMatching(why) });
      expect(cli.calls.map((c) => c[0])).not.toContain('rm');
      expect(cli.calls.map((c) => c.slice(0, 2).join(' '))).not.toContain('volume rm');
    }
  });

  it('deletes the data of instances made before volumes carried an id, matched by name, engine and mount', async () => {
    const legacy = JSON.stringify([
      {
        Name: 'dockbase-app-data',
        Labels: { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'postgres', 'io.dockbase.name': 'app', 'io.dockbase.tag': '17' },
      },
    ]);
    const cli = scripted([['ps', { stdout: psLine('i1') }], ...ownContainer('i1'), ['volume inspect', { stdout: legacy }]]);
    const service = createDockbase(cli).lifecycle;
    const [instance] = await service.list();
    await service.remove(instance!, { removeData: true });
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-data']);
  });
});

const IMAGE_ID = `sha256:${'9'.repeat(64)}`;

/** Scripted answers for an instance's container that carries its Dockbase labels itself. */
function ownContainer(id: string, imageLabels: Record<string, string> | null = null, extra: Record<string, string> = {}): Array<[string, { stdout: string }]> {
  const labels = {
    'io.dockbase.instance': id,
    'io.dockbase.engine': 'postgres',
    'io.dockbase.name': 'app',
    'io.dockbase.volumes': 'dockbase-app-data',
    'io.dockbase.data': id,
    ...extra,
  };
  return [
    [
      'container inspect',
      { stdout: JSON.stringify([{ Id: `cid-${id}`, Image: IMAGE_ID, Config: { Labels: { ...imageLabels, ...labels }, Env: [], Cmd: [] } }]) },
    ],
    ['image inspect', { stdout: `${JSON.stringify(imageLabels)}\n` }],
  ];
}

function volumeJson(name: string, owner: string): string {
  return JSON.stringify([
    {
      Name: `dockbase-${name}-data`,
      Labels: {
        'io.dockbase.volume': 'data',
        'io.dockbase.engine': 'postgres',
        'io.dockbase.name': name,
        'io.dockbase.tag': '17',
        'io.dockbase.instance': owner,
      },
    },
  ]);
}

function psLine(id: string, name = 'app', labels?: string): string {
  return JSON.stringify({
    ID: `cid-${id}`,
    Names: name,
    Image: 'postgres:17',
    Labels:
      labels ??
      `io.dockbase.instance=${id},io.dockbase.engine=postgres,io.dockbase.name=${name},io.dockbase.tag=17,io.dockbase.port=5432,io.dockbase.bind=127.0.0.1,io.dockbase.volumes=dockbase-${name}-data,io.dockbase.data=${id}`,
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
