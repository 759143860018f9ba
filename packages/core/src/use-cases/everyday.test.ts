// The rules behind everyday use: docker's errors in plain words, connection strings with a user and a
// database, the shell command, the conflict rule for ports, pull progress, the history of kept data,
// and the instance list's reasons for a bad end.
import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_FAILURE_PREFIX } from '@dockbase/docker-cli';
import { ActivityLog, type ActivityStore } from './activity';
import { connectionString, maskedConnectionString, shellCommand } from '../model/connection';
import { createDockbase } from '../dockbase';
import { ENGINES, getEngine } from '../engines';
import { translateDockerError } from '../model/errors';
import type { Instance } from '../model/instance';
import { describePull } from './pull';
import { isRepeatable } from '../docker/runner';
import { ownedContainer, scripted } from '../test-support/scripted-cli';
import { usageConflicts, usageWarnings, validateCreateInput, validateImage } from '../model/validation';

describe('docker’s errors, translated', () => {
  it.each([
    [
      'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "postgres": executable file not found in $PATH: unknown.\n\nRun \'docker run --help\' for more information',
      'the image has no "postgres" program: is it an image of this database engine?',
    ],
    [
      'Error response from daemon: driver failed programming external connectivity on endpoint a (b): Bind for 127.0.0.1:5432 failed: port is already allocated',
      'port 5432 is already in use on this machine',
    ],
    ['Error response from daemon: No such container: abc', 'the container no longer exists'],
    ['Error response from daemon: Container abc is paused, unpause the container before stopping or killing', 'the container is paused: unpause it first'],
    ['write /var/lib/docker/tmp/x: no space left on device', 'Docker has run out of disk space (free some with "docker system prune")'],
    ["Error response from daemon: something new\nSee 'docker start --help'.", 'something new'],
  ])('%s', (stderr, said) => {
    expect(translateDockerError(stderr)).toBe(said);
  });
});

