/** Benchmarks against the real engine through the core: list refresh and create-to-ready. */
import net from 'node:net';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { createDockbase, type Dockbase } from '@dockbase/core';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../test/support/images';
import { median, round, timeRuns } from './stats';

/**
 * Every container the benchmarks make starts with this, and every one that does is removed by them: on a
 * shared engine where others may run the benchmarks too, give each run its own (DOCKBASE_BENCH_PREFIX).
 */
export const BENCH_PREFIX = process.env.DOCKBASE_BENCH_PREFIX || 'dockbase-bench';

export function countingDocker() {
  const counter = { spawns: 0 };
  const cli = new NodeDockerCli({ onSpawn: () => counter.spawns++ });
  return { cli, counter, core: createDockbase(cli) };
}

async function docker(cli: NodeDockerCli, ...args: string[]): Promise<string> {
  const r = await cli.run(args);
  if (r.code !== 0) throw new Error(`docker ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

export async function removeBenchContainers(cli: NodeDockerCli): Promise<void> {
  const ids = (await docker(cli, 'ps', '--all', '--quiet', '--filter', `name=^${BENCH_PREFIX}-`)).split('\n').filter(Boolean);
  if (ids.length) await docker(cli, 'rm', '--force', '--volumes', ...ids);
}

/** Grows the number of Dockbase instances (created, not started) to `count`. */
export async function ensureInstances(core: Dockbase, count: number, basePort = 47000): Promise<void> {
  const existing = (await core.lifecycle.list()).filter((i) => i.name.startsWith(`${BENCH_PREFIX}-`)).length;
  for (let n = existing; n < count; n++) {
    await core.creation.create({
      engine: 'redis',
      name: `${BENCH_PREFIX}-${String(n).padStart(3, '0')}`,
      tag: REDIS_TEST_TAG,
      image: REDIS_TEST_IMAGE,
      hostPort: basePort + n,
      password: 'bench',
      persistData: false,
      exposeOnNetwork: false,
    });
  }
}

export interface ListRefreshRow {
  instances: number;
  dockbaseMs: number;
  dockbaseInvocations: number;
  barePsMs: number;
  naiveMs: number;
  naiveInvocations: number;
  vsBarePs: number;
  vsNaive: number;
}

/** Median refresh time at each count: Dockbase's list, one bare ps, and ps + one inspect per container. */
export async function benchListRefresh(counts: readonly number[], runs = 15): Promise<ListRefreshRow[]> {
  const { cli, counter, core } = countingDocker();
  await removeBenchContainers(cli);
  const rows: ListRefreshRow[] = [];
  try {
    for (const count of counts) {
      await ensureInstances(core, count);
      const listed = (await core.lifecycle.list()).filter((i) => i.name.startsWith(BENCH_PREFIX)).length;
      if (listed !== count) throw new Error(`expected ${count} bench instances, found ${listed}`);

      const before = counter.spawns;
      const dockbase = await timeRuns(runs, () => core.lifecycle.list());
      const dockbaseInvocations = (counter.spawns - before) / (runs + 2);

      const bare = await timeRuns(runs, () => docker(cli, 'ps', '-a', '--format', '{{json .}}'));

      let naiveCalls = 0;
      const naive = await timeRuns(runs, async () => {
        const ids = (await docker(cli, 'ps', '-a', '--quiet', '--filter', 'label=io.dockbase.instance')).split('\n').filter(Boolean);
        naiveCalls += 1;
        for (const id of ids) {
          // The engine is shared: a container of someone else's may be gone between ps and inspect.
          const r = await cli.run(['inspect', id]);
          if (r.code !== 0 && !/No such object/i.test(r.stderr)) throw new Error(`docker inspect failed: ${r.stderr}`);
          naiveCalls += 1;
        }
      });
      const dockbaseMs = median(dockbase);
      const barePsMs = median(bare);
      const naiveMs = median(naive);
      rows.push({
        instances: count,
        dockbaseMs: round(dockbaseMs),
        dockbaseInvocations,
        barePsMs: round(barePsMs),
        naiveMs: round(naiveMs),
        naiveInvocations: naiveCalls / (runs + 2),
        vsBarePs: round(dockbaseMs / barePsMs, 2),
        vsNaive: round(dockbaseMs / naiveMs, 3),
      });
    }
  } finally {
    // Keep them for the UI benchmarks when asked; the caller removes them at the end.
  }
  return rows;
}

export interface CreateToReadyRow {
  runs: number;
  dockbaseMs: number;
  handWrittenMs: number;
  ratio: number;
}

/** Redis create + start + ready: Dockbase's service against `docker run` and a RESP PING loop. */
export async function benchCreateToReady(runs = 7): Promise<CreateToReadyRow> {
  const { cli, core } = countingDocker();
  const port = 46900;
  const dockbase: number[] = [];
  const hand: number[] = [];
  await removeBenchContainers(cli);
  for (let i = 0; i < runs; i++) {
    const name = `${BENCH_PREFIX}-ready-${i}`;
    let t0 = performance.now();
    const created = await core.creation.create(
      { engine: 'redis', name, tag: REDIS_TEST_TAG, image: REDIS_TEST_IMAGE, hostPort: port, password: 'bench pw', persistData: true, exposeOnNetwork: false },
      { start: true },
    );
    await core.readiness.waitUntilReady(created, { fresh: true });
    dockbase.push(performance.now() - t0);
    await core.lifecycle.remove(created, { removeData: true });

    const handName = `${BENCH_PREFIX}-hand-${i}`;
    t0 = performance.now();
    await docker(
      cli,
      'run',
      '--detach',
      '--name',
      handName,
      '--publish',
      `127.0.0.1:${port}:6379`,
      '--mount',
      `type=volume,source=${handName},target=/data`,
      `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`,
      'redis-server',
      '--appendonly',
      'yes',
      '--requirepass',
      'bench pw',
    );
    await waitForRedisPong(port, 'bench pw');
    hand.push(performance.now() - t0);
    await docker(cli, 'rm', '--force', '--volumes', handName);
    await docker(cli, 'volume', 'rm', handName);
  }
  const dockbaseMs = median(dockbase);
  const handWrittenMs = median(hand);
  return { runs, dockbaseMs: round(dockbaseMs), handWrittenMs: round(handWrittenMs), ratio: round(dockbaseMs / handWrittenMs, 2) };
}

/** The hand-written probe: connect, AUTH, PING every 20 ms until PONG. */
export async function waitForRedisPong(port: number, password: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await pingOnce(port, password)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('redis did not answer');
}

export function pingOnce(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(data.includes('+PONG')));
    socket.on('connect', () => {
      const cmd = (...a: string[]) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
      socket.write(cmd('AUTH', password) + cmd('PING'));
    });
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('+PONG')) done(true);
      else if (data.includes('-')) done(false);
    });
  });
}
