import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsWithPreload, type CreateInstanceInput, type Instance } from '@dockbase/core';
import { dockbase, dockbaseJson, ensureCliBuilt } from '../support/cli';
import { ensureTestImage } from '../support/data-safety';
import { freePort, realDocker } from '../support/dockbase';
import { MARIADB_TEST_IMAGE, MARIADB_TEST_TAG, POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG, REDIS_TEST_IMAGE, REDIS_TEST_TAG, REGISTRY } from '../support/images';

// Server settings and PostgreSQL's extensions on REAL servers (Debian's PostgreSQL 17, TimescaleDB 2.19 on
// PostgreSQL 17, Debian's Redis): a setting reaches the server at create and in Edit, survives a restart, a
// rejected one rolls the edit back with the server's own words and the data intact; pg_stat_statements works
// only once its library is preloaded through the settings; a TimescaleDB hypertable survives a restart.
const { dockbase: core, docker, cleanup } = realDocker();
const prefix = `dbt-settings-${process.pid}`;
const password = 'settings pw';
const TIMESCALE_IMAGE = `${REGISTRY}/dockbase-test/timescaledb-debian`;
const TIMESCALE_TAG = '2.19.3-pg17';

const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();
const fresh = (i: Instance) => core.lifecycle.get(i.id);
const ready = async (i: Instance) => core.readiness.waitUntilReady(await fresh(i), { timeoutMs: 120_000 });

beforeAll(async () => {
  await cleanup(prefix);
  for (const ref of [
    `${REDIS_TEST_IMAGE}:8.0`,
    `${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}`,
    `${TIMESCALE_IMAGE}:${TIMESCALE_TAG}`,
    `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`,
  ])
    await ensureTestImage(ref);
}, 180_000);
afterAll(() => cleanup(prefix));

describe('server settings on PostgreSQL 17', () => {
  let instance: Instance;

  it('starts with the settings chosen at create; list shows them', async () => {
    const input: CreateInstanceInput = {
      engine: 'postgres',
      name: `${prefix}-pg`,
      image: POSTGRES_TEST_IMAGE,
      tag: POSTGRES_TEST_TAG,
      hostPort: await freePort(),
      password,
      persistData: true,
      exposeOnNetwork: false,
      settings: { work_mem: '12MB', max_connections: '42' },
    };
    instance = await ready(await core.creation.create(input, { start: true }));
    expect(await psql(instance, 'SHOW work_mem')).toBe('12MB');
    expect(await psql(instance, 'SHOW max_connections')).toBe('42');
    expect((await core.lifecycle.list()).find((i) => i.id === instance.id)?.settings).toEqual({ work_mem: '12MB', max_connections: '42' });
    await psql(instance, 'CREATE TABLE kept (id int PRIMARY KEY, body text); INSERT INTO kept SELECT g, md5(g::text) FROM generate_series(1, 500) g');
  });

  it('a setting that breaks the contract is refused before anything changes, with the reason', async () => {
    const before = (await fresh(instance)).containerId;
    await expect(core.editing.edit(await fresh(instance), { settings: { port: '5433' } })).rejects.toMatchObject({
      code: 'invalid-input',
      fields: { settings: expect.stringMatching(/refuses port: .*Port field/) },
    });
    expect((await fresh(instance)).containerId).toBe(before);
  });

  it('pg_stat_statements is refused until its library is preloaded; the settings edit preloads it and Enable then works', async () => {
    let view = await core.extensions.list(await fresh(instance));
    const pss = view.extensions.find((e) => e.name === 'pg_stat_statements');
    expect(pss).toMatchObject({ preload: 'pg_stat_statements', preloaded: false, installed: [] });
    expect(view.databases).toContain('postgres');
    await expect(core.extensions.enable(await fresh(instance), { extension: 'pg_stat_statements', database: 'postgres' })).rejects.toThrow(
      /needs the library pg_stat_statements in shared_preload_libraries/,
    );
    // An extension or database the server does not list is refused, whatever it holds.
    await expect(core.extensions.enable(await fresh(instance), { extension: 'x"; DROP TABLE kept; --', database: 'postgres' })).rejects.toThrow(
      /no extension named/,
    );

    const settings = settingsWithPreload(await fresh(instance), view, 'pg_stat_statements');
    const { changes } = await core.editing.edit(await fresh(instance), { settings });
    expect(changes).toEqual(['setting shared_preload_libraries=pg_stat_statements']);
    instance = await ready(instance);
    expect(await psql(instance, 'SHOW shared_preload_libraries')).toBe('pg_stat_statements');
    expect(await psql(instance, 'SHOW work_mem')).toBe('12MB');

    view = await core.extensions.enable(await fresh(instance), { extension: 'pg_stat_statements', database: 'postgres' });
    expect(view.extensions.find((e) => e.name === 'pg_stat_statements')).toMatchObject({ preloaded: true, installed: [{ database: 'postgres' }] });
    expect(Number(await psql(instance, 'SELECT count(*) FROM pg_stat_statements'))).toBeGreaterThan(0);
  });

  it('a setting the server rejects at start: its own words in the error, the previous settings back, the data intact', async () => {
    const previous = (await fresh(instance)).settings;
    const edit = core.editing.edit(await fresh(instance), { settings: { ...previous, shared_preload_libraries: 'pg_stat_statements,no_such_library' } });
    await expect(edit).rejects.toThrow(/could not access file "no_such_library"/);
    await expect(edit).rejects.toThrow(/Nothing was changed/);
    instance = await ready(instance);
    expect(instance.settings).toEqual(previous);
    expect(await psql(instance, 'SHOW shared_preload_libraries')).toBe('pg_stat_statements');
    expect(await psql(instance, "SELECT count(*) || ':' || md5(string_agg(body, ',' ORDER BY id)) FROM kept")).toBe(
      await psql(instance, "SELECT 500 || ':' || md5(string_agg(md5(g::text), ',' ORDER BY g)) FROM generate_series(1, 500) g"),
    );
  });

  it('the settings survive a restart', async () => {
    await core.lifecycle.restart(await fresh(instance));
    instance = await ready(instance);
    expect(await psql(instance, 'SHOW shared_preload_libraries')).toBe('pg_stat_statements');
    expect(await psql(instance, 'SHOW max_connections')).toBe('42');
  });
});

