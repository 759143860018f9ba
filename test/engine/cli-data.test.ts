import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockbase, dockbaseJson, ensureCliBuilt } from '../support/cli';
import { REDIS_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { realDocker, testPort } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE } from '../support/images';
import { withRedis } from '../support/redis';

// The CLI's data commands on a real Redis server, run as a script runs them: snapshot, list, restore, export,
// import and snapshot rm, with the core's refusals as exit codes, and init files at create.
const { cleanup } = recordingDockbase();
const { leftovers } = realDocker();
const prefix = `dbt-clidata-${process.pid}`;
const name = `${prefix}-redis`;
const port = testPort(56);
const password = `data p@ss "w'rd" $HOME ü`;
const folder = tempDir('dockbase-cli-export-');

interface SnapshotJson {
  id: string;
  name: string;
  instance: string;
  reason: string;
  sizeBytes: number;
}

const value = () => withRedis(port, password, (r) => r.command('GET', 'cli:data'));
const set = (v: string) => withRedis(port, password, (r) => r.command('SET', 'cli:data', v));

beforeAll(async () => {
  await ensureCliBuilt();
  await cleanup(prefix);
  await ensureTestImage(`${REDIS_REAL_IMAGE}:7.0`);
  await ensureTestImage(`${REDIS_REAL_IMAGE}:8.0`);
});

afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('the CLI’s data commands on a real Redis server', () => {
  let exported: string;

  it('snapshots a running instance and lists the snapshot', async () => {
    const r = await dockbase(['create', 'redis', '--name', name, '--port', String(port), '--image', REDIS_REAL_IMAGE, '--version', '7.0', '--password-stdin'], {
      stdin: password,
    });
    expect(r.code, r.stderr).toBe(0);
    await set('original');
    const taken = await dockbaseJson<SnapshotJson>(['snapshot', name, '--as', 'before change']);
    expect(taken).toMatchObject({ name: 'before change', instance: name, reason: 'manual' });
    expect(taken.sizeBytes).toBeGreaterThan(0);
    // The instance was stopped for the copy and is serving again.
    expect(await value()).toMatchObject({ value: 'original' });
    const listed = await dockbaseJson<SnapshotJson[]>(['snapshot', 'list', name]);
    expect(listed.map((s) => s.id)).toEqual([taken.id]);
    expect((await dockbase(['snapshot', 'list', name])).stdout).toMatch(new RegExp(`^${taken.id}\\s+before change\\s+${name}\\s+Redis 7\\.0`, 'm'));
  });

  it('restores it only with --yes from a script, keeping the current data as a snapshot', async () => {
    await set('changed');
    const refused = await dockbase(['restore', name, 'before change']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Pass --yes');
    expect(await value()).toMatchObject({ value: 'changed' });
    const restored = await dockbaseJson<{ restored: SnapshotJson; kept: SnapshotJson }>(['restore', name, 'before change', '--yes']);
    expect(restored.restored.name).toBe('before change');
    expect(restored.kept).toMatchObject({ instance: name, reason: 'before-restore' });
    expect(await value()).toMatchObject({ value: 'original' });
  });

  it('exports it with its engine’s tool into a file in the folder given', async () => {
    const r = await dockbase(['export', name, '--to', folder]);
    expect(r.code, r.stderr).toBe(0);
    exported = r.stdout.trim();
    expect(path.dirname(exported)).toBe(folder);
    expect(exported).toMatch(new RegExp(`${name}-\\d{8}-\\d{6}\\.rdb$`));
    expect(fs.statSync(exported).size).toBeGreaterThan(0);
    expect(r.stderr).toContain('redis-cli --rdb');
  });

  it('refuses a file its engine cannot import (exit code 7), changing nothing', async () => {
    await set('after export');
    const wrong = path.join(folder, 'dump.sql');
    fs.writeFileSync(wrong, 'CREATE TABLE t (x int);\n');
    const r = await dockbase(['import', name, wrong, '--yes']);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/Redis imports \.rdb files; dump\.sql is none of them/);
    expect(await value()).toMatchObject({ value: 'after export' });
  });

  it('imports the exported file, keeping the current data as a snapshot', async () => {
    const imported = await dockbaseJson<{ kind: string; kept: SnapshotJson }>(['import', name, path.relative(process.cwd(), exported), '--yes'], {
      cwd: process.cwd(),
    });
    expect(imported.kind).toBe('redis-rdb');
    expect(imported.kept.reason).toBe('before-import');
    expect(await value()).toMatchObject({ value: 'original' });
  });

  it('lists the versions it can go to, refuses a downgrade (exit 2), and upgrades only with --yes from a script', async () => {
    await set('before upgrade');
    const targets = await dockbaseJson<Array<{ version: string; method: string }>>(['upgrade', name]);
    expect(targets).toContainEqual({ version: '8.0', method: 'in-place' });
    expect(targets.map((t) => t.version)).not.toContain('7.0');
    const down = await dockbase(['upgrade', name, '6.2', '--yes']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('Redis 6.2 is older than 7.0');
    expect(await dockbase(['upgrade', name, '8.0'])).toMatchObject({ code: 2 });
    expect(await dockbaseJson<Array<{ version: string }>>(['list', name])).toMatchObject([{ version: '7.0' }]);
  });

  it('upgrades the real Redis 7.0 to 8.0 with its data, keeping a rollback point, and rolls back to 7.0 and that data', async () => {
    const up = await dockbase(['upgrade', name, '8.0', '--yes', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout) as { from: string; to: string; serverVersion: string; rollbackPoint: SnapshotJson };
    expect(result).toMatchObject({ from: '7.0', to: '8.0', rollbackPoint: { reason: 'before-upgrade', instance: name } });
    expect(result.serverVersion).toMatch(/^8\.0/);
    // Progress went to stderr, step by step; stdout is the JSON alone.
    expect(up.stderr).toContain('Start Redis 8.0 on the same data');
    expect(await value()).toMatchObject({ value: 'before upgrade' });
    expect(await dockbaseJson<Array<{ version: string }>>(['list', name])).toMatchObject([{ version: '8.0' }]);
    await set('written on 8.0');

    expect(await dockbase(['rollback', name])).toMatchObject({ code: 2 });
    const back = await dockbaseJson<{ from: string; to: string; serverVersion: string; kept: SnapshotJson }>(['rollback', name, '--yes']);
    expect(back).toMatchObject({ from: '8.0', to: '7.0' });
    expect(back.serverVersion).toMatch(/^7\.0/);
    expect(await value()).toMatchObject({ value: 'before upgrade' });
    expect(await dockbaseJson<Array<{ version: string }>>(['list', name])).toMatchObject([{ version: '7.0' }]);
    // The point is used up: a second roll back has nothing to return to (exit 3).
    expect(await dockbase(['rollback', name, '--yes'])).toMatchObject({ code: 3 });
  });

  it('deletes snapshots by name or id, and the instance with its data, leaving nothing', async () => {
    expect(await dockbase(['snapshot', 'rm', 'before change'])).toMatchObject({ code: 2 });
    expect(await dockbase(['snapshot', 'rm', 'before change', '--yes'])).toMatchObject({ code: 0, stdout: `Deleted snapshot "before change" of ${name}.\n` });
    for (const s of await dockbaseJson<SnapshotJson[]>(['snapshot', 'list', name])) expect((await dockbase(['snapshot', 'rm', s.id, '--yes'])).code).toBe(0);
    expect(await dockbaseJson<SnapshotJson[]>(['snapshot', 'list', name])).toEqual([]);
    expect((await dockbase(['rm', name, '--with-data', '--yes'])).code).toBe(0);
    expect(await leftovers(prefix)).toEqual({ containers: [], volumes: [] });
  });

  it('an unknown snapshot exits 3', async () => {
    const r = await dockbase(['snapshot', 'rm', `${prefix}-none`, '--yes']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`No snapshot is named "${prefix}-none"`);
  });
});

describe('init files at create', () => {
  it('refuses init files for an engine that runs none (exit code 2), creating nothing', async () => {
    const seed = path.join(folder, 'seed.sql');
    fs.writeFileSync(seed, 'SELECT 1;\n');
    const r = await dockbase([
      'create',
      'redis',
      '--name',
      `${prefix}-seed`,
      '--port',
      String(testPort(57)),
      '--image',
      REDIS_REAL_IMAGE,
      '--version',
      '7.0',
      '--init',
      seed,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Redis runs no init files on its first start.');
    expect(await leftovers(prefix)).toEqual({ containers: [], volumes: [] });
  });

  it('resolves a relative init file from the current folder; one that cannot be read exits 7 and leaves nothing', async () => {
    await ensureTestImage(`${POSTGRES_TEST_IMAGE}:17`);
    const r = await dockbase(
      [
        'create',
        'postgres',
        '--name',
        `${prefix}-pg`,
        '--port',
        String(testPort(58)),
        '--image',
        POSTGRES_TEST_IMAGE,
        '--version',
        '17',
        '--no-start',
        '--init',
        'missing-seed.sql',
      ],
      { cwd: folder, stdin: '' },
    );
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`Could not copy missing-seed.sql into ${prefix}-pg`);
    expect(await leftovers(prefix)).toEqual({ containers: [], volumes: [] });
  });
});
