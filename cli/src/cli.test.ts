import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockbaseError, MemoryJobStore, getEngine, snapshotManifestLabels, type DockbaseErrorCode, type Snapshot } from '@dockbase/core';
import { SHOP_PASSWORD, SHOP_SNAPSHOT, SNAPSHOT_PASSWORD, mariadbDocker, scripted, type Reply } from '@dockbase/core/test-support';
import { COMMANDS } from './commands';
import { EXIT, EXIT_BY_ERROR_CODE, UsageError, exitCodeOf } from './exit-codes';
import { FileJobStore } from './job-store';
import { createProgram } from './program';
import { psLine, run } from './test-support/fakes';

const CREATED_ID = 'f'.repeat(64);

/** Docker as create needs it: nothing in use, the image present, no volumes yet, `docker create` answers an id. */
function dockerForCreate() {
  return scripted([
    ['ps --all --no-trunc --format', { stdout: '' }],
    ['image inspect', { stdout: 'sha256:abc\n' }],
    ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
    ['create ', { stdout: `${CREATED_ID}\n` }],
  ]);
}

describe('exit codes', () => {
  it('map every error code of the core, in one table', () => {
    const codes = Object.keys(EXIT_BY_ERROR_CODE) as DockbaseErrorCode[];
    expect(codes.sort()).toEqual(
      [
        'bad-file',
        'bridge-unavailable',
        'busy',
        'cancelled',
        'command-failed',
        'engine-unavailable',
        'image-not-found',
        'incompatible-data',
        'invalid-input',
        'name-in-use',
        'network',
        'not-found',
        'not-managed',
        'port-in-use',
        'pull-rate-limited',
        'volume-conflict',
      ].sort(),
    );
    expect(exitCodeOf(new DockbaseError('engine-unavailable', 'x'))).toBe(4);
    expect(exitCodeOf(new DockbaseError('not-found', 'x'))).toBe(3);
    expect(exitCodeOf(new DockbaseError('port-in-use', 'x'))).toBe(5);
    expect(exitCodeOf(new DockbaseError('busy', 'x'))).toBe(5);
    expect(exitCodeOf(new DockbaseError('invalid-input', 'x'))).toBe(2);
    expect(exitCodeOf(new DockbaseError('cancelled', 'x'))).toBe(130);
    expect(exitCodeOf(new DockbaseError('bad-file', 'x'))).toBe(7);
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new Error('x'))).toBe(1);
  });
});