describe('TimescaleDB 17 with shared_preload_libraries', () => {
  it('a hypertable survives a restart, with the preload kept in the settings', async () => {
    let ts = await core.creation.create(
      {
        engine: 'postgres',
        name: `${prefix}-ts`,
        image: TIMESCALE_IMAGE,
        tag: TIMESCALE_TAG,
        hostPort: await freePort(),
        password,
        persistData: true,
        exposeOnNetwork: false,
        // The image's configuration already preloads timescaledb; the setting adds pg_stat_statements and must
        // keep timescaledb (a -c replaces the file's value).
        settings: { shared_preload_libraries: 'timescaledb,pg_stat_statements' },
      },
      { start: true },
    );
    ts = await ready(ts);
    let view = await core.extensions.list(await fresh(ts));
    expect(view.preloadLibraries).toEqual(['timescaledb', 'pg_stat_statements']);
    // The image installs timescaledb in its first database (and template1), as the official image does: the card shows it.
    expect(view.extensions.find((e) => e.name === 'timescaledb')).toMatchObject({
      preload: 'timescaledb',
      preloaded: true,
      installed: [{ database: 'postgres', version: expect.stringMatching(/^2\./) }],
    });
    // The library the setting added works: Enable creates its extension.
    view = await core.extensions.enable(await fresh(ts), { extension: 'pg_stat_statements', database: 'postgres' });
    expect(view.extensions.find((e) => e.name === 'pg_stat_statements')?.installed).toEqual([{ database: 'postgres', version: expect.any(String) }]);
    await psql(
      ts,
      "CREATE TABLE metrics (at timestamptz NOT NULL, v double precision); SELECT create_hypertable('metrics', 'at'); INSERT INTO metrics SELECT now() - g * interval '1 hour', g FROM generate_series(1, 1000) g",
    );
    await core.lifecycle.restart(await fresh(ts));
    ts = await ready(ts);
    expect(await psql(ts, "SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name = 'metrics'")).toBe('1');
    expect(await psql(ts, 'SELECT count(*) FROM metrics')).toBe('1000');
    expect(await psql(ts, 'SHOW shared_preload_libraries')).toBe('timescaledb,pg_stat_statements');
    expect(Number(await psql(ts, 'SELECT count(*) FROM pg_stat_statements'))).toBeGreaterThan(0);
  });
});

