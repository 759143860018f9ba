import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standinImage } from '../support/images';
import { displayStatus, realDocker, testPort, type EngineId } from '../support/dockbase';

// The create arguments of the engines Debian ships no server for (MySQL, MongoDB), on the real engine:
// secret, data mounts, port, healthcheck. The images are Dockbase's stand-ins (they check the admin secret
// like the official image and listen on the engine's port; their health tools probe that port). PostgreSQL,
// MariaDB and Redis run as real servers in real-servers.test.ts.
const { dockbase, docker, leftovers, cleanup } = realDocker();
const prefix = `dbt-eng-${process.pid}`;

beforeAll(() => cleanup(prefix));
afterAll(() => cleanup(prefix));

const cases: Array<{ engine: Extract<EngineId, 'mysql' | 'mongo'>; tag: string; secretEnv: string[]; mounts: string[] }> = [
  { engine: 'mysql', tag: '8.4', secretEnv: ['MYSQL_ROOT_PASSWORD'], mounts: ['/var/lib/mysql'] },
  { engine: 'mongo', tag: '8.0', secretEnv: ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD'], mounts: ['/data/db', '/data/configdb'] },
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
