import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL, getEngine, type CreateInstanceInput, type Instance, type Snapshot } from '@dockbase/core';
import { dockbase as runCli, ensureCliBuilt } from '../support/cli';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// Data truth (issue 27) on real PostgreSQL servers: a clone keeps its user and database and opens with its
// own password, snapshot names are unique per instance, a pg_dump -Fc dump of roles the instance lacks
// imports, and a refused import says the tool's own words and leaves no snapshot behind.
const { dockbase, docker, up, cleanup } = recordingDockbase();
const prefix = `dbt-truth-${process.pid}`;
const folder = tempDir('dockbase-truth-');

const base = async (name: string, over: Partial<CreateInstanceInput> = {}): Promise<CreateInstanceInput> => ({
  engine: 'postgres',
  name: `${prefix}-${name}`,
  tag: '17',
  image: POSTGRES_REAL_IMAGE,
  hostPort: await freePort(),
  password: HOSTILE_PASSWORD,
  persistData: true,
  exposeOnNetwork: false,
  ...over,
});

/** psql inside the container as `user` over the trusted local socket. */
const psql = async (i: Instance, sql: string, db: string, user = i.user ?? 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-qtA', '-U', user, '-d', db, '-c', sql)).trim();

/** This machine's psql with a connection string, as a user pastes it: its answer, or its error. */
const hostPsql = (uri: string, sql: string) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile('psql', [uri, '-X', '-qtA', '-c', sql], { env: { ...process.env, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, out: (error ? stderr : stdout).trim() }),
    );
  });

/** The instance's Shell as the card gives it (the engine's client with the container's own settings), running one statement. */
const shell = async (i: Instance, sql: string) => {
  const script = `${getEngine('postgres').clientShell} -X -qtA -c "$1"`;
  return (await docker('exec', i.containerId, 'sh', '-c', script, 'sh', sql)).trim();
};

const startedAt = async (i: Instance) => (await docker('inspect', '--format', '{{.State.StartedAt}}', i.containerId)).trim();

