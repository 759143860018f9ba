import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput, Instance } from '@dockbase/core';
import { HOSTILE_PASSWORD, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, VALKEY_TEST_IMAGE, VALKEY_TEST_TAG } from '../support/images';
import { RedisConnection, withRedis } from '../support/redis';
import { dockbase as dockbaseCli, ensureCliBuilt } from '../support/cli';

// Valkey on a real server (Debian's valkey-server 8.1 with the official image's contract), and the migration
// of real Redis data (Debian's redis-server 7.0 and 8.0) into it. The images must be in the local registry:
// a missing one fails the test (ensureTestImage), it is never skipped.
const { dockbase, docker, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-valkey-${process.pid}`;
const password = HOSTILE_PASSWORD;
const folder = tempDir('dockbase-valkey-');

async function input(engine: 'valkey' | 'redis', name: string, tag: string = VALKEY_TEST_TAG): Promise<CreateInstanceInput> {
  return {
    engine,
    name: `${prefix}-${name}`,
    tag,
    image: engine === 'valkey' ? VALKEY_TEST_IMAGE : REDIS_TEST_IMAGE,
    hostPort: await freePort(),
    password,
    persistData: true,
    exposeOnNetwork: false,
  };
}

/** Every key and its value, sorted: equal fingerprints mean equal data. */
const fingerprint = (i: Pick<Instance, 'hostPort'>, pw = password) =>
  withRedis(i.hostPort, pw, async (r) => {
    const out: string[] = [];
    for (let n = 0; n < 200; n++) {
      const v = await r.command('GET', `key:${n}`);
      out.push(v.ok ? String(v.value) : 'ERR');
    }
    const size = await r.command('DBSIZE');
    return `${size.ok ? size.value : '?'}|${out.join(',')}`;
  });

const fill = (i: Pick<Instance, 'hostPort'>, label: string) =>
  withRedis(i.hostPort, password, async (r) => {
    for (let n = 0; n < 200; n++) await r.command('SET', `key:${n}`, `${label} ${n} ${'x'.repeat(n)}`);
  });

/** The server's own version line (`valkey_version`, `redis_version`) over TCP. */
const info = (i: Pick<Instance, 'hostPort'>, pw = password) =>
  withRedis(i.hostPort, pw, async (r) => {
    const reply = await r.command('INFO', 'server');
    return reply.ok ? String(reply.value) : reply.error;
  });

/** Containers and volumes whose names start with the prefix (what a refused migration must not have made). */
async function made(name: string): Promise<string[]> {
  const containers = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n === name);
  const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n').filter((n) => n.startsWith(`dockbase-${name}-`));
  return [...containers, ...volumes];
}

beforeAll(async () => {
  await ensureCliBuilt();
  await cleanup(prefix);
  await ensureTestImage(`${VALKEY_TEST_IMAGE}:${VALKEY_TEST_TAG}`);
  await ensureTestImage(`${REDIS_TEST_IMAGE}:7.0`);
  await ensureTestImage(`${REDIS_TEST_IMAGE}:8.0`);
}, 180_000);
afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('Valkey on a real server', () => {
  let valkey: Instance;
  let original: string;
  let exported: string;

  it('creates a Valkey instance that answers with its password only, the password in no argv but the start script’s environment', async () => {
    valkey = await up(await input('valkey', 'one'));
    expect(valkey).toMatchObject({ engine: 'valkey', tag: VALKEY_TEST_TAG, status: 'running' });
    expect(await info(valkey)).toMatch(/valkey_version:8\.1/);
    const wrong = await RedisConnection.connect(valkey.hostPort);
    try {
      expect(await wrong.command('AUTH', 'not the password')).toMatchObject({ ok: false });
      expect(await wrong.command('GET', 'x')).toMatchObject({ ok: false, error: expect.stringMatching(/NOAUTH/) });
    } finally {
      wrong.close();
    }
    // The healthcheck (the idle-cost probe) runs valkey-cli inside the container, authenticated from its env.
    const probe = await dockbase.liveness.probe(valkey);
    expect(probe).toMatchObject({ answered: true });
    expect(argvs.filter((a) => a.some((x) => x.includes(password)))).toEqual([]);
  });

  it('changes its password (Edit), the new one works and the old one no longer does', async () => {
    const next = `${password} 2`;
    const edited = await dockbase.editing.edit(valkey, { password: next });
    expect(edited.passwordCheck).toMatchObject({ status: 'ok' });
    const changed = await dockbase.readiness.waitUntilReady(edited.instance);
    expect(await info(changed, next)).toMatch(/valkey_version/);
    await expect(info(changed)).rejects.toThrow(/AUTH refused/);
    const back = await dockbase.editing.edit(changed, { password });
    valkey = await dockbase.readiness.waitUntilReady(back.instance);
  });

  it('snapshots its data while running, and restores it', async () => {
    await fill(valkey, 'valkey');
    original = await fingerprint(valkey);
    const snapshot = await dockbase.snapshots.take(valkey, { name: 'before change' });
    expect(snapshot).toMatchObject({ engine: 'valkey', tag: VALKEY_TEST_TAG });
    await withRedis(valkey.hostPort, password, (r) => r.command('FLUSHALL'));
    expect(await fingerprint(valkey)).not.toBe(original);
    await dockbase.snapshots.restore(valkey, snapshot);
    expect(await fingerprint(valkey)).toBe(original);
  });

  it('exports an RDB file with valkey-cli and imports it into another Valkey instance', async () => {
    const result = await dockbase.backups.export(valkey, { directory: folder });
    exported = result.file;
    expect(fs.readFileSync(exported).subarray(0, 9).toString()).toBe('REDIS0011');
    const other = await up(await input('valkey', 'imp'));
    await withRedis(other.hostPort, password, (r) => r.command('SET', 'only-here', '1'));
    await dockbase.backups.import(other, exported);
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(other.id));
    expect(await fingerprint(now)).toBe(original);
    // Kept across a restart: the RDB became the base of the append-only folder.
    await dockbase.lifecycle.restart(now);
    expect(await fingerprint(await dockbase.readiness.waitUntilReady(now))).toBe(original);
  });

  it('imports a Redis 7.0 RDB file; refuses a Redis 8.0 one (RDB format 12) with a clear message, the instance as it was', async () => {
    const redis70 = await up(await input('redis', 'r70-exp', '7.0'));
    await fill(redis70, 'redis 7.0');
    const from70 = await dockbase.backups.export(redis70, { directory: folder });
    const redis80 = await up(await input('redis', 'r80-exp', '8.0'));
    await fill(redis80, 'redis 8.0');
    const from80 = await dockbase.backups.export(redis80, { directory: folder });
    expect(fs.readFileSync(from80.file).subarray(0, 9).toString()).toBe('REDIS0012');

    const target = await up(await input('valkey', 'imp-redis'));
    await dockbase.backups.import(target, from70.file);
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(target.id));
    const redisData = await fingerprint(redis70);
    expect(await fingerprint(now)).toBe(redisData);

    await expect(dockbase.backups.import(now, from80.file)).rejects.toMatchObject({
      code: 'bad-file',
      message: `${path.basename(from80.file)} is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it). ${now.name} was not changed.`,
    });
    const after = await dockbase.lifecycle.get(target.id);
    expect(after.status).toBe('running');
    expect(await fingerprint(after)).toBe(redisData);
  });
});

describe('Redis → Valkey migration on real servers', () => {
  it('makes a new Valkey instance holding the Redis data; the Redis instance runs on, its data unchanged and writable', async () => {
    const redis = await up(await input('redis', 'mig-src', '7.0'));
    await fill(redis, 'from redis');
    const before = await fingerprint(redis);
    const target = await input('valkey', 'mig-new');
    const migrated = await dockbase.migrations.migrate(redis, { ...target });
    expect(migrated).toMatchObject({
      engine: 'valkey',
      name: target.name,
      tag: VALKEY_TEST_TAG,
      migratedFrom: { name: redis.name, engine: 'redis', tag: '7.0' },
    });
    expect(await info(migrated)).toMatch(/valkey_version:8\.1/);
    expect(await fingerprint(migrated)).toBe(before);

    const source = await dockbase.lifecycle.get(redis.id);
    expect(source.status).toBe('running');
    expect(source.volumes).toEqual(redis.volumes);
    expect(await info(source)).toMatch(/redis_version:7\.0/);
    expect(await fingerprint(source)).toBe(before);
    // Two instances now: a write to one is not in the other.
    await withRedis(source.hostPort, password, (r) => r.command('SET', 'key:0', 'redis only'));
    expect(await withRedis(migrated.hostPort, password, (r) => r.command('GET', 'key:0'))).toMatchObject({ value: 'from redis 0 ' });
    // The Valkey instance keeps the data across a restart.
    await dockbase.lifecycle.restart(migrated);
    expect(await fingerprint(await dockbase.readiness.waitUntilReady(migrated))).toBe(before);
  });

  it('leaves a stopped Redis instance stopped', async () => {
    const redis = await up(await input('redis', 'mig-stopped', '7.0'));
    await fill(redis, 'stopped redis');
    const before = await fingerprint(redis);
    await dockbase.lifecycle.stop(redis);
    const stopped = await dockbase.lifecycle.get(redis.id);
    const migrated = await dockbase.migrations.migrate(stopped, await input('valkey', 'mig-from-stopped'));
    expect(await fingerprint(migrated)).toBe(before);
    expect((await dockbase.lifecycle.get(redis.id)).status).toBe('exited');
  });

  it('refuses Redis 8.0 data (RDB format 12) before changing anything: nothing made, Redis still running', async () => {
    const redis = await up(await input('redis', 'mig-r80', '8.0'));
    await fill(redis, 'redis 8');
    const before = await fingerprint(redis);
    const target = await input('valkey', 'mig-r80-new');
    const since = argvs.length;
    await expect(dockbase.migrations.migrate(redis, target)).rejects.toMatchObject({
      code: 'incompatible-data',
      message: `The data of ${redis.name} (Redis 8.0) is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it). ${redis.name} was not changed.`,
    });
    // Refused from the versions alone: not one docker command ran.
    expect(argvs.slice(since)).toEqual([]);
    expect(await made(target.name)).toEqual([]);
    const now = await dockbase.lifecycle.get(redis.id);
    expect(now.status).toBe('running');
    expect(await fingerprint(now)).toBe(before);
  });

  it('refuses RDB format 12 found in the data itself (a tag that names no version), before stopping anything', async () => {
    // The Redis 8.0 image under a tag that says nothing of its version: only the data's own header tells.
    await docker('tag', `${REDIS_TEST_IMAGE}:8.0`, `${REDIS_TEST_IMAGE}:dbt-valkey-unversioned`);
    try {
      const redis = await up(await input('redis', 'mig-unversioned', 'dbt-valkey-unversioned'));
      await fill(redis, 'unversioned');
      // Redis 7+ writes the append-only folder's base RDB at first start; a rewrite makes it hold the data.
      await withRedis(redis.hostPort, password, (r) => r.command('BGREWRITEAOF'));
      const target = await input('valkey', 'mig-unversioned-new');
      await expect(dockbase.migrations.migrate(redis, target)).rejects.toMatchObject({
        code: 'incompatible-data',
        message: `The data of ${redis.name} is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it). ${redis.name} was not changed.`,
      });
      expect(await made(target.name)).toEqual([]);
      const now = await dockbase.lifecycle.get(redis.id);
      expect(now.status).toBe('running');
      expect(now.containerId).toBe(redis.containerId);
    } finally {
      await cleanup(`${prefix}-mig-unversioned`);
      await docker('rmi', `${REDIS_TEST_IMAGE}:dbt-valkey-unversioned`);
    }
  });

  it('refuses a migration to another engine, and bad settings, before changing anything', async () => {
    const redis = (await dockbase.lifecycle.list()).find((i) => i.name === `${prefix}-mig-src`)!;
    await expect(dockbase.migrations.migrate(redis, { ...(await input('valkey', 'x')), engine: 'postgres' })).rejects.toMatchObject({
      code: 'incompatible-data',
      message: expect.stringMatching(/^Redis data cannot move to PostgreSQL: Dockbase moves it to Valkey\./),
    });
    await expect(dockbase.migrations.migrate(redis, { ...(await input('valkey', 'y')), hostPort: redis.hostPort })).rejects.toMatchObject({
      code: 'port-in-use',
      field: 'hostPort',
    });
    expect((await dockbase.lifecycle.get(redis.id)).status).toBe('running');
  });

  it('`dockbase migrate NAME --to valkey` does the same from the command line, and says what it made', async () => {
    const redis = await up(await input('redis', 'cli-src', '7.0'));
    await fill(redis, 'from the cli');
    const before = await fingerprint(redis);
    const target = await input('valkey', 'cli-new');
    const args = ['migrate', redis.name, '--to', 'valkey', '--name', target.name, '--port', String(target.hostPort)];
    const r = await dockbaseCli([...args, '--image', VALKEY_TEST_IMAGE, '--version', VALKEY_TEST_TAG, '--json']);
    expect(r.stderr).not.toContain(password);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: target.name,
      engine: 'valkey',
      version: VALKEY_TEST_TAG,
      port: target.hostPort,
      migratedFrom: { name: redis.name },
    });
    const made = (await dockbase.lifecycle.list()).find((i) => i.name === target.name)!;
    // The source's password, kept: its clients change only the port.
    expect(await fingerprint(made)).toBe(before);
    expect((await dockbase.lifecycle.get(redis.id)).status).toBe('running');
    // A second time: the name is taken now, and the command says so without touching anything.
    const again = await dockbaseCli([...args, '--image', VALKEY_TEST_IMAGE, '--version', VALKEY_TEST_TAG]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`Another container is already named "${target.name}".`);
    expect((await dockbase.lifecycle.get(redis.id)).containerId).toBe(redis.containerId);
  });

  it('never put the password in an argv', () => {
    expect(argvs.filter((a) => a.some((x) => x.includes(password)))).toEqual([]);
  });
});
