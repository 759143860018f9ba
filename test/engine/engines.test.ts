import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayStatus, type EngineId } from '@dockbase/core';
import { standinImage } from '../support/images';
import { realDocker, testPort } from '../support/dockbase';

// Each engine's create arguments on the real engine: secret, data mounts by version, port, healthcheck.
// The images are Dockbase's stand-ins (they check the admin secret like the official image and listen
// on the engine's port; their health tools probe that port), since official images cannot be pulled here.
const { dockbase, docker, leftovers, cleanup } = realDocker();
const prefix = `dbt-eng-${process.pid}`;

beforeAll(() => cleanup(prefix));
afterAll(() => cleanup(prefix));

const cases: Array<{ engine: Exclude<EngineId, 'redis'>; tag: string; secretEnv: string[]; mounts: string[] }> = [
  { engine: 'postgres', tag: '17', secretEnv: ['POSTGRES_PASSWORD'], mounts: ['/var/lib/postgresql/data'] },
  { engine: 'postgres', tag: '18', secretEnv: ['POSTGRES_PASSWORD'], mounts: ['/var/lib/postgresql'] },
  { engine: 'mysql', tag: '8.4', secretEnv: ['MYSQL_ROOT_PASSWORD'], mounts: ['/var/lib/mysql'] },
  { engine: 'mariadb', tag: '11.4', secretEnv: ['MARIADB_ROOT_PASSWORD'], mounts: ['/var/lib/mysql'] },
  { engine: 'mongo', tag: '8.2', secretEnv: ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD'], mounts: ['/data/db', '/data/configdb'] },
];

describe.each(cases)('$engine $tag', ({ engine, tag, secretEnv, mounts }) => {
  const name = `${prefix}-${engine}-${tag.replace('.', '')}`;
  const password = 'a "quoted" $secret with spaces';

  it('starts with its secret, mounts and port, answers its probe, and is deleted with its data', async () => {
    const port = testPort(5 + cases.findIndex((c) => c.engine === engine && c.tag === tag));
    let instance = await dockbase.creation.create(
      { engine, name, tag, image: standinImage(engine), hostPort: port, password, persistData: true, exposeOnNetwork: false },
      { start: true },
    );
    await dockbase.readiness.waitUntilReady(instance, { fresh: true });
    instance = await dockbase.lifecycle.get(instance.id);
    expect(instance).toMatchObject({ engine, tag, hostPort: port, status: 'running' });
    expect(displayStatus(instance, { serverAnswered: true })).toBe('healthy');

    const c = JSON.parse(await docker('container', 'inspect', instance.containerId))[0];
    const env: string[] = c.Config.Env;
    for (const key of secretEnv) expect(env.some((e) => e.startsWith(`${key}=`))).toBe(true);
    expect(env).toContain(`${secretEnv.at(-1)}=${password}`);
    expect(c.Mounts.map((m: { Destination: string }) => m.Destination).sort()).toEqual([...mounts].sort());
    expect(c.Mounts.every((m: { Type: string }) => m.Type === 'volume')).toBe(true);
    expect(Object.keys(c.HostConfig.PortBindings)).toHaveLength(1);
    expect(c.Config.Healthcheck.Test[0]).toBe('CMD-SHELL');

    const { uri } = await dockbase.lifecycle.connection(instance);
    expect(decodeURIComponent(new URL(uri).password)).toBe(password);

    await dockbase.lifecycle.remove(instance, { removeData: true });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [] });
  });
});

describe('data kept across versions', () => {
  it('refuses to open PostgreSQL 17 data with PostgreSQL 18, naming the version, and creates nothing', async () => {
    const name = `${prefix}-pgup`;
    const base = { engine: 'postgres' as const, name, image: standinImage('postgres'), hostPort: testPort(20), password: 'pw', persistData: true, exposeOnNetwork: false };
    const v17 = await dockbase.creation.create({ ...base, tag: '17' }, { start: true });
    await dockbase.lifecycle.remove(v17);
    expect((await leftovers(name)).volumes).toEqual([`dockbase-${name}-data`]);
    await expect(dockbase.creation.create({ ...base, tag: '18' }, { start: true })).rejects.toMatchObject({
      code: 'volume-conflict',
      field: 'tag',
      message: expect.stringContaining('PostgreSQL 17 data, which version 18 cannot open'),
    });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [`dockbase-${name}-data`] });
    await docker('volume', 'rm', `dockbase-${name}-data`);
  });
});
