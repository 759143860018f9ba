import { describe, expect, it } from 'vitest';
import { createDockbase } from '../dockbase';
import { describeChanges, passwordChangeOf, validateEdit } from './edit';
import { getEngine } from '../engines';
import { scripted } from '../test-support/scripted-cli';

function psRow(over: { id?: string; name?: string; containerName?: string; state?: string; port?: number; engine?: string } = {}) {
  const name = over.name ?? 'cache';
  const engine = over.engine ?? 'redis';
  return JSON.stringify({
    ID: over.id ?? 'old',
    Names: over.containerName ?? name,
    Image: `${engine}:8`,
    Labels: `io.dockbase.instance=i1,io.dockbase.engine=${engine},io.dockbase.name=${name},io.dockbase.tag=8,io.dockbase.port=${over.port ?? 6379},io.dockbase.bind=127.0.0.1,io.dockbase.volumes=dockbase-${name}-data`,
    State: over.state ?? 'running',
    Status: 'Up 1 minute (healthy)',
    Ports: '',
    CreatedAt: '2026-11-25 18:00:00 +0000 UTC',
  });
}

const inspect = (engine = 'redis', env = ['REDISCLI_AUTH=old pw'], cmd = ['redis-server', '--appendonly', 'yes', '--requirepass', 'old pw']) =>
  JSON.stringify([
    {
      Id: 'old',
      Name: '/cache',
      Image: `sha256:${'e'.repeat(64)}`,
      Config: {
        Env: env,
        Cmd: cmd,
        Labels: {
          'io.dockbase.instance': 'i1',
          'io.dockbase.engine': engine,
          'io.dockbase.name': 'cache',
          'io.dockbase.port': '6379',
          'io.dockbase.volumes': 'dockbase-cache-data',
        },
      },
      State: { Status: 'running', ExitCode: 0 },
      HostConfig: { RestartPolicy: { Name: 'no' }, Memory: 0 },
      Mounts: [{ Type: 'volume', Name: `dockbase-cache-data`, Destination: engine === 'redis' ? '/data' : '/var/lib/mysql' }],
    },
  ]);

async function instanceOf(cli: ReturnType<typeof scripted>) {
  const [i] = await createDockbase(cli).lifecycle.list();
  cli.calls.length = 0;
  return i!;
}