describe('server settings on Redis', () => {
  it('directives reach the server at create and survive an edit of something else', async () => {
    const port = await freePort();
    let r = await core.creation.create(
      {
        engine: 'redis',
        name: `${prefix}-redis`,
        image: REDIS_TEST_IMAGE,
        tag: REDIS_TEST_TAG,
        hostPort: port,
        password,
        persistData: true,
        exposeOnNetwork: false,
        settings: { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru', save: '900 1 300 10' },
      },
      { start: true },
    );
    r = await ready(r);
    const config = async (key: string) => (await docker('exec', r.containerId, 'redis-cli', 'CONFIG', 'GET', key)).trim().split('\n')[1];
    expect(await config('maxmemory')).toBe(String(64 * 1024 * 1024));
    expect(await config('maxmemory-policy')).toBe('allkeys-lru');
    expect(await config('save')).toBe('900 1 300 10');
    // Dockbase's own configuration is still there: the password and append-only persistence.
    expect(await config('appendonly')).toBe('yes');
    const { instance: edited } = await core.editing.edit(await fresh(r), { hostPort: await freePort() });
    r = await ready(edited);
    expect(r.settings).toEqual({ maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru', save: '900 1 300 10' });
    expect(await config('maxmemory-policy')).toBe('allkeys-lru');
  });

  it('an upgrade and a clone of a snapshot keep the settings', async () => {
    const chosen = { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru', save: '900 1 300 10' };
    let r = (await core.lifecycle.list()).find((i) => i.name === `${prefix}-redis`)!;
    const config = async (i: Instance, key: string) => (await docker('exec', i.containerId, 'redis-cli', 'CONFIG', 'GET', key)).trim().split('\n')[1];
    const result = await core.upgrades.upgrade(r, '8.0');
    expect(result).toMatchObject({ from: REDIS_TEST_TAG, to: '8.0' });
    r = await ready(r);
    expect(r).toMatchObject({ tag: '8.0', settings: chosen });
    expect(await config(r, 'maxmemory-policy')).toBe('allkeys-lru');

    const snapshot = await core.snapshots.take(r, { name: 'with settings' });
    expect(snapshot.settings).toEqual(chosen);
    const clone = await ready(
      await core.snapshots.clone(
        snapshot,
        { name: `${prefix}-clone`, hostPort: await freePort(), password: 'clone pw', exposeOnNetwork: false },
        { start: true },
      ),
    );
    expect(clone.settings).toEqual(chosen);
    expect(await config(clone, 'maxmemory')).toBe(String(64 * 1024 * 1024));
  });
});

describe('server settings on MariaDB', () => {
  it('--name=value options reach mariadbd, a bare name is a switch, and one it rejects rolls the edit back in its own words', async () => {
    let m = await core.creation.create(
      {
        engine: 'mariadb',
        name: `${prefix}-maria`,
        image: MARIADB_TEST_IMAGE,
        tag: MARIADB_TEST_TAG,
        hostPort: await freePort(),
        password,
        persistData: true,
        exposeOnNetwork: false,
        settings: { max_connections: '77', 'skip-name-resolve': '' },
      },
      { start: true },
    );
    m = await ready(m);
    const sql = async (i: Instance, q: string) =>
      (await docker('exec', i.containerId, 'sh', '-c', `MYSQL_PWD="$MARIADB_ROOT_PASSWORD" mariadb -uroot -N -B -e "${q}"`)).trim();
    expect(await sql(m, 'SELECT @@max_connections, @@skip_name_resolve')).toBe('77\t1');
    const edit = core.editing.edit(await fresh(m), { settings: { max_connections: '77', no_such_option: '1' } });
    await expect(edit).rejects.toThrow(/unknown variable 'no_such_option=1'|unknown option '--no_such_option/);
    m = await ready(m);
    expect(m.settings).toEqual({ max_connections: '77', 'skip-name-resolve': '' });
    expect(await sql(m, 'SELECT @@max_connections')).toBe('77');
  });
});

describe('server settings and extensions from the CLI', () => {
  const name = `${prefix}-cli`;

  it('create --setting, list --json, edit --setting/--unset-setting, extensions --enable --add-preload', async () => {
    await ensureCliBuilt();
    const port = await freePort();
    const made = await dockbaseJson<{ settings: Record<string, string> }>([
      'create',
      'postgres',
      '--name',
      name,
      '--port',
      String(port),
      '--image',
      POSTGRES_TEST_IMAGE,
      '--version',
      POSTGRES_TEST_TAG,
      '--setting',
      'work_mem=16MB',
      '--setting',
      'max_connections=50',
    ]);
    expect(made.settings).toEqual({ work_mem: '16MB', max_connections: '50' });
    const listed = await dockbaseJson<{ name: string; settings: Record<string, string> }[]>(['list']);
    expect(listed.find((i) => i.name === name)?.settings).toEqual({ work_mem: '16MB', max_connections: '50' });

    // A refused setting: exit 2 (bad input), the reason said, nothing changed.
    const refused = await dockbase(['edit', name, '--setting', 'data_directory=/tmp']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refuses data_directory: .*data folder/);

    const edited = await dockbaseJson<{ settings: Record<string, string>; changes: string[] }>([
      'edit',
      name,
      '--setting',
      'work_mem=32MB',
      '--unset-setting',
      'max_connections',
    ]);
    expect(edited.settings).toEqual({ work_mem: '32MB' });
    expect(edited.changes).toEqual(['setting work_mem 16MB → 32MB', 'setting max_connections removed']);

    const asked = await dockbase(['extensions', name, '--enable', 'pg_stat_statements', '--database', 'postgres']);
    expect(asked.code).not.toBe(0);
    expect(asked.stderr).toMatch(/--add-preload/);
    const enabled = await dockbase(['extensions', name, '--enable', 'pg_stat_statements', '--database', 'postgres', '--add-preload']);
    expect(enabled).toMatchObject({ code: 0, stdout: 'pg_stat_statements is enabled in postgres.\n' });
    expect(enabled.stderr).toMatch(/adding it to shared_preload_libraries and restarting/);
    const view = await dockbaseJson<{ extensions: { name: string; installed: { database: string }[]; preloaded: boolean }[] }>(['extensions', name]);
    expect(view.extensions.find((e) => e.name === 'pg_stat_statements')).toMatchObject({ preloaded: true, installed: [{ database: 'postgres' }] });
    const after = await dockbaseJson<{ name: string; settings: Record<string, string> }[]>(['list']);
    expect(after.find((i) => i.name === name)?.settings).toEqual({ work_mem: '32MB', shared_preload_libraries: 'pg_stat_statements' });
  });
});
