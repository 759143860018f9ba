import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput, Instance, RollbackPoint } from '@dockbase/core';
import { clientInside, ok } from '../support/clients';
import { HOSTILE_PASSWORD, MARIADB_REAL_IMAGE, REDIS_REAL_IMAGE, ensureTestImage, recordingDockbase } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { VALKEY_TEST_IMAGE } from '../support/images';
import { withRedis } from '../support/redis';

// In-place upgrades on REAL servers (Debian's packages with the official images' contracts): MariaDB 10.11 →
// 11.8 with the image's own mariadb-upgrade (MARIADB_AUTO_UPGRADE=1), Redis 7.0 → 8.0 and Valkey 8.0 → 8.1 on
// the same append-only file. A snapshot first (the rollback point), the server's own version checked, roll
// back to the old version with its data. A hostile password throughout, in no docker argv.
const { dockbase, docker, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-ipup-${process.pid}`;
const password = HOSTILE_PASSWORD;

beforeAll(async () => {
  await cleanup(prefix);
  for (const ref of [
    `${MARIADB_REAL_IMAGE}:10.11`,
    `${MARIADB_REAL_IMAGE}:11.8`,
    `${REDIS_REAL_IMAGE}:7.0`,
    `${REDIS_REAL_IMAGE}:8.0`,
    `${VALKEY_TEST_IMAGE}:8.0`,
    `${VALKEY_TEST_IMAGE}:8.1`,
  ])
    await ensureTestImage(ref);
});
afterAll(() => cleanup(prefix));

describe('MariaDB 10.11 → 11.8 on real servers', () => {
  const name = `${prefix}-maria`;
  /** SQL as root with the exact password, through the server's own client (password in its environment). */
  const sql = (i: Instance, query: string) => ok(clientInside('mariadb', i.containerId, 3306, password, query));
  const fingerprint = (i: Instance) =>
    sql(i, "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, '/', body ORDER BY id SEPARATOR ','))) FROM shop.items").then(
      async (items) => `${items} | ${await sql(i, 'SELECT COUNT(*) FROM shop.orders')}`,
    );
  let instance: Instance;
  let original: string;
  let point: RollbackPoint;

  it('writes data into MariaDB 10.11', async () => {
    const input: CreateInstanceInput = {
      engine: 'mariadb',
      name,
      tag: '10.11',
      image: MARIADB_REAL_IMAGE,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
    };
    instance = await up(input);
    await sql(instance, 'CREATE DATABASE shop');
    await sql(
      instance,
      'USE shop; CREATE TABLE items (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB; INSERT INTO items SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_5000',
    );
    await sql(
      instance,
      'CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, item INT, FOREIGN KEY (item) REFERENCES shop.items (id)) ENGINE=InnoDB; INSERT INTO shop.orders (item) VALUES (1), (2), (3)',
    );
    original = await fingerprint(instance);
    expect(original).toMatch(/^5000:\w+ \| 3$/);
    expect(await sql(instance, 'SELECT VERSION()')).toMatch(/^10\.11\./);
  });

  it('refuses a downgrade with the reason', async () => {
    await expect(dockbase.upgrades.upgrade(instance, '10.6')).rejects.toThrow(/MariaDB 10\.6 is older than 10\.11.*cannot open data a newer version wrote/);
  });

  it('upgrades in place: snapshot, 11.8 on the same volume with mariadb-upgrade, the server reports 11.8', async () => {
    const steps: string[] = [];
    const result = await dockbase.upgrades.upgrade(instance, '11.8', { onProgress: (p) => steps.push(p.step) });
    expect(result).toMatchObject({ from: '10.11', to: '11.8', method: 'in-place', serverVersion: expect.stringMatching(/^11\.8\./) });
    expect([...new Set(steps)]).toEqual(['pull', 'stop', 'snapshot', 'switch', 'check']);
    const upgraded = await dockbase.lifecycle.get(instance.id);
    expect(upgraded).toMatchObject({ id: instance.id, name, tag: '11.8', hostPort: instance.hostPort, status: 'running', volumes: [`dockbase-${name}-data`] });
    expect(await sql(upgraded, 'SELECT VERSION()')).toMatch(/^11\.8\./);
    expect(await fingerprint(upgraded)).toBe(original);
    // The image's own upgrade step ran (its log says so) and recorded the new version in the data.
    expect(await docker('logs', upgraded.containerId)).toMatch(/Starting mariadb-upgrade[\s\S]*Finished mariadb-upgrade/);
    expect(await docker('exec', upgraded.containerId, 'cat', '/var/lib/mysql/mariadb_upgrade_info')).toMatch(/^11\.8\./);
    point = result.rollbackPoint;
    expect(point).toMatchObject({ reason: 'before-upgrade', tag: '10.11', upgradeTo: '11.8' });
    instance = upgraded;
  });

  it('rolls back to 10.11 with the data from before, in one step', async () => {
    await sql(instance, 'INSERT INTO shop.orders (item) VALUES (4)');
    const result = await dockbase.upgrades.rollback(instance, point);
    expect(result).toMatchObject({ to: '10.11', kept: { reason: 'before-rollback', tag: '11.8' } });
    const back = await dockbase.lifecycle.get(instance.id);
    expect(back).toMatchObject({ tag: '10.11', status: 'running', volumes: [`dockbase-${name}-data`] });
    expect(await sql(back, 'SELECT VERSION()')).toMatch(/^10\.11\./);
    expect(await fingerprint(back)).toBe(original);
    expect(await dockbase.upgrades.rollbackPoints(instance.id)).toEqual([]);
    instance = back;
  });

  it('a failed upgrade (the new version cannot start) leaves 10.11 running with its data', async () => {
    // The registry's Redis image under the MariaDB repository's name: it starts, but is no MariaDB.
    const fake = `${prefix}-fake/mariadb`;
    await docker('tag', `${REDIS_REAL_IMAGE}:8.0`, `${fake}:11.8`);
    await docker('tag', `${MARIADB_REAL_IMAGE}:10.11`, `${fake}:10.11`);
    try {
      const input: CreateInstanceInput = {
        engine: 'mariadb',
        name: `${name}2`,
        tag: '10.11',
        image: fake,
        hostPort: await freePort(),
        password,
        persistData: true,
        exposeOnNetwork: false,
      };
      let other = await up(input);
      await sql(other, 'CREATE DATABASE kept; CREATE TABLE kept.t (n INT); INSERT INTO kept.t VALUES (7)');
      await expect(dockbase.upgrades.upgrade(other, '11.8', { readyTimeoutMs: 8_000 })).rejects.toThrow(
        /The upgrade to 11\.8 failed and was undone\. .* runs MariaDB 10\.11 again, with its data as it was\./,
      );
      other = await dockbase.lifecycle.get(other.id);
      expect(other).toMatchObject({ tag: '10.11', status: 'running', name: `${name}2` });
      expect(await sql(other, 'SELECT n FROM kept.t')).toBe('7');
      expect(await dockbase.upgrades.rollbackPoints(other.id)).toEqual([]);
      const names = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n');
      expect(names.filter((n) => n.startsWith(`${name}2`))).toEqual([`${name}2`]);
    } finally {
      await cleanup(`${name}2`);
      await docker('rmi', `${fake}:11.8`, `${fake}:10.11`);
    }
  });
});

// Redis 7.0 → 8.0, and Valkey 8.0 (bookworm-backports) → 8.1: the same family, each with its own version field.
describe.each([
  { engine: 'redis', image: REDIS_REAL_IMAGE, from: '7.0', to: '8.0', field: 'redis_version' },
  { engine: 'valkey', image: VALKEY_TEST_IMAGE, from: '8.0', to: '8.1', field: 'valkey_version' },
] as const)('$engine $from → $to on real servers', ({ engine, image, from, to, field }) => {
  const name = `${prefix}-${engine}`;
  const major = (tag: string) => new RegExp(`^${tag.replace('.', '\\.')}\\.`);
  let instance: Instance;
  let original: string;
  let point: RollbackPoint;
  const fingerprint = (i: Instance) =>
    withRedis(i.hostPort, password, async (r) => {
      const out: string[] = [];
      for (let n = 0; n < 300; n += 7) {
        const v = await r.command('GET', `key:${n}`);
        out.push(v.ok ? String(v.value) : 'ERR');
      }
      const size = await r.command('DBSIZE');
      const list = await r.command('LLEN', 'queue');
      return `${size.ok ? size.value : '?'}|${list.ok ? list.value : '?'}|${out.join(',')}`;
    });
  const version = (i: Instance) =>
    withRedis(i.hostPort, password, async (r) => {
      const info = await r.command('INFO', 'server');
      return info.ok ? new RegExp(`${field}:([\\d.]+)`).exec(String(info.value))?.[1] : info.error;
    });

  it(`writes keys into ${engine} ${from} (append-only)`, async () => {
    const input: CreateInstanceInput = {
      engine,
      name,
      tag: from,
      image,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
    };
    instance = await up(input);
    await withRedis(instance.hostPort, password, async (r) => {
      for (let n = 0; n < 300; n++) await r.command('SET', `key:${n}`, `value ${n} ${'x'.repeat(n)}`);
      await r.command('RPUSH', 'queue', 'a', 'b', 'c');
    });
    original = await fingerprint(instance);
    expect(original).toMatch(/^301\|3\|/);
    expect(await version(instance)).toMatch(major(from));
  });

  it(`upgrades in place: the same AOF loads in ${to}, which reports ${to}`, async () => {
    const result = await dockbase.upgrades.upgrade(instance, to);
    expect(result).toMatchObject({ method: 'in-place', serverVersion: expect.stringMatching(major(to)), rollbackPoint: { tag: from, upgradeTo: to } });
    const upgraded = await dockbase.lifecycle.get(instance.id);
    expect(upgraded).toMatchObject({ id: instance.id, tag: to, hostPort: instance.hostPort, volumes: [`dockbase-${name}-data`] });
    expect(await version(upgraded)).toMatch(major(to));
    expect(await fingerprint(upgraded)).toBe(original);
    point = result.rollbackPoint;
    instance = upgraded;
  });

  it(`rolls back to ${from} with its data (it gets its own copy back, not what ${to} wrote)`, async () => {
    await withRedis(instance.hostPort, password, (r) => r.command('SET', 'written-on', to));
    await dockbase.upgrades.rollback(instance, point);
    const back = await dockbase.lifecycle.get(instance.id);
    expect(back).toMatchObject({ tag: from, status: 'running' });
    expect(await version(back)).toMatch(major(from));
    expect(await fingerprint(back)).toBe(original);
    instance = back;
  });

  it('a stopped instance is upgraded and stays stopped', async () => {
    await dockbase.lifecycle.stop(instance);
    const stopped = await dockbase.lifecycle.get(instance.id);
    await dockbase.upgrades.upgrade(stopped, to);
    const after = await dockbase.lifecycle.get(instance.id);
    expect(after).toMatchObject({ tag: to, status: 'exited' });
    await dockbase.lifecycle.start(after);
    const ready = await dockbase.readiness.waitUntilReady(after, { restarted: true });
    expect(await fingerprint(ready)).toBe(original);
  });

  it('never put the password in a docker argv', () => {
    expect(argvs.filter((a) => a.some((x) => x.includes(password)))).toEqual([]);
  });
});
