import { afterAll, describe, expect, it } from 'vitest';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { RedisConnection } from '../support/redis';

// The foundation's end-to-end proof: registry → pull → container → TCP → cleanup, on the real engine,
// with argv passed exactly (a password with a space and a `$`, no shell anywhere).
const docker = new NodeDockerCli();
const image = `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`;
const name = `dockbase-chain-${process.pid}`;
const password = 'pa ss$HOME word';
const hostPort = 36379;

async function ok(args: string[]): Promise<string> {
  const r = await docker.run(args);
  if (r.code !== 0) throw new Error(`docker ${args[0]} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

afterAll(async () => {
  await docker.run(['rm', '--force', '--volumes', name]);
});

describe('the real engine, end to end', () => {
  it('pulls the Redis test image from the local registry with per-layer progress', async () => {
    await docker.run(['image', 'rm', '--force', image]);
    const lines: string[] = [];
    const handle = docker.stream(['pull', image], { onLine: (line) => lines.push(line) });
    expect(await handle.done).toBe(0);
    const layerLines = lines.filter((l) => /^[0-9a-f]{12}: /.test(l));
    expect(layerLines.some((l) => l.endsWith(': Pulling fs layer'))).toBe(true);
    expect(layerLines.some((l) => l.endsWith(': Pull complete'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Status: Downloaded newer image for'))).toBe(true);
  });

  it('runs Redis with a password containing a space and a $, and only that password is accepted', async () => {
    await ok(['create', '--name', name, '--publish', `127.0.0.1:${hostPort}:6379`, image, 'redis-server', '--requirepass', password]);
    await ok(['start', name]);
    const r = await waitForRedis(hostPort);
    try {
      const wrong = await r.command('AUTH', 'pa ss');
      expect(wrong).toMatchObject({ ok: false });
      const noAuth = await r.command('PING');
      expect(noAuth).toMatchObject({ ok: false, error: expect.stringContaining('NOAUTH') });
      expect(await r.command('AUTH', password)).toEqual({ ok: true, value: 'OK' });
      expect(await r.command('PING')).toEqual({ ok: true, value: 'PONG' });
    } finally {
      r.close();
    }
  });

  it('removes the container and leaves nothing behind', async () => {
    await ok(['rm', '--force', '--volumes', name]);
    const left = await ok(['ps', '--all', '--quiet', '--filter', `name=^/${name}$`]);
    expect(left.trim()).toBe('');
    const listening = await RedisConnection.connect(hostPort).then(
      (c) => (c.close(), true),
      () => false,
    );
    expect(listening).toBe(false);
  });
});

async function waitForRedis(port: number): Promise<RedisConnection> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await RedisConnection.connect(port);
      const reply = await r.command('PING');
      if (!reply.ok && reply.error.includes('NOAUTH')) return r;
      r.close();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Redis did not answer on 127.0.0.1:${port}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
