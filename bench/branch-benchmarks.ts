/**
 * Branch databases on the real engine, through the `dockbase` bin in a git repository as a user runs it: a
 * project with one PostgreSQL instance holding ~1 GB (rows made by generate_series inside the server), then
 *
 * - branch creation: `dockbase branch` (the source stopped, its volume copied once into the copy's, the copy
 *   started on the same port and answering when the command exits) against a bare
 *   `docker run --rm -v src:/from -v dst:/to <image> cp -a /from/. /to/` of the same (stopped) volume, and
 *   against the whole of it by hand (docker stop, that copy, docker run on it, a login loop), in alternating
 *   order after one unmeasured copy (a warm page cache for both); each ratio is the median of the pairs' own;
 * - branch switch until the server answers: `dockbase branch switch <branch>` (the other copy stopped, the
 *   branch's started) timed from the command's start until a login on the port succeeds, both ways.
 *
 * On this machine's ext4 the copy is a file copy, and the bare copy is the floor. With `filesystem: 'xfs'` the
 * same runs on a Docker engine of the bench's own whose data root is on XFS with reflinks (as Btrfs and XFS
 * hosts have): Dockbase's copy is then copy-on-write, and a bare `cp -a --reflink=auto` is timed as well.
 *
 * Each timed run starts from the same state: the disk flushed (`sync`) and idle, then 4 GB written to tmpfs
 * and freed. This machine is a VM whose balloon device hands freed memory back to the host after a few seconds, and
 * a copy that writes into such memory runs 1.5–2× slower than one that writes into memory just freed (seen
 * here: the same bare copy took 1.6–1.7 s back to back and 3.5–4.5 s after a pause of 13 s). Without this, the
 * run that comes after the longer pause lost, whichever it was. Freed memory is what a Linux host without a
 * balloon always has, so this is also the harder case for Dockbase's fixed costs.
 * Everything is named `dockbase-brbench…` (its own prefix) and removed at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { docker, fillPostgres } from './bench-servers';
import { dockbase, ensureCliBuilt } from '../test/support/cli';
import { startPrivateEngine, type PrivateEngine } from '../test/support/private-engine';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG } from '../test/support/images';
import { postgresAcceptsLogin } from '../test/support/postgres';
import { median, round } from './stats';

const PROJECT = 'dockbase-brbench';
const PORT = 47960;
const IMAGE = `${POSTGRES_TEST_IMAGE}:${POSTGRES_TEST_TAG}`;
/** The bare copy's target volume. */
const BARE = `${PROJECT}-bare`;

export interface BranchBench {
  /** Where the engine keeps its volumes: this machine's ext4, or the bench's own engine on XFS with reflinks. */
  filesystem: 'ext4' | 'xfs';
  /** The whole data folder (its WAL included) and the database the rows are in. */
  dataFolderMb: number;
  databaseMb: number;
  /** What the branch copy's data volume holds after the copy (the WAL PostgreSQL recycled is left out). */
  copyFolderMb?: number;
  rows: number;
  runs: number;
  /** `dockbase branch`, from the command's start to its exit (the copy answers then). */
  branchMs: number;
  /** The bare `docker run --rm … cp -a /from/. /to/` of the same stopped volume. */
  bareCopyMs: number;
  /** Median of each pair's branch / bare copy (goal ≤ 1.1). */
  ratio: number;
  /** The whole of it by hand: `docker stop`, the bare copy, `docker run` on the copy and the same port, a login loop until it answers. */
  handMs: number;
  /** Median of each pair's branch / by hand. */
  vsHand: number;
  /** On XFS: the bare copy asking for reflinks (`cp -a --reflink=auto`), and the median of branch / it. */
  bareReflinkMs?: number;
  vsReflink?: number;
  /** `dockbase branch switch` until a login on the port succeeds: to the project's own, and back to the branch's copy. */
  switchToMainMs: number;
  switchToBranchMs: number;
  /** The slower of the two medians (goal ≤ 3000 ms). */
  switchMs: number;
  each: { branch: number[]; bareCopy: number[]; hand: number[]; switchToMain: number[]; switchToBranch: number[]; bareReflink?: number[] };
  measuredAt: string;
}

/** Removes every container and volume the bench made (its prefix), and lock containers of its instances. */
export async function cleanupBranchBench(cli: NodeDockerCli): Promise<void> {
  const names = (await docker(cli, 'ps', '--all', '--format', '{{.Names}}'))
    .split('\n')
    .filter((n) => n.startsWith(PROJECT) || n.startsWith(`dockbase-lock-${PROJECT}`));
  if (names.length) await cli.run(['rm', '--force', '--volumes', ...names]);
  const volumes = (await docker(cli, 'volume', 'ls', '--quiet')).split('\n').filter((v) => v.startsWith(`dockbase-${PROJECT}`) || v.startsWith(BARE));
  if (volumes.length) await cli.run(['volume', 'rm', '--force', ...volumes]);
}

