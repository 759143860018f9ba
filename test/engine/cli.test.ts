import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput } from '@dockbase/core';
import { dockbase, dockbaseJson, ensureCliBuilt } from '../support/cli';
import { ensureTestImage } from '../support/data-safety';
import { realDocker, testPort } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { RedisConnection, withRedis } from '../support/redis';

// Every command of the `dockbase` CLI, run as a script runs it (its own process, real exit codes), on the
// real engine. Instances are read back through the core, as the tab reads them: the labels are the contract.
const core = realDocker();
const { docker, leftovers, cleanup } = core;
const prefix = `dbt-cli-${process.pid}`;
const name = `${prefix}-redis`;
const port = testPort(50);
const password = `cli p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï`;
const redis = ['--image', REDIS_TEST_IMAGE, '--version', REDIS_TEST_TAG];

interface InstanceJson {
  id: string;
  name: string;
  engine: string;
  version: string;
  status: string;
  state: string;
  port: number;
  bindAddress: string;
  url: string;
  volumes: string[];
  ready?: boolean;
  password?: string;
}

beforeAll(async () => {
  await ensureCliBuilt();
  await cleanup(prefix);
  await ensureTestImage(`${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);
});

afterAll(() => cleanup(prefix));

const startedAt = () => docker('inspect', '--format', '{{.State.StartedAt}}', name).then((s) => s.trim());

describe('the dockbase CLI on the real engine', () => {
  it('creates a Redis instance with a password from stdin, waits until it is ready, and never prints the password nor puts it in an argv', async () => {
    // A docker on PATH that records every argv it gets, then runs the real one.
    const realDockerBin = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    const wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-argv-'));
    const log = path.join(wrapperDir, 'argv.log');
    fs.writeFileSync(path.join(wrapperDir, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realDockerBin}' "$@"\n`, { mode: 0o755 });
    const r = await dockbase(['create', 'redis', '--name', name, '--port', String(port), ...redis, '--password-stdin', '--json'], {
      stdin: `${password}\n`,
      env: { PATH: `${wrapperDir}:${process.env.PATH}` },
    });
    const argvs = fs.readFileSync(log, 'utf8');
    fs.rmSync(wrapperDir, { recursive: true, force: true });
    expect(argvs).toMatch(/^run --detach .*--env REDISCLI_AUTH /m);
    expect(argvs).not.toContain(password);
    expect(r.code, r.stderr).toBe(0);
    const created = JSON.parse(r.stdout) as InstanceJson;
    // Ready: the server answered, so it reads healthy as in the tab, before docker's own first verdict.
    expect(created).toMatchObject({
      name,
      engine: 'redis',
      version: REDIS_TEST_TAG,
      port,
      bindAddress: '127.0.0.1',
      ready: true,
      status: 'healthy',
      volumes: [`dockbase-${name}-data`],
    });
    expect(created).not.toHaveProperty('password');
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.stderr).toMatch(/Waiting for .* to accept connections/);
    // The exact password, with every character a shell would interpret, reached the server.
    await withRedis(port, password, async (c) => expect(await c.command('SET', 'cli:kept', 'across delete')).toEqual({ ok: true, value: 'OK' }));
  });

  it('lists it (--json and the table) exactly as the tab reads it', async () => {
    const listed = (await dockbaseJson<InstanceJson[]>(['list'])).find((i) => i.name === name);
    const [fromCore] = (await core.dockbase.lifecycle.list()).filter((i) => i.name === name);
    expect(fromCore).toBeDefined();
    expect(listed).toMatchObject({ id: fromCore?.id, engine: 'redis', port, state: 'running', url: `redis://default:********@127.0.0.1:${port}/` });
    expect(await dockbaseJson<InstanceJson[]>(['list', name])).toEqual([listed]);
    const table = await dockbase(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+ENGINE\s+VERSION\s+STATUS\s+ADDRESS\s+PROJECT\s+DATA$/);
    expect(table.stdout).toMatch(
      new RegExp(`^${name}\\s+Redis\\s+${REDIS_TEST_TAG.replace('.', '\\.')}\\s+\\w+\\s+127\\.0\\.0\\.1:${port}\\s+-\\s+dockbase-${name}-data$`, 'm'),
    );
  });

  it('prints the connection string masked, and with the exact password only when asked', async () => {
    expect(await dockbase(['url', name])).toMatchObject({ code: 0, stdout: `redis://default:********@127.0.0.1:${port}/\n` });
    const shown = await dockbase(['url', name, '--show-password']);
    expect(shown.code).toBe(0);
    expect(decodeURIComponent(new URL(shown.stdout.trim()).password)).toBe(password);
    expect(await dockbaseJson(['url', name])).toEqual({ name, engine: 'redis', url: `redis://default:********@127.0.0.1:${port}/`, masked: true });
  });

  it('stops it gracefully and starts it again, ready for connections', async () => {
    const stopped = await dockbaseJson<InstanceJson>(['stop', name]);
    expect(stopped).toMatchObject({ name, status: 'stopped', state: 'exited' });
    await expect(
      RedisConnection.connect(port).then(
        (c) => (c.close(), 'open'),
        () => 'closed',
      ),
    ).resolves.toBe('closed');
    const started = await dockbaseJson<InstanceJson>(['start', name]);
    expect(started).toMatchObject({ name, state: 'running', ready: true, status: 'healthy' });
    await withRedis(port, password, async (c) => expect(await c.command('GET', 'cli:kept')).toEqual({ ok: true, value: 'across delete' }));
  });

  it('restarts it', async () => {
    const before = await startedAt();
    const r = await dockbase(['restart', name]);
    expect(r).toMatchObject({ code: 0, stdout: `${name}: ready\n` });
    expect(await startedAt()).not.toBe(before);
  });

  it('prints its log, and follows it until Ctrl-C (exit code 0)', async () => {
    const r = await dockbase(['logs', name, '--tail', '50']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ready to accept connections');
    expect(r.stdout).not.toContain(password);

    const follow = spawn(process.execPath, [await ensureCliBuilt(), 'logs', name, '-f', '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    const exited = new Promise<number | null>((resolve) => follow.once('close', (code) => resolve(code)));
    await expect.poll(() => out.split('\n').filter(Boolean).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // A restart writes new lines while it follows.
    const lines = out.split('\n').filter(Boolean).length;
    await docker('restart', '--time', '10', name);
    await expect.poll(() => out.split('\n').filter(Boolean).length, { timeout: 30_000 }).toBeGreaterThan(lines);
    follow.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses to delete a running instance from a script without --yes, and deletes nothing', async () => {
    const r = await dockbase(['rm', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is running.*--yes/);
    expect((await leftovers(name)).containers).toEqual([name]);
  });

  it('deletes it keeping its data; creating the same name again finds the data', async () => {
    const removed = await dockbaseJson<{ deleted: boolean; keptVolumes: string[] }>(['rm', name, '--yes']);
    expect(removed).toMatchObject({ deleted: true, keptVolumes: [`dockbase-${name}-data`] });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [`dockbase-${name}-data`] });
    const again = await dockbase(['create', 'redis', '--name', name, '--port', String(port), ...redis, '--password-stdin'], { stdin: password });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${name}: Redis ${REDIS_TEST_TAG}, ready, on 127.0.0.1:${port}`);
    await withRedis(port, password, async (c) => expect(await c.command('GET', 'cli:kept')).toEqual({ ok: true, value: 'across delete' }));
  });

  it('rm --with-data --yes leaves nothing behind', async () => {
    const r = await dockbase(['rm', name, '--with-data', '--yes']);
    expect(r).toMatchObject({ code: 0, stdout: `Deleted ${name} and its data.\n` });
    expect(await leftovers(name)).toEqual({ containers: [], volumes: [] });
    expect((await dockbaseJson<InstanceJson[]>(['list'])).map((i) => i.name)).not.toContain(name);
  });

  it('shows instances the tab created, and the tab sees those the CLI created (the labels are the contract)', async () => {
    const fromTab: CreateInstanceInput = {
      engine: 'redis',
      name: `${prefix}-tab`,
      tag: REDIS_TEST_TAG,
      image: REDIS_TEST_IMAGE,
      hostPort: testPort(51),
      password: 'tab-password',
      persistData: false,
      exposeOnNetwork: false,
    };
    const made = await core.dockbase.creation.create(fromTab, { start: true });
    const cliMade = await dockbaseJson<InstanceJson>([
      'create',
      'redis',
      '--name',
      `${prefix}-cli`,
      '--port',
      String(testPort(52)),
      ...redis,
      '--no-data',
      '--no-wait',
    ]);
    const listed = await dockbaseJson<InstanceJson[]>(['list']);
    expect(listed.find((i) => i.name === fromTab.name)).toMatchObject({ id: made.id, port: fromTab.hostPort, volumes: [] });
    const seen = (await core.dockbase.lifecycle.list()).find((i) => i.name === `${prefix}-cli`);
    expect(seen).toMatchObject({ id: cliMade.id, engine: 'redis', hostPort: testPort(52), volumes: [] });
    expect((await core.dockbase.lifecycle.connection(seen!)).uri).toMatch(/^redis:\/\/default:[A-Za-z0-9]{24}@/);
    for (const n of [fromTab.name, `${prefix}-cli`]) expect((await dockbase(['rm', n, '--yes'])).code).toBe(0);
    expect(await leftovers(prefix)).toEqual({ containers: [], volumes: [] });
  });
});

describe('bad input on the real engine: the tab’s errors, a non-zero exit code, nothing created', () => {
  const handMade = `${prefix}-handmade`;
  const busyPort = testPort(53);
  const ok = ['--name', `${prefix}-ok`, '--port', String(testPort(54)), ...redis, '--password-stdin'];
  beforeAll(async () => {
    await docker('run', '--detach', '--name', handMade, '--publish', `127.0.0.1:${busyPort}:6379`, `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);
  });

  // Whatever a create makes is named after the instance (its container, its volumes dockbase-NAME-*), and every
  // name tried here starts with the prefix. Counting everything on the engine would count other people's work:
  // the engine is shared.
  async function expectNothingCreated() {
    expect(await leftovers(prefix)).toEqual({ containers: [handMade], volumes: [] });
    expect((await core.dockbase.lifecycle.list()).filter((i) => i.name.startsWith(prefix))).toEqual([]);
  }

  const with_ = (change: Record<string, string>) => {
    const args = [...ok];
    for (const [flag, value] of Object.entries(change)) {
      const i = args.indexOf(flag);
      if (i >= 0) args[i + 1] = value;
      else args.push(flag, value);
    }
    return args;
  };

  it.each([
    ['an empty name', ['create', 'redis', ...with_({ '--name': '' })], 'secret-password', 2, /^Error: Name: Enter a name\.$/m],
    ['a name with a space', ['create', 'redis', ...with_({ '--name': 'my db' })], 'secret-password', 2, /^Error: Name: Use letters, digits/m],
    ['a name starting with a dash', ['create', 'redis', ...with_({ '--name': '-db' })], 'secret-password', 2, /starting with a letter or digit/],
    ['port 0', ['create', 'redis', ...with_({ '--port': '0' })], 'secret-password', 2, /^Error: Port: Use a port from 1 to 65535\.$/m],
    ['port 65536', ['create', 'redis', ...with_({ '--port': '65536' })], 'secret-password', 2, /^Error: Port: Use a port from 1 to 65535\.$/m],
    [
      'a port that is not a number',
      ['create', 'redis', ...with_({ '--port': '80a' })],
      'secret-password',
      2,
      /^Error: Port: Enter a whole number from 1 to 65535\.$/m,
    ],
    [
      'a missing PostgreSQL password',
      ['create', 'postgres', ...with_({ '--image': POSTGRES_TEST_IMAGE, '--version': '17' })],
      '',
      2,
      /^Error: Password: A password is required\.$/m,
    ],
    ['a Redis password starting with --', ['create', 'redis', ...ok], '--appendonly', 2, /^Error: Password: A Redis password cannot start with "--"\.$/m],
    ['an unknown engine', ['create', 'sqlite', ...ok], 'secret-password', 2, /Allowed choices are postgres, mysql, mariadb, mongo, redis/],
    [
      'a port already published by another container',
      ['create', 'redis', ...with_({ '--port': String(busyPort) })],
      'secret-password',
      5,
      new RegExp(`^Error: Port ${busyPort} is already used by another container\\.$`, 'm'),
    ],
    [
      'a name already used by a container made by hand',
      ['create', 'redis', ...with_({ '--name': handMade })],
      'secret-password',
      5,
      new RegExp(`^Error: Another container is already named "${handMade}"\\.$`, 'm'),
    ],
    [
      'an image that does not exist',
      ['create', 'redis', ...with_({ '--version': 'no-such-tag' })],
      'secret-password',
      3,
      /^Error: Image .*:no-such-tag was not found/m,
    ],
  ] as const)('refuses %s', async (_label, args, stdin, code, message) => {
    const r = await dockbase(args, { stdin });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    await expectNothingCreated();
  });

  it('says which field is wrong in --json, on stderr', async () => {
    const r = await dockbase(['create', 'redis', ...with_({ '--port': '0' }), '--json'], { stdin: 'secret-password' });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'invalid-input', field: 'hostPort', message: 'Port: Use a port from 1 to 65535.', exitCode: 2 } });
    await expectNothingCreated();
  });

  it('removes what it made when the port turns out to be taken outside docker at start (exit code 5)', async () => {
    const blocker = net.createServer();
    const blocked = testPort(55);
    await new Promise<void>((r) => blocker.listen(blocked, '127.0.0.1', r));
    try {
      const r = await dockbase(['create', 'redis', ...with_({ '--port': String(blocked) })], { stdin: 'secret-password' });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`Error: Port ${blocked} is already in use on this machine.`);
      await expectNothingCreated();
    } finally {
      blocker.close();
    }
  });

  it.each([['start'], ['stop'], ['restart'], ['rm'], ['logs'], ['url']])('`%s` of an instance that does not exist exits 3', async (command) => {
    const r = await dockbase([command, `${prefix}-nope`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`No Dockbase instance is named "${prefix}-nope"`);
  });

  it('leaves a container Dockbase did not create alone', async () => {
    for (const args of [
      ['stop', handMade],
      ['rm', handMade, '--yes'],
    ]) {
      const r = await dockbase(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('Dockbase did not create');
    }
    expect((await docker('inspect', '--format', '{{.State.Status}}', handMade)).trim()).toBe('running');
  });

  it('exits 4 when the Docker engine is not reachable', async () => {
    const r = await dockbase(['list'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('The Docker engine is not reachable');
  });
});

describe('dockbase ui', () => {
  it('serves the UI on a free loopback port with a one-time login link, and stops on SIGTERM', async () => {
    const child = spawn(await ensureCliBuilt(), ['ui', '--port', '0', '--no-backend'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await expect.poll(() => /login\?code=/.test(out), { timeout: 30_000 }).toBe(true);
    const url = /listening: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(out).toContain('backend:   off (--no-backend)');
    expect((await fetch(url as string)).status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
