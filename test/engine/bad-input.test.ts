import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput } from '@dockbase/core';
import { POSTGRES_TEST_IMAGE, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { realDocker, testPort } from '../support/dockbase';

// Bad input on the real engine: each case gets its own specific error, and nothing is created.
const { dockbase, docker, leftovers, cleanup, dockbaseContainerCount } = realDocker();
const prefix = `dbt-bad-${process.pid}`;
const busyPort = testPort(2);
const handMade = `${prefix}-handmade`;

const valid: CreateInstanceInput = {
  engine: 'redis',
  name: `${prefix}-ok`,
  tag: REDIS_TEST_TAG,
  image: REDIS_TEST_IMAGE,
  hostPort: testPort(3),
  password: 'secret-password',
  persistData: true,
  exposeOnNetwork: false,
};

let before: { containers: number; volumes: string };

beforeAll(async () => {
  await cleanup(prefix);
  // A container made by hand, publishing a port: Dockbase must neither reuse its name or port, nor touch it.
  await docker('run', '--detach', '--name', handMade, '--publish', `127.0.0.1:${busyPort}:6379`, `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);
  before = { containers: await dockbaseContainerCount(), volumes: await docker('volume', 'ls', '--quiet') };
});

afterAll(() => cleanup(prefix));

async function expectNothingCreated() {
  expect(await dockbaseContainerCount()).toBe(before.containers);
  expect(await docker('volume', 'ls', '--quiet')).toBe(before.volumes);
  expect((await leftovers(prefix)).containers).toEqual([handMade]);
}

describe('bad input on the real engine', () => {
  it.each([
    ['an empty name', { name: '' }, 'name', /Enter a name/],
    ['a name with a space', { name: 'my db' }, 'name', /Use letters, digits/],
    ['a name starting with a dash', { name: '-db' }, 'name', /starting with a letter or digit/],
    ['port 0', { hostPort: 0 }, 'hostPort', /from 1 to 65535/],
    ['port 65536', { hostPort: 65536 }, 'hostPort', /from 1 to 65535/],
    ['a missing PostgreSQL password', { engine: 'postgres', image: POSTGRES_TEST_IMAGE, tag: '17', password: '' }, 'password', /password is required/i],
    ['a Redis password starting with --', { password: '--appendonly' }, 'password', /cannot start with "--"/],
  ] as const)('refuses %s, naming the field', async (_label, change, field, message) => {
    await expect(dockbase.creation.create({ ...valid, ...change } as CreateInstanceInput, { start: true })).rejects.toMatchObject({
      code: 'invalid-input',
      field,
      message: expect.stringMatching(message),
    });
    await expectNothingCreated();
  });

  it('refuses a port already published by another container', async () => {
    await expect(dockbase.creation.create({ ...valid, hostPort: busyPort }, { start: true })).rejects.toMatchObject({
      code: 'port-in-use',
      field: 'hostPort',
      message: `Port ${busyPort} is already used by another container.`,
    });
    await expectNothingCreated();
  });

  it('refuses a name already used by a container made by hand, and leaves that container alone', async () => {
    await expect(dockbase.creation.create({ ...valid, name: handMade }, { start: true })).rejects.toMatchObject({
      code: 'name-in-use',
      field: 'name',
    });
    await expectNothingCreated();
    expect((await docker('inspect', '--format', '{{.State.Status}}', handMade)).trim()).toBe('running');
    expect((await dockbase.lifecycle.list()).map((i) => i.name)).not.toContain(handMade);
  });

  it('reports an image that does not exist as not found, and leaves nothing behind', async () => {
    await expect(dockbase.creation.create({ ...valid, tag: 'no-such-tag' }, { start: true })).rejects.toMatchObject({
      code: 'image-not-found',
      field: 'tag',
    });
    await expectNothingCreated();
  });

  it('removes the container and volume it made when the port turns out to be taken at start', async () => {
    // Something outside Docker listens on the port: docker create succeeds, docker start cannot bind.
    const net = await import('node:net');
    const blocker = net.createServer();
    const port = testPort(4);
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      await expect(dockbase.creation.create({ ...valid, hostPort: port }, { start: true })).rejects.toMatchObject({
        code: 'port-in-use',
        field: 'hostPort',
        message: `Port ${port} is already in use on this machine.`,
      });
      await expectNothingCreated();
    } finally {
      blocker.close();
    }
  });
});
