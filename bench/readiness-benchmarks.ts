/**
 * How fast an instance is ready, against the real engine: create → Healthy and restart → Healthy as the tab
 * shows it (the readiness probe), against a hand-written `docker run` + login loop, and how long after the
 * server first accepts a login.
 */
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { createDockbase } from '@dockbase/core';
import { IMAGE, PASSWORD, docker, firstLogin, plainRunArgs, type BenchEngine } from './bench-servers';
import { BENCH_PREFIX } from './engine-benchmarks';
import { median, round } from './stats';

export interface ReadinessRow {
  engine: BenchEngine;
  runs: number;
  /** Create (start) → the tab shows Healthy (readiness probe answered), Dockbase; hand-written: docker run + login loop. */
  createMs: number;
  handCreateMs: number;
  createRatio: number;
  /** Restart → Healthy; hand-written: docker restart + login loop. */
  restartMs: number;
  handRestartMs: number;
  restartRatio: number;
  /** How long after the server first accepted a login (polled every 20 ms from the host) Dockbase said ready. */
  createLagMs: number;
  restartLagMs: number;
}

/** Create → Healthy and restart → Healthy as the tab shows them, against a hand-written docker run + login loop. */
export async function benchReadiness(engine: BenchEngine, runs: number): Promise<ReadinessRow> {
  const cli = new NodeDockerCli();
  const core = createDockbase(cli);
  const port = engine === 'redis' ? 46300 : 46310;
  const create: number[] = [];
  const hand: number[] = [];
  const restart: number[] = [];
  const handRestart: number[] = [];
  const createLag: number[] = [];
  const restartLag: number[] = [];
  const ours = async (i: number) => {
    const name = `${BENCH_PREFIX}-rdy-${engine}-${i}`;
    let t0 = performance.now();
    const instance = await core.creation.create(
      { engine, name, tag: IMAGE[engine].tag, image: IMAGE[engine].image, hostPort: port, password: PASSWORD, persistData: false, exposeOnNetwork: false },
      { start: true },
    );
    // As the tab does it: the readiness probe alone (it cannot know the log holds this run only).
    let login = firstLogin(engine, port, performance.now());
    await core.readiness.waitUntilReady(instance);
    let tReady = performance.now();
    create.push(tReady - t0);
    createLag.push(tReady - (await login));

    t0 = performance.now();
    await core.lifecycle.restart(instance);
    login = firstLogin(engine, port, performance.now());
    await core.readiness.waitUntilReady(instance);
    tReady = performance.now();
    restart.push(tReady - t0);
    restartLag.push(tReady - (await login));
    await core.lifecycle.remove(instance);
  };
  const byHand = async (i: number) => {
    const handName = `${BENCH_PREFIX}-rdyhand-${engine}-${i}`;
    let t0 = performance.now();
    await docker(cli, ...plainRunArgs(engine, handName, port, ['--no-healthcheck']));
    hand.push((await firstLogin(engine, port, t0)) - t0);
    t0 = performance.now();
    await docker(cli, 'restart', '--time', '10', handName);
    handRestart.push((await firstLogin(engine, port, t0)) - t0);
    await docker(cli, 'rm', '--force', handName);
  };
  // Pairs in alternating order: whichever goes first in a pair may pay for what the run before it left behind
  // (a container's removal still settling); each ratio is the pair's own, and the row is their median.
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await ours(i);
      await byHand(i);
    } else {
      await byHand(i);
      await ours(i);
    }
  }
  const pairRatio = (a: number[], b: number[]) => round(median(a.map((v, i) => v / (b[i] as number))), 2);
  const r = (v: number[]) => round(median(v));
  return {
    engine,
    runs,
    createMs: r(create),
    handCreateMs: r(hand),
    createRatio: pairRatio(create, hand),
    restartMs: r(restart),
    handRestartMs: r(handRestart),
    restartRatio: pairRatio(restart, handRestart),
    createLagMs: r(createLag),
    restartLagMs: r(restartLag),
  };
}
