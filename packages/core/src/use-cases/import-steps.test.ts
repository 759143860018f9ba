/**
 * An import's steps and its Cancel: what the dialog says before it starts (whether the server keeps running
 * while the file loads), the steps the job reports with the file's size, and what a cancel at each step does
 * to the instance (nothing changed, or the data from before put back), through the job runner too.
 */
import { describe, expect, it } from 'vitest';
import type { DockerCli, RunOptions } from '@dockbase/docker-cli';
import { CANCEL_SCRIPT, REPLACE_VOLUMES_SCRIPT, SNIFF_SCRIPT, importScript } from '../docker/data-scripts';
import { createDockbase, type Dockbase } from '../dockbase';
import { getEngine, type EngineId } from '../engines';
import { JobRunner } from '../jobs/runner';
import { MemoryJobStore } from '../jobs/memory-store';
import type { Job } from '../jobs/job';
import type { Instance } from '../model/instance';
import { DockbaseError } from '../model/errors';
import { scripted, type Reply } from '../test-support/scripted-cli';
import type { ImportOptions, SentImportFile } from './backups';
import { importServerNote, importStepCancellable, importSteps, type ImportProgress } from './import-plan';

const hex = (bytes: number[]) => bytes.map((b) => ` ${b.toString(16).padStart(2, '0')}`).join('');
/** SNIFF_SCRIPT's answer for a gzip-compressed mongodump archive of `size` bytes. */
const archiveSniff = (size: number) => `${size}\n${hex([0x1f, 0x8b])}\n--\n${hex([0x6d, 0xe2, 0x99, 0x81])}\n`;

const OWN_CONTAINER: Array<[string, Reply]> = [
  [
    'container inspect',
    {
      stdout: JSON.stringify([
        {
          Id: 'c0ffee',
          Image: `sha256:${'9'.repeat(64)}`,
          Config: { Labels: { 'io.dockbase.instance': 'abc123', 'io.dockbase.engine': 'mongo' }, Env: [], Cmd: [] },
        },
      ]),
    },
  ],
  ['image inspect', { stdout: 'null\n' }],
];

const shop = (over: Partial<Instance> = {}): Instance => ({
  id: 'abc123',
  name: 'shop',
  engine: 'mongo',
  image: 'mongo',
  tag: '8.0',
  hostPort: 27017,
  bindAddress: '127.0.0.1',
  status: 'running',
  health: 'healthy',
  createdAt: '2026-01-01T00:00:00Z',
  volumes: ['dockbase-shop-db', 'dockbase-shop-configdb'],
  containerId: 'c0ffee',
  statusText: 'Up',
  ...over,
});

const sent: SentImportFile = { temp: '/tmp/dockbase-import-0123456789ab', fileName: 'shop.archive.gz' };
const MONGO_IMPORT = importScript(getEngine('mongo'))!;

/** The snapshot's volumes, as `volume ls --filter label=io.dockbase.snapshot=<id>` lists them. */
const snapshotVolumes = (args: readonly string[]) => {
  const manifest = `dockbase-shop-snap-${args[4]!.split('=').pop()!}`;
  return { stdout: `${manifest}\n${manifest}-db\n${manifest}-configdb\n` };
};

/**
 * A scripted docker whose import tool runs until it is cancelled (the signal of its `docker exec`), as a long
 * load does; every other command answers at once.
 */
function loadRunsUntilCancelled() {
  const cli = scripted([
    ['exec c0ffee sh -c wc', { stdout: archiveSniff(7_340_032) }],
    ['run --rm', { stdout: '812\t/to\n' }],
    ['volume ls --quiet --filter label=io.dockbase.snapshot=', snapshotVolumes],
    ...OWN_CONTAINER,
  ]);
  let loading!: () => void;
  const loadStarted = new Promise<void>((resolve) => (loading = resolve));
  const run = cli.run.bind(cli);
  const docker: DockerCli & typeof cli = Object.assign(cli, {
    run: async (args: readonly string[], options: RunOptions = {}) => {
      if (args[4] !== MONGO_IMPORT) return run(args, options);
      cli.calls.push([...args]);
      loading();
      await new Promise<void>((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true }),
      );
      throw new Error('unreachable');
    },
  });
  return { cli: docker, loadStarted };
}

