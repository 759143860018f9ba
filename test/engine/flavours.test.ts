import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImage, DockerRunner, type CreateInstanceInput, type Instance } from '@dockbase/core';
import fs from 'node:fs';
import { HOSTILE_PASSWORD, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, REGISTRY } from '../support/images';
import { dockbase as cliRun, dockbaseJson, ensureCliBuilt } from '../support/cli';

// PostgreSQL flavours on REAL servers: Debian's postgresql-17-pgvector and postgresql-15/17-postgis-3 in images
// tagged like the official pgvector/pgvector and postgis/postgis (scripts/test-images), given as the instance's
// repository (a mirror of the flavour's image): the flavour's tag rule applies to them as to the official ones.
const { cli, dockbase, docker, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-flavour-${process.pid}`;
const password = HOSTILE_PASSWORD;
const PGVECTOR = `${REGISTRY}/dockbase-test/pgvector-debian`;
const POSTGIS = `${REGISTRY}/dockbase-test/postgis-debian`;
const TIMESCALE = `${REGISTRY}/dockbase-test/timescaledb-debian`;
const TIMESCALE_TAG = '2.19.3-pg17';

const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();
const labelsOf = async (i: Instance) => JSON.parse(await docker('inspect', '--format', '{{json .Config.Labels}}', i.containerId)) as Record<string, string>;

beforeAll(async () => {
  await cleanup(prefix);
  for (const ref of [`${PGVECTOR}:pg17`, `${POSTGIS}:15-3.3`, `${POSTGIS}:17-3.5`, `${TIMESCALE}:${TIMESCALE_TAG}`]) await ensureTestImage(ref);
}, 300_000);
afterAll(async () => {
  await cleanup(prefix);
  for (const s of await dockbase.snapshots.list()) if (s.instanceName.startsWith(prefix)) await dockbase.snapshots.remove(s);
});

const input = async (name: string, flavour: string, image: string, tag: string): Promise<CreateInstanceInput> => ({
  engine: 'postgres',
  flavour,
  name: `${prefix}-${name}`,
  tag,
  image,
  hostPort: await freePort(),
  password,
  persistData: true,
  exposeOnNetwork: false,
});

describe('pgvector 17', () => {
  let instance: Instance;
  let cloneId = '';
  const nearest = "SELECT string_agg(id::text, ',' ORDER BY embedding <-> '[1,1,1]', id) FROM (SELECT * FROM items ORDER BY embedding <-> '[1,1,1]' LIMIT 3) t";

  it('is created with its flavour recorded on the container, and its data folder is the named volume (pg17 is PostgreSQL 17)', async () => {
    instance = await up(await input('vec', 'pgvector', PGVECTOR, 'pg17'));
    expect(instance).toMatchObject({ flavour: 'pgvector', image: PGVECTOR, tag: 'pg17', volumes: [`dockbase-${prefix}-vec-data`] });
    expect(await labelsOf(instance)).toMatchObject({ 'io.dockbase.flavour': 'pgvector', 'io.dockbase.tag': 'pg17' });
    expect(await docker('inspect', '--format', '{{range .Mounts}}{{.Name}}={{.Destination}} {{end}}', instance.containerId)).toContain(
      `dockbase-${prefix}-vec-data=/var/lib/postgresql/data`,
    );
    expect((await dockbase.lifecycle.get(instance.id)).flavour).toBe('pgvector');
    // Its data volume records it as well: a re-create of the kept data offers the flavour again.
    const volume = JSON.parse(await docker('volume', 'inspect', '--format', '{{json .Labels}}', `dockbase-${prefix}-vec-data`)) as Record<string, string>;
    expect(volume['io.dockbase.flavour']).toBe('pgvector');
  });

  it('CREATE EXTENSION vector, rows inserted and queried by distance', async () => {
    await psql(instance, 'CREATE EXTENSION vector');
    await psql(instance, 'CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))');
    await psql(instance, "INSERT INTO items VALUES (1, '[1,2,3]'), (2, '[4,5,6]'), (3, '[1,1,2]'), (4, '[9,9,9]'), (5, '[0,1,1]')");
    expect(await psql(instance, nearest)).toBe('3,5,1');
    expect(await psql(instance, "SELECT round((embedding <-> '[1,1,1]')::numeric, 3) FROM items WHERE id = 3")).toBe('1.000');
  });

  it('snapshot, rows deleted, restore: the vectors and the extension are back; a clone keeps the flavour', async () => {
    const snapshot = await dockbase.snapshots.take(instance, { name: 'vectors' });
    expect(snapshot).toMatchObject({ flavour: 'pgvector', tag: 'pg17' });
    await psql(instance, 'DELETE FROM items WHERE id IN (3, 5)');
    expect(await psql(instance, nearest)).toBe('1,2,4');
    await dockbase.snapshots.restore(await dockbase.lifecycle.get(instance.id), snapshot);
    instance = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { restarted: true });
    expect(instance.flavour).toBe('pgvector');
    expect(await psql(instance, nearest)).toBe('3,5,1');
    expect(await psql(instance, "SELECT extversion FROM pg_extension WHERE extname = 'vector'")).toMatch(/^\d+\.\d+/);

    const clone = await dockbase.readiness.waitUntilReady(
      await dockbase.snapshots.clone(snapshot, { name: `${prefix}-vec2`, hostPort: await freePort(), password, exposeOnNetwork: false }, { start: true }),
    );
    expect(clone).toMatchObject({ flavour: 'pgvector', image: PGVECTOR, tag: 'pg17' });
    cloneId = clone.id;
    expect(await psql(clone, nearest)).toBe('3,5,1');
  });

  it('export, then import into the clone whose rows were deleted: the extension and the vectors come back', async () => {
    const folder = tempDir('dockbase-flavour-');
    try {
      const exported = await dockbase.backups.export(instance, { directory: folder });
      expect(fs.readFileSync(exported.file, 'utf8')).toMatch(/CREATE EXTENSION IF NOT EXISTS vector/);
      const clone = await dockbase.lifecycle.get(cloneId);
      await psql(clone, 'DROP TABLE items; DROP EXTENSION vector');
      await dockbase.backups.import(clone, exported.file);
      expect(await psql(clone, nearest)).toBe('3,5,1');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('an edit (another port) keeps the flavour', async () => {
    const result = await dockbase.editing.edit(instance, { hostPort: await freePort() });
    instance = await dockbase.readiness.waitUntilReady(result.instance);
    expect(instance.flavour).toBe('pgvector');
    expect(await labelsOf(instance)).toMatchObject({ 'io.dockbase.flavour': 'pgvector' });
    expect(await psql(instance, nearest)).toBe('3,5,1');
  });

  it('refuses an upgrade to a pgvector tag with no image (pg18) before anything stops, naming the tag that exists', async () => {
    await expect(dockbase.upgrades.upgrade(instance, 'pg18')).rejects.toMatchObject({
      code: 'image-not-found',
      message: expect.stringMatching(/pgvector-debian:pg18 was not found in its registry\. Nearest tags that do: pg17\. Nothing was changed/),
    });
    // A tag of another form is not pgvector's: refused with the form its tags take.
    await expect(dockbase.upgrades.upgrade(instance, '18')).rejects.toMatchObject({ message: expect.stringMatching(/pgvector images are tagged like pg17/) });
    expect(await dockbase.lifecycle.get(instance.id)).toMatchObject({ containerId: instance.containerId, status: 'running' });
  });

  it('the plain PostgreSQL 17 image has no pgvector: the flavour is what brings it', async () => {
    const { flavour: _none, ...plainInput } = await input('plain', 'pgvector', POSTGRES_TEST_IMAGE, '17');
    const plain = await up(plainInput);
    expect(plain.flavour).toBeUndefined();
    await expect(psql(plain, 'CREATE EXTENSION vector')).rejects.toThrow(/extension "vector" is not available|could not open extension control file/);
  });
});

describe('PostGIS 15 → 17', () => {
  let instance: Instance;
  const places = async (i: Instance) =>
    psql(
      i,
      "SELECT count(*) || ':' || string_agg(name || '=' || ST_AsText(geom), ',' ORDER BY id) || ':' || round(sum(ST_Area(area::geography))::numeric) FROM places",
      'maps',
    );

  let original: string;

  it('creates PostGIS 15 (tag 15-3.3) and writes geometry rows', async () => {
    instance = await up(await input('gis', 'postgis', POSTGIS, '15-3.3'));
    expect(instance).toMatchObject({ flavour: 'postgis', tag: '15-3.3' });
    await psql(instance, 'CREATE DATABASE maps');
    await psql(instance, 'CREATE EXTENSION postgis', 'maps');
    await psql(
      instance,
      `CREATE TABLE places (id int PRIMARY KEY, name text, geom geometry(Point, 4326), area geometry(Polygon, 4326));
       INSERT INTO places VALUES
         (1, 'Zurich', ST_SetSRID(ST_MakePoint(8.5417, 47.3769), 4326), ST_MakeEnvelope(8.5, 47.3, 8.6, 47.4, 4326)),
         (2, 'Lisbon', ST_SetSRID(ST_MakePoint(-9.1393, 38.7223), 4326), ST_MakeEnvelope(-9.2, 38.7, -9.1, 38.8, 4326));
       CREATE INDEX ON places USING gist (geom)`,
      'maps',
    );
    original = await places(instance);
    expect(original).toMatch(/^2:Zurich=POINT\(8\.5417 47\.3769\),Lisbon=POINT\(-9\.1393 38\.7223\):\d+$/);
    expect(await psql(instance, 'SELECT postgis_full_version()', 'maps')).toMatch(/POSTGIS="3\.3/);
  });

  it('refuses PostGIS 18 (no image in the registry) before anything stops', async () => {
    await expect(dockbase.upgrades.upgrade(instance, '18-3.6')).rejects.toMatchObject({
      code: 'image-not-found',
      message: expect.stringMatching(
        /postgis-debian:18-3\.6 was not found in its registry\. Nearest tags that do: 17-3\.5.*Nothing was changed: .* runs PostgreSQL 15-3\.3 as before\.$/,
      ),
    });
    expect(await dockbase.lifecycle.get(instance.id)).toMatchObject({ containerId: instance.containerId, status: 'running', tag: '15-3.3' });
  });

  let pointId = '';
  it('upgrades to PostGIS 17 (17-3.5): rows counted, then the extension versions compared; the geometry is the same', async () => {
    const result = await dockbase.upgrades.upgrade(instance, '17-3.5');
    expect(result).toMatchObject({ from: '15-3.3', to: '17-3.5', method: 'dump-restore', serverVersion: '17' });
    expect(result.extensions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ database: 'maps', name: 'postgis', before: expect.stringMatching(/^3\.3/), after: expect.stringMatching(/^3\.5/) }),
      ]),
    );
    pointId = result.rollbackPoint.id;
    const upgraded = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id));
    expect(upgraded).toMatchObject({ flavour: 'postgis', image: POSTGIS, tag: '17-3.5', volumes: [`dockbase-${prefix}-gis-data-17`] });
    expect(await labelsOf(upgraded)).toMatchObject({ 'io.dockbase.flavour': 'postgis' });
    expect(await places(upgraded)).toBe(original);
    expect(await psql(upgraded, 'SELECT postgis_full_version()', 'maps')).toMatch(/POSTGIS="3\.5/);
    expect(await psql(upgraded, 'SHOW server_version_num')).toMatch(/^17/);
    instance = upgraded;
  });

  it('rolls back to PostGIS 15 with its data and its flavour', async () => {
    const point = (await dockbase.upgrades.rollbackPoints(instance.id)).find((p) => p.id === pointId)!;
    expect(point).toMatchObject({ flavour: 'postgis', tag: '15-3.3', upgradeTo: '17-3.5' });
    await dockbase.upgrades.rollback(instance, point);
    const back = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id));
    expect(back).toMatchObject({ flavour: 'postgis', tag: '15-3.3', volumes: [`dockbase-${prefix}-gis-data`] });
    expect(await places(back)).toBe(original);
    expect(await psql(back, 'SELECT postgis_full_version()', 'maps')).toMatch(/POSTGIS="3\.3/);
  });
});

describe('TimescaleDB on PostgreSQL 17', () => {
  it('a hypertable, rows bucketed by time, kept by a snapshot and its restore', async () => {
    let instance = await up(await input('ts', 'timescaledb', TIMESCALE, TIMESCALE_TAG));
    expect(instance).toMatchObject({ flavour: 'timescaledb', tag: TIMESCALE_TAG, volumes: [`dockbase-${prefix}-ts-data`] });
    await psql(instance, 'CREATE EXTENSION IF NOT EXISTS timescaledb');
    await psql(instance, "CREATE TABLE metrics (at timestamptz NOT NULL, v int); SELECT create_hypertable('metrics', 'at')");
    await psql(instance, "INSERT INTO metrics SELECT '2026-01-01'::timestamptz + g * interval '10 minutes', g FROM generate_series(0, 35) g");
    const buckets = "SELECT string_agg(n::text, ',' ORDER BY b) FROM (SELECT time_bucket('1 hour', at) b, count(*) n FROM metrics GROUP BY 1) t";
    expect(await psql(instance, buckets)).toBe('6,6,6,6,6,6');
    const snapshot = await dockbase.snapshots.take(instance, { name: 'series' });
    await psql(instance, 'DELETE FROM metrics');
    await dockbase.snapshots.restore(await dockbase.lifecycle.get(instance.id), snapshot);
    instance = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { restarted: true });
    expect(instance.flavour).toBe('timescaledb');
    expect(await psql(instance, buckets)).toBe('6,6,6,6,6,6');
  });
});

describe('the image check against a real registry', () => {
  const runner = new DockerRunner(cli);

  it('a tag made for linux/amd64 only is not for linux/arm64; for linux/amd64 it exists', async () => {
    const arm = await checkImage(runner, `${POSTGRES_TEST_IMAGE}:17`, { platform: 'linux/arm64', candidates: [{ name: '15' }, { name: '16' }] });
    expect(arm).toMatchObject({ verdict: 'not-for-platform', platforms: ['linux/amd64'], nearest: [] });
    expect(arm.message).toBe(
      `${POSTGRES_TEST_IMAGE}:17 has no image for this machine's platform (linux/arm64), only for linux/amd64. No nearby tag has linux/arm64 either.`,
    );
    expect(await checkImage(runner, `${POSTGRES_TEST_IMAGE}:17`, { platform: 'linux/amd64' })).toMatchObject({ verdict: 'available' });
  });

  it('a missing tag names the nearest that exist for this platform', async () => {
    const check = await checkImage(runner, `${POSTGRES_TEST_IMAGE}:16`, {
      platform: 'linux/amd64',
      candidates: ['18', '17', '15', '14'].map((name) => ({ name })),
    });
    expect(check).toMatchObject({ verdict: 'missing', nearest: ['17', '15'] });
    expect(check.message).toBe(`Image ${POSTGRES_TEST_IMAGE}:16 was not found in its registry. Nearest tags that do: 17, 15.`);
  });

  it('without a registry, says it could not be checked (and create goes on to the pull, which fails on its own)', async () => {
    const check = await checkImage(runner, '127.0.0.1:5999/nothing/postgres:17', { platform: 'linux/amd64' });
    expect(check).toMatchObject({ verdict: 'unchecked' });
    expect(check.message).toMatch(
      /^Dockbase could not check 127\.0\.0\.1:5999\/nothing\/postgres:17 in its registry \(.*connection refused.*\); the download will say whether it exists\.$/,
    );
  });
});

