import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '@dockbase/core';
import { dockbase as runCli, ensureCliBuilt } from '../support/cli';
import { POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// `dockbase export` on a real PostgreSQL server: its dump runs as a job (the instance's lock held, each step
// journaled), the CLI saves the dump into the folder itself. Killed during the dump (SIGKILL at a journal
// mark), the next `dockbase` run recovers: no dump left in the container's /tmp, no lock, the server as it was.
const { dockbase, docker, up, cleanup } = recordingDockbase();
const prefix = `dbt-export-${process.pid}`;
const state = tempDir('dockbase-export-state-');
const out = tempDir('dockbase-export-out-');
const env = { DOCKBASE_STATE_DIR: state };

const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();

/** The export's temporary files in the container's /tmp. */
const dumpsLeft = async (i: Instance) =>
  (await docker('exec', i.containerId, 'sh', '-c', 'ls -a /tmp')).split('\n').filter((n) => n.startsWith('dockbase-export-'));

const lockOf = async (name: string) => (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n === `dockbase-lock-${name}`);

let instance: Instance;

beforeAll(async () => {
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  await ensureTestImage(`${POSTGRES_REAL_IMAGE}:15`);
  await ensureCliBuilt();
  instance = await up({
    engine: 'postgres',
    name: `${prefix}-orders`,
    tag: '15',
    image: POSTGRES_REAL_IMAGE,
    hostPort: await freePort(),
    password: 'export job pw',
    persistData: true,
    exposeOnNetwork: false,
  });
  instance = await dockbase.readiness.waitUntilReady(instance, { timeoutMs: 60_000 });
  await psql(instance, 'CREATE DATABASE shop');
  await psql(instance, 'CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 5000) g', 'shop');
}, 300_000);

afterAll(async () => {
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  fs.rmSync(state, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

describe('dockbase export, its dump a job', () => {
  it('writes a complete pg_dumpall into the folder, says it as before, and leaves nothing in the container', async () => {
    const r = await runCli(['export', instance.name, '--to', out], { env, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const file = r.stdout.trim();
    expect(path.dirname(file)).toBe(out);
    expect(path.basename(file)).toMatch(new RegExp(`^${instance.name}-\\d{8}-\\d{6}\\.sql$`));
    expect(r.stderr).toMatch(new RegExp(`Exported ${instance.name} with pg_dumpall: [\\d.]+ [kM]B\\.`));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('PostgreSQL database cluster dump');
    expect(text).toMatch(/CREATE DATABASE shop/);
    expect(text).toMatch(/COPY public\.items \(id, body\) FROM stdin;\n1\tc4ca4238a0b923820dcc509a6f75849b\n/);
    expect(text.trimEnd().endsWith('-- PostgreSQL database cluster dump complete\n--')).toBe(true);
    expect(fs.statSync(file).size).toBeGreaterThan(5000 * 34);
    expect(await dumpsLeft(instance)).toEqual([]);
    expect(await lockOf(instance.name)).toEqual([]);
    // Its folder must exist: nothing is written elsewhere, and the dump does not stay behind.
    const missing = await runCli(['export', instance.name, '--to', path.join(out, 'nope')], { env, timeoutMs: 120_000 });
    expect(missing.code).not.toBe(0);
    expect(await dumpsLeft(instance)).toEqual([]);
  }, 180_000);

  for (const at of ['dump:begin', 'dump:end']) {
    it(`killed at ${at}: the next run recovers, no dump left in /tmp, no lock, the server as it was`, async () => {
      const killed = await runCli(['export', instance.name, '--to', out], { env: { ...env, DOCKBASE_FAULT_AT: `export:${at}` }, timeoutMs: 120_000 });
      expect(killed.code, killed.stderr).toBe(null);
      if (at === 'dump:end') expect(await dumpsLeft(instance)).toHaveLength(1);
      expect(await lockOf(instance.name)).toEqual([`dockbase-lock-${instance.name}`]);
      const r = await runCli(['list'], { env, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/Export with pg_dumpall was interrupted at “dump” \(Dockbase stopped\)\./);
      expect(await dumpsLeft(instance)).toEqual([]);
      expect(await lockOf(instance.name)).toEqual([]);
      const now = await dockbase.lifecycle.get(instance.id);
      expect(now).toMatchObject({ containerId: instance.containerId, status: 'running' });
      expect(await psql(now, 'SELECT count(*) FROM items', 'shop')).toBe('5000');
    }, 180_000);
  }
});
