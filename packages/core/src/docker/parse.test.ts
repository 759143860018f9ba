import { describe, expect, it } from 'vitest';
import {
  exitCodeFromStatusText,
  healthFromStatusText,
  parseContainerSummaries,
  parseInspect,
  parseInstances,
  parseLabelString,
  parsePublishedPorts,
  psTimeToIso,
} from './containers';
import { parseImageLabels, splitImageRef } from './images';
import { parseEvent } from './lifecycle';
import { parseVolumeInspect } from './volumes';

// Real `docker ps --all --no-trunc --format '{{json .}}'` lines (Docker CLI 28, engine 20.10).
const RUNNING = `{"Command":"\\"redis-server\\"","CreatedAt":"2026-11-25 18:27:38 +0000 UTC","ID":"5f272e7bf9310a8a36d20d049d3ce0bad25aafb544c4cd67a9027003ffba1b1c","Image":"127.0.0.1:5000/dockbase-test/redis:7.0","Labels":"desc=a, b, c,io.dockbase.bind=127.0.0.1,io.dockbase.engine=redis,io.dockbase.image=127.0.0.1:5000/dockbase-test/redis,io.dockbase.instance=abc123,io.dockbase.name=sample-x,io.dockbase.port=45555,io.dockbase.tag=7.0,io.dockbase.volumes=dockbase-sample-x-data,org.opencontainers.image.title=Dockbase test image: Redis from Debian's redis-server (not the official image)","LocalVolumes":"0","Mounts":"","Names":"sample-x","Networks":"bridge","Platform":null,"Ports":"127.0.0.1:45555-\\u003e6379/tcp","RunningFor":"3 seconds ago","Size":"0B (virtual 23MB)","State":"running","Status":"Up 2 seconds (healthy)"}`;
const EXITED = RUNNING.replace('"Ports":"127.0.0.1:45555-\\u003e6379/tcp"', '"Ports":""')
  .replace('"State":"running"', '"State":"exited"')
  .replace('"Status":"Up 2 seconds (healthy)"', '"Status":"Exited (1) Less than a second ago"')
  .replace('abc123', 'def456')
  .replace(/sample-x/g, 'another');
const HAND_MADE = `{"ID":"1111","Names":"web","Image":"nginx","Labels":"maintainer=NGINX Docker Maintainers","Ports":"0.0.0.0:8080-\\u003e80/tcp, :::8080-\\u003e80/tcp","State":"running","Status":"Up 1 hour","CreatedAt":"2026-11-25 17:00:00 +0000 UTC"}`;

describe('ps output', () => {
  it('reads an instance entirely from its labels and state', () => {
    expect(parseInstances(RUNNING)).toEqual([
      {
        id: 'abc123',
        name: 'sample-x',
        engine: 'redis',
        image: '127.0.0.1:5000/dockbase-test/redis',
        tag: '7.0',
        hostPort: 45555,
        bindAddress: '127.0.0.1',
        status: 'running',
        health: 'healthy',
        createdAt: '2026-11-25T18:27:38.000Z',
        volumes: ['dockbase-sample-x-data'],
        containerId: '5f272e7bf9310a8a36d20d049d3ce0bad25aafb544c4cd67a9027003ffba1b1c',
        statusText: 'Up 2 seconds (healthy)',
      },
    ]);
  });

  it('keeps a stopped instance’s port (ps shows none) and its exit code, sorted by name', () => {
    const list = parseInstances(`${RUNNING}\n${EXITED}\n${HAND_MADE}\n`);
    expect(list.map((i) => [i.name, i.status, i.hostPort, i.exitCode, i.health])).toEqual([
      ['another', 'exited', 45555, 1, 'none'],
      ['sample-x', 'running', 45555, undefined, 'healthy'],
    ]);
  });

  it('ignores containers without Dockbase labels', () => {
    expect(parseInstances(HAND_MADE)).toEqual([]);
  });

  it('summarises any container’s names and published ports for conflict checks', () => {
    expect(parseContainerSummaries(`${HAND_MADE}\n${EXITED}`)).toEqual([
      { names: ['web'], publishedPorts: [8080], running: true },
      { names: ['another'], publishedPorts: [], claimedPort: 45555, running: false },
    ]);
  });

  it('parses label strings whose values hold commas', () => {
    expect(parseLabelString('desc=a, b, c,k=v,io.dockbase.name=db')).toEqual({ desc: 'a, b, c', k: 'v', 'io.dockbase.name': 'db' });
    expect(parseLabelString('')).toEqual({});
  });

  it.each([
    ['Up 3 seconds (health: starting)', 'starting'],
    ['Up 2 minutes (healthy)', 'healthy'],
    ['Up 5 minutes (unhealthy)', 'unhealthy'],
    ['Up 5 minutes', 'none'],
  ])('reads health from "%s"', (text, health) => {
    expect(healthFromStatusText(text)).toBe(health);
  });

  it('reads exit codes, published port ranges, times and image references', () => {
    expect(exitCodeFromStatusText('Exited (137) 2 hours ago')).toBe(137);
    expect(exitCodeFromStatusText('Created')).toBeUndefined();
    expect(parsePublishedPorts('127.0.0.1:3000-3002->3000-3002/tcp, 33060/tcp')).toEqual([3000, 3001, 3002]);
    expect(psTimeToIso('2026-11-25 19:03:39 +0100 CET')).toBe('2026-11-25T18:03:39.000Z');
    expect(splitImageRef('127.0.0.1:5000/a/b:7.0')).toEqual({ image: '127.0.0.1:5000/a/b', tag: '7.0' });
    expect(splitImageRef('127.0.0.1:5000/a/b')).toEqual({ image: '127.0.0.1:5000/a/b', tag: 'latest' });
    expect(splitImageRef('postgres:17@sha256:abc')).toEqual({ image: 'postgres', tag: '17' });
  });

  it('derives the state from the status text on CLIs without a State field', () => {
    const old = RUNNING.replace('"State":"running",', '').replace('Up 2 seconds (healthy)', 'Up 2 seconds (Paused)');
    expect(parseInstances(old)[0]?.status).toBe('paused');
  });
});