describe('connection strings and the shell', () => {
  it('carry the user and database an instance was created with', () => {
    expect(connectionString({ engine: 'postgres', hostPort: 5432, user: 'app', database: 'shop' }, 'pw')).toBe('postgresql://app:pw@127.0.0.1:5432/shop');
    expect(connectionString({ engine: 'postgres', hostPort: 5432, user: 'app' }, 'pw')).toBe('postgresql://app:pw@127.0.0.1:5432/app');
    expect(maskedConnectionString({ engine: 'mysql', hostPort: 3306, user: 'app', database: 'shop' })).toBe('mysql://app:********@127.0.0.1:3306/shop');
    expect(maskedConnectionString({ engine: 'mongo', hostPort: 27017, database: 'docs' })).toBe(
      'mongodb://root:********@127.0.0.1:27017/docs?authSource=admin',
    );
  });

  it('sets the accounts through the images’ own variables (MySQL’s user gets the password too)', () => {
    expect(getEngine('postgres').environment('pw', { user: 'app', database: 'shop' })).toEqual({
      POSTGRES_PASSWORD: 'pw',
      POSTGRES_USER: 'app',
      POSTGRES_DB: 'shop',
    });
    expect(getEngine('mysql').environment('pw', { user: 'app' })).toEqual({ MYSQL_ROOT_PASSWORD: 'pw', MYSQL_USER: 'app', MYSQL_PASSWORD: 'pw' });
    expect(getEngine('mariadb').environment('pw', { database: 'shop' })).toEqual({
      MARIADB_ROOT_PASSWORD: 'pw',
      MARIADB_AUTO_UPGRADE: '1',
      MARIADB_DATABASE: 'shop',
    });
    expect(getEngine('mongo').environment('pw', { database: 'docs' })).toMatchObject({ MONGO_INITDB_DATABASE: 'docs' });
    expect(getEngine('postgres').readAccounts(['POSTGRES_USER=app', 'POSTGRES_DB=shop'])).toEqual({ user: 'app', database: 'shop' });
  });

  it.each(ENGINES.map((e) => [e.id] as const))('%s: the shell command opens the engine’s client without a password on the command line', (id) => {
    const command = shellCommand({ engine: id, name: 'my-db' });
    expect(command).toMatch(/^docker exec -it my-db /);
    expect(command).toContain(getEngine(id).clientName);
    expect(command).not.toMatch(/ -p | -p'|--password/);
  });

  it('quotes the script for a POSIX shell', () => {
    expect(shellCommand({ engine: 'redis', name: 'c' })).toBe('docker exec -it c redis-cli');
    expect(shellCommand({ engine: 'mongo', name: 'd' })).toContain(`sh -c 'exec mongosh --quiet --shell --eval '\\''db.getSiblingDB("admin")`);
  });
});

describe('the conflict rule', () => {
  const usage = {
    names: new Set(['pg-15', 'pg-17']),
    ports: new Map([
      [5432, { container: 'pg-15', running: false }],
      [5433, { container: 'pg-17', running: true }],
    ]),
  };
  it('a port held only by a stopped container is a warning naming it, not a conflict', () => {
    expect(usageConflicts({ name: 'pg-16', hostPort: 5432 }, usage)).toEqual({});
    expect(usageWarnings({ hostPort: 5432 }, usage)).toEqual({
      hostPort: 'Port 5432 is also the port of pg-15, which is stopped: only one of them can run at a time.',
    });
    expect(usageConflicts({ name: 'pg-16', hostPort: 5433 }, usage)).toEqual({ hostPort: 'Port 5433 is already used by another container.' });
    // The instance being edited holds its own name and port.
    expect(usageConflicts({ name: 'pg-17', hostPort: 5433 }, usage, 'pg-17')).toEqual({});
  });

  it('validates users and databases, and names the engine’s image in the image example', () => {
    const base = { engine: 'mysql', name: 'm', tag: '8.4', hostPort: 3306, password: 'pw', persistData: true, exposeOnNetwork: false } as const;
    expect(validateCreateInput({ ...base, user: 'root' })).toEqual({ user: expect.stringMatching(/admin user already/) });
    expect(validateCreateInput({ ...base, database: 'my-db' })).toEqual({ database: expect.stringMatching(/letters, digits and "_"/) });
    expect(validateCreateInput({ ...base, engine: 'redis', user: 'x' })).toEqual({ user: expect.stringMatching(/Redis has no user/) });
    expect(validateImage('Bad Image', 'mongo')).toMatch(/mirror\/mongo\.$/);
  });

  it('starting on a port another running instance holds names it', async () => {
    const cli = scripted([
      ...ownedContainer({ 'io.dockbase.instance': 'i2', 'io.dockbase.engine': 'postgres', 'io.dockbase.name': 'pg-16', 'io.dockbase.port': '5432' }),
      [
        'ps --all --no-trunc --filter',
        {
          stdout: JSON.stringify({
            ID: 'c2',
            Names: 'pg-16',
            Labels: 'io.dockbase.instance=i2,io.dockbase.engine=postgres,io.dockbase.name=pg-16,io.dockbase.port=5432',
            State: 'exited',
            Status: 'Exited (0) 1 minute ago',
          }),
        },
      ],
      [
        'ps --all --no-trunc --format',
        {
          stdout: JSON.stringify({
            Names: 'pg-15',
            Ports: '127.0.0.1:5432->5432/tcp',
            State: 'running',
            Labels: 'io.dockbase.instance=i1,io.dockbase.port=5432',
          }),
        },
      ],
      [
        'start',
        {
          code: 1,
          stderr:
            'Error response from daemon: driver failed programming external connectivity on endpoint pg-16: Bind for 127.0.0.1:5432 failed: port is already allocated',
        },
      ],
    ]);
    const dockbase = createDockbase(cli);
    const [pg16] = await dockbase.lifecycle.list();
    await expect(dockbase.lifecycle.start(pg16!, () => dockbase.creation.usage())).rejects.toMatchObject({
      code: 'port-in-use',
      message: 'Port 5432 is in use by pg-15, which is running: stop it first, or choose another port.',
    });
  });
});

describe('the list says why a run ended, with one inspect for all of them', () => {
  it('adds docker’s reason to killed, OOM-killed and failed instances only', async () => {
    const row = (id: string, state: string, status: string) =>
      JSON.stringify({
        ID: `c-${id}`,
        Names: id,
        Labels: `io.dockbase.instance=${id},io.dockbase.engine=redis,io.dockbase.name=${id},io.dockbase.port=1`,
        State: state,
        Status: status,
      });
    const cli = scripted([
      [
        'ps',
        {
          stdout: [
            row('ok', 'running', 'Up 1 minute'),
            row('clean', 'exited', 'Exited (0) 1 minute ago'),
            row('oom', 'exited', 'Exited (137) 1 minute ago'),
            row('nostart', 'exited', 'Exited (128) 1 minute ago'),
          ].join('\n'),
        },
      ],
      [
        'container inspect',
        {
          stdout: JSON.stringify([
            { Id: 'c-oom', State: { Status: 'exited', OOMKilled: true, ExitCode: 137, Error: '' } },
            { Id: 'c-nostart', State: { Status: 'created', OOMKilled: false, ExitCode: 128, Error: 'Bind for 127.0.0.1:1 failed: port is already allocated' } },
          ]),
        },
      ],
    ]);
    const list = await createDockbase(cli).lifecycle.list();
    expect(cli.calls.map((c) => c.join(' '))).toContain('container inspect c-nostart c-oom');
    expect(Object.fromEntries(list.map((i) => [i.name, i.failure?.kind]))).toEqual({
      clean: undefined,
      nostart: 'start-failed',
      ok: undefined,
      oom: 'out-of-memory',
    });
  });

  it('unpauses with docker unpause, once the container is known to be Dockbase’s', async () => {
    const cli = scripted(ownedContainer({ 'io.dockbase.instance': 'i1', 'io.dockbase.engine': 'redis', 'io.dockbase.name': 'x' }));
    await createDockbase(cli).lifecycle.unpause({ id: 'i1', containerId: 'c1', name: 'x', engine: 'redis', image: 'redis', tag: '8' } as Instance);
    expect(cli.calls.at(-1)).toEqual(['unpause', 'c1']);
  });

  it('names the bridge, not the engine, when the bridge itself fails', async () => {
    const cli = scripted([
      ['events', { code: 127, stderr: `${BRIDGE_FAILURE_PREFIX} cannot reach the Dockbase host: Failed to fetch` }],
      ['ps', { code: 127, stderr: `${BRIDGE_FAILURE_PREFIX} x` }],
    ]);
    const dockbase = createDockbase(cli);
    const reason = await new Promise((resolve) =>
      dockbase.lifecycle.watch(
        () => undefined,
        (_code, r) => resolve(r),
      ),
    );
    expect(reason).toMatchObject({ code: 'bridge-unavailable' });
    // A list is asked again for about 16 s first (see DockerRunner.tryRun): a host that answers within 15 s is
    // busy, not away.
    vi.useFakeTimers();
    try {
      const listed = dockbase.lifecycle.list().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(15_000);
      expect(cli.calls.filter((c) => c[0] === 'ps')).toHaveLength(7);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await listed).toMatchObject({ code: 'bridge-unavailable' });
      expect(cli.calls.filter((c) => c[0] === 'ps')).toHaveLength(8);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a watch that ended asks the host patiently: a host that answers again within 15 s is not called away', async () => {
    let versions = 0;
    const cli = scripted([
      ['version', () => (++versions < 6 ? { code: 127, stderr: `${BRIDGE_FAILURE_PREFIX} net::ERR_NETWORK_CHANGED` } : { code: 0, stdout: '{}' })],
    ]);
    const dockbase = createDockbase(cli);
    vi.useFakeTimers();
    try {
      const pinged = dockbase.lifecycle.patientPing();
      await vi.advanceTimersByTimeAsync(8_000);
      await expect(pinged).resolves.toBeUndefined();
      expect(versions).toBe(6);
      // The Retry button's ping answers at once.
      versions = 0;
      await expect(dockbase.lifecycle.ping()).rejects.toMatchObject({ code: 'bridge-unavailable' });
      expect(versions).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('calls the bridge dropped', () => {
  it('are asked again when they are safe to repeat (a browser drops its connections when docker changes the network)', async () => {
    let stops = 0;
    const cli = scripted([
      ...ownedContainer({ 'io.dockbase.instance': 'i1', 'io.dockbase.engine': 'redis', 'io.dockbase.name': 'x' }),
      ['stop', () => (stops++ === 0 ? { code: 127, stderr: `${BRIDGE_FAILURE_PREFIX} net::ERR_NETWORK_CHANGED` } : { code: 0 })],
    ]);
    await createDockbase(cli).lifecycle.stop({ id: 'i1', containerId: 'c', name: 'x', engine: 'redis', image: 'redis', tag: '8' } as Instance);
    expect(cli.calls.map((c) => c[0]).filter((c) => c === 'stop')).toEqual(['stop', 'stop']);
    expect(isRepeatable(['run', '--detach'])).toBe(false);
    expect(isRepeatable(['volume', 'rm', 'v'])).toBe(true);
    expect(isRepeatable(['volume', 'create', 'v'])).toBe(false);
    expect(isRepeatable(['volume', 'ls'])).toBe(true);
    expect(isRepeatable(['rename', 'a', 'b'])).toBe(false);
  });
});

describe('pull progress', () => {
  it('never says "0 of 0 layers"', () => {
    expect(describePull('redis:8', { layers: [], done: 0, total: 0 })).toBe('Pulling redis:8: checking which layers are needed…');
    expect(describePull('redis:8', { layers: [], done: 0, total: 0, status: 'downloaded' })).toBe('redis:8: every layer was already here.');
    expect(
      describePull('redis:8', {
        layers: [
          { id: 'a', state: 'exists' },
          { id: 'b', state: 'downloading' },
        ],
        done: 1,
        total: 2,
      }),
    ).toBe('Pulling redis:8: 1 of 2 layers done (1 already here)');
  });
});

describe('history of kept data', () => {
  function store() {
    const calls: string[] = [];
    const s: ActivityStore = {
      saveInstance: async (id) => calls.push(`save ${id}`),
      addHistory: async (id, e) => calls.push(`history ${id} ${e.action}${e.detail ? ` (${e.detail})` : ''}`),
      deleteInstance: async (id) => calls.push(`delete ${id}`),
    };
    return { calls, s };
  }
  const instance = { id: 'i1', volumes: ['dockbase-a-data'] } as Instance;

  it('keeps notes and history when the data is kept, and drops them with the data', async () => {
    const { calls, s } = store();
    const log = new ActivityLog(s);
    await log.outcome(instance, 'delete', { ok: true, dataKept: true });
    await log.outcome(instance, 'delete', { ok: true, dataKept: false });
    await log.keptDataDeleted('i9');
    expect(calls).toEqual(['history i1 delete (its data was kept, with these notes and history)', 'delete i1', 'delete i9']);
  });
});
