import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockbase, ensureCliBuilt } from '../support/cli';
import { tempDir } from '../support/data-safety';
import { testPort } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG } from '../support/images';
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine';

// Branch copies and snapshots on a filesystem that shares blocks between copies (XFS with reflinks here; Btrfs
// and Fedora's default are the same to Dockbase): the copy references the source's blocks instead of writing
// them again, so a branch of a large database costs almost no disk and no copying. Through the `dockbase` bin,
// as a user runs it, on an engine of the test's own whose data root is on XFS (this machine's disk is ext4),
// with a REAL PostgreSQL 17. The copies must still be apart: a row written on one branch is not on the other.
const image = `${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}`;
const project = `dbt-cow-${process.pid}`;
const port = testPort(90);
const dir = tempDir('dockbase-cow-');
const state = tempDir('dockbase-cow-state-');
const ROWS = 200_000;
let engine: PrivateEngine;

const run = async (...args: string[]) => {
  // Its own job store: no standalone host of the main engine is handed this engine's jobs.
  const r = await dockbase(args, { cwd: dir, env: { ...engine.env, DOCKBASE_STATE_DIR: state, DOCKBASE_DATA_DIR: state }, timeoutMs: 240_000 });
  expect(r.code, `dockbase ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
const serving = async () => (await engine.docker('ps', '--filter', `publish=${port}`, '--format', '{{.Names}}')).trim();
const psql = async (sql: string) => (await engine.docker('exec', await serving(), 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();
/** Bytes in use on the engine's XFS: shared blocks count once. */
const used = () => {
  const s = fs.statfsSync(engine.dataRoot);
  return (s.blocks - s.bfree) * s.bsize;
};
/** The host path of a file of a container's PostgreSQL data folder (the data volume's mountpoint, on the XFS). */
const hostPath = async (container: string, relative: string) => {
  const volume = (
    await engine.docker('inspect', '--format', '{{range .Mounts}}{{if eq .Destination "/var/lib/postgresql/data"}}{{.Name}}{{end}}{{end}}', container)
  ).trim();
  const mountpoint = (await engine.docker('volume', 'inspect', '--format', '{{.Mountpoint}}', volume)).trim();
  return path.join(mountpoint, relative);
};
/**
 * filefrag's flags of every extent of a file that holds data: "shared" where its blocks are another file's too.
 * Extents XFS reserved past the end of a file it wrote (unwritten) hold none.
 */
const extentFlags = (file: string) =>
  execFileSync('filefrag', ['-v', file], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /^\s*\d+:/.test(l))
    .map((l) => l.trim().split(/\s+/).at(-1) ?? '')
    .filter((flags) => !flags.includes('unwritten'));

beforeAll(async () => {
  engine = await startPrivateEngine({ filesystem: 'xfs' });
  await Promise.all([ensureCliBuilt(), engine.docker('pull', '--quiet', image)]);
  fs.writeFileSync(
    path.join(dir, 'dockbase.yaml'),
    `version: 1\nproject: ${project}\ninstances:\n  orders:\n    engine: postgres\n    version: "${POSTGRES_TEST_TAG}"\n    image: ${POSTGRES_TEST_IMAGE}\n    port: ${port}\n`,
  );
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'project');
  await run('up');
  // About 200 MB in one table, vacuumed and checkpointed, as a table that has been in use a while is. A table
  // never vacuumed is one autovacuum takes up within seconds of the copy's start: it sets every page's hint bits
  // and writes each page again (a page written is the copy's own from then on), which would race the
  // measurements below.
  await psql(`CREATE TABLE filler AS SELECT g AS id, repeat(md5(g::text), 28) AS body FROM generate_series(1, ${ROWS}) g`);
  await psql('VACUUM (FREEZE, ANALYZE) filler');
  await psql('CHECKPOINT');
}, 300_000);

afterAll(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(state, { recursive: true, force: true });
});

describe('copies on a filesystem that shares blocks', () => {
  it('dockbase branch references the data instead of copying it, and the branches stay apart', async () => {
    const source = await serving();
    const table = await psql("SELECT pg_relation_filepath('filler')");
    const tableBytes = Number(await psql("SELECT pg_relation_size('filler')"));
    expect(tableBytes).toBeGreaterThan(150 * 2 ** 20);
    const before = used();

    git('checkout', '-q', '-b', 'feature');
    const made = JSON.parse((await run('branch', '--json')).stdout) as { instances: Array<{ copied: boolean; name: string }> };
    expect(made.instances[0]?.copied).toBe(true);
    const copy = await serving();
    expect(copy).not.toBe(source);

    // The copy's table file shares every block with the source's, and the disk holds the data once.
    const theirs = extentFlags(await hostPath(source, table));
    const ours = extentFlags(await hostPath(copy, table));
    expect(ours.length).toBeGreaterThan(0);
    expect(
      ours.every((f) => f.includes('shared')),
      ours.join(' '),
    ).toBe(true);
    expect(
      theirs.every((f) => f.includes('shared')),
      theirs.join(' '),
    ).toBe(true);
    expect(used() - before).toBeLessThan(tableBytes / 4);
    expect(await psql('SELECT count(*) FROM filler')).toBe(String(ROWS));

    // Apart all the same: what the branch writes is its own (the filesystem copies a block when it changes).
    await psql("CREATE TABLE only_here (v text); INSERT INTO only_here VALUES ('feature'); UPDATE filler SET body = 'changed' WHERE id <= 1000");
    await run('branch', 'switch', 'main', '--quiet');
    expect(await serving()).toBe(source);
    expect(await psql("SELECT to_regclass('only_here') IS NULL")).toBe('t');
    expect(await psql("SELECT count(*) FROM filler WHERE body = 'changed'")).toBe('0');
    await run('branch', 'switch', 'feature', '--quiet');
    expect(await serving()).toBe(copy);
    expect(await psql('SELECT v FROM only_here')).toBe('feature');
    expect(await psql("SELECT count(*) FROM filler WHERE body = 'changed'")).toBe('1000');
  }, 300_000);

  it('a snapshot references the data too, and restores it', async () => {
    await run('branch', 'switch', 'main', '--quiet');
    git('checkout', '-q', 'main');
    const name = await serving();
    const before = used();
    await run('snapshot', name, '--as', 'kept');
    expect(used() - before).toBeLessThan(50 * 2 ** 20);
    await psql('DELETE FROM filler');
    await run('restore', name, 'kept', '--yes');
    expect(await psql('SELECT count(*) FROM filler')).toBe(String(ROWS));
  }, 300_000);
});
