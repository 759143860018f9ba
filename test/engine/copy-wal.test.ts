import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyVolumesScript, getEngine, HELPER_FROM, type Instance } from '@dockbase/core';
import { ensureTestImage } from '../support/data-safety';
import { freePort, realDocker } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG } from '../support/images';

// A copy of a stopped PostgreSQL's data (branch copy, snapshot, clone) leaves out the WAL segments the server
// renamed for reuse: after a clean shutdown it never reads them again, and they are often as large as the data.
// On a REAL PostgreSQL 17: the copy is smaller, opens with every row, writes new WAL, and recovers from a crash;
// a folder that was not shut down cleanly is copied whole.
const { dockbase: core, docker, cleanup } = realDocker();
const prefix = `dbt-copywal-${process.pid}`;
const image = `${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}`;
const script = copyVolumesScript(getEngine('postgres'));

const psql = async (container: string, sql: string) => (await docker('exec', container, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();
const walSegments = async (volume: string) =>
  (await docker('run', '--rm', '--network', 'none', '--entrypoint', 'ls', '-v', `${volume}:/v:ro`, image, '/v/pg_wal'))
    .split('\n')
    .filter((f) => /^[0-9A-F]{24}$/.test(f))
    .sort();
/** What the copy leaves out of a volume, as the helper's own function prints it. */
const leftOut = async (volume: string) =>
  (
    await docker(
      'run',
      '--rm',
      '--network',
      'none',
      '--user',
      '0',
      '--entrypoint',
      'sh',
      '-v',
      `${volume}:${HELPER_FROM}/data:ro`,
      image,
      '-c',
      `leaves_out() {\n${getEngine('postgres').transfer.copyLeavesOut}\n}\nleaves_out ${HELPER_FROM}/data`,
    )
  )
    .split('\n')
    .filter(Boolean);
/** The helper's copy of `from` into the new volume `to`, as Dockbase runs it. */
const copy = (from: string, to: string) =>
  docker('run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'sh', '-v', `${from}:/from/data:ro`, '-v', `${to}:/to/data`, image, '-c', script);

let source: Instance;
let volume = '';

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(image);
  source = await core.creation.create(
    {
      engine: 'postgres',
      name: `${prefix}-src`,
      image: POSTGRES_TEST_IMAGE,
      tag: POSTGRES_TEST_TAG,
      hostPort: await freePort(),
      password: 'copy wal pw',
      persistData: true,
      exposeOnNetwork: false,
    },
    { start: true },
  );
  await core.readiness.waitUntilReady(source, { timeoutMs: 120_000 });
  volume = source.volumes[0]!;
  // About 300 MB of WAL with checkpoints between: the old segments are renamed for reuse (min_wal_size, 80 MB, at least).
  for (let i = 0; i < 3; i++) {
    await psql(source.name, `CREATE TABLE t${i} AS SELECT g AS id, repeat(md5(g::text), 8) AS body FROM generate_series(1, 300000) g; CHECKPOINT;`);
  }
}, 300_000);
afterAll(() => cleanup(prefix));

describe('copying a stopped PostgreSQL without its recycled WAL', () => {
  it('leaves out exactly the segments after the one following the last checkpoint’s, and the copy works', async () => {
    await core.lifecycle.stop(source);
    const segments = await walSegments(volume);
    const out = (await leftOut(volume)).map((p) => p.replace('./pg_wal/', ''));
    expect(out.length).toBeGreaterThan(0);
    // Every segment left out is newer than every one kept, and two at least are kept (the checkpoint's and the next).
    const kept = segments.filter((s) => !out.includes(s));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(out.every((s) => segments.includes(s) && kept.every((k) => k < s))).toBe(true);

    const target = `dockbase-${prefix}-copy-data`;
    await copy(volume, target);
    expect(await walSegments(target)).toEqual(kept);
    // Everything else is there as it was: every path with its type, mode, owner and size (BusyBox's cp -a, in slim images, keeps no times).
    const listing = async (v: string) =>
      (await docker('run', '--rm', '--network', 'none', '--entrypoint', 'find', '-v', `${v}:/v:ro`, image, '/v', '-printf', '%P %y %m %u:%g %s\\n'))
        .split('\n')
        .filter((l) => l && !out.some((s) => l.startsWith(`pg_wal/${s} `)))
        .sort();
    expect(await listing(target)).toEqual(await listing(volume));
    const copyName = `${prefix}-copy`;
    await docker('run', '--detach', '--name', copyName, '--env', 'POSTGRES_PASSWORD=unused', '-v', `${target}:/var/lib/postgresql/data`, image);
    const answers = async () => {
      for (let i = 0; i < 240; i++) {
        const r = await docker('exec', copyName, 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres').catch(() => '');
        if (r.includes('accepting connections')) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`${copyName} did not answer`);
    };
    await answers();
    expect(await psql(copyName, 'SELECT count(*) FROM t0')).toBe('300000');
    expect(await psql(copyName, 'SELECT count(*) FROM t2')).toBe('300000');
    // It writes new WAL past what it was given, and a crash after that recovers with every row.
    await psql(copyName, 'CREATE TABLE t3 AS SELECT g AS id, repeat(md5(g::text), 8) AS body FROM generate_series(1, 300000) g');
    await docker('kill', copyName);
    await docker('start', copyName);
    await answers();
    expect(await psql(copyName, 'SELECT count(*) FROM t3')).toBe('300000');
    // The source is as it was: every segment still there.
    expect(await walSegments(volume)).toEqual(segments);
  }, 300_000);

  it('copies a folder that was not shut down cleanly whole', async () => {
    await core.lifecycle.start(source);
    await core.readiness.waitUntilReady(source, { restarted: true, timeoutMs: 120_000 });
    await psql(source.name, 'CHECKPOINT');
    await docker('kill', source.name);
    expect(await leftOut(volume)).toEqual([]);
    const target = `dockbase-${prefix}-crashed-data`;
    await copy(volume, target);
    expect(await walSegments(target)).toEqual(await walSegments(volume));
  }, 300_000);
});