/**
 * Flushes what earlier steps wrote, so that a timed run does not pay for the writeback of the one before it,
 * waits until the disk has been idle for 300 ms, then writes 4 GB to tmpfs and frees it: the run writes into
 * memory the VM still holds (see above).
 */
function settle(): void {
  spawnSync('sync');
  // The disk idle too: ext4 mounted with `discard` (as here) trims what the last run deleted after the sync.
  const quiet = Date.now() + 10_000;
  for (let last = '', since = Date.now(); Date.now() < quiet;) {
    const now = fs.readFileSync('/proc/diskstats', 'utf8');
    if (now !== last) [last, since] = [now, Date.now()];
    else if (Date.now() - since >= 300) break;
    spawnSync('sleep', ['0.05']);
  }
  const file = path.join('/dev/shm', `dockbase-brbench-${process.pid}`);
  spawnSync('sh', ['-c', `head -c ${4 * 2 ** 30} /dev/zero > "$1"; rm -f "$1"`, 'sh', file]);
}

export async function benchBranch(runs = 3, rows = 1_000_000, options: { filesystem?: 'xfs' } = {}): Promise<BranchBench> {
  const engine: PrivateEngine | undefined = options.filesystem === 'xfs' ? await startPrivateEngine({ filesystem: 'xfs' }) : undefined;
  try {
    return await benchBranchOn(engine, runs, rows);
  } finally {
    await engine?.close();
  }
}

