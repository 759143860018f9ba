/**
 * PostgreSQL 15 → 17 of a ~1 GB database on the real test servers: Dockbase's upgrade (two workers without
 * network, the new pg_dumpall piped into the new psql, every table's rows counted on both sides, the switch to
 * a new volume) against the same dump and restore done by hand (pg_dumpall into a file on the host, stop, a new
 * container on a new volume, psql from the file). Each run starts from a fresh clone of the same data.
 *
 * For the record of the choice between dump/restore and pg_upgrade, the same data is also upgraded with
 * `pg_upgrade --copy` in an image holding both versions' binaries, built here from the two test images (no
 * official image has both; the PGDG packages would have to be installed into one).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { docker, fillPostgres } from './bench-servers';
import { JobRunner, createDockbase, type Instance, type Snapshot, type UpgradeResult } from '@dockbase/core';
import { FileJobStore } from '@dockbase/cli/src/job-store';
import { POSTGRES_REAL_IMAGE } from '../test/support/data-safety';
import { median, round } from './stats';

// Not under BENCH_PREFIX: the other benchmarks remove every container named like theirs. The template (the
// source's snapshot every run clones) is named apart from what the runs make, which each run removes.
const NAME = 'dockbase-upgbench';
const TEMPLATE = 'dockbase-upgtemplate';
const PASSWORD = 'bench pass "1"';
const COMBINED = 'dockbase-upgbench/pg15-17:local';

export interface UpgradeBench {
  dataFolderMb: number;
  rows: number;
  runs: number;
  /** Dockbase's upgrade, from Upgrade to a new 17 serving on the same port (driven in-process, as the page did). */
  dockbaseMs: number;
  /** The same upgrade run as a job (the runner the backend and the CLI use): the instance's lock, each step journaled and fsynced. */
  jobMs: number;
  /**
   * What running it as a durable job costs (goal ≤ 1.02): the median of each run's job / direct, the two
   * measured back to back in alternating order (a shared machine drifts between runs more than a job costs).
   */
  jobVsDirect: number;
  /** pg_dumpall > file, stop, docker run 17 on a new volume, wait, psql < file. */
  handMs: number;
  ratio: number;
  /** pg_upgrade --copy in an image with both binaries (old and new data on separate volumes, as Dockbase keeps them). */
  pgUpgradeCopyMs: number;
  pgUpgradeVsHand: number;
  dumpMb: number;
  /** Every run's milliseconds, in order (the machines are shared: the medians hide one-off slow runs). */
  each: { dockbase: number[]; job: number[]; hand: number[]; pgUpgradeCopy: number[] };
}

/** Runs docker with stdin and/or stdout on files: what a user's shell redirection does. */
function dockerWithFiles(args: string[], files: { stdin?: string; stdout?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = files.stdin ? fs.openSync(files.stdin, 'r') : 'ignore';
    const output = files.stdout ? fs.openSync(files.stdout, 'w') : 'ignore';
    const child = spawn('docker', args, { stdio: [input, output, 'pipe'] });
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof input === 'number') fs.closeSync(input);
      if (typeof output === 'number') fs.closeSync(output);
      if (code === 0) resolve();
      else reject(new Error(`docker ${args[0]} exited ${code}: ${err.slice(-300)}`));
    });
  });
}

/**
 * Times `fn` from a settled disk: what earlier steps wrote (a 1 GB clone, the previous run's dump) is flushed
 * first, so the run measured does not pay for the writeback of the one before it (the first of each pair did).
 */