describe('the command line', () => {
  const names = createProgram(
    { stdout: { write: () => true }, stderr: { write: () => true }, stdin: [] as never, onInterrupt: () => () => undefined },
    scripted([]),
  ).commands.map((c) => c.name());

  it('has the commands of the issue, each its own module', () => {
    expect(names).toEqual([
      'list',
      'create',
      'start',
      'stop',
      'restart',
      'rm',
      'edit',
      'extensions',
      'logs',
      'url',
      'snapshot',
      'restore',
      'export',
      'import',
      'upgrade',
      'rollback',
      'init',
      'up',
      'down',
      'env',
      'branch',
      'hook',
      'migrate',
      'ui',
    ]);
    expect(COMMANDS).toHaveLength(names.length);
  });

  it.each(names)('`%s --help` prints its usage on stdout, exits 0 and runs no docker', async (name) => {
    const docker = scripted([]);
    const r = await run([name, '--help'], docker);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: dockbase ${name}`);
    expect(docker.calls).toEqual([]);
  });

  it.each(['take', 'list', 'rm'])('`snapshot %s --help` prints its usage and exits 0', async (sub) => {
    const r = await run(['snapshot', sub, '--help'], scripted([]));
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining(`Usage: dockbase snapshot ${sub}`) });
  });

  it('`--help` lists every command and the exit codes; `--version` prints the version', async () => {
    const help = await run(['--help'], scripted([]));
    expect(help.code).toBe(0);
    for (const name of names) expect(help.stdout).toContain(`  ${name}`);
    expect(help.stdout).toMatch(/Exit codes:\n\s+0\s+done/);
    const version = await run(['--version'], scripted([]));
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['list', '--frob'], /unknown option '--frob'/],
    [['create'], /missing required argument 'engine'/],
    [['create', 'sqlite'], /Allowed choices are postgres, mysql, mariadb, mongo, redis/],
    [['ui', '--port', '70000'], /expected 0 to 65535/],
    [['ui', '--docker', ''], /--docker needs a path/],
    [['logs', 'x', '--tail', 'some'], /--tail takes a number of lines or "all"/],
    [['create', 'redis', '--password-stdin', '--generate-password'], /Give one of --password-stdin, --generate-password and --password/],
  ])('refuses %j with exit code 2 and runs no docker', async (argv, message) => {
    const docker = scripted([]);
    const r = await run(argv, docker);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(docker.calls.filter((c) => c[0] !== 'ps')).toEqual([]);
  });
});

describe('create', () => {
  it("refuses bad input with the core's messages, every field at once, before anything is made", async () => {
    const docker = dockerForCreate();
    const r = await run(['create', 'redis', '--name', 'my db', '--port', 'eighty', '--password', '--x'], docker);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('Error: Name: Use letters, digits, "_", "." and "-", starting with a letter or digit.');
    expect(r.stderr).toContain('Error: Port: Enter a whole number from 1 to 65535.');
    expect(r.stderr).toContain('Error: Password: A Redis password cannot start with "--".');
    expect(docker.calls.some((c) => c[0] === 'create' || c[0] === 'run')).toBe(false);
  });

  it('reports errors as JSON on stderr with --json', async () => {
    const r = await run(['create', 'postgres', '--name', '-x', '--json'], dockerForCreate());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'invalid-input', field: 'name', message: expect.stringMatching(/^Name: /), exitCode: 2 } });
  });

  it('generates a password and shows it nowhere unless asked', async () => {
    const r = await run(['create', 'postgres', '--no-start', '--json'], dockerForCreate());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      name: 'postgres-1',
      engine: 'postgres',
      version: getEngine('postgres').defaultTag,
      port: 5432,
      bindAddress: '127.0.0.1',
      ready: false,
      url: 'postgresql://postgres:********@127.0.0.1:5432/postgres',
    });
    expect(out).not.toHaveProperty('password');
    const shown = await run(['create', 'postgres', '--no-start', '--json', '--show-password'], dockerForCreate());
    const { password, connectionString } = JSON.parse(shown.stdout) as { password: string; connectionString: string };
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(connectionString).toBe(`postgresql://postgres:${password}@127.0.0.1:5432/postgres`);
    expect(shown.stderr).not.toContain(password);
  });

  it('reads --password-stdin from a pipe, exactly, less one trailing line break', async () => {
    const secret = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` ünï`;
    const r = await run(['create', 'postgres', '--no-start', '--password-stdin', '--show-password', '--json'], dockerForCreate(), { stdin: `${secret}\n` });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { password: string }).password).toBe(secret);
    expect(r.stderr).not.toContain(secret);
  });

  it('accepts --password with a warning that never repeats it', async () => {
    const r = await run(['create', 'redis', '--no-start', '--password', 'hunter2-but-longer'], dockerForCreate());
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/shell history/);
    expect(r.stderr + r.stdout).not.toContain('hunter2-but-longer');
    expect(r.stdout).toContain('redis://default:********@127.0.0.1:6379/');
  });

  it('Ctrl-C during the pull cancels it, creates nothing and exits 130', async () => {
    const base = dockerForCreate();
    let pullCancelled = false;
    const docker = {
      calls: base.calls,
      run: base.run,
      stream(args: readonly string[], handlers: Parameters<typeof base.stream>[1]) {
        if (args[0] !== 'pull') return base.stream(args, handlers);
        base.calls.push([...args]);
        let end: (code: number) => void = () => undefined;
        const done = new Promise<number>((resolve) => (end = resolve));
        handlers.onLine('a3ed95caeb02: Pulling fs layer', 'stdout');
        return {
          cancel: () => {
            pullCancelled = true;
            end(143);
          },
          done,
        };
      },
    };
    const missingImage = scripted([['image inspect', { code: 1, stderr: 'Error: No such image' }]]);
    const r = await run(
      ['create', 'redis', '--json'],
      { ...docker, run: (args, o) => (args[0] === 'image' ? missingImage.run(args, o) : base.run(args, o)) },
      {
        interrupt: (press) => setTimeout(press, 20),
      },
    );
    expect(r.code).toBe(130);
    expect(pullCancelled).toBe(true);
    expect(r.stderr).toContain('Cancelling');
    expect(
      JSON.parse(
        r.stderr
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .pop() ?? '{}',
      ),
    ).toMatchObject({ error: { code: 'cancelled', exitCode: 130 } });
    expect(base.calls.some((c) => c[0] === 'create' || c[0] === 'run')).toBe(false);
  });

  it('--user and --database make the image create them, and the connection string uses them', async () => {
    const docker = dockerForCreate();
    const r = await run(['create', 'postgres', '--no-start', '--user', 'app', '--database', 'shop', '--json'], docker);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'postgres-1', url: 'postgresql://app:********@127.0.0.1:5432/shop' });
    const made = docker.calls.find((c) => c[0] === 'create') ?? [];
    expect(made).toEqual(expect.arrayContaining(['POSTGRES_USER=app', 'POSTGRES_DB=shop', 'io.dockbase.user=app', 'io.dockbase.database=shop']));
    const mongo = await run(['create', 'mongo', '--no-start', '--database', 'shop'], dockerForCreate());
    expect(mongo).toMatchObject({ code: 0, stdout: expect.stringContaining('url:      mongodb://root:********@127.0.0.1:27017/shop') });
  });

  it.each([
    [
      ['create', 'redis', '--user', 'app', '--database', 'shop'],
      ['Error: User: Redis has no user of its own to create.', 'Error: Database: Redis has no database name to choose.'],
    ],
    [['create', 'mongo', '--user', 'app'], ['Error: User: MongoDB has no user of its own to create.']],
    [
      ['create', 'mysql', '--user', 'root', '--database', '1shop'],
      ['Error: User: root is the admin user already', 'Error: Database: Use letters, digits and "_"'],
    ],
  ])("%j is refused with the core's messages (exit 2), and nothing is made", async (argv, messages) => {
    const docker = dockerForCreate();
    const r = await run(argv, docker);
    expect(r.code).toBe(EXIT.usage);
    for (const m of messages) expect(r.stderr).toContain(m);
    expect(docker.calls.some((c) => c[0] === 'create' || c[0] === 'run' || c[0] === 'pull')).toBe(false);
  });

  it('--help documents --user and --database, with the engines each applies to', async () => {
    const r = await run(['create', '--help'], scripted([]));
    expect(r.stdout).toMatch(/--user <name>\s+a user the image creates[^]*\(postgres, mysql, mariadb;/);
    expect(r.stdout).toMatch(/--database <name>\s+the database the image creates[^]*\(postgres, mysql, mariadb, mongo;/);
    expect(r.stdout).toContain('for new data\nonly');
  });

  it('on kept data, says that a --user the data was not made with did not apply', async () => {
    const kept = JSON.stringify([
      {
        Name: 'dockbase-app-data',
        Labels: {
          'io.dockbase.volume': 'data',
          'io.dockbase.engine': 'postgres',
          'io.dockbase.tag': '17',
          'io.dockbase.instance': '00000000beef',
          'io.dockbase.user': 'owner',
        },
      },
    ]);
    const docker = scripted([
      ['ps --all --no-trunc --format', { stdout: '' }],
      ['image inspect', { stdout: 'sha256:abc\n' }],
      ['volume inspect', { stdout: kept }],
      ['create ', { stdout: `${CREATED_ID}\n` }],
    ]);
    const r = await run(['create', 'postgres', '--name', 'app', '--version', '17', '--no-start', '--user', 'other'], docker);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('url:      postgresql://owner:********@127.0.0.1:5432/owner');
    expect(r.stderr).toContain('Note: app uses the data kept under its name, made with another user or database: --user other did not apply.');
  });

  it('on kept data without --setting, starts with the settings the instance had when it was deleted, and says so; --setting chooses others', async () => {
    const data = {
      'io.dockbase.volume': 'data',
      'io.dockbase.engine': 'postgres',
      'io.dockbase.tag': '17',
      'io.dockbase.name': 'app',
      'io.dockbase.instance': '00000000beef',
    };
    const marker = { ...data, 'io.dockbase.volume': 'settings', 'io.dockbase.settings': JSON.stringify({ max_connections: '250' }) };
    const labelText = (labels: Record<string, string>) =>
      Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    const docker = () =>
      scripted([
        ['ps --all --no-trunc --format', { stdout: '' }],
        ['image inspect', { stdout: 'sha256:abc\n' }],
        [
          'volume ls --filter label=io.dockbase.volume',
          {
            stdout: [
              JSON.stringify({ Name: 'dockbase-app-settings', Labels: labelText(marker) }),
              JSON.stringify({ Name: 'dockbase-app-data', Labels: labelText(data) }),
            ].join('\n'),
          },
        ],
        ['volume inspect', { stdout: JSON.stringify([{ Name: 'dockbase-app-data', Labels: data }]) }],
        ['create ', { stdout: `${CREATED_ID}\n` }],
      ]);
    const recreate = docker();
    const r = await run(['create', 'postgres', '--name', 'app', '--version', '17', '--no-start'], recreate);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Note: app reuses its kept data with the settings it had when it was deleted: max_connections=250 (--setting chooses others).');
    expect(recreate.calls.find((c) => c[0] === 'create')).toContain(`io.dockbase.settings=${JSON.stringify({ max_connections: '250' })}`);

    const chosen = docker();
    const other = await run(['create', 'postgres', '--name', 'app', '--version', '17', '--no-start', '--setting', 'max_connections=90'], chosen);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).not.toContain('settings it had');
    expect(chosen.calls.find((c) => c[0] === 'create')).toContain(`io.dockbase.settings=${JSON.stringify({ max_connections: '90' })}`);
  });

  it('suggests the next free name and port as the tab does', async () => {
    const docker = scripted([
      ['ps --all --no-trunc --format', { stdout: `${psLine({ id: 'a1', name: 'redis-1', port: 6379 })}\n` }],
      ['image inspect', { stdout: 'sha256:abc\n' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['create ', { stdout: `${CREATED_ID}\n` }],
    ]);
    const r = await run(['create', 'redis', '--no-start', '--json'], docker);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'redis-2', port: 6380 });
  });
});