async function benchBranchOn(engine: PrivateEngine | undefined, runs: number, rows: number): Promise<BranchBench> {
  const cli = engine?.cli ?? new NodeDockerCli();
  await cleanupBranchBench(cli);
  await ensureCliBuilt();
  if (engine) await docker(cli, 'pull', '--quiet', IMAGE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-brbench-'));
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-brbench-state-'));
  // Its own job store and no standalone host to hand jobs to: the CLI runs them itself, as without a tab open.
  const env = { ...engine?.env, DOCKBASE_STATE_DIR: state, DOCKBASE_DATA_DIR: state };
  const run = async (...args: string[]) => {
    const r = await dockbase(args, { cwd: dir, env, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`dockbase ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', ...args], { cwd: dir, stdio: 'ignore' });
  const source = `${PROJECT}-orders`;
  const sourceVolume = `dockbase-${source}-data`;
  try {
    fs.writeFileSync(
      path.join(dir, 'dockbase.yaml'),
      `version: 1\nproject: ${PROJECT}\ninstances:\n  orders:\n    engine: postgres\n    version: "${POSTGRES_TEST_TAG}"\n    image: ${POSTGRES_TEST_IMAGE}\n    port: ${PORT}\nenv:\n  DATABASE_URL: "{{orders.url}}"\n`,
    );
    fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'bench');
    await run('up');
    await run('env');
    const password = decodeURIComponent(new URL(/^DATABASE_URL=(.*)$/m.exec(fs.readFileSync(path.join(dir, '.env'), 'utf8'))?.[1] ?? '').password);
    // About 1 GB, and a primary key.
    await fillPostgres(cli, source, rows, { primaryKey: true, checkpoint: true });
    /** What a volume holds, in MB (`du`). */
    const volumeMb = async (volume: string) =>
      round(
        Number(
          (await docker(cli, 'run', '--rm', '--network', 'none', '--entrypoint', 'du', '-v', `${volume}:/v:ro`, IMAGE, '-sk', '/v')).trim().split(/\s+/)[0],
        ) / 1024,
        0,
      );
    /** The bare copy of the (stopped) source volume into the volume `to`, with `cp`'s extra `flags`. */
    const bareCopy = (to: string, ...flags: string[]) =>
      docker(cli, 'run', '--rm', '-v', `${sourceVolume}:/from`, '-v', `${to}:/to`, IMAGE, 'cp', '-a', ...flags, '/from/.', '/to/');
    const dataFolderMb = await volumeMb(sourceVolume);
    const databaseMb = round(
      Number(await docker(cli, 'exec', source, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', "SELECT pg_database_size('postgres')")) / 2 ** 20,
      0,
    );
    // A login on the port, tried every 50 ms (one attempt each): the time from t0 until the first one succeeds.
    const answers = async (t0: number): Promise<number> => {
      for (const deadline = performance.now() + 60_000; performance.now() < deadline;) {
        if (await postgresAcceptsLogin(PORT, password, { timeoutMs: 1000 })) return performance.now() - t0;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the server did not answer within 60 s');
    };

    const branch: number[] = [];
    const bare: number[] = [];
    const hand: number[] = [];
    const bareReflink: number[] = [];
    // One unmeasured copy first: both sides then read the source from a warm page cache.
    await docker(cli, 'stop', '--time', '30', source);
    await bareCopy(BARE);
    await docker(cli, 'volume', 'rm', BARE);
    await docker(cli, 'start', source);
    await answers(performance.now());
    const toMain: number[] = [];
    const toBranch: number[] = [];
    let copyFolderMb: number | undefined;
    for (let n = 0; n < runs; n++) {
      const name = `bench-${n}`;
      // Dockbase: the project's own instance serves; `dockbase branch` on a new git branch, until it exits.
      const ours = async () => {
        git('checkout', '-q', '-b', name);
        settle();
        const t0 = performance.now();
        const r = await run('branch', '--json');
        branch.push(performance.now() - t0);
        const made = JSON.parse(r.stdout) as { instances: Array<{ copied: boolean; from: string }> };
        if (!made.instances[0]?.copied || made.instances[0].from !== source) throw new Error(`dockbase branch copied nothing: ${r.stdout}`);
        const copy = await servingName(cli);
        if (copy === source) throw new Error(`dockbase branch left ${source} serving`);
        if (copyFolderMb === undefined) {
          // Its data volume once the copy runs (its server may have begun a WAL segment of its own).
          copyFolderMb = await volumeMb(`dockbase-${copy}-data`);
        }
        const rowsThere = (await docker(cli, 'exec', copy, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', 'SELECT count(*) FROM filler')).trim();
        if (Number(rowsThere) !== rows) throw new Error(`the branch copy holds ${rowsThere} rows, not ${rows}`);

        // Switch to the project's own and back, each until a login on the port succeeds.
        settle();
        let t = performance.now();
        await run('branch', 'switch', 'main', '--quiet');
        toMain.push(await answers(t));
        settle();
        t = performance.now();
        await run('branch', 'switch', name, '--quiet');
        toBranch.push(await answers(t));

        // Back as it was: the project's own serves, the copy is deleted.
        await run('branch', 'switch', 'main', '--quiet');
        git('checkout', '-q', 'main');
        await run('branch', 'rm', name, '--yes');
      };
      // By hand: stop the source, the bare copy (timed alone too: the floor of any copy), a `docker run` of the
      // same image on the copy and the same port, and a login loop until it answers.
      const theirs = async () => {
        settle();
        const t0 = performance.now();
        await docker(cli, 'stop', '--time', '30', source);
        const t1 = performance.now();
        await bareCopy(BARE);
        bare.push(performance.now() - t1);
        await docker(
          cli,
          'run',
          '--detach',
          '--name',
          BARE,
          '--env',
          'POSTGRES_PASSWORD=unused',
          '-v',
          `${BARE}:/var/lib/postgresql/data`,
          '--publish',
          `127.0.0.1:${PORT}:5432`,
          IMAGE,
        );
        hand.push(await answers(t0));
        if (engine) {
          // The bare copy as GNU cp makes it by default on such a filesystem: the floor of a copy-on-write copy.
          settle();
          const t = performance.now();
          await bareCopy(`${BARE}-reflink`, '--reflink=auto');
          bareReflink.push(performance.now() - t);
          await docker(cli, 'volume', 'rm', `${BARE}-reflink`);
        }
        await docker(cli, 'rm', '--force', '--volumes', BARE);
        await docker(cli, 'volume', 'rm', BARE);
        await docker(cli, 'start', source);
        await answers(performance.now());
      };
      if (n % 2 === 0) {
        await ours();
        await theirs();
      } else {
        await theirs();
        await ours();
      }
    }
    const ms = (values: number[]) => round(median(values), 0);
    return {
      filesystem: engine ? 'xfs' : 'ext4',
      dataFolderMb,
      databaseMb,
      ...(copyFolderMb !== undefined ? { copyFolderMb } : {}),
      rows,
      runs,
      branchMs: ms(branch),
      bareCopyMs: ms(bare),
      ratio: round(median(branch.map((b, i) => b / bare[i]!)), 2),
      handMs: ms(hand),
      vsHand: round(median(branch.map((b, i) => b / hand[i]!)), 2),
      ...(engine ? { bareReflinkMs: ms(bareReflink), vsReflink: round(median(branch.map((b, i) => b / bareReflink[i]!)), 2) } : {}),
      switchToMainMs: ms(toMain),
      switchToBranchMs: ms(toBranch),
      switchMs: Math.max(ms(toMain), ms(toBranch)),
      each: {
        branch: branch.map((v) => round(v, 0)),
        bareCopy: bare.map((v) => round(v, 0)),
        hand: hand.map((v) => round(v, 0)),
        switchToMain: toMain.map((v) => round(v, 0)),
        switchToBranch: toBranch.map((v) => round(v, 0)),
        ...(engine ? { bareReflink: bareReflink.map((v) => round(v, 0)) } : {}),
      },
      measuredAt: new Date().toISOString(),
    };
  } finally {
    await cleanupBranchBench(cli);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(state, { recursive: true, force: true });
  }
}

/** The project's container running on the bench's port (the branch copy after `dockbase branch`). */
async function servingName(cli: NodeDockerCli): Promise<string> {
  const names = (await docker(cli, 'ps', '--filter', `label=io.dockbase.project=${PROJECT}`, '--filter', `publish=${PORT}`, '--format', '{{.Names}}'))
    .trim()
    .split('\n')
    .filter(Boolean);
  if (names.length !== 1) throw new Error(`expected one container of ${PROJECT} on port ${PORT}, found: ${names.join(', ') || 'none'}`);
  return names[0]!;
}
