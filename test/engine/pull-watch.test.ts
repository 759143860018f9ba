import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceEvent, PullProgress } from '@dockbase/core';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { earlierBuild, realDocker, testPort } from '../support/dockbase';

const { dockbase, cli, cleanup } = realDocker();
const prefix = `dbt-pw-${process.pid}`;
const ref = `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`;

beforeAll(() => cleanup(prefix));
afterAll(() => cleanup(prefix));

describe('pull on the real engine', () => {
  it('reports per-layer progress up to every layer done', async () => {
    await cli.run(['image', 'rm', '--force', ref]);
    const seen: PullProgress[] = [];
    const final = await dockbase.pull(ref, { onProgress: (p) => seen.push(p) });
    expect(final.status).toBe('downloaded');
    expect(final.total).toBeGreaterThanOrEqual(1);
    expect(final.done).toBe(final.total);
    expect(final.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(seen.some((p) => p.done < p.total)).toBe(true);
    expect(seen.flatMap((p) => p.layers.map((l) => l.state))).toContain('waiting');
  });

  it('says when the image is already up to date', async () => {
    expect((await dockbase.pull(ref)).status).toBe('up-to-date');
  });

  it('can be cancelled while it runs', async () => {
    await cli.run(['image', 'rm', '--force', ref]);
    const ctl = new AbortController();
    const pulling = dockbase.pull(ref, { signal: ctl.signal, onProgress: () => ctl.abort() });
    await expect(pulling).rejects.toMatchObject({ code: 'cancelled' });
    await dockbase.pull(ref); // leave the image for the other tests
  });

  it('tells a missing tag from an unreachable registry', async () => {
    await expect(dockbase.pull(`${REDIS_TEST_IMAGE}:no-such-tag`)).rejects.toMatchObject({ code: 'image-not-found' });
    await expect(dockbase.pull('127.0.0.1:5999/dockbase-test/redis:7.0')).rejects.toMatchObject({ code: 'network' });
  });
});

describe('watch and logs on the real engine', () => {
  it('streams lifecycle and health events of Dockbase instances only, until cancelled', async () => {
    const events: InstanceEvent[] = [];
    const ended: number[] = [];
    const watch = dockbase.lifecycle.watch(
      (e) => events.push(e),
      (code) => ended.push(code),
    );
    try {
      const name = `${prefix}-w`;
      // A container made by hand produces no event here.
      await cli.run(['create', '--name', `${prefix}-hand`, ref]);
      // As an earlier build made it (docker probing every 30 s): docker's own "healthy" comes within 30 s
      // here too, where there is no start interval, instead of 20 minutes.
      const instance = await earlierBuild(cli).creation.create(
        {
          engine: 'redis',
          name,
          tag: REDIS_TEST_TAG,
          image: REDIS_TEST_IMAGE,
          hostPort: testPort(30),
          password: 'pw pw',
          persistData: false,
          exposeOnNetwork: false,
        },
        { start: true },
      );
      await dockbase.readiness.waitUntilHealthy(instance);
      await dockbase.lifecycle.stop(instance);
      await dockbase.lifecycle.remove(instance);
      await waitFor(() => events.some((e) => e.action === 'destroy'));
      const mine = events.filter((e) => e.instanceId === instance.id).map((e) => (e.detail ? `${e.action}: ${e.detail}` : e.action));
      expect(mine).toEqual(expect.arrayContaining(['create', 'start', 'health_status: healthy', 'kill', 'die', 'stop', 'destroy']));
      // Only Dockbase instances: the container made by hand is never seen. (Docker's first healthy comes
      // up to 30 s after the start: on a shared engine, other Dockbase instances may have events meanwhile.)
      expect(events.every((e) => e.instanceId !== undefined)).toBe(true);
      expect(events.some((e) => e.name === `${prefix}-hand`)).toBe(false);
      expect(events.some((e) => e.action.startsWith('exec'))).toBe(false);
    } finally {
      watch.cancel();
    }
    await watch.done;
    expect(ended).toEqual([]);
  });

  it('follows an instance’s log as it is written', async () => {
    const instance = await dockbase.creation.create(
      {
        engine: 'redis',
        name: `${prefix}-logs`,
        tag: REDIS_TEST_TAG,
        image: REDIS_TEST_IMAGE,
        hostPort: testPort(31),
        password: 'pw',
        persistData: false,
        exposeOnNetwork: false,
      },
      { start: true },
    );
    const lines: string[] = [];
    const follow = dockbase.lifecycle.followLogs(instance, (l) => lines.push(l));
    await waitFor(() => lines.some((l) => l.includes('Ready to accept connections')));
    follow.cancel();
    await follow.done;
    expect((await dockbase.lifecycle.logs(instance, 50)).some((l) => l.includes('Ready to accept connections'))).toBe(true);
    await dockbase.lifecycle.remove(instance, { removeData: true });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