describe('what an import says before it starts', () => {
  it('says that Redis is stopped while the file loads, and that the other engines keep running', () => {
    expect(importServerNote({ name: 'cache', engine: 'redis' })).toMatch(/^cache is stopped while the file loads and started again after/);
    for (const engine of ['postgres', 'mysql', 'mariadb', 'mongo'] as EngineId[]) {
      expect(importServerNote({ name: 'shop', engine })).toMatch(/^shop keeps running while the file loads\. It is stopped only briefly/);
    }
  });

  it('lists its steps; Cancel is offered until the load, through a load beside the server, never while Redis’s file is put in place', () => {
    expect(importSteps({ name: 'shop', engine: 'postgres' }).map((s) => [s.id, s.cancellable])).toEqual([
      ['check', true],
      ['keep', true],
      ['load', true],
      ['password', false],
    ]);
    expect(importSteps({ name: 'shop', engine: 'postgres' })[2]!.label).toBe('Load the file with PostgreSQL’s own tools (shop keeps running)');
    // Redis keeps no password in its data: nothing to check after.
    expect(importSteps({ name: 'cache', engine: 'redis' }).map((s) => [s.id, s.cancellable])).toEqual([
      ['check', true],
      ['keep', true],
      ['load', false],
    ]);
    expect(importSteps({ name: 'cache', engine: 'redis' })[2]!.label).toBe('Put the file in place (cache is stopped meanwhile, then started again)');
    expect(importStepCancellable({ name: 'cache', engine: 'redis' }, 'load')).toBe(false);
  });
});

describe('the file, read before the import is confirmed', () => {
  it('says its size and kind', async () => {
    const cli = scripted([['exec c0ffee sh -c wc', { stdout: archiveSniff(7_340_032) }]]);
    await expect(createDockbase(cli).backups.readSentFile(shop(), sent)).resolves.toEqual({
      fileName: 'shop.archive.gz',
      sizeBytes: 7_340_032,
      kind: 'mongo-archive',
      gzip: true,
    });
    expect(cli.calls).toEqual([['exec', 'c0ffee', 'sh', '-c', SNIFF_SCRIPT, 'sh', sent.temp]]);
  });

  it('refuses a file of another engine and removes it from the container', async () => {
    const cli = scripted([['exec c0ffee sh -c wc', { stdout: `42\n${hex([...'-- MySQL dump 10.13'].map((c) => c.charCodeAt(0)))}\n--\n\n` }]]);
    await expect(createDockbase(cli).backups.readSentFile(shop(), sent)).rejects.toMatchObject({
      code: 'bad-file',
      message: 'shop.archive.gz is a MySQL dump; MongoDB cannot import it. shop was not changed.',
    });
    expect(cli.calls.at(-1)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', sent.temp]);
  });

  it('a copy into the container cancelled leaves nothing there and changes nothing', async () => {
    const cli = scripted([]);
    const abort = new AbortController();
    cli.files.send = async (_args, _from, options) => {
      abort.abort();
      expect(options?.signal?.aborted).toBe(true);
      const { HostFileError } = await import('@dockbase/docker-cli');
      throw new HostFileError('cancelled', 'cancelled');
    };
    await expect(createDockbase(cli).backups.sendImportFile(shop(), '/home/me/shop.archive.gz', { signal: abort.signal })).rejects.toMatchObject({
      code: 'cancelled',
      message: 'Import cancelled; shop.archive.gz was not copied and shop was not changed.',
    });
    expect(cli.calls.at(-1)!.slice(0, 5)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT]);
  });
});

