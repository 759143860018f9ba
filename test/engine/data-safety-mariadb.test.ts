import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, MemoryJobStore, passwordVerdict, type CreateInstanceInput, type Instance, type JobMark } from '@dockbase/core';
import { clientOutside, ok } from '../support/clients';
import { HOSTILE_PASSWORD, MARIADB_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { testPort } from '../support/dockbase';

// mariadb-dump export and import on a real MariaDB server (Debian's mariadb-server 11.8 with the official
// image's contract): the password reaches the tools through MYSQL_PWD from the container's environment.
const { cli, dockbase, docker, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-mdsafe-${process.pid}`;
const password = HOSTILE_PASSWORD;
const base = (name: string, offset: number): CreateInstanceInput => ({
  engine: 'mariadb',
  name: `${prefix}-${name}`,
  tag: '11.8',
  image: MARIADB_REAL_IMAGE,
  hostPort: testPort(offset),
  password,
  persistData: true,
  exposeOnNetwork: false,
});
const folder = tempDir('dockbase-mariadb-export-');

/** Runs SQL as root over the socket; the password goes in through the environment, never argv. */
const sql = async (i: Instance, query: string) =>
  (await docker('exec', i.containerId, 'sh', '-c', 'MYSQL_PWD="$MARIADB_ROOT_PASSWORD" mariadb -uroot -N -B -e "$1"', 'sh', query)).trim();
const fingerprint = (i: Instance) => sql(i, "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, '/', body ORDER BY id SEPARATOR ','))) FROM shop.items");

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${MARIADB_REAL_IMAGE}:11.8`);
});
afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('MariaDB export and import on a real server', () => {
  it('exports with mariadb-dump and imports into a new instance: same rows, same checksum', async () => {
    const source = await up(base('src', 10));
    await sql(source, 'CREATE DATABASE shop');
    await sql(
      source,
      'USE shop; CREATE TABLE items (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB; INSERT INTO items SELECT seq, REPEAT(MD5(seq), 5) FROM seq_1_to_2000',
    );
    const original = await fingerprint(source);
    expect(original).toMatch(/^2000:/);
    const result = await dockbase.backups.export(source, { directory: folder });
    expect(fs.readFileSync(result.file, 'utf8').slice(0, 200)).toMatch(/MariaDB dump/);
    const target = await up(base('imp', 11));
    expect(await dockbase.backups.import(target, result.file)).toMatchObject({ kind: 'mariadb-sql' });
    expect(await fingerprint(target)).toBe(original);
    const leaked = argvs.filter((a) => a.some((x) => x.includes(password)) && !a.some((x) => x.startsWith('MARIADB_ROOT_PASSWORD=')));
    expect(leaked).toEqual([]);
  });

  it('an import of another instance’s dump keeps the instance’s own accounts: its password and its health check still work', async () => {
    const other = await up({ ...base('other', 12), password: 'the other one’s password' });
    await sql(other, 'CREATE DATABASE notes; CREATE TABLE notes.n (id INT); INSERT INTO notes.n VALUES (1), (2)');
    const exported = await dockbase.backups.export(other, { directory: folder });
    const mine = await up(base('mine', 13));
    // The dump of every database carries the mysql schema: root's and healthcheck's passwords are the other's.
    const result = await dockbase.backups.import(mine, exported.file);
    expect(result.password).toEqual({ status: 'ok' });
    expect(await sql(mine, 'SELECT COUNT(*) FROM notes.n')).toBe('2');
    // After a restart (the privilege tables are read again), the server still answers its health check and its password.
    await dockbase.lifecycle.restart(mine);
    const ready = await dockbase.readiness.waitUntilReady(mine, { restarted: true, timeoutMs: 90_000 });
    expect(await dockbase.credentials.verify(ready)).toEqual({ status: 'ok' });
  });

  it('cannot reset a password an older snapshot holds: the restore says the data keeps another one, and Edit takes the data’s', async () => {
    const i = await up(base('reset', 14));
    const before = await dockbase.snapshots.take(i, { name: 'with the first password' });
    // The password changed with MariaDB's own tools, then given to Dockbase (Edit accepts a password that opens the data).
    await docker(
      'exec',
      i.containerId,
      'sh',
      '-c',
      "MYSQL_PWD=\"$MARIADB_ROOT_PASSWORD\" mariadb -uroot -e \"ALTER USER root@'%' IDENTIFIED BY 'second pw'; ALTER USER root@localhost IDENTIFIED BY 'second pw'\"",
    );
    const { instance: edited, passwordCheck } = await dockbase.editing.edit(await dockbase.lifecycle.get(i.id), { password: 'second pw' });
    expect(passwordCheck).toEqual({ status: 'ok' });
    const restored = await dockbase.snapshots.restore(edited, before);
    expect(restored.password).toMatchObject({
      status: 'rejected',
      message: expect.stringMatching(/^MariaDB refused .*'s password: its data keeps another one/),
    });
    const back = await dockbase.editing.edit(await dockbase.lifecycle.get(i.id), { password });
    expect(back.passwordCheck).toEqual({ status: 'ok' });
  });

  it('restores an older snapshot given its password: the instance takes it, its connection works with it and the card’s check is ok', async () => {
    const i = await up(base('given', 15));
    await sql(i, "CREATE DATABASE kept; CREATE TABLE kept.t (v TEXT); INSERT INTO kept.t VALUES ('from the snapshot')");
    const first = await dockbase.snapshots.take(i, { name: 'with the first password' });
    await docker(
      'exec',
      i.containerId,
      'sh',
      '-c',
      "MYSQL_PWD=\"$MARIADB_ROOT_PASSWORD\" mariadb -uroot -e \"ALTER USER root@'%' IDENTIFIED BY 'second pw'; ALTER USER root@localhost IDENTIFIED BY 'second pw'\"",
    );
    await dockbase.editing.edit(await dockbase.lifecycle.get(i.id), { password: 'second pw' });

    // The restore runs as a job, as every door runs it, with the snapshot's (hostile) password given.
    const marks: JobMark[] = [];
    const store = new MemoryJobStore();
    const runner = new JobRunner({ dockbase, cli, store, door: 'cli', engineLock: false, onMark: (_j, m) => void marks.push(m) });
    const sent = argvs.length;
    const job = await runner.start({ kind: 'restore', instanceId: i.id, snapshotId: first.id, dataPassword: password });
    const end = (await runner.wait(job.id))!;
    expect(end.state, end.message).toBe('succeeded');
    expect(end.result).toMatchObject({ password: { status: 'ok' }, dataPassword: { taken: true } });

    // The card's check: the verdict the backend keeps for the instance's container now is ok.
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(i.id), { timeoutMs: 90_000 });
    expect(passwordVerdict(end, now.containerId)).toMatchObject({ status: 'ok', containerId: now.containerId });
    expect(await dockbase.credentials.verify(now)).toEqual({ status: 'ok' });
    // Its connection string holds the snapshot's password, and a client outside the container gets in with it.
    const { uri } = await dockbase.lifecycle.connection(now);
    const shown = decodeURIComponent(new URL(uri).password);
    expect(shown).toBe(password);
    expect(await ok(clientOutside('mariadb', `${MARIADB_REAL_IMAGE}:11.8`, now.hostPort, shown, 'SELECT v FROM kept.t'))).toBe('from the snapshot');
    // The password went to docker in no argv, and nothing the job keeps holds it.
    expect(argvs.slice(sent).filter((a) => a.some((x) => x.includes(password)))).toEqual([]);
    expect(JSON.stringify({ jobs: await store.recent(), marks })).not.toContain('ünï 🔑');
  });
});