describe('the CLI', () => {
  const name = `${prefix}-clivec`;

  it('`dockbase create postgres --flavour pgvector` makes a pgvector instance; `list` and `list --json` show the flavour', async () => {
    await ensureCliBuilt();
    const port = await freePort();
    const made = await dockbaseJson<{ name: string; flavour?: string; version: string; ready: boolean }>(
      ['create', 'postgres', '--flavour', 'pgvector', '--image', PGVECTOR, '--name', name, '--port', String(port), '--password-stdin'],
      { stdin: password },
    );
    expect(made).toMatchObject({ name, flavour: 'pgvector', version: 'pg17', ready: true });
    const listed = await dockbaseJson<Array<{ name: string; flavour?: string; engine: string }>>(['list', name]);
    expect(listed).toEqual([expect.objectContaining({ name, engine: 'postgres', flavour: 'pgvector' })]);
    const table = await cliRun(['list', name]);
    expect(table.stdout).toMatch(new RegExp(`${name}\\s+PostgreSQL \\(pgvector\\)\\s+pg17\\s`));
    // A plain instance has no flavour key at all.
    expect(Object.keys((await dockbaseJson<object[]>(['list', `${prefix}-plain`]))[0]!)).not.toContain('flavour');
  }, 180_000);

  it('refuses an unknown flavour and a tag that is not the flavour’s, before anything is made', async () => {
    const bad = await cliRun(['create', 'postgres', '--flavour', 'pgvectr', '--name', `${prefix}-bad`, '--generate-password']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/“pgvectr” is not a flavour of PostgreSQL: choose pgvector, postgis, timescaledb/);
    const tag = await cliRun(['create', 'postgres', '--flavour', 'postgis', '--version', '17', '--name', `${prefix}-bad`, '--generate-password']);
    expect(tag.stderr).toMatch(/PostGIS images are tagged like 17-3\.5/);
    expect(await docker('ps', '--all', '--filter', `name=${prefix}-bad`, '--format', '{{.Names}}')).toBe('');
  });
});

describe('secrets', () => {
  it('never put the password in a docker argv', () => {
    expect(argvs.filter((a) => a.some((x) => x.includes(password)))).toEqual([]);
  });
});
