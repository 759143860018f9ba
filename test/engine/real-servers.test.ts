import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInside, clientOutside, markerStatements, ok, refused } from '../support/clients';
import { displayStatus, freePort, getEngine, realDocker, type CreateInstanceInput, type Instance } from '../support/dockbase';
import { REAL_SERVERS } from '../support/images';

// Every engine Debian ships, as a REAL server (scripts/test-images), through the core service: created with
// a hostile password, healthy through the engine's own probe, the exact password accepted by the engine's
// own client inside and outside the container and a wrong one refused, data kept across a restart and
// across delete (keep data) + create again, and nothing left after delete with data.
const { dockbase, docker, leftovers, cleanup } = realDocker();
const prefix = `dbt-real-${process.pid}`;
const password = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;

beforeAll(() => cleanup(prefix));
afterAll(() => cleanup(prefix));

describe.each(REAL_SERVERS)('$engine $tag, a real server', ({ engine, tag, image }) => {
  const name = `${prefix}-${engine}-${tag.replace('.', '')}`;
  let port: number;
  const containerPort = getEngine(engine).containerPort;
  let input: CreateInstanceInput;
  const imageRef = `${image}:${tag}`;
  const marker = markerStatements(engine, `kept: ${password}`);
  let instance: Instance;

  it('is created with a hostile password and answers its own probe, the one docker runs', async () => {
    port = await freePort();
    input = { engine, name, tag, image, hostPort: port, password, persistData: true, exposeOnNetwork: false };
    instance = await dockbase.creation.create(input, { start: true });
    // Docker probes every 20 minutes (this engine has no start interval): the tab's readiness wait answers.
    instance = await dockbase.readiness.waitUntilReady(instance, { fresh: true });
    expect(displayStatus(await dockbase.lifecycle.get(instance.id), { serverAnswered: true })).toBe('healthy');
    const inspect = JSON.parse(await docker('container', 'inspect', instance.containerId))[0];
    // The probe docker runs is the engine's real one (pg_isready, healthcheck.sh, redis-cli), and it passes
    // when run as docker runs it (CMD-SHELL: sh -c, inside the container).
    expect(inspect.Config.Healthcheck.Test).toEqual(['CMD-SHELL', getEngine(engine).healthcheck(containerPort).command]);
    await docker('exec', instance.containerId, 'sh', '-c', inspect.Config.Healthcheck.Test[1]);
    expect(inspect.HostConfig.PortBindings[`${containerPort}/tcp`]).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
  });

  it('accepts exactly that password with its own client, inside and outside the container, and refuses a wrong one', async () => {
    const id = instance.containerId;
    await ok(clientInside(engine, id, containerPort, password, marker.write));
    expect(await ok(clientInside(engine, id, containerPort, password, marker.read))).toBe(`kept: ${password}`);
    expect(await ok(clientOutside(engine, imageRef, port, password, marker.read))).toBe(`kept: ${password}`);
    for (const wrong of [`${password}x`, password.slice(0, -2), password.normalize('NFD')]) {
      await expect(refused(clientInside(engine, id, containerPort, wrong, marker.read))).resolves.toMatch(/auth|password|denied|WRONGPASS|NOAUTH/i);
    }
    await expect(refused(clientOutside(engine, imageRef, port, 'postgres', marker.read))).resolves.toMatch(/auth|password|denied|WRONGPASS|NOAUTH/i);
  });

  it('gives a connection string that carries the exact password', async () => {
    const { uri } = await dockbase.lifecycle.connection(instance);
    const url = new URL(uri);
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(`${url.hostname}:${url.port}`).toBe(`127.0.0.1:${port}`);
    if (engine === 'postgres') {
      // libpq reads the percent-encoded URI itself.
      const r = await docker('run', '--rm', '--network', 'host', '--entrypoint', 'psql', imageRef, uri, '-tAc', 'SELECT current_user');
      expect(r.trim()).toBe('postgres');
    }
  });

  it('keeps its data across a restart', async () => {
    await dockbase.lifecycle.restart(instance);
    // Ready as the tab tells it (the engine's own probe, run by Dockbase): docker's verdict, checked once above,
    // comes only at its next probe, 30 s on.
    instance = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { restarted: true });
    expect(await ok(clientOutside(engine, imageRef, port, password, marker.read))).toBe(`kept: ${password}`);
  });

  it('keeps its data across delete (keep data) and create again, with the same password', async () => {
    await dockbase.lifecycle.remove(instance);
    expect(await leftovers(name)).toEqual({ containers: [], volumes: instance.volumes });
    instance = await dockbase.creation.create(input, { start: true });
    instance = await dockbase.readiness.waitUntilReady(instance, { restarted: true });
    expect(await ok(clientInside(engine, instance.containerId, containerPort, password, marker.read))).toBe(`kept: ${password}`);
    await expect(refused(clientInside(engine, instance.containerId, containerPort, `${password}x`, marker.read))).resolves.toMatch(
      /auth|password|denied|WRONGPASS|NOAUTH/i,
    );
  });

  it('is deleted with its data, leaving nothing behind', async () => {
    await dockbase.lifecycle.remove(instance, { removeData: true });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [] });
  });
});

describe('data kept across major versions, on real PostgreSQL servers', () => {
  it('refuses to open PostgreSQL 15 data with PostgreSQL 17, naming the version, and creates nothing', async () => {
    const name = `${prefix}-pgup`;
    const pg = REAL_SERVERS.find((s) => s.engine === 'postgres')!;
    const base = { engine: 'postgres' as const, name, image: pg.image, hostPort: await freePort(), password, persistData: true, exposeOnNetwork: false };
    const v15 = await dockbase.creation.create({ ...base, tag: '15' }, { start: true });
    await dockbase.readiness.waitUntilReady(v15, { restarted: true });
    await dockbase.lifecycle.remove(v15);
    expect((await leftovers(name)).volumes).toEqual([`dockbase-${name}-data`]);
    await expect(dockbase.creation.create({ ...base, tag: '17' }, { start: true })).rejects.toMatchObject({
      code: 'volume-conflict',
      field: 'tag',
      message: expect.stringContaining('PostgreSQL 15 data, which version 17 cannot open'),
    });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [`dockbase-${name}-data`] });
    // What the check saves the user from: the real PostgreSQL 17 server refuses that folder.
    const r = await docker('run', '--rm', '--volume', `dockbase-${name}-data:/var/lib/postgresql/data`, `${pg.image}:17`).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(r).toMatch(/database files are incompatible with server|initialized by PostgreSQL version 15/);
    await docker('volume', 'rm', `dockbase-${name}-data`);
  });
});