describe('an import’s steps and its Cancel', () => {
  it('reports each step as it begins, with the file’s size once read', async () => {
    const cli = scripted([['exec c0ffee sh -c wc', { stdout: archiveSniff(7_340_032) }], ['run --rm', { stdout: '812\t/to\n' }], ...OWN_CONTAINER]);
    const steps: ImportProgress[] = [];
    const r = await createDockbase(cli).backups.importSent(shop(), sent, { onProgress: (p) => steps.push(p) });
    expect(steps).toEqual([
      { step: 'check' },
      { step: 'keep', sizeBytes: 7_340_032 },
      { step: 'load', sizeBytes: 7_340_032 },
      { step: 'password', sizeBytes: 7_340_032 },
    ]);
    expect(r).toMatchObject({ kind: 'mongo-archive', sizeBytes: 7_340_032 });
  });

  it('cancelled while the current data is copied: nothing is changed, the copy goes, the file never loads', async () => {
    const cli = scripted([
      ['exec c0ffee sh -c wc', { stdout: archiveSniff(42) }],
      ['run --rm', { stdout: '812\t/to\n' }],
      ['volume ls --quiet --filter label=io.dockbase.snapshot=', snapshotVolumes],
      ...OWN_CONTAINER,
    ]);
    const abort = new AbortController();
    const options: ImportOptions = { signal: abort.signal, onProgress: (p) => (p.step === 'keep' ? abort.abort() : undefined) };
    await expect(createDockbase(cli).backups.importSent(shop(), sent, options)).rejects.toMatchObject({
      code: 'cancelled',
      message: 'Import cancelled; nothing was changed in shop.',
    });
    expect(cli.calls.some((c) => c[4] === MONGO_IMPORT)).toBe(false);
    expect(cli.calls.some((c) => c.includes(REPLACE_VOLUMES_SCRIPT))).toBe(false);
    // The "before import" copy is deleted (it holds what the instance still holds), and the file goes.
    const manifest = cli.calls.find((c) => c[0] === 'volume' && c[1] === 'create')!.at(-1)!;
    expect(cli.calls.find((c) => c[0] === 'volume' && c[1] === 'rm')!.slice(2)).toEqual([`${manifest}-db`, `${manifest}-configdb`, manifest]);
    expect(cli.calls.at(-1)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', sent.temp]);
  });

  it('cancelled while the tool loads: the server stops (ending the tool), the data from before goes back, it starts again', async () => {
    const { cli, loadStarted } = loadRunsUntilCancelled();
    const abort = new AbortController();
    const run = createDockbase(cli).backups.importSent(shop(), sent, { signal: abort.signal });
    await loadStarted;
    abort.abort();
    await expect(run).rejects.toMatchObject({
      code: 'cancelled',
      message: 'Import cancelled; what was loaded of shop.archive.gz is undone: shop was put back as it was.',
    });
    const acting = cli.calls.filter((c) => !(c[1] === 'inspect' && (c[0] === 'container' || c[0] === 'image')));
    const load = acting.findIndex((c) => c[4] === MONGO_IMPORT);
    const after = acting.slice(load + 1).map((c) => (c.includes(REPLACE_VOLUMES_SCRIPT) ? 'put back' : c.slice(0, 2).join(' ')));
    expect(after.slice(0, 3)).toEqual(['stop --time', 'put back', 'start c0ffee']);
    // Once the data is back, the "before import" copy goes (it holds nothing the instance lacks), then the file.
    expect(after).toContain('volume rm');
    expect(acting.at(-1)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', sent.temp]);
  });
});

describe('an import job', () => {
  /** A runner over a core whose import reports the given steps, then waits to be cancelled at the last one. */
  function runnerFor(engine: EngineId) {
    const instance = shop({ engine });
    let options: ImportOptions | undefined;
    let reached!: () => void;
    const atLoad = new Promise<void>((resolve) => (reached = resolve));
    const dockbase = {
      lifecycle: { get: async () => instance },
      backups: {
        importSent: (_i: Instance, _s: SentImportFile, o: ImportOptions) => {
          options = o;
          o.onProgress?.({ step: 'check' });
          o.onProgress?.({ step: 'keep', sizeBytes: 2048 });
          o.onProgress?.({ step: 'load', sizeBytes: 2048 });
          reached();
          return new Promise((_, reject) =>
            o.signal?.addEventListener('abort', () => reject(new DockbaseError('cancelled', 'Import cancelled; what was loaded is undone.'))),
          );
        },
      },
    } as unknown as Dockbase;
    const runner = new JobRunner({ dockbase, cli: scripted([]), store: new MemoryJobStore(), door: 'tab', engineLock: false });
    return { runner, atLoad, signal: () => options?.signal };
  }

  it('is cancellable during a load beside the server: Cancel ends it as cancelled, with the core’s words', async () => {
    const { runner, atLoad, signal } = runnerFor('postgres');
    const job = await runner.start({ kind: 'import', instanceId: 'abc123', file: sent.temp, fileName: 'orders.sql' });
    await atLoad;
    const [running] = await runner.list();
    expect(running).toMatchObject({ cancellable: true, progress: { step: 'load', totalBytes: 2048, done: ['check', 'keep'] } });
    await runner.cancel(job.id);
    expect(signal()?.aborted).toBe(true);
    const ended = (await runner.wait(job.id)) as Job;
    expect(ended).toMatchObject({ state: 'cancelled', message: 'Import cancelled; what was loaded is undone.' });
  });

  it('is not cancellable while Redis’s file is put in place', async () => {
    const { runner, atLoad, signal } = runnerFor('redis');
    const job = await runner.start({ kind: 'import', instanceId: 'abc123', file: sent.temp, fileName: 'cache.rdb' });
    await atLoad;
    expect((await runner.list())[0]).toMatchObject({ cancellable: false, progress: { step: 'load' } });
    await expect(runner.cancel(job.id)).rejects.toMatchObject({ code: 'invalid-input' });
    expect(signal()?.aborted).toBe(false);
  });
});