beforeAll(async () => {
  await cleanup(prefix);
  for (const ref of [`${POSTGRES_REAL_IMAGE}:17`, `${POSTGRES_REAL_IMAGE}:15`]) await ensureTestImage(ref);
});
afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('importing into PostgreSQL', () => {
  let source: Instance;
  let target: Instance;
  let dump: string;

  beforeAll(async () => {
    source = await up(await base('dumped'));
    // A database owned by a role of its own, with privileges for another: a typical production dump.
    await psql(source, 'CREATE ROLE shop_owner LOGIN; CREATE ROLE "Shop Reader"', 'postgres');
    await psql(source, 'CREATE DATABASE shop OWNER shop_owner', 'postgres');
    await psql(
      source,
      'CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g; GRANT SELECT ON items TO "Shop Reader"',
      'shop',
      'shop_owner',
    );
    await docker('exec', source.containerId, 'pg_dump', '-U', 'postgres', '-Fc', '-f', '/tmp/shop.dump', 'shop');
    await docker('cp', `${source.containerId}:/tmp/shop.dump`, folder);
    dump = path.join(folder, 'shop.dump');
    target = await up(await base('target', { user: 'qa_user', database: 'qa_app' }));
  });

  it('restores a pg_dump -Fc dump owned by a role the instance lacks: its objects belong to the instance’s user', async () => {
    const result = await dockbase.backups.import(target, dump);
    expect(result.kind).toBe('postgres-custom');
    expect(
      await psql(target, "SELECT count(*) || ' ' || pg_get_userbyid(relowner) FROM items, pg_class WHERE relname = 'items' GROUP BY relowner", 'shop'),
    ).toBe('1000 qa_user');
  });

  it('keeps owners and privileges when the instance has the roles', async () => {
    await psql(source, 'DROP DATABASE shop', 'postgres');
    await dockbase.backups.import(source, dump);
    expect(await psql(source, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'items'", 'shop')).toBe('shop_owner');
    expect(await psql(source, "SELECT has_table_privilege('Shop Reader', 'items', 'SELECT')", 'shop')).toBe('t');
  });

  it('when pg_restore fails, says its own error line, puts the data back and leaves no "before import" snapshot', async () => {
    // A view on the table stops pg_restore --clean from dropping it.
    await psql(target, 'CREATE VIEW recent AS SELECT * FROM items WHERE id > 990', 'shop');
    const before = await dockbase.snapshots.list(target.id);
    await expect(dockbase.backups.import(target, dump)).rejects.toMatchObject({
      code: 'bad-file',
      message: expect.stringMatching(
        /^Could not import shop\.dump: pg_restore: error: .*cannot drop table public\.items because other objects depend on it.* was put back as it was\.$/,
      ),
    });
    const now = await dockbase.lifecycle.get(target.id);
    expect(now.status).toBe('running');
    expect(await psql(now, 'SELECT count(*) FROM recent', 'shop')).toBe('10');
    expect(await dockbase.snapshots.list(target.id)).toEqual(before);
  });

  it('a refused SQL file leaves no "before import" snapshot either', async () => {
    const bad = path.join(folder, 'broken.sql');
    fs.writeFileSync(bad, 'CREATE TABLE half (n int);\nINSERT INTO half VALUES (1);\nCREATE TABLE broken (;\n');
    const before = await dockbase.snapshots.list(target.id);
    await expect(dockbase.backups.import(target, bad)).rejects.toMatchObject({
      code: 'bad-file',
      message: expect.stringMatching(/ERROR:.*put back as it was\.$/),
    });
    expect(await dockbase.snapshots.list(target.id)).toEqual(before);
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(target.id));
    // The SQL import runs in the postgres database: the table its first lines made went with the put back.
    expect(await psql(now, "SELECT count(*) FROM pg_class WHERE relname = 'half'", 'postgres')).toBe('0');
  });
});

// PostgreSQL's import of a pg_dump -Fc file, run by sh against stand-ins for pg_restore, psql and createdb
// that answer as PostgreSQL 17's do and record how pg_restore was called.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-pg-import-'));
const bin = path.join(dir, 'bin');
fs.mkdirSync(bin);
const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
// -l: the TOC's header ("dbname:", lowercase as pg_restore prints it); -s -f OUT: the schema; else the restore.
stub(
  'pg_restore',
  [
    'case "$1" in',
    '  -l) [ -n "$TOC_ERROR" ] && { echo "$TOC_ERROR" >&2; exit 1; }; printf \';\\n; Archive created at 2026-12-06\\n;     dbname: shop\\n;     TOC Entries: 9\\n\'; exit 0;;',
    '  -s) cat "$SCHEMA" >"$3"; exit 0;;',
    'esac',
    'echo "$@" >"$LOG"',
    '[ -n "$RESTORE_ERROR" ] && { printf \'%s\\nCommand was: DROP TABLE IF EXISTS public.items;\\npg_restore: warning: errors ignored on restore: 2\\n\' "$RESTORE_ERROR" >&2; exit 1; }',
    'exit 0',
  ].join('\n'),
);
// The roles this server has: ROLES, one a line. psql gets the role as its variable r.
stub(
  'psql',
  'for a; do case "$a" in r=*) r=${a#r=};; esac; done; cat >/dev/null; if printf \'%s\\n\' "$ROLES" | grep -qxF -- "$r"; then echo 1; else echo 0; fi',
);
stub('createdb', 'exit 0');

const schema = path.join(dir, 'schema.sql');
fs.writeFileSync(
  schema,
  [
    'CREATE TABLE public.items (id integer NOT NULL, body text);',
    'ALTER TABLE public.items OWNER TO shop_owner;',
    'GRANT SELECT ON TABLE public.items TO PUBLIC;',
    'GRANT SELECT ON TABLE public.items TO "Shop Reader";',
    'GRANT SELECT,INSERT ON TABLE public.items TO writer WITH GRANT OPTION;',
    'ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner IN SCHEMA public GRANT SELECT ON TABLES TO writer;',
    '',
  ].join('\n'),
);

/** Runs the import of a custom-format dump with these roles on the server: its exit code, stderr, and pg_restore's arguments. */
function restore(roles: string[], env: Record<string, string> = {}) {
  const file = path.join(dir, 'dockbase-import-0123456789ab');
  fs.writeFileSync(file, 'PGDMP');
  const log = path.join(dir, 'restore.log');
  fs.rmSync(log, { force: true });
  // The engine's script as the import runs it: the file, its kind and whether it is compressed as "$in", "$kind", "$gz".
  const script = ['in=$1', 'kind=$2', 'gz=$3', `trap 'rm -f "$in" "$in.err" "$in.toc"' EXIT`, getEngine('postgres').transfer.importScript!].join('\n');
  const r = spawnSync('sh', ['-c', script, 'sh', file, 'postgres-custom', '0'], {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, SCHEMA: schema, LOG: log, ROLES: roles.join('\n'), POSTGRES_USER: 'qa_user', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stderr: r.stderr.trim(), args: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim() : undefined };
}

describe('the connection string after the data was replaced', () => {
  const url = (i: Instance, password: string, user = 'postgres', db = 'postgres') =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${i.hostPort}/${db}`;

  it('an import of another instance’s cluster dump (its own role passwords) keeps the instance’s password working', async () => {
    const other = await up(await base('other', { password: 'the other one’s password' }));
    await psql(other, 'CREATE TABLE notes (id int); INSERT INTO notes VALUES (1), (2)', 'postgres');
    await docker('exec', other.containerId, 'sh', '-c', 'pg_dumpall -U postgres --clean --if-exists > /tmp/all.sql');
    await docker('cp', `${other.containerId}:/tmp/all.sql`, folder);
    const mine = await up(await base('mine'));
    const result = await dockbase.backups.import(mine, path.join(folder, 'all.sql'));
    expect(result.password).toEqual({ status: 'ok' });
    expect(await hostPsql(url(mine, HOSTILE_PASSWORD), 'SELECT count(*) FROM notes')).toEqual({ code: 0, out: '2' });
    // The dump's password for the same role no longer opens it: the card's string is the one that works.
    expect((await hostPsql(url(mine, 'the other one’s password'), 'SELECT 1')).code).toBe(1);
  });

  it('a restore of a snapshot taken before a password edit keeps the new password working', async () => {
    const i = await up(await base('edited'));
    const before = await dockbase.snapshots.take(i, { name: 'before the edit' });
    const { instance: edited } = await dockbase.editing.edit(await dockbase.lifecycle.get(i.id), { password: 'the new password' });
    const restored = await dockbase.snapshots.restore(edited, before);
    expect(restored.password).toEqual({ status: 'ok' });
    expect(await hostPsql(url(edited, 'the new password'), 'SELECT 1')).toEqual({ code: 0, out: '1' });
  });
});

describe('an export that cannot be saved (the disk is full)', () => {
  const full = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-full-'));

  beforeAll(async () => {
    await ensureCliBuilt();
    // A folder on a 256 KiB file system: the dump (a few MB) cannot fit. This machine's tests run as root.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]);
    if (mounted.status !== 0) throw new Error(`could not mount a small tmpfs at ${full}: ${mounted.stderr.toString()}`);
  });
  afterAll(() => {
    spawnSync('umount', [full]);
    fs.rmSync(full, { recursive: true, force: true });
  });

  it('leaves no file in the folder, under any name, and no dump in the container', async () => {
    const i = await up(await base('full'));
    await psql(i, 'CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS body FROM generate_series(1, 60000) g', 'postgres');
    const r = await runCli(['export', i.name, '--to', full]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no space left|ENOSPC|disk is full/i);
    // Nothing at all: no truncated file under an export's name, no hidden part file.
    expect(fs.readdirSync(full)).toEqual([]);
    const left = await docker('exec', i.containerId, 'sh', '-c', 'ls -A /tmp | grep dockbase-export || true');
    expect(left.trim()).toBe('');
  });
});

describe('an init file that failed', () => {
  it('is remembered: the instance says which file and line, and a start is refused until its data is made again', async () => {
    await ensureCliBuilt();
    const good = path.join(folder, 'schema.sql');
    const bad = path.join(folder, 'seed.sql');
    fs.writeFileSync(good, 'CREATE TABLE customers (id int);\n');
    fs.writeFileSync(bad, 'INSERT INTO customers VALUES (1);\nINSERT INTO orders VALUES (1);\n');
    const input = await base('initfail');
    const made = await dockbase.creation.create(input, { start: true, seedFiles: [good, bad] });
    // The image runs the files on its first start, and stops at the failing one.
    for (let i = 0; i < 120 && (await dockbase.lifecycle.get(made.id)).status === 'running'; i++) await new Promise((r) => setTimeout(r, 500));
    const [listed] = (await dockbase.lifecycle.list()).filter((i) => i.id === made.id);
    expect(listed?.failure).toMatchObject({
      kind: 'init-failed',
      summary: expect.stringMatching(/^Init failed: seed\.sql: line 2: ERROR: relation "orders" does not exist\./),
    });
    // The command line says it in list, and refuses start (the image would skip the init files now).
    const json = JSON.parse((await runCli(['list', input.name, '--json'])).stdout) as Array<{ status: string; failure?: string }>;
    expect(json[0]).toMatchObject({ status: 'error', failure: expect.stringMatching(/^Init failed: seed\.sql/) });
    const start = await runCli(['start', input.name]);
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/was not started\. Init failed: seed\.sql/);
    expect((await dockbase.lifecycle.get(made.id)).status).toBe('exited');
  });
});

describe('PostgreSQL’s import of a pg_dump -Fc file, against stand-ins for its tools', () => {
  it('restores into the database the dump names, keeping owners and privileges when the server has every role', () => {
    const r = restore(['qa_user', 'shop_owner', 'Shop Reader', 'writer']);
    expect(r).toMatchObject({ code: 0, args: '-U qa_user --clean --if-exists -d shop ' + path.join(dir, 'dockbase-import-0123456789ab') });
  });

  it('with --no-owner when an owner is missing, and --no-privileges when a role its privileges name is', () => {
    expect(restore(['qa_user']).args).toMatch(/^-U qa_user --clean --if-exists --no-owner --no-privileges -d shop /);
    expect(restore(['qa_user', 'shop_owner']).args).toMatch(/^-U qa_user --clean --if-exists --no-privileges -d shop /);
    expect(restore(['qa_user', 'shop_owner', 'writer']).args).toMatch(/^-U qa_user --clean --if-exists --no-privileges -d shop /);
    expect(restore(['qa_user', 'Shop Reader', 'writer']).args).toMatch(/^-U qa_user --clean --if-exists --no-owner --no-privileges -d shop /);
  });

  it('says pg_restore’s own first error and how many it ignored, not the SQL it ran', () => {
    const r = restore(['qa_user'], {
      RESTORE_ERROR: 'pg_restore: error: could not execute query: ERROR:  cannot drop table public.items because other objects depend on it',
    });
    expect(r).toMatchObject({
      code: 3,
      stderr:
        'pg_restore: error: could not execute query: ERROR:  cannot drop table public.items because other objects depend on it\npg_restore: warning: errors ignored on restore: 2',
    });
  });

  it('says why a file it cannot read was refused, in pg_restore’s words', () => {
    const r = restore(['qa_user'], { TOC_ERROR: 'pg_restore: error: unsupported version (1.16) in file header' });
    expect(r).toMatchObject({ code: 3, stderr: 'pg_restore: error: unsupported version (1.16) in file header', args: undefined });
  });
});

describe('snapshot names', () => {
  let instance: Instance;
  let first: Snapshot;

  beforeAll(async () => {
    await ensureCliBuilt();
    instance = await up(await base('names'));
    await psql(instance, 'CREATE TABLE marks (v text); INSERT INTO marks VALUES ($$first$$)', 'postgres');
  });

  it('refuse a name the instance has already, naming that snapshot, before the instance stops', async () => {
    first = await dockbase.snapshots.take(instance, { name: 'before migration' });
    const running = await dockbase.lifecycle.get(instance.id);
    const since = await startedAt(running);
    await expect(dockbase.snapshots.take(running, { name: 'before migration' })).rejects.toMatchObject({
      code: 'invalid-input',
      field: 'name',
      message: expect.stringContaining(`already has a snapshot named "before migration" (id ${first.id}`),
    });
    expect(await startedAt(running)).toBe(since);
    expect((await dockbase.snapshots.list(instance.id)).filter((s) => s.name === 'before migration')).toHaveLength(1);
  });

  it('the CLI exits 2 with that message on a second `snapshot --as`, and `restore NAME` still finds the one snapshot', async () => {
    const again = await runCli(['snapshot', instance.name, '--as', 'before migration']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`already has a snapshot named "before migration" (id ${first.id}`);
    await psql(instance, 'UPDATE marks SET v = $$changed$$', 'postgres');
    const restored = await runCli(['restore', instance.name, 'before migration', '--yes']);
    expect(restored).toMatchObject({ code: 0 });
    const back = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id));
    expect(await psql(back, 'SELECT v FROM marks', 'postgres')).toBe('first');
  });
});

describe('a clone of a PostgreSQL instance made with its own user and database', () => {
  let source: Instance;
  let snapshot: Snapshot;
  const sourcePassword = 'the source’s own password';

  beforeAll(async () => {
    source = await up(await base('qa', { tag: '15', user: 'qa_user', database: 'qa_app', password: sourcePassword }));
    await psql(
      source,
      'CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 500) g',
      'qa_app',
    );
    snapshot = await dockbase.snapshots.take(source, { name: 'qa base' });
  });

  it('records the user and database in the snapshot', async () => {
    expect(snapshot.accounts).toEqual({ user: 'qa_user', database: 'qa_app' });
    expect((await dockbase.snapshots.list(source.id)).find((s) => s.id === snapshot.id)?.accounts).toEqual({ user: 'qa_user', database: 'qa_app' });
  });

  it('gives a clone the same user and database: its connection string and Shell work with the password given at clone', async () => {
    const clone = await dockbase.snapshots.clone(
      snapshot,
      { name: `${prefix}-qa-copy`, hostPort: await freePort(), password: HOSTILE_PASSWORD, exposeOnNetwork: false },
      { start: true },
    );
    expect(clone).toMatchObject({ user: 'qa_user', database: 'qa_app', status: 'running' });
    const { uri } = await dockbase.lifecycle.connection(clone);
    expect(uri).toMatch(new RegExp(`^postgresql://qa_user:[^@]+@127\\.0\\.0\\.1:${clone.hostPort}/qa_app$`));
    expect(await hostPsql(uri, "SELECT current_user || ' ' || current_database() || ' ' || count(*) FROM orders")).toEqual({
      code: 0,
      out: 'qa_user qa_app 500',
    });
    expect(await shell(clone, "SELECT current_user || ' ' || current_database() || ' ' || count(*) FROM orders")).toBe('qa_user qa_app 500');
    expect(await dockbase.credentials.verify(clone)).toEqual({ status: 'ok' });
    // The copied data had the source's password for qa_user; the clone's own replaced it there.
    const old = await hostPsql(uri.replace(/:[^:@/]+@/, `:${encodeURIComponent(sourcePassword)}@`), 'SELECT 1');
    expect(old.code).toBe(1);
    // The source keeps its own.
    expect((await hostPsql((await dockbase.lifecycle.connection(source)).uri, 'SELECT current_user')).out).toBe('qa_user');
  });

  it('sets the password of a clone that is not started, and leaves it stopped', async () => {
    const clone = await dockbase.snapshots.clone(snapshot, {
      name: `${prefix}-qa-cold`,
      hostPort: await freePort(),
      password: 'cold clone password',
      exposeOnNetwork: false,
    });
    expect(clone).toMatchObject({ user: 'qa_user', database: 'qa_app' });
    expect(clone.status).not.toBe('running');
    await dockbase.lifecycle.start(clone);
    const started = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(clone.id));
    expect((await hostPsql((await dockbase.lifecycle.connection(started)).uri, 'SELECT count(*) FROM orders')).out).toBe('500');
  });

  it('takes the user and database of a snapshot from before they were recorded from its instance', async () => {
    // A snapshot as earlier versions recorded it: the same manifest without the user and database labels.
    const labels = JSON.parse(await docker('volume', 'inspect', '--format', '{{json .Labels}}', snapshot.manifestVolume)) as Record<string, string>;
    delete labels[LABEL.snapshotUser];
    delete labels[LABEL.snapshotDatabase];
    await docker('volume', 'rm', snapshot.manifestVolume);
    await docker('volume', 'create', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), snapshot.manifestVolume);
    const older = (await dockbase.snapshots.list(source.id)).find((s) => s.id === snapshot.id)!;
    expect(older.accounts).toBeUndefined();
    const clone = await dockbase.snapshots.clone(
      older,
      { name: `${prefix}-qa-older`, hostPort: await freePort(), password: 'older clone password', exposeOnNetwork: false },
      { start: true },
    );
    expect(clone).toMatchObject({ user: 'qa_user', database: 'qa_app' });
    expect((await hostPsql((await dockbase.lifecycle.connection(clone)).uri, 'SELECT current_user')).out).toBe('qa_user');
  });
});
