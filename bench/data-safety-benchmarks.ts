/**
 * Data safety against the real engine, on a PostgreSQL data folder of about 1 GB (the real PostgreSQL test
 * image): a snapshot and a restore against the floor of copying the same volume with a bare
 * `docker run … cp -a`, and an export against `pg_dumpall` run by hand into a file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { docker, fillPostgres } from './bench-servers';
import { createDockbase, type Instance } from '@dockbase/core';
import { POSTGRES_REAL_IMAGE } from '../test/support/data-safety';
import { median, round } from './stats';

// Not under BENCH_PREFIX: the other benchmarks remove every container named like theirs.
const NAME = 'dockbase-databench';
const PORT = 47990;
const IMAGE = `${POSTGRES_REAL_IMAGE}:17`;

export interface DataSafetyBench {
  dataFolderMb: number;
  runs: number;
  floorCopyMs: number;
  snapshotMs: number;
  snapshotRatio: number;
  restoreMs: number;
  /** Restore keeps the current data first, then replaces it: the floor of the same work is two bare runs. */
  floorRestoreMs: number;
  restoreVsOneCopy: number;
  restoreRatio: number;
  exportMs: number;
  /** `docker exec … pg_dumpall > file`. */
  handDumpMs: number;
  /** `docker exec … pg_dumpall -f /tmp/x` then `docker cp` (the route Dockbase takes, which Docker Desktop allows). */
  handDumpCpMs: number;
  exportRatio: number;
  exportVsSameRoute: number;
  exportMbPerS: number;
  handMbPerS: number;
  dumpMb: number;
}

/** `docker exec … pg_dumpall` with its output redirected to a host file: what a user types by hand. */
function handDump(containerId: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(file, 'w');
    const child = spawn('docker', ['exec', containerId, 'pg_dumpall', '--clean', '--if-exists', '-U', 'postgres'], { stdio: ['ignore', out, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`pg_dumpall by hand exited ${code}`));
    });
  });
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function cleanupDataBench(cli: NodeDockerCli): Promise<void> {
  await cli.run(['rm', '--force', NAME]);
  const volumes = (await docker(cli, 'volume', 'ls', '--quiet')).split('\n').filter((v) => v.startsWith(`dockbase-${NAME}`));
  if (volumes.length) await cli.run(['volume', 'rm', '--force', ...volumes]);
}

