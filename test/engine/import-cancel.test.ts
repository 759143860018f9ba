import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportProgress, Instance } from '@dockbase/core';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// An import cancelled on a real PostgreSQL server: while psql loads the file (autocommit: what it ran is
// already in the data), Cancel stops the server, puts the data from before back and starts it again.
const { dockbase, docker, up, cleanup } = recordingDockbase();
const prefix = `dbt-impcancel-${process.pid}`;
const folder = tempDir('dockbase-import-cancel-');

const psql = async (i: Instance, sql: string) => (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${POSTGRES_REAL_IMAGE}:17`);
});
afterAll(async () => {
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('an import cancelled while the file loads, on a real server', () => {
  it('undoes what was loaded: the data from before is back, the server runs, no snapshot or file is left', async () => {
    const instance = await up({
      engine: 'postgres',
      name: `${prefix}-pg`,
      tag: '17',
      image: POSTGRES_REAL_IMAGE,
      hostPort: await freePort(),
      password: HOSTILE_PASSWORD,
      persistData: true,
      exposeOnNetwork: false,
    });
    await psql(instance, "CREATE TABLE fruit (id int PRIMARY KEY, name text); INSERT INTO fruit VALUES (1, 'apple'), (2, 'pear')");
    // A file whose first statements are committed at once, then a long wait: cancelled during the wait.
    const file = path.join(folder, 'slow.sql');
    fs.writeFileSync(file, 'CREATE TABLE junk (x int);\nINSERT INTO junk VALUES (1);\nDELETE FROM fruit WHERE id = 1;\nSELECT pg_sleep(600);\n');

    const sent = await dockbase.backups.sendImportFile(instance, file);
    const abort = new AbortController();
    const steps: ImportProgress['step'][] = [];
    const run = dockbase.backups.importSent(instance, sent, { signal: abort.signal, onProgress: (p) => steps.push(p.step) });
    run.catch(() => undefined);
    // Cancelled once psql has run the file's first statements.
    await expect
      .poll(() => psql(instance, "SELECT count(*) FROM pg_tables WHERE tablename = 'junk'").catch(() => '0'), { timeout: 60_000, interval: 300 })
      .toBe('1');
    expect(steps).toEqual(['check', 'keep', 'load']);
    abort.abort();
    await expect(run).rejects.toMatchObject({
      code: 'cancelled',
      message: `Import cancelled; what was loaded of slow.sql is undone: ${instance.name} was put back as it was.`,
    });

    const after = await dockbase.lifecycle.get(instance.id);
    expect(after.status).toBe('running');
    await dockbase.readiness.waitUntilReady(after);
    expect(await psql(after, "SELECT count(*) FROM pg_tables WHERE tablename = 'junk'")).toBe('0');
    expect(await psql(after, "SELECT string_agg(name, ',' ORDER BY id) FROM fruit")).toBe('apple,pear');
    // Nothing of the load is left running, nor its file, nor the "before import" copy (the data is back).
    expect(await psql(after, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()")).toBe('0');
    expect(await docker('exec', after.containerId, 'sh', '-c', 'ls /tmp | grep -c dockbase-import || true')).toBe('0\n');
    expect((await dockbase.snapshots.list(instance.id)).filter((s) => s.reason === 'before-import')).toEqual([]);
  });
});
