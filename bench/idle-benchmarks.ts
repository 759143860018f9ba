/**
 * What idle instances cost, and how fast they are ready, against the real engine:
 *
 * - docker execs per instance-minute of N idle instances, COUNTED from `docker events` (exec_start),
 *   with nobody looking (docker's own healthcheck only) and with the tab open (its watch too);
 * - their CPU over a window of one full probe cycle (docker's interval: a shorter window would hold all
 *   of its probes or none), per minute (their containers' processes, their shims with the runc and probe
 *   processes they reaped, dockerd and containerd: see cpu-sampler.ts), against the same containers
 *   started by a plain `docker run` without healthcheck, in the same run;
 * - create → Healthy and restart → Healthy as the tab shows it (the readiness probe), against a
 *   hand-written `docker run` + login loop, and how long after the server first accepts a login.
 *
 * dockerd and containerd are shared by everything on the machine: their CPU in a window includes other
 * users' work. The execs of other containers seen in each window are reported beside the figures.
 */
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { STEADY_HEALTH, createDockbase, type EngineId, type Instance } from '@dockbase/core';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../test/support/images';
import { postgresAcceptsLogin } from '../test/support/postgres';
import { cpuBetween, sampleCpu, type CpuUse } from './cpu-sampler';
import { BENCH_PREFIX, pingOnce } from './engine-benchmarks';
import { median, round } from './stats';

