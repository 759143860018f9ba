import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '@dockbase/core';
import { dockbase, ensureCliBuilt } from '../support/cli';
import { ensureTestImage, tempDir } from '../support/data-safety';
import { realDocker, testPort } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { postgresAcceptsLogin } from '../support/postgres';
import { withRedis } from '../support/redis';

// Projects (dockbase.yaml) on the real engine, through the `dockbase` bin as a user runs it in a git
// repository: init from a compose file, up (twice), env, branch copies switched by the git hook, down.
// Real PostgreSQL and Redis servers from the local registry; the yaml names their image per instance.
const { docker, cleanup } = realDocker();
const prefix = `dbt-proj-${process.pid}`;
const project = prefix;
const pgPort = testPort(7);
const redisPort = testPort(8);
const dir = tempDir('dockbase-project-');
const run = (args: string[], options: { stdin?: string } = {}) => dockbase(args, { cwd: dir, ...options, timeoutMs: 240_000 });
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface UpJson {
  project: string;
  instances: Array<{
    key: string;
    outcome: string;
    id: string;
    name: string;
    port: number;
    containerId: string;
    project: { name: string; path: string };
    settingsChanged?: string[];
  }>;
}

/** The env file's value of a key (as Dockbase writes them: bare). */
const envValue = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(fs.readFileSync(path.join(dir, '.env'), 'utf8'))?.[1] ?? '';
const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);

/** The project's running instance on a port (the one serving the app now). */
async function servingOn(port: number): Promise<string> {
  const names = (await docker('ps', '--filter', `label=${LABEL.project}=${project}`, '--filter', `publish=${port}`, '--format', '{{.Names}}'))
    .trim()
    .split('\n')
    .filter(Boolean);
  expect(names).toHaveLength(1);
  return names[0] ?? '';
}
const psql = async (sql: string) => (await docker('exec', await servingOn(pgPort), 'psql', '-X', '-qtA', '-U', 'postgres', '-d', 'orders', '-c', sql)).trim();

beforeAll(async () => {
  await cleanup(prefix);
  await Promise.all([
    ensureCliBuilt(),
    ensureTestImage(`${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}`),
    ensureTestImage(`${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`),
  ]);
  fs.mkdirSync(path.join(dir, 'db'));
  fs.writeFileSync(path.join(dir, 'db', 'init.sql'), "CREATE TABLE items (body text); INSERT INTO items VALUES ('from init');\n");
  fs.writeFileSync(
    path.join(dir, 'docker-compose.yaml'),
    `services:
  web:
    build: .
  orders:
    image: ${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}
    environment:
      POSTGRES_PASSWORD: compose-secret
      POSTGRES_DB: orders
    ports: ["${pgPort}:5432"]
    volumes:
      - ./db/init.sql:/docker-entrypoint-initdb.d/init.sql
  cache:
    image: ${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}
    ports:
      - "127.0.0.1:${redisPort}:6379"
`,
  );
  fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
  git('init', '-q', '-b', 'main');
}, 300_000);

afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a project on the real engine', () => {
  it('init writes dockbase.yaml from the compose file: its databases, their ports and init files, no password', async () => {
    const r = await run(['init', '--from-compose', '--project', project]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Skipped the service web');
    const yaml = fs.readFileSync(path.join(dir, 'dockbase.yaml'), 'utf8');
    expect(yaml).not.toContain('compose-secret');
    expect(yaml).toContain(`port: ${pgPort}`);
    expect(yaml).toContain(`image: ${POSTGRES_TEST_IMAGE}`);
    expect(yaml).toContain('- "db/init.sql"');
    expect(yaml).toContain('DATABASE_URL: "{{orders.url}}"');
    // Never overwritten.
    const again = await run(['init', '--from-compose', '--project', project]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(fs.readFileSync(path.join(dir, 'dockbase.yaml'), 'utf8')).toBe(yaml);
    git('add', '.');
    git('commit', '-q', '-m', 'project');
  });

  it('up makes and starts both instances, labelled with the project; a second up changes nothing', async () => {
    const first = await run(['up', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const made = JSON.parse(first.stdout) as UpJson;
    expect(made.instances.map((i) => [i.key, i.outcome, i.name, i.port])).toEqual([
      ['orders', 'created', `${project}-orders`, pgPort],
      ['cache', 'created', `${project}-cache`, redisPort],
    ]);
    expect(made.instances[0]?.project).toEqual({ name: project, path: fs.realpathSync(dir) });
    // The init file ran into the new data.
    expect(await psql('SELECT body FROM items')).toBe('from init');

    const startedAt = async () => docker('inspect', '--format', '{{.Id}} {{.State.StartedAt}}', `${project}-orders`, `${project}-cache`);
    const before = await startedAt();
    const second = await run(['up', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const kept = JSON.parse(second.stdout) as UpJson;
    expect(kept.instances.map((i) => i.outcome)).toEqual(['running', 'running']);
    expect(await startedAt()).toBe(before);
  });

  it('up gives an instance the settings dockbase.yaml declares, saying which and from what; a second up changes nothing', async () => {
    const file = path.join(dir, 'dockbase.yaml');
    const good = fs.readFileSync(file, 'utf8');
    expect(good).toContain(`    port: ${pgPort}\n`);
    fs.writeFileSync(file, good.replace(`    port: ${pgPort}\n`, `    port: ${pgPort}\n    settings:\n      max_connections: 77\n`));
    const changed = await run(['up', '--json']);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toContain(
      `${project}-orders: setting max_connections: dockbase.yaml says max_connections=77, it has none: up sets what the file says.`,
    );
    const out = JSON.parse(changed.stdout) as UpJson;
    expect(out.instances.map((i) => [i.key, i.outcome, i.settingsChanged])).toEqual([
      ['orders', 'running', ['setting max_connections=77']],
      ['cache', 'running', undefined],
    ]);
    expect(await psql('SHOW max_connections')).toBe('77');
    expect(await psql('SELECT body FROM items')).toBe('from init');

    const startedAt = async () => docker('inspect', '--format', '{{.Id}} {{.State.StartedAt}}', `${project}-orders`, `${project}-cache`);
    const before = await startedAt();
    const again = await run(['up']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('setting');
    expect(await startedAt()).toBe(before);

    // The file without it again: up takes the setting away (the server's default comes back).
    fs.writeFileSync(file, good);
    const back = await run(['up']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('orders: already running; settings changed: setting max_connections removed');
    expect(await psql('SHOW max_connections')).toBe('100');
  });

  it('env writes its own keys into an existing .env and keeps every other byte; the values open the servers', async () => {
    const existing = '# my app\r\nSECRET_KEY="keep # me"\r\n\r\nexport DATABASE_URL=stale\r\nDEBUG=1';
    fs.writeFileSync(path.join(dir, '.env'), existing);
    const r = await run(['env']);
    expect(r.code, r.stderr).toBe(0);
    const text = fs.readFileSync(path.join(dir, '.env'), 'utf8');
    const dbUrl = /^export DATABASE_URL=(.*)\r$/m.exec(text)?.[1] ?? '';
    expect(text).toBe(`# my app\r\nSECRET_KEY="keep # me"\r\n\r\nexport DATABASE_URL=${dbUrl}\r\nDEBUG=1\r\nREDIS_URL=${envValue('REDIS_URL')}\r\n`);
    expect(dbUrl).toMatch(new RegExp(`^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:${pgPort}/orders$`));
    expect(r.stderr).not.toMatch(/git does not ignore/);
    expect(await postgresAcceptsLogin(pgPort, passwordOf(dbUrl), { timeoutMs: 5000 })).toBe(true);
    expect(await withRedis(redisPort, passwordOf(envValue('REDIS_URL')), (c) => c.command('PING'))).toEqual({ ok: true, value: 'PONG' });
    // A second run leaves the file as it is.
    expect((await run(['env'])).stdout).toContain('up to date');
    expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).toBe(text);
    // A symbolic link is not written through.
    fs.symlinkSync('.env', path.join(dir, 'linked.env'));
    const linked = await run(['env', '--file', 'linked.env']);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toMatch(/symbolic link/);
    fs.unlinkSync(path.join(dir, 'linked.env'));
  });

  it('branch databases: a row written on branch A is absent on main and there again back on A, with the same .env', async () => {
    const env = fs.readFileSync(path.join(dir, '.env'), 'utf8');
    const dbPassword = passwordOf(/DATABASE_URL=(.*)\r/.exec(env)?.[1] ?? '');
    const redisPassword = passwordOf(envValue('REDIS_URL').trim());
    const hook = await run(['hook', 'install']);
    expect(hook.code, hook.stderr).toBe(0);

    git('checkout', '-q', '-b', 'feature/a');
    const since = new Date(Date.now() - 1000).toISOString();
    const branched = await run(['branch', '--json']);
    expect(branched.code, branched.stderr).toBe(0);
    // ONE copy of each instance's data: the only volumes it touched are each source's and its copy's (docker
    // says `create` for each mount of a named volume), none for a snapshot in between.
    const volumesTouched = (
      await docker(
        'events',
        '--since',
        since,
        '--until',
        new Date().toISOString(),
        '--filter',
        'type=volume',
        '--filter',
        'event=create',
        '--format',
        '{{.Actor.ID}}',
      )
    )
      .split('\n')
      .filter((v) => v.includes(project));
    expect([...new Set(volumesTouched)]).toEqual([
      `dockbase-${project}-orders-data`,
      expect.stringMatching(new RegExp(`^dockbase-${project}-orders--feature-a-[0-9a-z]+-data$`)),
      `dockbase-${project}-cache-data`,
      expect.stringMatching(new RegExp(`^dockbase-${project}-cache--feature-a-[0-9a-z]+-data$`)),
    ]);
    expect(JSON.parse(branched.stdout)).toMatchObject({
      branch: 'feature/a',
      instances: [
        { key: 'orders', copied: true, from: `${project}-orders`, port: pgPort },
        { key: 'cache', copied: true, from: `${project}-cache`, port: redisPort },
      ],
    });
    // The instances the copies were made from are stopped (their data as it was), not deleted.
    expect((await docker('inspect', '--format', '{{.State.Status}}', `${project}-orders`, `${project}-cache`)).trim().split('\n')).toEqual([
      'exited',
      'exited',
    ]);
    // A clone of the data at branching time, on the same port, opened by the same password.
    expect(await servingOn(pgPort)).toMatch(new RegExp(`^${project}-orders--feature-a-`));
    expect(await psql('SELECT body FROM items')).toBe('from init');
    expect(await postgresAcceptsLogin(pgPort, dbPassword, { timeoutMs: 5000 })).toBe(true);
    await psql("INSERT INTO items VALUES ('on branch a')");
    await withRedis(redisPort, redisPassword, (c) => c.command('SET', 'where', 'a'));

    // git checkout runs the hook: main's own instances serve again.
    git('checkout', '-q', 'main');
    expect(await servingOn(pgPort)).toBe(`${project}-orders`);
    expect(await psql('SELECT body FROM items ORDER BY body')).toBe('from init');
    expect(await withRedis(redisPort, redisPassword, (c) => c.command('GET', 'where'))).toEqual({ ok: true, value: null });

    git('checkout', '-q', 'feature/a');
    expect(await servingOn(pgPort)).toMatch(new RegExp(`^${project}-orders--feature-a-`));
    expect((await psql('SELECT body FROM items ORDER BY body')).split('\n')).toEqual(['from init', 'on branch a']);
    expect(await withRedis(redisPort, redisPassword, (c) => c.command('GET', 'where'))).toEqual({ ok: true, value: 'a' });
    // The .env never changed.
    expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).toBe(env);

    // A branch gone from git is listed, never deleted unasked.
    git('checkout', '-q', 'main');
    git('branch', '-q', '-D', 'feature/a');
    const ls = await run(['branch', 'ls', '--json']);
    expect(JSON.parse(ls.stdout)).toMatchObject({ branches: [{ branch: 'feature/a', gone: true }] });
    const refused = await run(['branch', 'rm', 'feature/a']);
    expect(refused.code).toBe(2);
    expect((await run(['branch', 'ls', '--json'])).stdout).toContain('feature/a');
    const removed = await run(['branch', 'rm', 'feature/a', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse((await run(['branch', 'ls', '--json'])).stdout)).toMatchObject({ branches: [] });
  });

  it('a `dockbase branch` killed once its copy is made is put back by the next run: no half-made copy, the source serves again', async () => {
    const state = tempDir('dockbase-project-state-');
    const env = { DOCKBASE_STATE_DIR: state };
    git('checkout', '-q', '-b', 'feature/b');
    // The process dies (SIGKILL) right after the journal says the orders' data is copied: the source is stopped.
    const killed = await dockbase(['branch'], { cwd: dir, env: { ...env, DOCKBASE_FAULT_AT: 'branch:copy:end' }, timeoutMs: 240_000 });
    expect(killed.code, killed.stderr).not.toBe(0);
    const copyVolumes = async () => (await docker('volume', 'ls', '--quiet')).split('\n').filter((v) => v.includes(`${project}-orders--feature-b`));
    expect(await copyVolumes()).toHaveLength(1);
    expect((await docker('inspect', '--format', '{{.State.Status}}', `${project}-orders`)).trim()).toBe('exited');

    const next = await dockbase(['branch', 'ls'], { cwd: dir, env, timeoutMs: 240_000 });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(
      `${project}-orders keeps its data as it was, and runs again; the branch copy was not made: what the job had made for it was removed.`,
    );
    expect(await copyVolumes()).toEqual([]);
    expect(await servingOn(pgPort)).toBe(`${project}-orders`);
    expect(await psql('SELECT body FROM items ORDER BY body')).toBe('from init');
    // Its lock went with the recovery: the instance takes jobs again.
    expect((await docker('ps', '--all', '--format', '{{.Names}}')).split('\n')).not.toContain(`dockbase-lock-${project}-orders`);
    git('checkout', '-q', 'main');
    git('branch', '-q', '-D', 'feature/b');
    fs.rmSync(state, { recursive: true, force: true });
  });

  it('up refuses a port another container holds, naming it, and makes nothing', async () => {
    const other = `${prefix}-squatter`;
    fs.writeFileSync(
      path.join(dir, 'dockbase.yaml'),
      fs
        .readFileSync(path.join(dir, 'dockbase.yaml'), 'utf8')
        .replace(
          'instances:',
          `instances:\n  extra:\n    engine: redis\n    version: "${REDIS_TEST_TAG}"\n    image: ${REDIS_TEST_IMAGE}\n    port: ${testPort(9)}`,
        ),
    );
    await docker(
      'run',
      '--detach',
      '--name',
      other,
      '--publish',
      `127.0.0.1:${testPort(9)}:6379`,
      '--entrypoint',
      'sleep',
      `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`,
      'infinity',
    );
    const r = await run(['up']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`Port ${testPort(9)} (extra) is in use by the container ${other}, which runs`);
    expect(r.stderr).toContain('Nothing was made or started');
    expect((await docker('ps', '--all', '--filter', `name=${project}-extra`, '--format', '{{.Names}}')).trim()).toBe('');
    await docker('rm', '--force', other);
    git('checkout', '-q', '--', 'dockbase.yaml');
  });

  it('an up that fails half-way says what it made and what not, and a second up finishes the job', async () => {
    const file = path.join(dir, 'dockbase.yaml');
    const good = fs.readFileSync(file, 'utf8');
    const extra = (image: string) =>
      good.replace(
        'env:',
        `  spare:\n    engine: redis\n    version: "${REDIS_TEST_TAG}"\n    image: ${REDIS_TEST_IMAGE}\n    port: ${testPort(9)}\n  late:\n    engine: redis\n    version: "${REDIS_TEST_TAG}"\n    image: ${image}\n    port: ${testPort(6)}\nenv:`,
      );
    // The image of the last one is not in the registry: up gets that far, then stops.
    fs.writeFileSync(file, extra('127.0.0.1:5000/dockbase-test/no-such-redis'));
    const failed = await run(['up']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('up stopped at late:');
    expect(failed.stderr).toContain('Done: orders (running), cache (running), spare (created).');
    expect(failed.stderr).toContain('Not done: late.');
    fs.writeFileSync(file, extra(REDIS_TEST_IMAGE));
    const finished = await run(['up', '--json']);
    expect(finished.code, finished.stderr).toBe(0);
    expect((JSON.parse(finished.stdout) as UpJson).instances.map((i) => i.outcome)).toEqual(['running', 'running', 'running', 'created']);
    fs.writeFileSync(file, good);
    await docker('rm', '--force', '--volumes', `${project}-spare`, `${project}-late`);
    await docker('volume', 'rm', `dockbase-${project}-spare-data`, `dockbase-${project}-late-data`);
  });

  it('a seed file is imported once into new data, and leaves no snapshot behind', async () => {
    const file = path.join(dir, 'dockbase.yaml');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(path.join(dir, 'db', 'seed.sql'), 'CREATE TABLE seeded (x int);\nINSERT INTO seeded VALUES (42);\n');
    fs.writeFileSync(
      file,
      good.replace(
        'env:',
        `  seeded:\n    engine: postgres\n    version: "${POSTGRES_TEST_TAG}"\n    image: ${POSTGRES_TEST_IMAGE}\n    port: ${testPort(2)}\n    seed:\n      file: db/seed.sql\nenv:`,
      ),
    );
    const r = await run(['up']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('seeded: created, seeded from db/seed.sql');
    const name = `${project}-seeded`;
    expect((await docker('exec', name, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', 'SELECT x FROM seeded')).trim()).toBe('42');
    expect((await docker('volume', 'ls', '--quiet', '--filter', `label=${LABEL.snapshotOfName}=${name}`)).trim()).toBe('');
    fs.writeFileSync(file, good);
    await docker('rm', '--force', '--volumes', name);
    await docker('volume', 'rm', `dockbase-${name}-data`);
  });

  it('a bad dockbase.yaml is refused with its line, column and what was expected', async () => {
    const file = path.join(dir, 'dockbase.yaml');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.replace(`port: ${redisPort}`, 'port: lots'));
    const r = await run(['up']);
    fs.writeFileSync(file, good);
    expect(r.code).toBe(2);
    const line = good.split('\n').findIndex((l) => l.includes(`port: ${redisPort}`)) + 1;
    expect(r.stderr).toContain(`dockbase.yaml:${line}:11: instances.cache.port: expected a port number from 1 to 65535`);
  });

  it('down stops the instances; --delete --with-data asks first, then removes them and their data', async () => {
    const stopped = await run(['down']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect((await docker('ps', '--filter', `label=${LABEL.project}=${project}`, '--format', '{{.Names}}')).trim()).toBe('');
    const refused = await run(['down', '--delete', '--with-data']);
    expect(refused.code).toBe(2);
    expect((await docker('ps', '--all', '--filter', `label=${LABEL.project}=${project}`, '--format', '{{.Names}}')).trim()).not.toBe('');
    const removed = await run(['down', '--delete', '--with-data', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await docker('ps', '--all', '--filter', `label=${LABEL.project}=${project}`, '--format', '{{.Names}}')).trim()).toBe('');
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=dockbase-${project}`)).trim()).toBe('');
  });
});
