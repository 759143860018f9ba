import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput, Instance, Snapshot } from '@dockbase/core';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { testPort } from '../support/dockbase';

// Snapshots, export, import, clone and seed files on a real PostgreSQL server (Debian's postgresql-17 with
// the official image's contract), with a hostile password throughout.
const { dockbase, docker, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-pgsafe-${process.pid}`;
const password = HOSTILE_PASSWORD;
const base = (name: string, offset: number, tag = '17'): CreateInstanceInput => ({
  engine: 'postgres',
  name: `${prefix}-${name}`,
  tag,
  image: POSTGRES_REAL_IMAGE,
  hostPort: testPort(offset),
  password,
  persistData: true,
  exposeOnNetwork: false,
});
const folder = tempDir('dockbase-pg-export-');

const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();
/** Row count and an order-independent checksum of the table. */
const fingerprint = (i: Instance) => psql(i, "SELECT count(*) || ':' || md5(string_agg(id || '/' || body, ',' ORDER BY id)) FROM items", 'shop');

beforeAll(async () => {
  await cleanup(prefix);
  for (const ref of [`${POSTGRES_REAL_IMAGE}:17`, `${POSTGRES_REAL_IMAGE}:15`]) await ensureTestImage(ref);
});
afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('PostgreSQL data safety on a real server', () => {
  let source: Instance;
  let original: string;
  let snapshot: Snapshot;
  let exported: string;

  it('writes data into a running instance', async () => {
    source = await up(base('src', 1));
    await psql(source, 'CREATE DATABASE shop');
    await psql(
      source,
      'CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, repeat(md5(g::text), 20) FROM generate_series(1, 20000) g',
      'shop',
    );
    original = await fingerprint(source);
    expect(original).toMatch(/^20000:/);
  });

  it('takes a snapshot of the running instance: it is stopped for the copy and serves again afterwards', async () => {
    snapshot = await dockbase.snapshots.take(source, { name: 'first one' });
    expect(snapshot).toMatchObject({ name: 'first one', engine: 'postgres', tag: '17', instanceId: source.id, reason: 'manual' });
    expect(snapshot.sizeBytes).toBeGreaterThan(1_000_000);
    const listed = await dockbase.snapshots.list(source.id);
    expect(listed).toEqual([expect.objectContaining({ id: snapshot.id, name: 'first one', sizeBytes: snapshot.sizeBytes })]);
    expect((await dockbase.lifecycle.get(source.id)).status).toBe('running');
    expect(await fingerprint(source)).toBe(original);
  });

  it('restores it after the data changed, keeping the changed data in a "before restore" snapshot', async () => {
    await psql(source, 'DELETE FROM items WHERE id % 2 = 0', 'shop');
    const changed = await fingerprint(source);
    expect(changed).toMatch(/^10000:/);
    const { kept } = await dockbase.snapshots.restore(source, snapshot);
    expect(kept).toMatchObject({ reason: 'before-restore', tag: '17' });
    expect((await dockbase.lifecycle.get(source.id)).status).toBe('running');
    expect(await fingerprint(source)).toBe(original);
    // The way back: the kept snapshot holds the changed data.
    await dockbase.snapshots.restore(source, kept);
    expect(await fingerprint(source)).toBe(changed);
    await dockbase.snapshots.restore(source, snapshot);
    expect(await fingerprint(source)).toBe(original);
  });

  it('refuses to restore a PostgreSQL 15 snapshot into PostgreSQL 17, naming both versions', async () => {
    const old = await dockbase.creation.create(base('old', 2, '15'));
    const oldSnap = await dockbase.snapshots.take(old, { name: 'from fifteen' });
    await expect(dockbase.snapshots.restore(source, oldSnap)).rejects.toMatchObject({
      code: 'incompatible-data',
      message: expect.stringMatching(/PostgreSQL 15 data.*PostgreSQL 17/),
    });
    expect(await fingerprint(source)).toBe(original);
  });

  it('clones the snapshot into a new instance holding the same data', async () => {
    const clone = await dockbase.snapshots.clone(
      snapshot,
      { name: `${prefix}-clone`, hostPort: testPort(3), password, exposeOnNetwork: false },
      { start: true },
    );
    const ready = await dockbase.readiness.waitUntilReady(clone);
    expect(await fingerprint(ready)).toBe(original);
  });

  it('exports with pg_dumpall to the chosen folder, reporting progress', async () => {
    const progress: number[] = [];
    const result = await dockbase.backups.export(source, { directory: folder, onProgress: (p) => progress.push(p.bytes) });
    exported = result.file;
    expect(path.dirname(exported)).toBe(folder);
    expect(path.basename(exported)).toMatch(new RegExp(`^${prefix}-src-\\d{8}-\\d{6}\\.sql$`));
    expect(fs.statSync(exported).size).toBe(result.sizeBytes);
    expect(fs.readFileSync(exported, 'utf8').slice(0, 200)).toMatch(/PostgreSQL database cluster dump/);
    expect(progress.length).toBeGreaterThan(0);
    // Nothing stays behind in the container.
    expect(await docker('exec', source.containerId, 'sh', '-c', 'ls /tmp | grep dockbase- || true')).toBe('');
  });

  it('imports the export into a new instance: same rows, same checksum', async () => {
    const target = await up(base('imp', 4));
    const result = await dockbase.backups.import(target, exported);
    expect(result).toMatchObject({ kind: 'postgres-sql', kept: expect.objectContaining({ reason: 'before-import' }) });
    expect(await fingerprint(target)).toBe(original);
    // Importing the same file again replaces the data (pg_dumpall --clean): still equal.
    await dockbase.backups.import(target, exported);
    expect(await fingerprint(target)).toBe(original);
    // A gzip-compressed copy of the same dump imports too.
    execFileSync('sh', ['-c', 'gzip -c "$1" > "$1.gz"', 'sh', exported]);
    await psql(target, 'DROP DATABASE shop');
    await dockbase.backups.import(target, `${exported}.gz`);
    expect(await fingerprint(target)).toBe(original);
  });

  it('refuses a file of another engine and a damaged file, leaving the instance as it was', async () => {
    const mysqlDump = path.join(folder, 'other.sql');
    fs.writeFileSync(mysqlDump, '-- MySQL dump 10.13  Distrib 8.4.0, for Linux (x86_64)\nCREATE TABLE x (id int);\n');
    await expect(dockbase.backups.import(source, mysqlDump)).rejects.toMatchObject({
      code: 'bad-file',
      message: expect.stringMatching(/MySQL dump; PostgreSQL cannot import it/),
    });
    const damaged = path.join(folder, 'damaged.sql.gz');
    const gz = fs.readFileSync(`${exported}.gz`);
    fs.writeFileSync(damaged, gz.subarray(0, Math.floor(gz.length / 2)));
    await expect(dockbase.backups.import(source, damaged)).rejects.toMatchObject({ code: 'bad-file', message: expect.stringMatching(/put back as it was/) });
    const now = await dockbase.lifecycle.get(source.id);
    expect(now.status).toBe('running');
    expect(await fingerprint(now)).toBe(original);
  });

  it('cancels an export mid-way: no file in the folder, nothing left in the container', async () => {
    await psql(source, 'INSERT INTO items SELECT g, repeat(md5(g::text), 50) FROM generate_series(20001, 200000) g', 'shop');
    const before = fs.readdirSync(folder);
    const abort = new AbortController();
    const run = dockbase.backups.export(source, { directory: folder, signal: abort.signal, onProgress: (p) => (p.bytes > 0 ? abort.abort() : undefined) });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(fs.readdirSync(folder)).toEqual(before);
    expect(await docker('exec', source.containerId, 'sh', '-c', 'ls /tmp | grep dockbase- || true; ps -e -o comm= 2>/dev/null | grep pg_dumpall || true')).toBe(
      '',
    );
  });

  it('runs seed files (.sql, .sql.gz, .sh) on the first start of a new instance', async () => {
    const sql = path.join(folder, 'schema.sql');
    fs.writeFileSync(sql, 'CREATE TABLE seeded (n int); INSERT INTO seeded VALUES (1), (2);\n');
    const plain = path.join(folder, 'more.sql');
    fs.writeFileSync(plain, 'INSERT INTO seeded VALUES (3);\n');
    execFileSync('gzip', [plain]);
    const script = path.join(folder, 'last step.sh');
    fs.writeFileSync(script, 'psql -X -U postgres -c "INSERT INTO seeded VALUES (4)"\n');
    const seeded = await up(base('seed', 5), [sql, `${plain}.gz`, script]);
    expect(await psql(seeded, "SELECT string_agg(n::text, ',' ORDER BY n) FROM seeded")).toBe('1,2,3,4');
  });

  it('deletes snapshots with all their volumes', async () => {
    for (const s of await dockbase.snapshots.list(source.id)) await dockbase.snapshots.remove(s);
    expect(await dockbase.snapshots.list(source.id)).toEqual([]);
    const left = (await docker('volume', 'ls', '--quiet', '--filter', `label=io.dockbase.snapshot.instance=${source.id}`)).trim();
    expect(left).toBe('');
  });

  it('never put the password in a docker argv', () => {
    const leaked = argvs.filter((a) => a.some((x) => x.includes(password) && !x.startsWith('POSTGRES_PASSWORD=')));
    // The one place it goes is the container's environment at create (POSTGRES_PASSWORD=…), as before.
    expect(leaked).toEqual([]);
  });
});
