import { describe, expect, it } from 'vitest';
import { listInstancesArgs } from './containers';
import { createContainerArgs, createContainerEnv, type CreatePlan } from './create';
import { eventsArgs, logsArgs, removeContainerArgs, stopArgs } from './lifecycle';
import { getEngine } from '../engines';
import { REDIS_START_SCRIPT } from '../engines/redis';

const redisPlan: CreatePlan = {
  id: 'a1b2c3d4e5f6',
  dataId: 'a1b2c3d4e5f6',
  name: 'cache',
  engine: 'redis',
  image: 'redis',
  tag: '8.2',
  hostPort: 6380,
  bindAddress: '127.0.0.1',
  password: 'pa ss "$(id)"',
  volumes: [{ name: 'dockbase-cache-data', mount: { key: 'data', path: '/data' } }],
};

describe('createContainerArgs', () => {
  it('builds the exact argv for Redis: labels, secret, loopback port, volume, healthcheck, command', () => {
    expect(createContainerArgs(redisPlan)).toEqual([
      'create',
      '--pull',
      'never',
      '--name',
      'cache',
      '--label',
      'io.dockbase.instance=a1b2c3d4e5f6',
      '--label',
      'io.dockbase.engine=redis',
      '--label',
      'io.dockbase.schema=1',
      '--label',
      'io.dockbase.name=cache',
      '--label',
      'io.dockbase.image=redis',
      '--label',
      'io.dockbase.tag=8.2',
      '--label',
      'io.dockbase.port=6380',
      '--label',
      'io.dockbase.bind=127.0.0.1',
      '--label',
      'io.dockbase.volumes=dockbase-cache-data',
      '--label',
      'io.dockbase.data=a1b2c3d4e5f6',
      '--env',
      'REDISCLI_AUTH=pa ss "$(id)"',
      '--publish',
      '127.0.0.1:6380:6379',
      '--mount',
      'type=volume,source=dockbase-cache-data,target=/data,volume-label=io.dockbase.volume=data,volume-label=io.dockbase.engine=redis,' +
        'volume-label=io.dockbase.tag=8.2,volume-label=io.dockbase.name=cache,volume-label=io.dockbase.mount=/data,volume-label=io.dockbase.schema=1,' +
        'volume-label=io.dockbase.instance=a1b2c3d4e5f6,volume-label=io.dockbase.port=6380,volume-label=io.dockbase.image=redis',
      '--health-cmd',
      '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]',
      '--health-interval',
      '1200s',
      '--health-timeout',
      '10s',
      '--health-retries',
      '1',
      '--health-start-period',
      '10s',
      '--stop-timeout',
      '10',
      'redis:8.2',
      'sh',
      '-c',
      REDIS_START_SCRIPT,
    ]);
  });

  it('with secretEnv, names the password’s variables without their value, and hands them over separately', () => {
    const args = createContainerArgs(redisPlan, { start: true, secretEnv: true });
    expect(args.slice(args.indexOf('--env'), args.indexOf('--env') + 2)).toEqual(['--env', 'REDISCLI_AUTH']);
    expect(args.join('\n')).not.toContain('pa ss');
    expect(createContainerEnv(redisPlan)).toEqual({ REDISCLI_AUTH: 'pa ss "$(id)"' });
    const mongo = createContainerArgs({ ...redisPlan, engine: 'mongo', image: 'mongo', tag: '8.0', volumes: [] }, { secretEnv: true });
    expect(mongo.filter((_a, i) => mongo[i - 1] === '--env')).toEqual(['MONGO_INITDB_ROOT_USERNAME=root', 'MONGO_INITDB_ROOT_PASSWORD']);
  });

  it('records which instance made the data: its own id, or the one its kept volumes carry', () => {
    const reused = createContainerArgs({ ...redisPlan, dataId: '0000000000aa' });
    expect(reused).toContain('io.dockbase.data=0000000000aa');
    expect(reused.find((a) => a.startsWith('type=volume'))).toMatch(/volume-label=io\.dockbase\.instance=0000000000aa,/);
  });

  it('probes every second while starting only where the engine has --health-start-interval (API 1.44+)', () => {
    const modern = createContainerArgs(redisPlan, { capabilities: { apiVersion: '1.47', healthStartInterval: true } });
    const health = modern.slice(modern.indexOf('--health-cmd'), modern.indexOf('--stop-timeout'));
    expect(health).toEqual([
      '--health-cmd',
      '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]',
      '--health-interval',
      '1200s',
      '--health-timeout',
      '10s',
      '--health-retries',
      '1',
      '--health-start-period',
      '10s',
      '--health-start-interval',
      '1s',
    ]);
    const old = createContainerArgs(redisPlan, { capabilities: { apiVersion: '1.41', healthStartInterval: false } });
    expect(old).not.toContain('--health-start-interval');
    expect(old).toEqual(createContainerArgs(redisPlan));
  });

  it('creates and starts in one call when asked to start', () => {
    expect(createContainerArgs(redisPlan, { start: true }).slice(0, 6)).toEqual(['run', '--detach', '--pull', 'never', '--name', 'cache']);
  });

  it('publishes on all interfaces only when asked, and mounts nothing when data is not kept', () => {
    const args = createContainerArgs({ ...redisPlan, bindAddress: '0.0.0.0', volumes: [] });
    expect(args[args.indexOf('--publish') + 1]).toBe('0.0.0.0:6380:6379');
    expect(args).not.toContain('--mount');
    expect(args[args.indexOf('--label', args.indexOf('io.dockbase.bind=0.0.0.0') - 1) + 1]).toBe('io.dockbase.bind=0.0.0.0');
  });

  it('PostgreSQL: the secret in POSTGRES_PASSWORD, the image from a mirror, the image’s own command', () => {
    const args = createContainerArgs({
      ...redisPlan,
      engine: 'postgres',
      image: 'registry.example.com:5000/mirror/postgres',
      tag: '18',
      hostPort: 5433,
      volumes: [{ name: 'dockbase-cache-data', mount: getEngine('postgres').dataMounts('18')[0]! }],
    });
    expect(args).toContain('POSTGRES_PASSWORD=pa ss "$(id)"');
    expect(args.find((a) => a.startsWith('type=volume'))).toMatch(/^type=volume,source=dockbase-cache-data,target=\/var\/lib\/postgresql,volume-label=/);
    expect(args.at(-1)).toBe('registry.example.com:5000/mirror/postgres:18');
    expect(args[args.indexOf('--stop-timeout') + 1]).toBe('30');
  });

  it('MongoDB: both root variables and both data folders', () => {
    const mongo = getEngine('mongo');
    const args = createContainerArgs({
      ...redisPlan,
      engine: 'mongo',
      image: 'mongo',
      tag: '8.0',
      volumes: mongo.dataMounts('8.0').map((mount) => ({ name: `dockbase-x-${mount.key}`, mount })),
    });
    expect(args).toEqual(expect.arrayContaining(['MONGO_INITDB_ROOT_USERNAME=root', 'MONGO_INITDB_ROOT_PASSWORD=pa ss "$(id)"']));
    expect(args.filter((a) => a.startsWith('type=volume')).map((a) => a.split(',').slice(0, 3).join(','))).toEqual([
      'type=volume,source=dockbase-x-db,target=/data/db',
      'type=volume,source=dockbase-x-configdb,target=/data/configdb',
    ]);
  });
});

describe('other builders', () => {
  it('lists every instance, stopped ones too, in one filtered ps', () => {
    expect(listInstancesArgs()).toEqual(['ps', '--all', '--no-trunc', '--filter', 'label=io.dockbase.instance', '--format', '{{json .}}']);
  });
  it('stops with the engine’s grace period, removes with anonymous volumes only', () => {
    expect(stopArgs('abc', 30)).toEqual(['stop', '--time', '30', 'abc']);
    expect(removeContainerArgs('abc')).toEqual(['rm', '--force', '--volumes', 'abc']);
  });
  it('follows logs from a tail', () => {
    expect(logsArgs('abc', { tail: 100, follow: true })).toEqual(['logs', '--tail', '100', '--follow', 'abc']);
  });
  it('watches container events of Dockbase instances, without healthcheck exec noise', () => {
    const args = eventsArgs();
    expect(args.slice(0, 5)).toEqual(['events', '--filter', 'type=container', '--filter', 'label=io.dockbase.instance']);
    expect(args).toContain('event=health_status');
    expect(args.some((a) => a.startsWith('event=exec'))).toBe(false);
    expect(args.slice(-2)).toEqual(['--format', '{{json .}}']);
  });
});