export async function benchDataSafety(runs = 3, rows = 1_000_000): Promise<DataSafetyBench> {
  const cli = new NodeDockerCli();
  const core = createDockbase(cli);
  await cleanupDataBench(cli);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-bench-export-'));
  try {
    let instance: Instance = await core.creation.create(
      {
        engine: 'postgres',
        name: NAME,
        tag: '17',
        image: POSTGRES_REAL_IMAGE,
        hostPort: PORT,
        password: 'bench pass "1"',
        persistData: true,
        exposeOnNetwork: false,
      },
      { start: true },
    );
    instance = await core.readiness.waitUntilReady(instance);
    // About 1 GB.
    await fillPostgres(cli, instance.containerId, rows, { checkpoint: true });
    const volume = instance.volumes[0]!;
    const du = await docker(
      cli,
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'du',
      '--mount',
      `type=volume,source=${volume},target=/v,readonly`,
      IMAGE,
      '-sk',
      '/v',
    );
    const dataFolderMb = round(Number(du.trim().split(/\s+/)[0]) / 1024, 0);

    // Snapshot and restore of the stopped instance: the copy itself (a running one adds its stop and start).
    await core.lifecycle.stop(instance);
    instance = await core.lifecycle.get(instance.id);
    const floor: number[] = [];
    const floorRestore: number[] = [];
    const snap: number[] = [];
    const restore: number[] = [];
    const bare = (script: string, from: string, to: string) =>
      docker(
        cli,
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'sh',
        '--mount',
        `type=volume,source=${from},target=/from,readonly`,
        '--mount',
        `type=volume,source=${to},target=/to`,
        IMAGE,
        '-c',
        script,
      );
    /** The same work as a restore, by hand: keep a copy of the current data, then replace it with the snapshot's. */
    const floorRestoreRun = async (snapshotVolume: string, n: number) => {
      const keep = `dockbase-${NAME}-keep-${n}`;
      const ms = await time(async () => {
        await bare('cp -a /from/. /to/', volume, keep);
        await bare('rm -rf /to/* /to/.[!.]* /to/..?*; cp -a /from/. /to/', snapshotVolume, volume);
      });
      await docker(cli, 'volume', 'rm', keep);
      return ms;
    };
    const floorCopy = async (n: number) => {
      const target = `dockbase-${NAME}-floor-${n}`;
      const ms = await time(() =>
        docker(
          cli,
          'run',
          '--rm',
          '--network',
          'none',
          '--entrypoint',
          'sh',
          '--mount',
          `type=volume,source=${volume},target=/from,readonly`,
          '--mount',
          `type=volume,source=${target},target=/to`,
          IMAGE,
          '-c',
          'cp -a /from/. /to/',
        ),
      );
      await docker(cli, 'volume', 'rm', target);
      return ms;
    };
    await floorCopy(-1); // warms the page cache for everyone
    for (let n = 0; n < runs; n++) {
      floor.push(await floorCopy(n));
      let taken: Awaited<ReturnType<typeof core.snapshots.take>> | undefined;
      snap.push(await time(async () => (taken = await core.snapshots.take(instance, { name: `bench ${n}` }))));
      let kept: Awaited<ReturnType<typeof core.snapshots.restore>>['kept'] | undefined;
      restore.push(await time(async () => ({ kept } = await core.snapshots.restore(instance, taken!))));
      floorRestore.push(await floorRestoreRun(taken!.volumes[0]!.volume, n));
      await core.snapshots.remove(taken!);
      await core.snapshots.remove(kept!);
    }

    // Export of the running instance against pg_dumpall by hand into a file on the host.
    await core.lifecycle.start(instance);
    instance = await core.readiness.waitUntilReady(await core.lifecycle.get(instance.id));
    const exports: number[] = [];
    const hand: number[] = [];
    const handCp: number[] = [];
    let dumpBytes = 0;
    const handFile = path.join(folder, 'by-hand.sql');
    await handDump(instance.containerId, handFile); // warm-up
    for (let n = 0; n < runs; n++) {
      hand.push(await time(() => handDump(instance.containerId, handFile)));
      fs.rmSync(handFile, { force: true });
      handCp.push(
        await time(async () => {
          await docker(cli, 'exec', instance.containerId, 'pg_dumpall', '--clean', '--if-exists', '-U', 'postgres', '-f', '/tmp/by-hand.sql');
          await docker(cli, 'cp', `${instance.containerId}:/tmp/by-hand.sql`, handFile);
          await docker(cli, 'exec', instance.containerId, 'rm', '/tmp/by-hand.sql');
        }),
      );
      fs.rmSync(handFile, { force: true });
      exports.push(
        await time(async () => {
          const r = await core.backups.export(instance, { directory: folder });
          dumpBytes = r.sizeBytes;
          fs.rmSync(r.file, { force: true });
        }),
      );
    }
    const mb = dumpBytes / 2 ** 20;
    const floorMs = median(floor);
    return {
      dataFolderMb,
      runs,
      floorCopyMs: round(floorMs, 0),
      snapshotMs: round(median(snap), 0),
      snapshotRatio: round(median(snap) / floorMs, 2),
      restoreMs: round(median(restore), 0),
      floorRestoreMs: round(median(floorRestore), 0),
      restoreVsOneCopy: round(median(restore) / floorMs, 2),
      restoreRatio: round(median(restore) / median(floorRestore), 2),
      exportMs: round(median(exports), 0),
      handDumpMs: round(median(hand), 0),
      handDumpCpMs: round(median(handCp), 0),
      exportRatio: round(median(exports) / median(hand), 2),
      exportVsSameRoute: round(median(exports) / median(handCp), 2),
      exportMbPerS: round(mb / (median(exports) / 1000), 0),
      handMbPerS: round(mb / (median(hand) / 1000), 0),
      dumpMb: round(mb, 0),
    };
  } finally {
    await cleanupDataBench(cli);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