describe('inspect output', () => {
  it('reads the configuration the password is read from', () => {
    const json = JSON.stringify([
      {
        Id: 'abc',
        Name: '/cache',
        Config: { Labels: { 'io.dockbase.instance': 'i1' }, Env: ['A=1', 'REDISCLI_AUTH=x y'], Cmd: ['redis-server', '--requirepass', 'x y'] },
        State: { Status: 'running', ExitCode: 0, StartedAt: '2026-11-25T18:00:00Z', Error: '', Health: { Status: 'healthy' } },
        Mounts: [{ Type: 'volume', Name: 'dockbase-cache-data', Destination: '/data' }],
      },
    ]);
    expect(parseInspect(json)).toMatchObject({
      env: ['A=1', 'REDISCLI_AUTH=x y'],
      cmd: ['redis-server', '--requirepass', 'x y'],
      labels: { 'io.dockbase.instance': 'i1' },
      imageId: '',
    });
  });

  it('reads the labels (own and inherited, merged) and the image they may come from', () => {
    const json = JSON.stringify([{ Id: 'abc', Image: `sha256:${'1'.repeat(64)}`, Config: { Labels: { a: 'b', n: 5 }, Env: null, Cmd: null } }]);
    expect(parseInspect(json)).toMatchObject({ labels: { a: 'b' }, imageId: `sha256:${'1'.repeat(64)}`, env: [], cmd: [] });
    expect(parseImageLabels('null\n')).toEqual({});
    expect(parseImageLabels('{"io.dockbase.instance":"x","maintainer":"m"}\n')).toEqual({ 'io.dockbase.instance': 'x', maintainer: 'm' });
  });

  it('reads volume labels', () => {
    expect(parseVolumeInspect('[{"Name":"v","Labels":{"io.dockbase.engine":"redis"}},{"Name":"w","Labels":null}]')).toEqual([
      { name: 'v', labels: { 'io.dockbase.engine': 'redis' } },
      { name: 'w', labels: {} },
    ]);
  });
});

describe('events output', () => {
  it('reads a lifecycle event of an instance', () => {
    const line =
      '{"status":"start","id":"c1","from":"redis:8.2","Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"io.dockbase.instance":"i1","name":"cache","image":"redis:8.2"}},"scope":"local","time":1795630000,"timeNano":1795630000123456789}';
    expect(parseEvent(line)).toEqual({ action: 'start', containerId: 'c1', instanceId: 'i1', name: 'cache', timeNano: expect.any(Number) });
  });
  it('splits health_status into action and detail', () => {
    const line = '{"Type":"container","Action":"health_status: unhealthy","Actor":{"ID":"c1","Attributes":{"io.dockbase.instance":"i1"}}}';
    expect(parseEvent(line)).toMatchObject({ action: 'health_status', detail: 'unhealthy' });
  });
  it('ignores other event types and lines that are not JSON', () => {
    expect(parseEvent('{"Type":"network","Action":"connect","Actor":{"ID":"n"}}')).toBeUndefined();
    expect(parseEvent('not json')).toBeUndefined();
  });
});