describe('migrate', () => {
  const redis = (tag: string) =>
    scripted([
      ['ps --all --no-trunc --filter label=io.dockbase.instance=a1 --format', { stdout: `${psLine({ id: 'a1', name: 'cache', tag })}\n` }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance --format', { stdout: `${psLine({ id: 'a1', name: 'cache', tag })}\n` }],
      ['ps --all --no-trunc --format', { stdout: `${psLine({ id: 'a1', name: 'cache', tag })}\n` }],
    ]);

  it('refuses Redis 7.4 data for Valkey 8.1 (RDB format 12) with exit code 7, before any job or change', async () => {
    const docker = redis('7.4');
    const r = await run(['migrate', 'cache', '--to', 'valkey', '--port', '6390'], docker);
    expect(r.code).toBe(EXIT.refused);
    expect(r.stderr).toContain(
      'Error: The data of cache (Redis 7.4) is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it). cache was not changed.',
    );
    expect(docker.calls.every((c) => c[0] === 'ps')).toBe(true);
  });

  it('refuses an engine it cannot move to, and an unknown one as a usage error', async () => {
    const r = await run(['migrate', 'cache', '--to', 'mongo', '--port', '6390'], redis('7.0'));
    expect(r.code).toBe(EXIT.refused);
    expect(r.stderr).toContain('Error: Redis data cannot move to MongoDB: Dockbase moves it to Valkey. cache was not changed.');
    const unknown = await run(['migrate', 'cache', '--to', 'keydb'], redis('7.0'));
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('Unknown engine "keydb".');
  });

  it('refuses bad settings for the new instance, every field at once, before any job', async () => {
    const docker = redis('7.0');
    const r = await run(['migrate', 'cache', '--to', 'valkey', '--name', 'bad name', '--port', 'x'], docker);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('Error: Name: ');
    expect(r.stderr).toContain('Error: Port: ');
    expect(docker.calls.every((c) => c[0] === 'ps')).toBe(true);
  });
});

describe('instances by name', () => {
  const docker = (first: Array<[string, Reply]> = []) =>
    scripted([
      ...first,
      // The instance by its id: a job reads it again before it runs.
      ['ps --all --no-trunc --filter label=io.dockbase.instance=a1 --format', { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n` }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance --format', { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n` }],
      [
        'ps --all --no-trunc --format',
        { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n${JSON.stringify({ ID: 'h1', Names: 'web', Labels: '', State: 'running', Status: 'Up' })}\n` },
      ],
      [
        'container inspect',
        {
          stdout: JSON.stringify([
            {
              Id: 'cid-a1',
              Image: 'sha256:img',
              Config: {
                Env: [],
                Cmd: ['redis-server', '--requirepass', 's3cret pw'],
                Labels: {
                  'io.dockbase.instance': 'a1',
                  'io.dockbase.engine': 'redis',
                  'io.dockbase.name': 'cache',
                  'io.dockbase.tag': '7.4',
                  'io.dockbase.port': '6379',
                  'io.dockbase.volumes': 'dockbase-cache-data',
                },
              },
              State: {},
            },
          ]),
        },
      ],
      // The image carries no Dockbase labels: the container's own labels make it an instance.
      ['image inspect', { stdout: 'null\n' }],
      [
        'volume inspect',
        {
          stdout: JSON.stringify([
            { Name: 'dockbase-cache-data', Labels: { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'redis', 'io.dockbase.name': 'cache' } },
          ]),
        },
      ],
    ]);

  it('url masks the password unless --show-password', async () => {
    expect(await run(['url', 'cache'], docker())).toMatchObject({ code: 0, stdout: 'redis://default:********@127.0.0.1:6379/\n' });
    expect(await run(['url', 'cache', '--show-password'], docker())).toMatchObject({ code: 0, stdout: 'redis://default:s3cret%20pw@127.0.0.1:6379/\n' });
  });

  it('an unknown name exits 3; a container Dockbase did not make is named as such', async () => {
    expect(await run(['stop', 'nope'], docker())).toMatchObject({ code: 3, stderr: expect.stringContaining('No Dockbase instance is named "nope"') });
    const handMade = await run(['rm', 'web', '--yes'], docker());
    expect(handMade).toMatchObject({ code: 3, stderr: expect.stringContaining('"web" is a container that Dockbase did not create') });
  });

  it('rm of a running instance without a terminal needs --yes, and deletes nothing without it', async () => {
    const d = docker();
    const r = await run(['rm', 'cache'], d);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('Pass --yes') });
    expect(d.calls.some((c) => c[0] === 'rm' || c[0] === 'volume')).toBe(false);
  });

  it('on a terminal, asks before deleting: y for a running instance, its name for its data', async () => {
    const declined = docker();
    expect(await run(['rm', 'cache'], declined, { tty: true, stdin: 'n\n' })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Delete cache? It is running. [y/N] '),
    });
    expect(declined.calls.some((c) => c[0] === 'rm')).toBe(false);
    const wrongName = docker();
    const r = await run(['rm', 'cache', '--with-data'], wrongName, { tty: true, stdin: 'y\n' });
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('Type cache to confirm: ') });
    expect(r.stderr).toContain('Nothing was deleted.');
    expect(wrongName.calls.some((c) => c[0] === 'rm' || c[0] === 'volume')).toBe(false);
    const typed = docker();
    expect(await run(['rm', 'cache', '--with-data'], typed, { tty: true, stdin: 'cache\n' })).toMatchObject({
      code: 0,
      stdout: 'Deleted cache and its data.\n',
    });
    expect(typed.calls).toContainEqual(['volume', 'rm', 'dockbase-cache-data']);
  });

  it('rm --with-data says which snapshots stay (they are not its data volumes)', async () => {
    const kept: Snapshot = {
      id: 'snap1',
      name: 'nightly',
      instanceId: 'a1',
      instanceName: 'cache',
      engine: 'redis',
      image: 'redis',
      tag: '7.4',
      createdAt: '2026-11-25T18:00:00.000Z',
      sizeBytes: 1024,
      reason: 'manual',
      manifestVolume: 'dockbase-cache-snap-snap1',
      volumes: [{ key: 'data', volume: 'dockbase-cache-snap-snap1-data', path: '/data' }],
    };
    const d = docker([
      ['volume ls --quiet', { stdout: `${kept.manifestVolume}\n` }],
      [`volume inspect ${kept.manifestVolume}`, { stdout: JSON.stringify([{ Name: kept.manifestVolume, Labels: snapshotManifestLabels(kept) }]) }],
    ]);
    const r = await run(['rm', 'cache', '--with-data', '--yes'], d);
    expect(r).toMatchObject({
      code: 0,
      stdout: 'Deleted cache and its data.\nIts snapshots stay: "nightly" (`dockbase snapshot ls` lists them; `dockbase snapshot rm` deletes one).\n',
    });
    expect(d.calls).toContainEqual(['volume', 'rm', 'dockbase-cache-data']);
    expect(d.calls.some((c) => c.join(' ').includes('dockbase-cache-snap-snap1') && c[1] === 'rm')).toBe(false);
  });

  it('lists instances as a table and as JSON, never with a password', async () => {
    const table = await run(['list'], docker());
    expect(table.stdout).toBe(
      'NAME   ENGINE  VERSION  STATUS   ADDRESS         PROJECT  DATA\ncache  Redis   7.4      healthy  127.0.0.1:6379  -        dockbase-cache-data\n',
    );
    const json = JSON.parse((await run(['list', '--json'], docker())).stdout) as unknown[];
    expect(json).toEqual([expect.objectContaining({ name: 'cache', status: 'healthy', state: 'running', url: 'redis://default:********@127.0.0.1:6379/' })]);
  });

  it('list names the project (and branch) of each instance from its labels, in the table and in --json', async () => {
    const d = () =>
      scripted([
        [
          'ps',
          {
            stdout: [
              psLine({ id: 'a1', name: 'shop-orders', labels: 'io.dockbase.project=shop,io.dockbase.project.path=/home/me/shop' }),
              psLine({
                id: 'a2',
                name: 'shop-orders--feature-a-x1y2z3',
                port: 6380,
                labels: 'io.dockbase.project=shop,io.dockbase.project.path=/home/me/shop,io.dockbase.branch=feature/a',
              }),
              psLine({ id: 'a3', name: 'solo', port: 6381 }),
            ].join('\n'),
          },
        ],
      ]);
    const table = await run(['list', '--no-probe'], d());
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+ENGINE\s+VERSION\s+STATUS\s+ADDRESS\s+PROJECT\s+DATA$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/)[5])).toEqual(['shop', 'shop@feature/a', '-']);
    const json = JSON.parse((await run(['list', '--no-probe', '--json'], d())).stdout) as Array<{ name: string; project?: unknown }>;
    expect(json.map((i) => [i.name, i.project])).toEqual([
      ['shop-orders', { name: 'shop', path: '/home/me/shop' }],
      ['shop-orders--feature-a-x1y2z3', { name: 'shop', path: '/home/me/shop', branch: 'feature/a' }],
      ['solo', undefined],
    ]);
  });

  it('list asks each running server itself: a hang docker has not seen yet shows as unhealthy; --no-probe shows docker’s verdict', async () => {
    // Docker probes every 20 minutes: its "healthy" may be old news.
    const hung = () => docker([['exec', { code: 1, stderr: '' }]]);
    const probed = hung();
    expect((await run(['list'], probed)).stdout).toContain('cache  Redis   7.4      unhealthy');
    expect(probed.calls.filter((c) => c[0] === 'exec')).toEqual([['exec', 'cid-a1', 'sh', '-c', '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]']]);
    expect(JSON.parse((await run(['list', '--json'], hung())).stdout)).toEqual([expect.objectContaining({ status: 'unhealthy', health: 'healthy' })]);
    const trusting = hung();
    expect((await run(['list', '--no-probe'], trusting)).stdout).toContain('cache  Redis   7.4      healthy');
    expect(trusting.calls.some((c) => c[0] === 'exec')).toBe(false);
  });

  it('lists only the named instances, and exits 3 when one does not exist', async () => {
    expect(JSON.parse((await run(['list', 'cache', '--json'], docker())).stdout)).toEqual([expect.objectContaining({ name: 'cache' })]);
    expect(await run(['list', 'cache', 'nope'], docker())).toMatchObject({ code: 3, stdout: '', stderr: 'Error: No Dockbase instance is named "nope".\n' });
  });

  it('a Docker engine that does not answer exits 4', async () => {
    const down = scripted([['ps', { code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }]]);
    expect(await run(['list'], down)).toMatchObject({ code: 4, stderr: expect.stringContaining('The Docker engine is not reachable') });
  });
});

describe('create, start, stop, restart and rm run as jobs', () => {
  /** Docker with one Redis instance, cache (id a1), whose state follows the start, stop and restart it is sent. */
  function withCache(first: Array<[string, Reply]> = []) {
    let state = 'running';
    const ps = () => ({
      stdout: `${psLine({ id: 'a1', name: 'cache', state, status: state === 'running' ? 'Up 1 second (healthy)' : 'Exited (0) 1 second ago' })}\n`,
    });
    return scripted([
      ...first,
      ['start cid-a1', () => ((state = 'running'), {})],
      ['stop --time', () => ((state = 'exited'), {})],
      ['restart --time', () => ((state = 'running'), {})],
      ['ps --all --no-trunc --filter label=io.dockbase.instance', ps],
      [
        'container inspect',
        {
          stdout: JSON.stringify([
            {
              Id: 'cid-a1',
              Image: 'sha256:img',
              Config: {
                Env: [],
                Cmd: ['redis-server', '--requirepass', 'pw'],
                Labels: { 'io.dockbase.instance': 'a1', 'io.dockbase.engine': 'redis', 'io.dockbase.name': 'cache', 'io.dockbase.tag': '7.4' },
              },
              State: {},
            },
          ]),
        },
      ],
      ['image inspect', { stdout: 'null\n' }],
    ]);
  }
  const changes = (d: { calls: string[][] }) =>
    d.calls.filter((c) => ['start', 'stop', 'restart', 'rm'].includes(c[0]!) || (c[0] === 'volume' && c[1] === 'rm'));

  it('stop, start and restart say each step on stderr and the outcome on stdout', async () => {
    const d = withCache();
    expect(await run(['stop', 'cache'], d)).toMatchObject({ code: 0, stdout: 'cache: stopped\n', stderr: 'Stopping cache…\n' });
    const started = await run(['start', 'cache'], d);
    expect(started).toMatchObject({ code: 0, stdout: 'cache: ready\n' });
    expect(started.stderr).toBe('Starting cache…\nWaiting for cache to accept connections…\n');
    const json = await run(['restart', 'cache', '--json'], d);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'cache', state: 'running', ready: true });
    expect(json.stderr).toContain('Restarting cache…\n');
    expect(changes(d)).toEqual([
      ['stop', '--time', '10', 'cid-a1'],
      ['start', 'cid-a1'],
      ['restart', '--time', '10', 'cid-a1'],
    ]);
  });

  it('start --no-wait returns once docker started it, without asking the server', async () => {
    const d = withCache([['stop', {}]]);
    const r = await run(['start', 'cache', '--no-wait', '--json'], d);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'cache', ready: false });
    expect(r.stderr).toBe('Starting cache…\n');
    expect(d.calls.some((c) => c[0] === 'exec')).toBe(false);
  });

  it('while another door’s job holds the instance, each exits 5 naming it, and changes nothing', async () => {
    const since = new Date();
    since.setHours(12, 3, 0, 0);
    const labels = {
      'io.dockbase.lock': 'a1',
      'io.dockbase.lock.job': 'abcabcabcabc',
      'io.dockbase.lock.kind': 'upgrade',
      'io.dockbase.lock.title': 'Upgrade to Redis 8.0',
      'io.dockbase.lock.by': 'tab',
      'io.dockbase.lock.since': since.toISOString(),
    };
    const held = (): Array<[string, Reply]> => [
      [
        'container create --name dockbase-lock-cache',
        { code: 1, stderr: 'Error response from daemon: Conflict. The container name "/dockbase-lock-cache" is already in use' },
      ],
      ['container inspect --format {{.Id}}', { stdout: `lock1 ${JSON.stringify(labels)}\n` }],
    ];
    for (const argv of [
      ['stop', 'cache'],
      ['start', 'cache'],
      ['restart', 'cache'],
      ['rm', 'cache', '--yes'],
      ['rm', 'cache', '--with-data', '--yes'],
    ]) {
      const d = withCache(held());
      const r = await run(argv, d, { jobs: { store: () => new MemoryJobStore(), engineLock: true } });
      expect(r, argv.join(' ')).toMatchObject({
        code: 5,
        stdout: '',
        stderr: expect.stringContaining(
          'Error: cache is being upgraded, started 12:03 from the Dockbase tab. Wait until it ends, or cancel it there, then try again.\n',
        ),
      });
      expect(changes(d), argv.join(' ')).toEqual([]);
    }
  });

  it('create shows the pull of its image, layer by layer, from the job', async () => {
    const d = scripted([
      ['ps --all --no-trunc --format', { stdout: '' }],
      ['image inspect', { code: 1, stderr: 'Error: No such image' }],
      ['pull ', { stdout: 'a3ed95caeb02: Pulling fs layer\nb1c2d3e4f5a6: Pulling fs layer\na3ed95caeb02: Pull complete\nb1c2d3e4f5a6: Pull complete\n' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['run ', { stdout: `${CREATED_ID}\n` }],
    ]);
    const r = await run(['create', 'redis', '--no-wait'], d);
    expect(r.code, r.stderr).toBe(0);
    const tag = getEngine('redis').defaultTag;
    expect(r.stderr).toContain(`Pulling redis:${tag}: 1/2 layers\nPulling redis:${tag}: 2/2 layers\n`);
    expect(r.stdout).toContain(`redis-1: Redis ${tag}, starting, on 127.0.0.1:6379`);
  });

  it('create on kept data checks that the password opens it: a refused one is a warning, and `passwordCheck` in --json', async () => {
    const kept = JSON.stringify([
      {
        Name: 'dockbase-app-data',
        Labels: { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'postgres', 'io.dockbase.tag': '17', 'io.dockbase.instance': '00000000beef' },
      },
    ]);
    // The server answers; its client refuses the password (the data keeps the one it was made with).
    const d = scripted([
      ['ps --all --no-trunc --format', { stdout: '' }],
      ['image inspect', { stdout: 'sha256:x\n' }],
      ['volume inspect', { stdout: kept }],
      ['run ', { stdout: `${CREATED_ID}\n` }],
      ['exec', (args) => ({ code: args.join(' ').includes('PGPASSWORD') ? 2 : 0 })],
    ]);
    const r = await run(['create', 'postgres', '--name', 'app', '--version', '17', '--password-stdin', '--no-wait', '--json'], d, { stdin: 'not the data’s' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Warning: PostgreSQL refused app's password: its data keeps another one.");
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'app', passwordCheck: 'rejected' });
    expect(JSON.parse(r.stdout)).not.toHaveProperty('password');
  });

  it('a create whose `dockbase` was killed is undone by the next command, which says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-cli-jobs-'));
    try {
      fs.mkdirSync(path.join(dir, 'jobs'));
      // A process that has ended wrote it: its pid runs no more.
      const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
      const job = {
        id: 'cccccccccccc',
        kind: 'create',
        instanceId: '0123456789ab',
        instanceName: 'shop',
        engine: 'redis',
        title: 'Create Redis 8.2',
        by: 'cli',
        startedAt: new Date().toISOString(),
        state: 'running',
        progress: {},
        cancellable: false,
      };
      const undo = [
        { do: 'remove-others', instanceId: '0123456789ab', keep: '' },
        { do: 'remove-scratch-volumes', volumes: ['dockbase-shop-data'] },
      ];
      const lines = [
        { type: 'job', job, pid: dead, host: os.hostname() },
        { type: 'mark', mark: { at: job.startedAt, phase: 'begin', step: 'create', undo } },
        { type: 'mark', mark: { at: job.startedAt, phase: 'end', step: 'create' } },
      ];
      fs.writeFileSync(path.join(dir, 'jobs', 'cccccccccccc.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      const jobs = { store: () => new FileJobStore(dir), engineLock: true };
      const d = scripted([['ps --all --quiet --no-trunc --filter label=io.dockbase.instance=0123456789ab', { stdout: 'made1\n' }]]);
      const r = await run(['list'], d, { jobs });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('Create Redis 8.2 was interrupted at “create” (Dockbase stopped). shop was not made: what the job had made was removed.\n');
      expect(changes(d)).toEqual([
        ['rm', '--force', '--volumes', 'made1'],
        ['volume', 'rm', 'dockbase-shop-data'],
      ]);
      // Said once: the next command has nothing to recover.
      expect((await run(['list'], scripted([]), { jobs })).stderr).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('snapshots', () => {
  // 2048 KiB, as du measures a small snapshot: sizes are shown in decimal units, as docker prints them.
  const snapshot: Snapshot = {
    id: 'snap1',
    name: 'before migration',
    instanceId: 'a1',
    instanceName: 'cache',
    engine: 'redis',
    image: 'redis',
    tag: '7.4',
    createdAt: '2026-11-25T18:00:00.000Z',
    sizeBytes: 2048 * 1024,
    reason: 'manual',
    manifestVolume: 'dockbase-snapshot-snap1',
    volumes: [{ key: 'data', volume: 'dockbase-snapshot-snap1-data', path: '/data' }],
  };
  const docker = () =>
    scripted([
      ['volume ls --quiet', { stdout: `${snapshot.manifestVolume}\n` }],
      ['volume inspect', { stdout: JSON.stringify([{ Name: snapshot.manifestVolume, Labels: snapshotManifestLabels(snapshot) }]) }],
    ]);

  it('lists snapshots with their sizes in decimal units', async () => {
    expect(await run(['snapshot', 'list'], docker())).toMatchObject({
      code: 0,
      stdout: 'ID     NAME              INSTANCE  VERSION    SIZE    TAKEN\nsnap1  before migration  cache     Redis 7.4  2.1 MB  2026-11-25 18:00:00Z\n',
    });
  });

  it('refuses a name the instance’s snapshots have already (exit 2, naming it) before anything stops', async () => {
    const d = scripted([
      ['ps --all --no-trunc --filter label=io.dockbase.instance', { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n` }],
      ['volume ls --quiet', { stdout: `${snapshot.manifestVolume}\n` }],
      ['volume inspect', { stdout: JSON.stringify([{ Name: snapshot.manifestVolume, Labels: snapshotManifestLabels(snapshot) }]) }],
    ]);
    expect(await run(['snapshot', 'cache', '--as', 'before migration'], d)).toMatchObject({
      code: 2,
      stderr:
        'Error: Name: cache already has a snapshot named "before migration" (id snap1, taken 2026-11-25 18:00:00Z). Choose another name, or delete that snapshot first.\n',
    });
    expect(d.calls.some((c) => ['stop', 'run'].includes(c[0]!))).toBe(false);
  });

  it('names the size when it asks before deleting one', async () => {
    const d = docker();
    const r = await run(['snapshot', 'rm', 'snap1'], d, { tty: true, stdin: 'n\n' });
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('Delete snapshot "before migration" of cache (2.1 MB)? This cannot be undone.') });
    expect(d.calls.some((c) => c[0] === 'volume' && c[1] === 'rm')).toBe(false);
  });
});