describe('editing an instance', () => {
  it('replaces the container on the same volumes: stop, set aside, run the new one, wait, then remove the old', async () => {
    let listed = 0;
    const cli = scripted([
      ['container inspect', { stdout: inspect() }],
      ['image inspect --format {{json', { stdout: 'null\n' }],
      ['ps --all --no-trunc --format', { stdout: '' }],
      ['ps --all --no-trunc --filter', () => ({ stdout: listed++ === 0 ? psRow() : psRow({ id: 'new', port: 6380 }) })],
      ['run --detach', { stdout: 'new\n' }],
      ['exec', { code: 0 }],
    ]);
    const instance = await instanceOf(cli);
    listed = 0;
    const steps: string[] = [];
    const result = await createDockbase(cli).editing.edit(
      instance,
      { hostPort: 6380, restartPolicy: 'unless-stopped', memoryBytes: 256 * 1024 * 1024 },
      { onStep: (s) => steps.push(s) },
    );
    const ops = cli.calls.map((c) => c.slice(0, 2).join(' '));
    expect(ops.filter((o) => !o.startsWith('logs') && !o.startsWith('exec'))).toEqual([
      // Only a container Dockbase created is replaced: its labels are its own, not its image's.
      'container inspect',
      'image inspect',
      'container inspect',
      'ps --all',
      'stop --time',
      'rename old',
      // The new container's healthcheck is chosen by what this engine supports, as create does.
      'version --format',
      'run --detach',
      'ps --all',
      'rm --force',
      'ps --all',
    ]);
    expect(cli.calls.find((c) => c[0] === 'rename')?.[2]).toMatch(/^cache-previous-[0-9a-f]{6}$/);
    const run = cli.calls.find((c) => c[0] === 'run')!;
    expect(run).toEqual(
      expect.arrayContaining([
        '--name',
        'cache',
        '--publish',
        '127.0.0.1:6380:6379',
        '--restart',
        'unless-stopped',
        '--memory',
        String(256 * 1024 * 1024),
        '--label',
        'io.dockbase.instance=i1',
      ]),
    );
    // The password stays the one the old container had (earlier versions had it on Redis' command line).
    expect(run).toEqual(expect.arrayContaining(['--env', 'REDISCLI_AUTH=old pw']));
    expect(run).not.toContain('--requirepass');
    expect(run.join(' ')).toContain('source=dockbase-cache-data,target=/data');
    expect(cli.calls.at(-2)).toEqual(['rm', '--force', '--volumes', 'old']);
    expect(result.changes).toEqual(['port 6379 → 6380', 'starts with Docker', 'memory limit 256 MiB']);
    expect(steps).toEqual(['stopping', 'starting', 'cleaning-up']);
  });

  it('puts the old container back when the new one cannot start, and says nothing changed', async () => {
    const cli = scripted([
      ['container inspect', { stdout: inspect() }],
      ['image inspect --format {{json', { stdout: 'null\n' }],
      ['ps --all --no-trunc --format', { stdout: '' }],
      ['ps --all --no-trunc --filter', { stdout: psRow() }],
      [
        'run --detach',
        {
          code: 125,
          stdout: 'new\n',
          stderr:
            'docker: Error response from daemon: driver failed programming external connectivity on endpoint cache: Bind for 127.0.0.1:6380 failed: port is already allocated',
        },
      ],
    ]);
    const instance = await instanceOf(cli);
    const error = await createDockbase(cli)
      .editing.edit(instance, { hostPort: 6380 })
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      code: 'port-in-use',
      message: 'Port 6380 is already in use on this machine. Nothing was changed: cache runs again as before.',
    });
    const tail = cli.calls.slice(-3);
    expect(tail).toEqual([
      ['rm', '--force', '--volumes', 'new'],
      ['rename', 'old', 'cache'],
      ['start', 'old'],
    ]);
  });

  it('refuses a port a running container publishes, before touching anything', async () => {
    const cli = scripted([
      ['container inspect', { stdout: inspect() }],
      ['image inspect --format {{json', { stdout: 'null\n' }],
      ['ps --all --no-trunc --format', { stdout: JSON.stringify({ Names: 'web', Ports: '0.0.0.0:8080->80/tcp', State: 'running', Labels: '' }) }],
      ['ps --all --no-trunc --filter', { stdout: psRow() }],
    ]);
    const instance = await instanceOf(cli);
    await expect(createDockbase(cli).editing.edit(instance, { hostPort: 8080 })).rejects.toMatchObject({ code: 'port-in-use', field: 'hostPort' });
    expect(cli.calls.map((c) => c[0])).toEqual(['container', 'image', 'container', 'ps']);
  });

  it('MariaDB: a new password that does not open the data is refused and the old container comes back', async () => {
    let listed = 0;
    const cli = scripted([
      ['container inspect', { stdout: inspect('mariadb', ['MARIADB_ROOT_PASSWORD=old'], []) }],
      ['image inspect --format {{json', { stdout: 'null\n' }],
      ['ps --all --no-trunc --filter', () => ({ stdout: psRow({ engine: 'mariadb', port: 3306, id: listed++ === 0 ? 'old' : 'new' }) })],
      ['run --detach', { stdout: 'new\n' }],
      ['exec new sh -c command -v mariadb', { code: 1, stderr: 'ERROR 1045 (28000): Access denied' }],
      ['exec', { code: 0 }],
    ]);
    const instance = await instanceOf(cli);
    listed = 1;
    const error = await createDockbase(cli)
      .editing.edit(instance, { password: 'brand new' })
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      field: 'password',
      message: expect.stringMatching(/cannot change it there.*Nothing was changed: cache runs again as before\.$/s),
    });
    expect(cli.calls.slice(-3)).toEqual([
      ['rm', '--force', '--volumes', 'new'],
      ['rename', 'old', 'cache'],
      ['start', 'old'],
    ]);
    // The new password reached docker only in the new container's configuration.
    expect(cli.calls.filter((c) => c.join(' ').includes('brand new')).map((c) => c[0])).toEqual(['run']);
  });

  it('PostgreSQL: when the new password was set inside the database and a later step fails, the old container sets its own back', async () => {
    let listed = 0;
    const verify = getEngine('postgres').verifyPassword(5432);
    const cli = scripted([
      ['container inspect', { stdout: inspect('postgres', ['POSTGRES_PASSWORD=old'], []) }],
      ['image inspect --format {{json', { stdout: 'null\n' }],
      ['ps --all --no-trunc --filter', () => ({ stdout: psRow({ engine: 'postgres', port: 5432, id: listed++ === 1 ? 'new' : 'old' }) })],
      ['run --detach', { stdout: 'new\n' }],
      [`exec new sh -c ${verify}`, { code: 2, stderr: 'FATAL: password authentication failed' }],
      ['exec', { code: 0 }],
    ]);
    const instance = await instanceOf(cli);
    listed = 1;
    await expect(createDockbase(cli).editing.edit(instance, { password: 'new one' })).rejects.toMatchObject({ field: 'password' });
    const apply = getEngine('postgres').applyPassword as string;
    const applies = cli.calls.filter((c) => c[0] === 'exec' && c[4] === apply).map((c) => c[1]);
    expect(applies).toEqual(['new', 'old']);
    const ops = cli.calls.map((c) => c.slice(0, 2).join(' '));
    expect(ops.lastIndexOf('start old')).toBeLessThan(cli.calls.findLastIndex((c) => c[0] === 'exec' && c[1] === 'old' && c[4] === apply));
  });

  it('validates and describes changes without secrets', () => {
    expect(validateEdit({ engine: 'redis', name: 'c' }, { hostPort: 0, memoryBytes: 1024, password: '--x' })).toEqual({
      hostPort: expect.any(String),
      memoryBytes: expect.stringMatching(/at least 64 MiB/),
      password: expect.stringMatching(/cannot start with "--"/),
    });
    expect(
      describeChanges(
        { hostPort: 1, exposeOnNetwork: false, restartPolicy: 'no', passwordChange: 'config-only', settings: {} },
        { password: 'secret', exposeOnNetwork: true },
      ),
    ).toEqual(['reachable from the network (0.0.0.0)', 'password changed']);
    expect(passwordChangeOf('postgres')).toBe('in-database');
    expect(passwordChangeOf('redis')).toBe('config-only');
    expect(passwordChangeOf('mysql')).toBe('verify-only');
  });
});
