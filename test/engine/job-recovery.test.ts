import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '@dockbase/core';
import { dockbase as runCli, ensureCliBuilt } from '../support/cli';
import { POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// Fault injection on real PostgreSQL servers: the process running a job (here the CLI, the same core job
// runner as the backend's) is killed with SIGKILL right after each step boundary of the journal in turn; the
// next `dockbase` run must bring the instance back to a consistent state by itself within 60 s: the same
// container under its name, running, every table's rows unchanged, no worker, set-aside container, lock or
// temporary file left. A kill after the commit finishes the job instead (the upgrade completed, every row there).
const { dockbase, docker, up, cleanup } = recordingDockbase();
const prefix = `dbt-jobs-${process.pid}`;
const password = 'job recovery pw';
const state = tempDir('dockbase-jobs-state-');
const env = { DOCKBASE_STATE_DIR: state };

const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();
/** Every table's row count and a checksum of one of them. */
const fingerprint = async (i: Instance) =>
  [
    await psql(i, "SELECT count(*) || ':' || md5(string_agg(id || '/' || body, ',' ORDER BY id)) FROM items", 'shop'),
    await psql(i, 'SELECT count(*) FROM events', 'shop'),
  ].join(' | ');

/** Containers left over by an interrupted job: workers, a set-aside container, the lock. */
async function strays(name: string): Promise<string[]> {
  const names = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter(Boolean);
  return names.filter((n) => n.startsWith(`${name}-`) || n === `dockbase-lock-${name}`);
}

/** Runs the CLI with the fault hook: it must die by SIGKILL at that mark. */
async function killedAt(args: string[], at: string) {
  const r = await runCli(args, { env: { ...env, DOCKBASE_FAULT_AT: at }, timeoutMs: 240_000 });
  expect(r.code, `dockbase ${args.join(' ')} with the fault at ${at}: ${r.stderr}`).toBe(null);
  return r;
}

/** The next run of any command recovers; resolves with what it said and how long it took. */
async function recover(): Promise<{ said: string; ms: number }> {
  const started = Date.now();
  const r = await runCli(['list'], { env, timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  return { said: r.stderr, ms: Date.now() - started };
}

async function expectAsBefore(before: Instance, rows: string, what: string) {
  const now = await dockbase.lifecycle.get(before.id);
  expect(now.containerId, `${what}: the same container`).toBe(before.containerId);
  expect(now.name).toBe(before.name);
  expect(now.tag, `${what}: still on its version`).toBe(before.tag);
  expect(now.status, `${what}: running again`).toBe('running');
  const ready = await dockbase.readiness.waitUntilReady(now, { timeoutMs: 30_000 });
  expect(await fingerprint(ready), `${what}: every row`).toBe(rows);
  expect(await strays(before.name), `${what}: nothing left behind`).toEqual([]);
}

let instance: Instance;
let rows: string;

beforeAll(async () => {
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
  await ensureCliBuilt();
  instance = await up({
    engine: 'postgres',
    name: `${prefix}-orders`,
    tag: '15',
    image: POSTGRES_REAL_IMAGE,
    hostPort: await freePort(),
    password,
    persistData: true,
    exposeOnNetwork: false,
  });
  await psql(instance, 'CREATE DATABASE shop');
  await psql(instance, 'CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 20000) g', 'shop');
  await psql(instance, 'CREATE TABLE events (at timestamptz DEFAULT now()); INSERT INTO events SELECT FROM generate_series(1, 42)', 'shop');
  rows = await fingerprint(instance);
  expect(rows).toMatch(/^20000:\w+ \| 42$/);
}, 300_000);

afterAll(async () => {
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  fs.rmSync(state, { recursive: true, force: true });
});

describe('an upgrade (PostgreSQL 15 → 17) killed at each step boundary', () => {
  // Every boundary of a dump-and-restore upgrade's journal before its commit, in the order they come.
  const boundaries = [
    'stop:begin',
    'stop:end',
    'prepare:begin',
    'prepare:end',
    'switch:begin',
    'set-aside:begin',
    'set-aside:end',
    'create:begin',
    'create:end',
  ];
  for (const boundary of boundaries) {
    it(`is undone after a kill at ${boundary}: 15 runs again with every row, nothing left behind`, async () => {
      await killedAt(['upgrade', instance.name, '17', '--yes'], `upgrade:${boundary}`);
      // Killed mid-way, the instance is held: another door is refused, naming the job.
      const busy = await runCli(['snapshot', instance.name], { env: { DOCKBASE_STATE_DIR: tempDir('dockbase-other-cli-') } });
      expect(busy.code).toBe(5);
      expect(busy.stderr).toMatch(new RegExp(`${instance.name} is being upgraded, started \\d\\d:\\d\\d from the command line`));
      const { said, ms } = await recover();
      expect(said).toMatch(
        new RegExp(
          `Upgrade to PostgreSQL 17 was interrupted at “${boundary.split(':')[0]}” \\(Dockbase stopped\\)\\. ${instance.name} was put back as it was before, and runs again\\.`,
        ),
      );
      expect(ms).toBeLessThan(60_000);
      await expectAsBefore(instance, rows, boundary);
      // The instance can be upgraded again (nothing of the interrupted run is in the way).
      expect((await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n')).not.toContain(`dockbase-${instance.name}-data-17`);
    }, 300_000);
  }

  it('is finished after a kill once the new version served (the commit): 17 runs with every row', async () => {
    await killedAt(['upgrade', instance.name, '17', '--yes'], 'upgrade:ready:commit');
    const { said, ms } = await recover();
    expect(said).toMatch(/Upgrade to PostgreSQL 17 was interrupted at “ready” \(Dockbase stopped\)\. Dockbase finished it/);
    expect(ms).toBeLessThan(60_000);
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { timeoutMs: 60_000 });
    expect(now.tag).toBe('17');
    expect(now.status).toBe('running');
    expect(await psql(now, 'SHOW server_version_num')).toMatch(/^17/);
    expect(await fingerprint(now)).toBe(rows);
    expect(await strays(instance.name)).toEqual([]);
    // Its rollback point is there, as after an upgrade that was not interrupted.
    expect((await dockbase.upgrades.rollbackPoints(instance.id)).map((p) => p.upgradeTo)).toContain('17');
    instance = now;
  }, 300_000);
});

describe('an edit (a port change) killed at each step boundary', () => {
  // The swap's boundaries: the old container stopped, set aside, the new one made; then the commit.
  for (const boundary of ['stop:begin', 'stop:end', 'set-aside:begin', 'set-aside:end', 'create:begin', 'create:end']) {
    it(`is undone after a kill at ${boundary}: the same container on its old port, running`, async () => {
      const port = await freePort();
      await killedAt(['edit', instance.name, '--port', String(port)], `edit:${boundary}`);
      const { said, ms } = await recover();
      expect(said).toMatch(new RegExp(`Change settings was interrupted at “${boundary.split(':')[0]}”.*put back as it was before, and runs again`));
      expect(ms).toBeLessThan(60_000);
      await expectAsBefore(instance, rows, boundary);
      expect((await dockbase.lifecycle.get(instance.id)).hostPort).toBe(instance.hostPort);
    }, 300_000);
  }

  it('is finished after a kill once the new container served: the new port, running, the old container gone', async () => {
    const port = await freePort();
    await killedAt(['edit', instance.name, '--port', String(port)], 'edit:ready:commit');
    const { said } = await recover();
    expect(said).toMatch(/Change settings was interrupted at “ready” \(Dockbase stopped\)\. Dockbase finished it/);
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { timeoutMs: 60_000 });
    expect(now.hostPort).toBe(port);
    expect(now.containerId).not.toBe(instance.containerId);
    expect(await fingerprint(now)).toBe(rows);
    expect(await strays(instance.name)).toEqual([]);
    instance = now;
  }, 300_000);
});

describe('a restore killed at each step boundary', () => {
  let snapshotName: string;
  beforeAll(async () => {
    snapshotName = 'before faults';
    const r = await runCli(['snapshot', instance.name, '--as', snapshotName], { env });
    expect(r.code, r.stderr).toBe(0);
    // Rows written after the snapshot: a finished restore would lose them, an undone one keeps them.
    await psql(instance, 'INSERT INTO events SELECT FROM generate_series(1, 8)', 'shop');
    rows = await fingerprint(instance);
    expect(rows).toMatch(/ \| 50$/);
  }, 300_000);

  for (const boundary of ['stop:begin', 'stop:end', 'replace:begin']) {
    it(`is undone after a kill at ${boundary}: the data as it was, running`, async () => {
      await killedAt(['restore', instance.name, snapshotName, '--yes'], `restore:${boundary}`);
      const { said, ms } = await recover();
      expect(said).toMatch(/Restore “before faults” was interrupted/);
      expect(ms).toBeLessThan(60_000);
      await expectAsBefore(instance, rows, boundary);
    }, 300_000);
  }

  it('is finished after a kill once the data was replaced (the commit): the snapshot’s rows, running', async () => {
    await killedAt(['restore', instance.name, snapshotName, '--yes'], 'restore:replaced:commit');
    const { said } = await recover();
    expect(said).toMatch(/Restore “before faults” was interrupted at “replaced” \(Dockbase stopped\)\. Dockbase finished it/);
    const now = await dockbase.readiness.waitUntilReady(await dockbase.lifecycle.get(instance.id), { timeoutMs: 60_000 });
    expect(now.status).toBe('running');
    expect(await fingerprint(now)).toMatch(/ \| 42$/);
    expect(await strays(instance.name)).toEqual([]);
    rows = await fingerprint(now);
  }, 300_000);
});

describe('an import killed at each step boundary', () => {
  let dump: string;
  beforeAll(async () => {
    const dir = tempDir('dockbase-jobs-dump-');
    const r = await runCli(['export', instance.name, '--to', dir], { env });
    expect(r.code, r.stderr).toBe(0);
    dump = fs.readdirSync(dir).map((f) => `${dir}/${f}`)[0]!;
    await psql(instance, 'INSERT INTO events SELECT FROM generate_series(1, 3)', 'shop');
    rows = await fingerprint(instance);
  }, 300_000);

  for (const boundary of ['received:begin', 'keep:begin', 'import:begin']) {
    it(`is undone after a kill at ${boundary}: the data as it was, running, no file left in the container`, async () => {
      await killedAt(['import', instance.name, dump, '--yes'], `import:${boundary}`);
      const { said, ms } = await recover();
      expect(said).toMatch(/Import .* was interrupted/);
      expect(ms).toBeLessThan(60_000);
      await expectAsBefore(instance, rows, boundary);
      expect(await docker('exec', instance.containerId, 'sh', '-c', 'ls /tmp | grep -c dockbase-import || true')).toMatch(/^0/);
    }, 300_000);
  }
});