describe('import and export check the files on this machine first', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-cli-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  /** Docker with one running Redis instance, cache: what an import or export would go on with. */
  const withCache = () =>
    scripted([
      ['ps --all --no-trunc --filter label=io.dockbase.instance', { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n` }],
      ['ps --all --no-trunc --format', { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n` }],
    ]);

  it('import of a file that is not there exits 2 naming it, before anything is sent or asked', async () => {
    const missing = path.join(dir, 'dump.rdb');
    const docker = withCache();
    const r = await run(['import', 'cache', missing, '--yes'], docker);
    expect(r).toMatchObject({ code: EXIT.usage, stdout: '', stderr: `Error: No such file: ${missing}. Nothing was imported.\n` });
    expect(docker.calls).toEqual([]);
    const json = await run(['import', 'cache', missing, '--yes', '--json'], withCache());
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'usage', message: `No such file: ${missing}. Nothing was imported.`, exitCode: 2 } });
  });

  it('import of a folder exits 2 naming it', async () => {
    const docker = withCache();
    expect(await run(['import', 'cache', dir, '--yes'], docker)).toMatchObject({
      code: EXIT.usage,
      stderr: `Error: ${dir} is a folder, not a dump file. Nothing was imported.\n`,
    });
    expect(docker.calls).toEqual([]);
  });

  it('export to a folder that is not there, or to a file, exits 2 naming it, and runs no dump', async () => {
    const missing = path.join(dir, 'backups');
    const docker = withCache();
    const r = await run(['export', 'cache', '--to', missing], docker);
    expect(r).toMatchObject({
      code: EXIT.usage,
      stdout: '',
      stderr: `Error: No such folder: ${missing}. Create it, or choose another with --to. Nothing was exported.\n`,
    });
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, '');
    const json = await run(['export', 'cache', '--to', file, '--json'], docker);
    expect(json.code).toBe(EXIT.usage);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'usage', message: `${file} is a file, not a folder: choose a folder with --to. Nothing was exported.`, exitCode: 2 },
    });
    expect(docker.calls.filter((c) => c[0] === 'exec' || c[0] === 'cp')).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });
});

