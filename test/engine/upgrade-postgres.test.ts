import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput, Instance, RollbackPoint, UpgradeProgress } from '@dockbase/core';
import { clientInside, ok, refused } from '../support/clients';
import fs from 'node:fs';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// PostgreSQL 15 → 17 on REAL servers (Debian's postgresql-15 and -17 with the official image's contract, both
// with the ≤17 data folder /var/lib/postgresql/data): every database and role copied by dump and restore into
// a new volume, the rows of every table counted on both sides, the old volume kept untouched as the rollback
// point; roll back to 15 with its data; a failed and a cancelled upgrade leave 15 running with its data. A
// hostile password throughout, in no docker argv.
const { dockbase, docker, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-pgup-${process.pid}`;
const password = HOSTILE_PASSWORD;
const name = `${prefix}-shop`;

/** SQL as the superuser over the container's trusted socket (no password needed, none in argv). */
const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();
/** Rows and a checksum of every table the test writes, in two databases, and the app role's password check. */
const fingerprint = async (i: Instance) =>
  [
    await psql(i, "SELECT count(*) || ':' || md5(string_agg(id || '/' || body, ',' ORDER BY id)) FROM items", 'shop'),
    await psql(i, "SELECT count(*) || ':' || md5(string_agg(k || '=' || v::text, ',' ORDER BY k)) FROM settings", 'shop'),
    await psql(i, 'SELECT count(*) FROM events', 'audit log'),
    await psql(i, "SELECT rolname FROM pg_roles WHERE rolname = 'app'"),
  ].join(' | ');
const major = async (i: Instance) => psql(i, 'SHOW server_version_num').then((v) => String(Math.floor(Number(v) / 10000)));

let instance: Instance;
let original: string;
let point: RollbackPoint;

beforeAll(async () => {
  await cleanup(prefix);
  for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
});
afterAll(() => cleanup(prefix));

describe('PostgreSQL 15 → 17 on real servers', () => {
  it('writes data into a PostgreSQL 15 instance: two databases (one with a space in its name), a role, JSON, 30 000 rows', async () => {
    const input: CreateInstanceInput = {
      engine: 'postgres',
      name,
      tag: '15',
      image: POSTGRES_REAL_IMAGE,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
    };
    instance = await up(input);
    await psql(instance, 'CREATE DATABASE shop');
    await psql(instance, 'CREATE DATABASE "audit log"');
    await psql(instance, "CREATE ROLE app LOGIN PASSWORD 'app secret'");
    await psql(
      instance,
      'CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, repeat(md5(g::text), 10) FROM generate_series(1, 30000) g; CREATE INDEX ON items (body)',
      'shop',
    );
    await psql(
      instance,
      `CREATE TABLE settings (k text PRIMARY KEY, v jsonb); INSERT INTO settings VALUES ('theme', '{"dark": true}'), ('quote', '"it''s"'); GRANT SELECT ON settings TO app`,
      'shop',
    );
    await psql(instance, 'CREATE TABLE events (at timestamptz DEFAULT now()); INSERT INTO events SELECT FROM generate_series(1, 42)', 'audit log');
    original = await fingerprint(instance);
    expect(original).toMatch(/^30000:\w+ \| 2:\w+ \| 42 \| app$/);
    expect(await major(instance)).toBe('15');
  });

  it('refuses a downgrade and an unknown version before touching anything', async () => {
    await expect(dockbase.upgrades.upgrade(instance, '14')).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/older than 15.*Roll back/),
    });
    await expect(dockbase.upgrades.upgrade(instance, 'latest')).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await dockbase.lifecycle.get(instance.id)).containerId).toBe(instance.containerId);
  });

  it('leaves 15 running with its data when the new image does not exist', async () => {
    await expect(dockbase.upgrades.upgrade(instance, '16')).rejects.toMatchObject({
      code: 'image-not-found',
      message: expect.stringMatching(/postgres-debian:16 was not found.*Nothing was changed: .* runs PostgreSQL 15 as before\.$/),
    });
    const now = await dockbase.lifecycle.get(instance.id);
    expect(now).toMatchObject({ containerId: instance.containerId, status: 'running', tag: '15' });
    expect(await fingerprint(now)).toBe(original);
  });

  it('cancelled while the two servers start: 15 runs again with its data, nothing is left behind', async () => {
    const abort = new AbortController();
    const run = dockbase.upgrades.upgrade(instance, '17', { signal: abort.signal, onProgress: (p) => (p.step === 'prepare' ? abort.abort() : undefined) });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: expect.stringMatching(/Nothing was changed/) });
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { restarted: true });
    expect(now).toMatchObject({ containerId: instance.containerId, tag: '15', volumes: [`dockbase-${name}-data`] });
    expect(await fingerprint(now)).toBe(original);
    const names = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n');
    expect(names.filter((n) => n.startsWith(`${name}-upgrade-`) || n.startsWith(`${name}-before-upgrade-`))).toEqual([]);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n').filter((v) => v.startsWith(`dockbase-${name}`));
    expect(volumes).toEqual([`dockbase-${name}-data`]);
  });

  it('upgrades to 17: every step reported, rows counted on both sides, same id, name, port and password', async () => {
    const steps: UpgradeProgress[] = [];
    const result = await dockbase.upgrades.upgrade(instance, '17', { onProgress: (p) => steps.push(p) });
    expect(result).toMatchObject({ from: '15', to: '17', method: 'dump-restore', serverVersion: '17', verified: { tables: 3, rows: 30044 } });
    expect([...new Set(steps.map((s) => s.step))]).toEqual(['pull', 'stop', 'prepare', 'copy', 'verify', 'switch', 'check']);
    expect(steps.filter((s) => s.step === 'copy').at(-1)?.totalBytes).toBeGreaterThan(1_000_000);

    const upgraded = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id));
    expect(upgraded).toMatchObject({
      id: instance.id,
      name,
      hostPort: instance.hostPort,
      bindAddress: '127.0.0.1',
      tag: '17',
      status: 'running',
      volumes: [`dockbase-${name}-data-17`],
    });
    expect(upgraded.containerId).not.toBe(instance.containerId);
    expect(await major(upgraded)).toBe('17');
    expect(await fingerprint(upgraded)).toBe(original);
    // The password carries over (it is in the data): the server's own client over TCP takes exactly it.
    expect(await ok(clientInside('postgres', upgraded.containerId, 5432, password, 'SELECT current_user'))).toBe('postgres');
    await expect(refused(clientInside('postgres', upgraded.containerId, 5432, `${password}x`, 'SELECT 1'))).resolves.toMatch(/password/);
    expect(await ok(clientInside('postgres', upgraded.containerId, 5432, 'app secret', 'SELECT current_user', 'app'))).toBe('app');
    // The connection string Dockbase gives still works.
    expect(decodeURIComponent(new URL((await dockbase.lifecycle.connection(upgraded)).uri).password)).toBe(password);
    instance = upgraded;
    point = result.rollbackPoint;
  });

  it('keeps the 15 volume untouched as the labelled rollback point, and leaves no worker or transfer volume', async () => {
    expect(point).toMatchObject({
      reason: 'before-upgrade',
      tag: '15',
      upgradeTo: '17',
      instanceId: instance.id,
      volumes: [{ volume: `dockbase-${name}-data` }],
    });
    expect(await dockbase.upgrades.rollbackPoints(instance.id)).toEqual([expect.objectContaining({ id: point.id, upgradeTo: '17' })]);
    const labels = JSON.parse(await docker('volume', 'inspect', '--format', '{{json .Labels}}', `dockbase-${name}-data`));
    expect(labels).toMatchObject({ 'io.dockbase.tag': '15', 'io.dockbase.engine': 'postgres' });
    const names = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n');
    expect(names.filter((n) => n.startsWith(name))).toEqual([name]);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}'))
      .split('\n')
      .filter((v) => v.startsWith(`dockbase-${name}`) && !v.includes('-snap-'));
    expect(volumes.sort()).toEqual([`dockbase-${name}-data`, `dockbase-${name}-data-17`]);
  });

  it('snapshots the upgraded instance (its data is in the new volume)', async () => {
    const snapshot = await dockbase.snapshots.take(instance, { name: 'on seventeen' });
    expect(snapshot).toMatchObject({ tag: '17', volumes: [{ key: 'data', path: '/var/lib/postgresql/data' }] });
    await dockbase.snapshots.remove(snapshot);
    instance = await dockbase.lifecycle.get(instance.id);
  });

  it('rolls back to 15 with the data from before the upgrade, keeping what 17 held', async () => {
    await psql(instance, 'INSERT INTO items VALUES (999999, $$written on 17$$)', 'shop');
    const changed = await fingerprint(instance);
    const result = await dockbase.upgrades.rollback(instance, point);
    expect(result).toMatchObject({ from: '17', to: '15', kept: { reason: 'before-rollback', tag: '17', volumes: [{ volume: `dockbase-${name}-data-17` }] } });
    const back = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id));
    expect(back).toMatchObject({ id: instance.id, name, tag: '15', hostPort: instance.hostPort, volumes: [`dockbase-${name}-data`] });
    expect(await major(back)).toBe('15');
    expect(await fingerprint(back)).toBe(original);
    // The rollback point is used up; what 17 held is a snapshot that can be cloned into a 17 instance.
    expect(await dockbase.upgrades.rollbackPoints(instance.id)).toEqual([]);
    const clone = await dockbase.snapshots.clone(
      result.kept,
      { name: `${prefix}-on17`, hostPort: await freePort(), password, exposeOnNetwork: false },
      { start: true },
    );
    expect(await fingerprint(await dockbase.readiness.waitUntilReady(clone))).toBe(changed);
    instance = back;
  });

  it('never put the password in a docker argv', () => {
    expect(argvs.filter((a) => a.some((x) => x.includes(password)))).toEqual([]);
  });
});

// An instance created with its own user and database (POSTGRES_USER, POSTGRES_DB) has no "postgres" role at
// all: exporting it and upgrading it must connect as its own superuser, and the upgraded instance keeps both.
describe('PostgreSQL 15 → 17 of an instance with its own user and database', () => {
  const own = `${prefix}-own`;
  const folder = tempDir('dockbase-pg-own-');
  const asApp = async (i: Instance, sql: string) => (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'app', '-d', 'shop', '-c', sql)).trim();
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('exports with pg_dumpall as that user, upgrades with the rows checked, and keeps the user, the database and the password', async () => {
    const input: CreateInstanceInput = {
      engine: 'postgres',
      name: own,
      tag: '15',
      image: POSTGRES_REAL_IMAGE,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
      user: 'app',
      database: 'shop',
    };
    const created = await up(input);
    expect(
      await docker(
        'exec',
        created.containerId,
        'psql',
        '-X',
        '-qtA',
        '-U',
        'app',
        '-d',
        'shop',
        '-c',
        "SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'",
      ),
    ).toBe('0\n');
    await asApp(created, "CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 500) g");

    const exported = await dockbase.backups.export(created, { directory: folder });
    expect(fs.readFileSync(exported.file, 'utf8')).toContain('CREATE TABLE public.orders');

    const result = await dockbase.upgrades.upgrade(created, '17');
    expect(result).toMatchObject({ from: '15', to: '17', method: 'dump-restore', serverVersion: '17', verified: { tables: 1, rows: 500 } });
    const upgraded = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(created.id));
    expect(upgraded).toMatchObject({ tag: '17', status: 'running', user: 'app', database: 'shop' });
    expect(await asApp(upgraded, "SELECT count(*) || ':' || max(note) FROM orders")).toBe('500:n99');
    expect(await ok(clientInside('postgres', upgraded.containerId, 5432, password, 'SELECT current_user', 'app'))).toBe('app');
    const uri = new URL((await dockbase.lifecycle.connection(upgraded)).uri);
    expect([uri.username, uri.pathname, decodeURIComponent(uri.password)]).toEqual(['app', '/shop', password]);
  });
});