type BenchEngine = Extract<EngineId, 'redis' | 'postgres'>;
const PASSWORD = 'bench pw';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function docker(cli: NodeDockerCli, ...args: string[]): Promise<string> {
  const r = await cli.run(args);
  if (r.code !== 0) throw new Error(`docker ${args.slice(0, 2).join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const IMAGE: Record<BenchEngine, { image: string; tag: string; port: number }> = {
  redis: { image: REDIS_TEST_IMAGE, tag: REDIS_TEST_TAG, port: 6379 },
  postgres: { image: POSTGRES_TEST_IMAGE, tag: POSTGRES_TEST_TAG, port: 5432 },
};

/** The same server as Dockbase runs it, by hand: `docker run` argv without the image's healthcheck. */
function plainRunArgs(engine: BenchEngine, name: string, hostPort: number, health: string[]): string[] {
  const { image, tag, port } = IMAGE[engine];
  const env = engine === 'redis' ? ['--env', `REDISCLI_AUTH=${PASSWORD}`] : ['--env', `POSTGRES_PASSWORD=${PASSWORD}`];
  const cmd = engine === 'redis' ? ['redis-server', '--appendonly', 'yes', '--requirepass', PASSWORD] : [];
  return ['run', '--detach', '--name', name, ...health, ...env, '--publish', `127.0.0.1:${hostPort}:${port}`, `${image}:${tag}`, ...cmd];
}

/** Whether the server accepts an authenticated connection from the host right now. */
function acceptsLogin(engine: BenchEngine, port: number): Promise<boolean> {
  return engine === 'redis' ? pingOnce(port, PASSWORD) : postgresAcceptsLogin(port, PASSWORD);
}

async function firstLogin(engine: BenchEngine, port: number, since: number, timeoutMs = 60_000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (await acceptsLogin(engine, port)) return performance.now();
    await sleep(20);
  }
  throw new Error(`${engine} on ${port} never accepted a login`);
}

export interface IdleWindow {
  /** dockbase: nobody looking; watched: the same with the open tab's watch running over each instance. */
  kind: 'plain' | 'dockbase' | 'watched' | 'previous';
  cpu: CpuUse;
  /** exec_start events of these containers in the window. */
  execs: number;
  /** exec_start events of every other container on the engine in the window (noise in dockerd). */
  foreignExecs: number;
  /** Seconds between consecutive exec_start events of the same container, within the window. */
  gapsSeconds: number[];
}

export interface IdleCostRow {
  engine: BenchEngine;
  instances: number;
  windowSeconds: number;
  /** The healthcheck flags Dockbase used on this engine. */
  health: string;
  windows: IdleWindow[];
  /** Counted: exec_start events of the instances per instance and minute of window, nobody looking. */
  execsPerInstanceMinute: number;
  /** CPU ms per minute (median of the windows): Dockbase's instances, and the same servers without healthcheck. */
  dockbaseCpuMs: number;
  plainCpuMs: number;
  /** With the open tab's watch running over each instance (the core's Liveness.watch, as the tab runs it). */
  watched: { windowSeconds: number; execsPerInstanceMinute: number; cpuMs: number; cpuRatio: number };
  /** dockbase / plain, all components (the issue's definition). */
  cpuRatio: number;
  /** The same without dockerd and containerd (shared: other users' work lands there too). */
  cpuRatioContainersAndShims: number;
  /** Median CPU of dockerd + containerd in the windows of each kind (shared with everything else). */
  daemonsMs: { dockbase: number; plain: number };
  /** exec_start events of other containers in the Dockbase and plain windows (noise in the daemons). */
  foreignExecs: number;
  /**
   * With the previous settings (a probe every 2 s), where measured; `cpuMsPerExec` is what one probe
   * costs, all components: that window's CPU above the plain servers', per exec (many execs, so the
   * daemons' background weighs little).
   */
  previous?: { execsPerInstanceMinute: number; cpuMs: number; cpuRatio: number; cpuMsPerExec: number };
}

/** Full ids of containers by name. */
async function ids(cli: NodeDockerCli, names: string[]): Promise<string[]> {
  return (await docker(cli, 'inspect', '--format', '{{.Id}}', ...names)).trim().split('\n');
}

/**
 * Every exec_start on the engine from now on, as it happens. (Asking `docker events --since` afterwards
 * is not enough: the daemon keeps only its last 256 events, and on a busy shared engine a minute's probes
 * of other containers push ours out.)
 */
function followExecs(cli: NodeDockerCli): { stop(): Array<{ id: string; t: number }> } {
  const lines: string[] = [];
  const handle = cli.stream(['events', '--filter', 'type=container', '--filter', 'event=exec_start', '--format', '{{.Actor.ID}} {{.TimeNano}}'], {
    onLine: (line, stream) => (stream === 'stdout' && line ? lines.push(line) : undefined),
  });
  return {
    stop: () => {
      handle.cancel();
      return lines.map((line) => ({ id: line.split(' ')[0]!, t: Number(line.split(' ')[1]) / 1e9 }));
    },
  };
}

/** `execs`: followed since these containers started, so that the gaps between probes are seen from then on. */
async function measureWindow(cli: NodeDockerCli, kind: IdleWindow['kind'], containerIds: string[], seconds: number, execs = followExecs(cli)): Promise<IdleWindow> {
  await sleep(300); // the event stream is listening
  const since = Date.now() / 1000;
  const a = sampleCpu(containerIds);
  await sleep(seconds * 1000);
  const b = sampleCpu(containerIds);
  const until = Date.now() / 1000;
  await sleep(300); // the last events have arrived
  const events = execs.stop().filter((e) => e.t <= until);
  const all = events.filter((e) => containerIds.includes(e.id));
  const ours = all.filter((e) => e.t >= since);
  const foreign = events.filter((e) => e.t >= since && !containerIds.includes(e.id));
  const gapsSeconds: number[] = [];
  for (const id of containerIds) {
    const times = all.filter((e) => e.id === id).map((e) => e.t).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) gapsSeconds.push(round(times[i]! - times[i - 1]!, 2));
  }
  return { kind, cpu: cpuBetween(a, b), execs: ours.length, foreignExecs: foreign.length, gapsSeconds };
}

/**
 * N idle instances of one engine: Dockbase's, the same servers by a plain `docker run` without
 * healthcheck, and (optionally) with the previous settings, each set running alone in its windows,
 * alternating plain / Dockbase `reps` times. Medians over the windows of each kind.
 */
export async function benchIdleCost(
  engine: BenchEngine,
  options: { instances: number; windowSeconds: number; watchedSeconds: number; reps: number; previous: boolean },
): Promise<IdleCostRow> {
  const cli = new NodeDockerCli();
  const core = createDockbase(cli);
  const n = options.instances;
  const basePort = engine === 'redis' ? 46100 : 46200;
  const plainNames = Array.from({ length: n }, (_, i) => `${BENCH_PREFIX}-plain-${engine}-${i}`);
  const previousNames = Array.from({ length: n }, (_, i) => `${BENCH_PREFIX}-prev-${engine}-${i}`);
  const startInterval = (await core.capabilities()).healthStartInterval;

  // Dockbase's instances, created as the tab creates them.
  const instances: Instance[] = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      core.creation.create(
        { engine, name: `${BENCH_PREFIX}-idle-${engine}-${i}`, tag: IMAGE[engine].tag, image: IMAGE[engine].image, hostPort: basePort + i, password: PASSWORD, persistData: false, exposeOnNetwork: false },
        { start: true },
      ),
    ),
  );
  await Promise.all(instances.map((i) => core.readiness.waitUntilReady(i, { fresh: true })));
  const inspect = JSON.parse(await docker(cli, 'container', 'inspect', instances[0]!.containerId))[0];
  const hc = inspect.Config.Healthcheck as { Interval: number; Timeout: number; Retries: number; StartPeriod: number; StartInterval?: number };
  const s = (ns: number | undefined) => `${(ns ?? 0) / 1e9}s`;
  const health = `interval ${s(hc.Interval)}, timeout ${s(hc.Timeout)}, retries ${hc.Retries}, start period ${s(hc.StartPeriod)}${hc.StartInterval ? `, start interval ${s(hc.StartInterval)}` : ''}`;
  const dockbaseIds = instances.map((i) => i.containerId);
  await docker(cli, 'stop', '--time', '10', ...dockbaseIds);

  for (const [i, name] of plainNames.entries()) await docker(cli, ...plainRunArgs(engine, name, basePort + 50 + i, ['--no-healthcheck']));
  const plainIds = await ids(cli, plainNames);
  await docker(cli, 'stop', '--time', '10', ...plainIds);

  const settle = engine === 'postgres' ? 8000 : 3000;
  /** Starts Dockbase's instances and waits until they serve and docker's start-up probes are over. */
  const startDockbase = async () => {
    await docker(cli, 'start', ...dockbaseIds);
    await Promise.all(instances.map((i) => core.readiness.waitUntilReady(i)));
    // Where docker probes every second while starting, its first verdict ends that.
    if (startInterval) await Promise.all(instances.map((i) => core.readiness.waitUntilHealthy(i)));
    // The same settling time as the plain servers get: a server's first seconds cost more than its idle.
    await sleep(settle);
  };

  const windows: IdleWindow[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    await docker(cli, 'start', ...plainIds);
    await sleep(settle);
    windows.push(await measureWindow(cli, 'plain', plainIds, options.windowSeconds));
    await docker(cli, 'stop', '--time', '10', ...plainIds);

    // Nobody looking: docker's own healthcheck alone, over one full interval.
    await startDockbase();
    windows.push(await measureWindow(cli, 'dockbase', dockbaseIds, options.windowSeconds));
    await docker(cli, 'stop', '--time', '10', ...dockbaseIds);
  }

  // The tab open: its watch over each running instance, as useServerAnswered runs it.
  await startDockbase();
  const watching = new AbortController();
  const watches = instances.map((i) => core.liveness.watch({ ...i, health: 'healthy' }, () => undefined, { signal: watching.signal }));
  const watchedWindow = await measureWindow(cli, 'watched', dockbaseIds, options.watchedSeconds);
  windows.push(watchedWindow);
  watching.abort();
  await Promise.all(watches);
  await docker(cli, 'stop', '--time', '10', ...dockbaseIds);

  const perMinute = (w: IdleWindow, ms: number) => (ms * 60) / w.cpu.seconds;
  const plainPerMinute = median(windows.filter((x) => x.kind === 'plain').map((x) => perMinute(x, x.cpu.totalMs)));

  let previous: IdleCostRow['previous'];
  if (options.previous) {
    // The healthcheck of the first version (every 2 s, 5 s timeout, 5 retries), on the same servers, 60 s.
    const flags = ['--health-cmd', String(inspect.Config.Healthcheck.Test[1]), '--health-interval', '2s', '--health-timeout', '5s', '--health-retries', '5'];
    for (const [i, name] of previousNames.entries()) await docker(cli, ...plainRunArgs(engine, name, basePort + 80 + i, flags));
    const previousIds = await ids(cli, previousNames);
    await sleep(settle);
    const w = await measureWindow(cli, 'previous', previousIds, 60);
    windows.push(w);
    await docker(cli, 'rm', '--force', ...previousIds);
    const cpu = perMinute(w, w.cpu.totalMs);
    previous = {
      execsPerInstanceMinute: round((w.execs / n) * (60 / w.cpu.seconds), 2),
      cpuMs: round(cpu),
      cpuRatio: round(cpu / plainPerMinute, 2),
      cpuMsPerExec: w.execs > 0 ? round(((cpu - plainPerMinute) * (w.cpu.seconds / 60)) / w.execs, 1) : 0,
    };
  }

  await Promise.all(instances.map((i) => core.lifecycle.remove(i)));
  await docker(cli, 'rm', '--force', ...plainIds);

  const of = (kind: IdleWindow['kind']) => windows.filter((w) => w.kind === kind);
  const med = (kind: IdleWindow['kind'], f: (w: IdleWindow) => number) => median(of(kind).map(f));
  const dockbaseCpuMs = med('dockbase', (w) => perMinute(w, w.cpu.totalMs));
  const own = (w: IdleWindow) => perMinute(w, w.cpu.containersMs + w.cpu.shimsMs);
  const daemons = (w: IdleWindow) => perMinute(w, w.cpu.dockerdMs + w.cpu.containerdMs);
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : Number.NaN);
  const execRate = (w: IdleWindow) => (w.execs / n) * (60 / w.cpu.seconds);
  const watchedCpu = perMinute(watchedWindow, watchedWindow.cpu.totalMs);
  return {
    engine,
    instances: n,
    windowSeconds: options.windowSeconds,
    health,
    windows: windows.map((w) => ({ ...w, cpu: Object.fromEntries(Object.entries(w.cpu).map(([k, v]) => [k, round(v, 2)])) as unknown as CpuUse })),
    execsPerInstanceMinute: round(med('dockbase', execRate), 2),
    dockbaseCpuMs: round(dockbaseCpuMs),
    plainCpuMs: round(plainPerMinute),
    cpuRatio: ratio(dockbaseCpuMs, plainPerMinute),
    cpuRatioContainersAndShims: ratio(med('dockbase', own), med('plain', own)),
    daemonsMs: { dockbase: round(med('dockbase', daemons)), plain: round(med('plain', daemons)) },
    foreignExecs: windows.filter((w) => w.kind === 'plain' || w.kind === 'dockbase').reduce((sum, w) => sum + w.foreignExecs, 0),
    watched: { windowSeconds: options.watchedSeconds, execsPerInstanceMinute: round(execRate(watchedWindow), 2), cpuMs: round(watchedCpu), cpuRatio: ratio(watchedCpu, plainPerMinute) },
    ...(previous ? { previous } : {}),
  };
}

/** Docker's steady interval: the idle window covers one full probe cycle. */
export const IDLE_WINDOW_SECONDS = STEADY_HEALTH.intervalSeconds;

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
  for (let i = 0; i < runs; i++) {
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

    const handName = `${BENCH_PREFIX}-rdyhand-${engine}-${i}`;
    t0 = performance.now();
    await docker(cli, ...plainRunArgs(engine, handName, port, ['--no-healthcheck']));
    hand.push((await firstLogin(engine, port, t0)) - t0);
    t0 = performance.now();
    await docker(cli, 'restart', '--time', '10', handName);
    handRestart.push((await firstLogin(engine, port, t0)) - t0);
    await docker(cli, 'rm', '--force', handName);
  }
  const r = (v: number[]) => round(median(v));
  return {
    engine,
    runs,
    createMs: r(create),
    handCreateMs: r(hand),
    createRatio: round(median(create) / median(hand), 2),
    restartMs: r(restart),
    handRestartMs: r(handRestart),
    restartRatio: round(median(restart) / median(handRestart), 2),
    createLagMs: r(createLag),
    restartLagMs: r(restartLag),
  };
}
