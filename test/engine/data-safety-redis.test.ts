import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput, Instance, Snapshot } from '@dockbase/core';
import { HOSTILE_PASSWORD, REDIS_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { testPort } from '../support/dockbase';
import { withRedis } from '../support/redis';

// Snapshots, RDB export and import, and clones on a real Redis server, with a hostile password.
const { dockbase, up, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-rdsafe-${process.pid}`;
const password = HOSTILE_PASSWORD;
const base = (name: string, offset: number): CreateInstanceInput => ({
  engine: 'redis',
  name: `${prefix}-${name}`,
  tag: '7.0',
  image: REDIS_REAL_IMAGE,
  hostPort: testPort(offset),
  password,
  persistData: true,
  exposeOnNetwork: false,
});
const folder = tempDir('dockbase-redis-export-');

/** Every key and its value, sorted: equal fingerprints mean equal data. */
const fingerprint = (i: Instance) =>
  withRedis(i.hostPort, password, async (r) => {
    const out: string[] = [];
    for (let n = 0; n < 500; n++) {
      const v = await r.command('GET', `key:${n}`);
      out.push(v.ok ? String(v.value) : 'ERR');
    }
    const size = await r.command('DBSIZE');
    return `${size.ok ? size.value : '?'}|${out.join(',')}`;
  });

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${REDIS_REAL_IMAGE}:7.0`);
});
afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('Redis data safety on a real server', () => {
  let source: Instance;
  let original: string;
  let snapshot: Snapshot;
  let exported: string;

  it('writes data, snapshots it while running, changes it and restores it', async () => {
    source = await up(base('src', 6));
    await withRedis(source.hostPort, password, async (r) => {
      for (let n = 0; n < 500; n++) await r.command('SET', `key:${n}`, `value ${n} ${'x'.repeat(n)}`);
    });
    original = await fingerprint(source);
    snapshot = await dockbase.snapshots.take(source, { name: 'before-change' });
    expect(snapshot).toMatchObject({ engine: 'redis', tag: '7.0', reason: 'manual' });
    await withRedis(source.hostPort, password, async (r) => {
      await r.command('FLUSHALL');
      await r.command('SET', 'key:1', 'changed');
    });
    expect(await fingerprint(source)).not.toBe(original);
    const { kept } = await dockbase.snapshots.restore(source, snapshot);
    expect(kept.reason).toBe('before-restore');
    expect(await fingerprint(source)).toBe(original);
  });

  it('exports an RDB file and imports it into a new instance: the same keys and values', async () => {
    const result = await dockbase.backups.export(source, { directory: folder });
    exported = result.file;
    expect(exported.endsWith('.rdb')).toBe(true);
    expect(fs.readFileSync(exported).subarray(0, 5).toString()).toBe('REDIS');
    const target = await up(base('imp', 7));
    await withRedis(target.hostPort, password, (r) => r.command('SET', 'only-here', '1'));
    const imported = await dockbase.backups.import(target, exported);
    expect(imported).toMatchObject({ kind: 'redis-rdb', sizeBytes: result.sizeBytes });
    const now = await dockbase.lifecycle.get(target.id);
    expect(now.status).toBe('running');
    expect(await fingerprint(now)).toBe(original);
    // The import is persistent: it survives a restart (the RDB became the append-only file's base).
    await dockbase.lifecycle.restart(now);
    await dockbase.readiness.waitUntilReady(now);
    expect(await fingerprint(now)).toBe(original);
  });

  it('refuses a damaged RDB and a PostgreSQL dump, leaving the instance as it was', async () => {
    const damaged = path.join(folder, 'damaged.rdb');
    const rdb = fs.readFileSync(exported);
    fs.writeFileSync(damaged, Buffer.concat([rdb.subarray(0, 40), Buffer.from('garbage garbage garbage')]));
    await expect(dockbase.backups.import(source, damaged)).rejects.toMatchObject({ code: 'bad-file', message: expect.stringMatching(/put back as it was/) });
    const pg = path.join(folder, 'pg.rdb');
    fs.writeFileSync(pg, '--\n-- PostgreSQL database cluster dump\n--\n');
    await expect(dockbase.backups.import(source, pg)).rejects.toMatchObject({
      code: 'bad-file',
      message: expect.stringMatching(/PostgreSQL SQL dump; Redis cannot import it/),
    });
    const now = await dockbase.lifecycle.get(source.id);
    expect(now.status).toBe('running');
    expect(await fingerprint(now)).toBe(original);
  });

  it('clones a snapshot into a new instance', async () => {
    const clone = await dockbase.snapshots.clone(
      snapshot,
      { name: `${prefix}-clone`, hostPort: testPort(8), password, exposeOnNetwork: false },
      { start: true },
    );
    expect(await fingerprint(await dockbase.readiness.waitUntilReady(clone))).toBe(original);
  });

  it('refuses seed files: Redis runs none', async () => {
    await expect(dockbase.creation.create(base('seed', 9), { seedFiles: ['/tmp/x.sql'] })).rejects.toMatchObject({ code: 'invalid-input', field: 'seedFiles' });
  });

  it('never put the password in an argv other than the server command itself', async () => {
    for (const s of await dockbase.snapshots.list(source.id)) await dockbase.snapshots.remove(s);
    const leaked = argvs.filter((a) => a.some((x) => x.includes(password)) && !(a[0] === 'run' && a.includes('--requirepass')));
    expect(leaked).toEqual([]);
  });
});