async function time(fn: () => Promise<unknown>): Promise<number> {
  spawnSync('sync');
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function cleanupUpgradeBench(cli: NodeDockerCli, withTemplate = false): Promise<void> {
  const names = (await docker(cli, 'ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n.startsWith(NAME) || (withTemplate && n === TEMPLATE));
  if (names.length) await cli.run(['rm', '--force', '--volumes', ...names]);
  const volumes = (await docker(cli, 'volume', 'ls', '--quiet'))
    .split('\n')
    .filter((v) => v.startsWith(`dockbase-${NAME}`) || v.startsWith(`${NAME}-`) || (withTemplate && v.startsWith(`dockbase-${TEMPLATE}-`)));
  if (volumes.length) await cli.run(['volume', 'rm', '--force', ...volumes]);
}

/** An image with PostgreSQL 15's and 17's binaries, from the two test images (15 built on bookworm, 17 on trixie). */
async function buildCombinedImage(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-upgbench-'));
  const libs = [
    'libicu*.so.72*',
    'libldap-2.5.so.0*',
    'liblber-2.5.so.0*',
    'libgnutls.so.30*',
    'libhogweed.so.6*',
    'libnettle.so.8*',
    'libidn2.so.0*',
    'libp11-kit.so.0*',
    'libtasn1.so.6*',
    'libunistring.so.2*',
    'libgmp.so.10*',
    'libffi.so.8*',
  ];
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${POSTGRES_REAL_IMAGE}:15 AS old`,
      `FROM ${POSTGRES_REAL_IMAGE}:17`,
      'COPY --from=old /usr/lib/postgresql/15 /usr/lib/postgresql/15',
      'COPY --from=old /usr/share/postgresql/15 /usr/share/postgresql/15',
      // bookworm libraries the 15 binaries link and trixie does not have (other sonames: nothing is replaced).
      `COPY --from=old ${libs.map((l) => `/usr/lib/x86_64-linux-gnu/${l}`).join(' ')} /usr/lib/x86_64-linux-gnu/`,
      '',
    ].join('\n'),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('docker', ['build', '-q', '-t', COMBINED, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: 'ignore' });
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`building ${COMBINED} failed (${code})`))));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchUpgrade(runs = 3, rows = 500_000): Promise<UpgradeBench> {
  const cli = new NodeDockerCli();
  const core = createDockbase(cli);
  await cleanupUpgradeBench(cli, true);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-upgbench-dump-'));
  let template: Snapshot | undefined;
  const port = 47980;
  const fresh = async (name: string): Promise<Instance> => {
    const clone = await core.snapshots.clone(template!, { name, hostPort: port, password: PASSWORD, exposeOnNetwork: false }, { start: true });
    return core.readiness.waitUntilReady(clone);
  };
  try {
    await buildCombinedImage();
    let source = await core.creation.create(
      {
        engine: 'postgres',
        name: TEMPLATE,
        tag: '15',
        image: POSTGRES_REAL_IMAGE,
        hostPort: port,
        password: PASSWORD,
        persistData: true,
        exposeOnNetwork: false,
      },
      { start: true },
    );
    source = await core.readiness.waitUntilReady(source);
    // About 1 GB, an index, and a second database.
    await fillPostgres(cli, source.containerId, rows, { primaryKey: true });
    await docker(cli, 'exec', source.containerId, 'psql', '-X', '-q', '-U', 'postgres', '-c', 'CREATE DATABASE app');
    await docker(
      cli,
      'exec',
      source.containerId,
      'psql',
      '-X',
      '-q',
      '-U',
      'postgres',
      '-d',
      'app',
      '-c',
      'CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 100000) g; CHECKPOINT;',
    );
    const du = await docker(
      cli,
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'du',
      '--mount',
      `type=volume,source=${source.volumes[0]},target=/v,readonly`,
      `${POSTGRES_REAL_IMAGE}:15`,
      '-sk',
      '/v',
    );
    const dataFolderMb = round(Number(du.trim().split(/\s+/)[0]) / 1024, 0);
    await core.lifecycle.stop(source);
    template = await core.snapshots.take(await core.lifecycle.get(source.id), { name: 'upgrade bench' });
    await core.lifecycle.remove(await core.lifecycle.get(source.id), { removeData: true });

    const ours: number[] = [];
    const asJob: number[] = [];
    const jobState = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-upgbench-jobs-'));
    const runner = new JobRunner({ dockbase: core, cli, store: new FileJobStore(jobState), door: 'cli' });
    const hand: number[] = [];
    const pgUpgrade: number[] = [];
    let dumpBytes = 0;
    for (let n = 0; n < runs; n++) {
      // Dockbase, in-process as the page drove it, and the same upgrade as a job: which goes first alternates
      // from run to run, so that neither always meets the engine warmer (the machines are shared and noisy).
      const direct = async () => {
        const a = await fresh(`${NAME}-a${n}`);
        ours.push(
          await time(async () => {
            const r = await core.upgrades.upgrade(a, '17');
            if (r.verified?.rows !== rows + 100_000) throw new Error(`the upgrade counted ${r.verified?.rows} rows, not ${rows + 100_000}`);
            await core.snapshots.remove(r.rollbackPoint);
          }),
        );
        await cleanupUpgradeBench(cli);
      };
      const asAJob = async () => {
        const j = await fresh(`${NAME}-j${n}`);
        asJob.push(
          await time(async () => {
            const started = await runner.start({ kind: 'upgrade', instanceId: j.id, to: '17' });
            const ended = await runner.wait(started.id);
            if (ended?.state !== 'succeeded') throw new Error(`the upgrade as a job ${ended?.state}: ${ended?.message}`);
            const r = ended.result as UpgradeResult;
            if (r.verified?.rows !== rows + 100_000) throw new Error(`the job counted ${r.verified?.rows} rows, not ${rows + 100_000}`);
            await core.snapshots.remove(r.rollbackPoint);
          }),
        );
        await cleanupUpgradeBench(cli);
      };
      if (n % 2 === 0) {
        await direct();
        await asAJob();
      } else {
        await asAJob();
        await direct();
      }

      // By hand, the same dump and restore.
      const b = await fresh(`${NAME}-b${n}`);
      const file = path.join(folder, 'dump.sql');
      hand.push(
        await time(async () => {
          await dockerWithFiles(['exec', b.containerId, 'pg_dumpall', '-U', 'postgres'], { stdout: file });
          await docker(cli, 'stop', '--time', '30', b.containerId);
          const id = (
            await docker(
              cli,
              'run',
              '--detach',
              '--name',
              `${NAME}-b${n}-17`,
              '--env',
              'POSTGRES_PASSWORD=bench',
              '--publish',
              `127.0.0.1:${port}:5432`,
              '--mount',
              `type=volume,source=${NAME}-b${n}-17,target=/var/lib/postgresql/data`,
              `${POSTGRES_REAL_IMAGE}:17`,
            )
          ).trim();
          for (;;) {
            if ((await cli.run(['exec', id, 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres'])).code === 0) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          await dockerWithFiles(['exec', '-i', id, 'psql', '-X', '-q', '-U', 'postgres', '-d', 'postgres', '-f', '-'], { stdin: file });
        }),
      );
      dumpBytes = fs.statSync(file).size;
      if (dumpBytes < rows * 100) throw new Error(`the dump by hand holds ${dumpBytes} bytes: the clone lost its data`);
      fs.rmSync(file, { force: true });
      await cleanupUpgradeBench(cli);

      // pg_upgrade --copy in the image with both binaries: old data volume to a new one, untouched old.
      const c = await fresh(`${NAME}-c${n}`);
      await docker(cli, 'stop', '--time', '30', c.containerId);
      pgUpgrade.push(
        await time(() =>
          docker(
            cli,
            'run',
            '--rm',
            '--network',
            'none',
            '--user',
            '0',
            '--entrypoint',
            'sh',
            '--mount',
            `type=volume,source=${c.volumes[0]},target=/var/lib/postgresql/15/data`,
            '--mount',
            `type=volume,source=${NAME}-c${n}-17,target=/var/lib/postgresql/17/data`,
            COMBINED,
            '-c',
            [
              'set -e',
              'chown postgres:postgres /var/lib/postgresql/17/data',
              'cd /tmp',
              'gosu postgres /usr/lib/postgresql/17/bin/initdb -D /var/lib/postgresql/17/data -U postgres --auth=trust >/dev/null',
              'gosu postgres /usr/lib/postgresql/17/bin/pg_upgrade -b /usr/lib/postgresql/15/bin -B /usr/lib/postgresql/17/bin -d /var/lib/postgresql/15/data -D /var/lib/postgresql/17/data -U postgres --copy >/dev/null',
              'cp /var/lib/postgresql/15/data/pg_hba.conf /var/lib/postgresql/17/data/',
            ].join('\n'),
          ),
        ),
      );
      await cleanupUpgradeBench(cli);
    }
    fs.rmSync(jobState, { recursive: true, force: true });
    return {
      dataFolderMb,
      rows,
      runs,
      dockbaseMs: round(median(ours), 0),
      jobMs: round(median(asJob), 0),
      jobVsDirect: round(median(asJob.map((j, n) => j / ours[n]!)), 3),
      handMs: round(median(hand), 0),
      ratio: round(median(ours) / median(hand), 2),
      pgUpgradeCopyMs: round(median(pgUpgrade), 0),
      pgUpgradeVsHand: round(median(pgUpgrade) / median(hand), 2),
      dumpMb: round(dumpBytes / 2 ** 20, 0),
      each: {
        dockbase: ours.map((v) => round(v, 0)),
        job: asJob.map((v) => round(v, 0)),
        hand: hand.map((v) => round(v, 0)),
        pgUpgradeCopy: pgUpgrade.map((v) => round(v, 0)),
      },
    };
  } finally {
    if (template) await core.snapshots.remove(template).catch(() => undefined);
    await cleanupUpgradeBench(cli, true);
    fs.rmSync(folder, { recursive: true, force: true });
    await cli.run(['rmi', COMBINED]);
  }
}
