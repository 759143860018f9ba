import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEngine, keptDataForName, type Instance } from '@dockbase/core';
import { dockbase, ensureCliBuilt } from '../support/cli';
import { ensureTestImage } from '../support/data-safety';
import { freePort, realDocker } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG } from '../support/images';

// Issue 29 on a REAL PostgreSQL 17 (Debian's): the settings an instance has when it is deleted keeping its data,
// edits included, come back with Re-create (the create form's prefill from the kept data, and the CLI's create
// on that data without --setting), and the server runs with them.
const { dockbase: core, docker, cleanup } = realDocker();
const prefix = `dbt-keptset-${process.pid}`;
const name = `${prefix}-pg`;
const password = 'kept settings pw';
const pg = getEngine('postgres');

const psql = async (i: Instance, sql: string) => (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();
const ready = async (i: Instance) => core.readiness.waitUntilReady(await core.lifecycle.get(i.id), { timeoutMs: 120_000 });
const keptOf = async () => keptDataForName(await core.keptData.list(), name, pg, POSTGRES_TEST_TAG);

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}`);
}, 180_000);
afterAll(() => cleanup(prefix));

describe('settings kept with the data of a deleted instance', () => {
  it('create with max_connections, edit it, delete keeping the data: Re-create offers the edited value and the server runs with it', async () => {
    let instance = await core.creation.create(
      {
        engine: 'postgres',
        name,
        image: POSTGRES_TEST_IMAGE,
        tag: POSTGRES_TEST_TAG,
        hostPort: await freePort(),
        password,
        persistData: true,
        exposeOnNetwork: false,
        settings: { max_connections: '42' },
      },
      { start: true },
    );
    instance = await ready(instance);
    await psql(instance, 'CREATE TABLE kept (id int); INSERT INTO kept SELECT generate_series(1, 10)');
    const { instance: edited } = await core.editing.edit(await core.lifecycle.get(instance.id), { settings: { max_connections: '57', work_mem: '9MB' } });
    instance = await ready(edited);
    expect(await psql(instance, 'SHOW max_connections')).toBe('57');

    await core.lifecycle.remove(await core.lifecycle.get(instance.id));
    const kept = await keptOf();
    // The edited settings, not the ones the data volume was made with.
    expect(kept).toMatchObject({ instanceName: name, settings: { max_connections: '57', work_mem: '9MB' }, volumes: [`dockbase-${name}-data`] });

    // What Re-create does: the form is filled from the kept data and submitted.
    let again = await core.creation.create(
      {
        engine: 'postgres',
        name,
        image: POSTGRES_TEST_IMAGE,
        tag: kept!.tag,
        hostPort: kept!.hostPort ?? (await freePort()),
        password,
        persistData: true,
        exposeOnNetwork: false,
        ...(kept!.settings ? { settings: { ...kept!.settings } } : {}),
      },
      { start: true },
    );
    again = await ready(again);
    expect(await psql(again, 'SHOW max_connections')).toBe('57');
    expect(await psql(again, 'SHOW work_mem')).toBe('9MB');
    expect(await psql(again, 'SELECT count(*) FROM kept')).toBe('10');
    // The marker went with the reuse: nothing of this name is listed as kept any more.
    expect(await keptOf()).toBeUndefined();
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=${name}`)).split('\n').filter(Boolean)).toEqual([`dockbase-${name}-data`]);
  });

  it('the CLI’s create on that data, without --setting, starts the server with the settings it had when deleted', async () => {
    const bin = await ensureCliBuilt();
    const current = (await core.lifecycle.list()).find((i) => i.name === name)!;
    const { instance: edited } = await core.editing.edit(current, { settings: { max_connections: '61' } });
    await ready(edited);
    await core.lifecycle.remove(await core.lifecycle.get(edited.id));
    expect((await keptOf())?.settings).toEqual({ max_connections: '61' });

    const r = await dockbase(
      [
        'create',
        'postgres',
        '--name',
        name,
        '--version',
        POSTGRES_TEST_TAG,
        '--image',
        POSTGRES_TEST_IMAGE,
        '--port',
        String(await freePort()),
        '--password-stdin',
      ],
      { bin, stdin: `${password}\n`, timeoutMs: 180_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('with the settings it had when it was deleted: max_connections=61');
    const made = await ready((await core.lifecycle.list()).find((i) => i.name === name)!);
    expect(made.settings).toEqual({ max_connections: '61' });
    expect(await psql(made, 'SHOW max_connections')).toBe('61');
    expect(await psql(made, 'SELECT count(*) FROM kept')).toBe('10');
  }, 300_000);
});