describe('what a finished upgrade says', () => {
  it('counts in words: "1 table", not "1 tables"', async () => {
    const { upgradedText } = await import('./commands/upgrade');
    const point = { name: 'before upgrade to 17' } as Parameters<typeof upgradedText>[2]['rollbackPoint'];
    expect(upgradedText('orders', 'PostgreSQL', { serverVersion: '17', from: '15', verified: { tables: 1, rows: 1 }, rollbackPoint: point })).toBe(
      'orders now runs PostgreSQL 17 (1 table, 1 row checked). Its data from 15 is kept as the rollback point "before upgrade to 17": dockbase rollback orders.',
    );
    expect(upgradedText('orders', 'PostgreSQL', { serverVersion: '17', from: '15', verified: { tables: 3, rows: 42 }, rollbackPoint: point })).toMatch(
      /\(3 tables, 42 rows checked\)/,
    );
  });
});

describe('a password its data refuses', () => {
  // PostgreSQL answers its probe (pg_isready) but its client refuses the configured password.
  const verify = getEngine('postgres').verifyPassword(5432);
  const docker = (refused: boolean) =>
    scripted([
      [`exec cid-b1 sh -c ${verify}`, refused ? { code: 2, stderr: 'psql: error: password authentication failed for user "postgres"' } : {}],
      [
        'ps --all --no-trunc --filter label=io.dockbase.instance --format',
        { stdout: `${psLine({ id: 'b1', name: 'orders', engine: 'postgres', tag: '17', port: 5432 })}\n` },
      ],
    ]);

  it('shows in list as password-refused (table and JSON), where the server answers', async () => {
    const table = await run(['list'], docker(true));
    expect(table.stdout).toMatch(/^orders +PostgreSQL +17 +password-refused /m);
    const json = JSON.parse((await run(['list', '--json'], docker(true))).stdout) as Array<{ status: string }>;
    expect(json[0]?.status).toBe('password-refused');
    expect(JSON.parse((await run(['list', '--json'], docker(false))).stdout)[0].status).toBe('healthy');
  });

  it('makes url exit 1 with the refusal, printing no string that cannot connect', async () => {
    const r = await run(['url', 'orders'], docker(true));
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/PostgreSQL refused orders's password.*\(status: password-refused\)/);
    expect(await run(['url', 'orders'], docker(false))).toMatchObject({ code: 0, stdout: 'postgresql://postgres:********@127.0.0.1:5432/postgres\n' });
  });
});

