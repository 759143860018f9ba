import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_START_SCRIPT, displayStatus, type Instance, type CreateInstanceInput } from '@dockbase/core';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { realDocker, testPort } from '../support/dockbase';
import { withRedis } from '../support/redis';

// The whole life of a Redis instance on the real engine, through the core service and exact argv.
const { dockbase, docker, leftovers, cleanup } = realDocker();
const name = `dbt-life-${process.pid}`;
const port = testPort(1);
const password = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;
const input: CreateInstanceInput = {
  engine: 'redis',
  name,
  tag: REDIS_TEST_TAG,
  image: REDIS_TEST_IMAGE,
  hostPort: port,
  password,
  persistData: true,
  exposeOnNetwork: false,
};

beforeAll(() => cleanup(name));
afterAll(() => cleanup(name));

describe('instance lifecycle on the real engine', () => {
  let instance: Instance;

  it('creates a Redis instance with a hostile password, bound to 127.0.0.1, with its data volume', async () => {
    instance = await dockbase.creation.create(input);
    expect(instance).toMatchObject({ name, engine: 'redis', tag: REDIS_TEST_TAG, hostPort: port, bindAddress: '127.0.0.1', status: 'created' });
    expect(instance.volumes).toEqual([`dockbase-${name}-data`]);
    const inspect = JSON.parse(await docker('container', 'inspect', instance.containerId))[0];
    expect(inspect.HostConfig.PortBindings['6379/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    // The server reads the password from REDISCLI_AUTH: it is on no command line, the container's included.
    expect(inspect.Config.Cmd).toEqual(['sh', '-c', REDIS_START_SCRIPT]);
    expect(inspect.Config.Env).toContain(`REDISCLI_AUTH=${password}`);
    expect(inspect.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: `dockbase-${name}-data`, Destination: '/data' })]);
  });

  it('starts and is shown healthy once it answers; the exact password is accepted and a wrong one refused', async () => {
    await dockbase.lifecycle.start(instance);
    instance = await dockbase.readiness.waitUntilReady(instance);
    // Docker's own first probe may be 30 s away: the readiness answer shows it healthy meanwhile.
    expect(displayStatus(await dockbase.lifecycle.get(instance.id), { serverAnswered: true })).toBe('healthy');
    await withRedis(port, password, async (r) => {
      expect(await r.command('SET', 'dockbase:kept', 'still here')).toEqual({ ok: true, value: 'OK' });
    });
    await expect(withRedis(port, `${password}x`, async () => 'in')).rejects.toThrow(/AUTH refused/);
  });

  it('gives a connection string that carries the exact password', async () => {
    const { uri, maskedUri } = await dockbase.lifecycle.connection(instance);
    const url = new URL(uri);
    expect(url.protocol).toBe('redis:');
    expect(`${url.hostname}:${url.port}`).toBe(`127.0.0.1:${port}`);
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(maskedUri).toBe(`redis://default:********@127.0.0.1:${port}/`);
  });

  it('stops gracefully, and list shows it stopped with its port', async () => {
    await dockbase.lifecycle.stop(instance);
    const listed = (await dockbase.lifecycle.list()).find((i) => i.id === instance.id);
    expect(listed).toMatchObject({ status: 'exited', hostPort: port, bindAddress: '127.0.0.1' });
    expect(displayStatus(listed!)).toBe('stopped');
  });

  it('restarts, and status shows it running again', async () => {
    await dockbase.lifecycle.restart(instance);
    const now = await dockbase.lifecycle.get(instance.id);
    expect(now.status).toBe('running');
    await dockbase.readiness.waitUntilReady(now);
    expect(displayStatus(await dockbase.lifecycle.get(instance.id), { serverAnswered: true })).toBe('healthy');
  });

  it('deletes the container but keeps the data volume by default', async () => {
    await dockbase.lifecycle.remove(instance);
    const left = await leftovers(name);
    expect(left.containers).toEqual([]);
    expect(left.volumes).toEqual([`dockbase-${name}-data`]);
    await expect(dockbase.lifecycle.get(instance.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('created again with the same name, it is ready at once and finds the data written before', async () => {
    instance = await dockbase.creation.create(input, { start: true });
    instance = await dockbase.readiness.waitUntilReady(instance, { fresh: true });
    expect(instance.status).toBe('running');
    await withRedis(port, password, async (r) => {
      expect(await r.command('GET', 'dockbase:kept')).toEqual({ ok: true, value: 'still here' });
    });
  });

  it('deletes with data and leaves nothing behind', async () => {
    await dockbase.lifecycle.remove(instance, { removeData: true });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [] });
  });
});