describe('restore --data-password-stdin', () => {
  it('reads the snapshot’s password from stdin and the instance takes it once the data is back (MariaDB)', async () => {
    const docker = mariadbDocker();
    const r = await run(['restore', 'shop', 'first', '--data-password-stdin', '--yes', '--json'], docker.cli, { stdin: `${SNAPSHOT_PASSWORD}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'shop', password: 'ok', dataPasswordTaken: true });
    expect(r.stderr).toContain('Note: shop now has the password you gave for snapshot “first”: it opens the restored data.');
    expect(docker.named()).toMatchObject({ password: SNAPSHOT_PASSWORD, running: true });
    expect(`${r.stdout}${r.stderr}`).not.toContain(SNAPSHOT_PASSWORD);
    expect(docker.cli.calls.filter((c) => c.some((a) => a.includes(SNAPSHOT_PASSWORD)))).toEqual([]);
  });

  it('warns when the password given does not open the data either: the instance keeps its own', async () => {
    const docker = mariadbDocker();
    const r = await run(['restore', 'shop', 'first', '--data-password-stdin', '--yes'], docker.cli, { stdin: 'a wrong guess' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^shop was restored from "first"\./);
    expect(r.stderr).toContain('Warning: The password you gave for snapshot “first” does not open the restored data either: shop keeps its own password.');
    expect(docker.named()).toMatchObject({ id: 'old', password: SHOP_PASSWORD });
  });

  it('is refused (exit 2) where no password is asked for, before anything is read or changed', async () => {
    const docker = scripted([
      ['ps --all --no-trunc --filter label=io.dockbase.instance', { stdout: `${psLine({ id: 'a1', name: 'cache' })}\n` }],
      ['volume ls --quiet', { stdout: 'dockbase-snapshot-snap1\n' }],
      [
        'volume inspect',
        {
          stdout: JSON.stringify([
            {
              Name: 'dockbase-snapshot-snap1',
              Labels: snapshotManifestLabels({
                ...SHOP_SNAPSHOT,
                id: 'snap1',
                instanceId: 'a1',
                instanceName: 'cache',
                engine: 'redis',
                tag: '7.4',
                manifestVolume: 'dockbase-snapshot-snap1',
              }),
            },
          ]),
        },
      ],
    ]);
    const r = await run(['restore', 'cache', 'first', '--data-password-stdin', '--yes'], docker, { stdin: 'pw' });
    expect(r).toMatchObject({
      code: EXIT.usage,
      stderr: 'Error: --data-password-stdin is not needed for cache: Redis keeps no password in its data. Nothing was changed.\n',
    });
    expect(docker.calls.some((c) => ['stop', 'run'].includes(c[0]!))).toBe(false);
  });

  it('is in the help of restore and import', async () => {
    for (const command of ['restore', 'import']) {
      const help = await run([command, '--help'], scripted([]));
      expect(help.stdout).toContain('--data-password-stdin');
    }
  });
});
