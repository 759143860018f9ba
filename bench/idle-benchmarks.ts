/**
 * What idle instances cost, and how fast they are ready, against the real engine:
 *
 * - docker execs per instance-minute of N idle instances, COUNTED from `docker events` (exec_start),
 *   with nobody looking (docker's own healthcheck only) and with the tab open (its watch too);
 * - their CPU over a window of one full probe cycle (docker's interval: a shorter window would hold all
 *   of its probes or none), per minute (their containers' processes, their shims with the runc and probe
 *   processes they reaped, dockerd and containerd: see cpu-sampler.ts), against the same containers
 *   started by a plain `docker run` without healthcheck, running beside them in the same window;
 *
 * dockerd and containerd are shared by everything on the machine: what they use around each exec, above
 * their background, is that exec's; execs of other containers are told apart the same way and counted.
 */
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { STEADY_HEALTH, createDockbase, type Instance } from '@dockbase/core';
import { containersBetween, daemonBackground, daemonProbeShare, followDaemons, sampleCpu } from './cpu-sampler';
import { IMAGE, PASSWORD, docker, plainRunArgs, sleep, type BenchEngine } from './bench-servers';
import { BENCH_PREFIX } from './engine-benchmarks';
import { round } from './stats';

export interface IdleWindow {
  /** dockbase: nobody looking; watched: the same with the open tab's watch running over each instance. */
  kind: 'plain' | 'dockbase' | 'watched' | 'previous';
  seconds: number;
  /** The processes inside these containers, and their shims with what they reaped (runc, probes). */
  containersMs: number;
  shimsMs: number;
  /** What dockerd and containerd used for these containers' execs, above their background. */
  daemonsProbeMs: number;
  /** exec_start events of these containers in the window. */
  execs: number;
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
  /**
   * dockerd + containerd with nobody probing, ms per minute: their CPU in the window's intervals that touch
   * no exec. Both sides bear it (a plain `docker run` needs the same daemons).
   */
  daemonsIdleMs: number;
  /** What the daemons used per probe of Dockbase's instances (create, start, health update), above that background. */
  daemonsMsPerExec: number;
  /** CPU ms per minute: Dockbase's instances and the same servers without healthcheck, side by side in one window. */
  dockbaseCpuMs: number;
  plainCpuMs: number;
  /** dockbase / plain, all components (the issue's definition). */
  cpuRatio: number;
  /** The same without the daemons' background on either side: the strictest form of the ratio. */
  cpuRatioWithoutDaemonsIdle: number;
  /** Containers and shims alone (the probes' own processes, no daemons). */
  cpuRatioContainersAndShims: number;
  /** exec_start events of other containers in the window (their work in the daemons is told apart, not counted). */
  foreignExecs: number;
  /** With the open tab's watch running over each instance (the core's Liveness.watch, as the tab runs it). */
  watched: { windowSeconds: number; execsPerInstanceMinute: number; cpuMs: number; cpuRatio: number };
  /**
   * With the previous settings (a probe every 2 s), beside the plain servers in the same 60 s;
   * `cpuMsPerExec`: what one probe costs, all components.
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

interface Measured {
  seconds: number;
  /** The daemons' background in ms per second (this window's, or `fallbackBackground` where probes left too little of it). */
  background: number;
  sets: Record<string, Omit<IdleWindow, 'kind' | 'seconds'>>;
  foreignExecs: number;
}

/**
 * One window over several sets of containers running side by side: each set's own processes and shims,
 * and the daemons' work for each set's execs, told from their background by sampling them every 250 ms.
 */
async function measureTogether(cli: NodeDockerCli, seconds: number, sets: Record<string, readonly string[]>, fallbackBackground?: number): Promise<Measured> {
  const execs = followExecs(cli);
  await sleep(300); // the event stream is listening
  const all = Object.values(sets).flat();
  const daemons = followDaemons();
  const since = Date.now() / 1000;
  const a = sampleCpu(all);
  await sleep(seconds * 1000);
  const b = sampleCpu(all);
  const until = Date.now() / 1000;
  const samples = daemons.stop();
  await sleep(300); // the last events have arrived
  const events = execs.stop();
  const times = events.map((e) => e.t);
  const quiet = daemonBackground(samples, times);
  const background = fallbackBackground !== undefined && !(quiet.seconds >= seconds / 4) ? fallbackBackground : quiet.perSecond;
  const inWindow = events.filter((e) => e.t >= since && e.t <= until);
  const out: Measured['sets'] = {};
  for (const [name, set] of Object.entries(sets)) {
    const ours = events.filter((e) => set.includes(e.id)).map((e) => e.t);
    out[name] = {
      ...containersBetween(a, b, set),
      daemonsProbeMs: daemonProbeShare(samples, ours, times, background),
      execs: inWindow.filter((e) => set.includes(e.id)).length,
    };
  }
  return { seconds: until - since, background, sets: out, foreignExecs: inWindow.filter((e) => !all.includes(e.id)).length };
}

/** Seconds between the Dockbase sets of two engines: their probes come together, and apart from the other's. */
const STAGGER_MS = 30_000;
/** A server's first seconds cost more than its idle: every set settles before the window. */
const SETTLE_MS = 8000;

/**
 * N idle instances of each engine: Dockbase's and the same servers by a plain `docker run` without
 * healthcheck, all running side by side in one window of a full probe cycle, so that whatever else the
 * machine does in that time weighs on both alike. Then each engine's with the tab's watch, and
 * (`previous`) with the first version's healthcheck beside the plain servers.
 */
export async function benchIdleCost(
  engines: readonly BenchEngine[],
  options: { instances: number; windowSeconds: number; watchedSeconds: number; previous: readonly BenchEngine[] },
): Promise<IdleCostRow[]> {
  const cli = new NodeDockerCli();
  const core = createDockbase(cli);
  const n = options.instances;
  const startInterval = (await core.capabilities()).healthStartInterval;
  const basePort = (engine: BenchEngine) => (engine === 'redis' ? 46100 : 46200);

  // The plain servers first: they never probe.
  const plain = new Map<BenchEngine, string[]>();
  for (const engine of engines) {
    const names = Array.from({ length: n }, (_, i) => `${BENCH_PREFIX}-plain-${engine}-${i}`);
    for (const [i, name] of names.entries()) await docker(cli, ...plainRunArgs(engine, name, basePort(engine) + 50 + i, ['--no-healthcheck']));
    plain.set(engine, await ids(cli, names));
  }

  // Dockbase's, created as the tab creates them, engine after engine.
  const dockbase = new Map<BenchEngine, { instances: Instance[]; ids: string[]; health: string; probe: string }>();
  for (const [k, engine] of engines.entries()) {
    if (k > 0) await sleep(STAGGER_MS);
    const instances: Instance[] = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        core.creation.create(
          {
            engine,
            name: `${BENCH_PREFIX}-idle-${engine}-${i}`,
            tag: IMAGE[engine].tag,
            image: IMAGE[engine].image,
            hostPort: basePort(engine) + i,
            password: PASSWORD,
            persistData: false,
            exposeOnNetwork: false,
          },
          { start: true },
        ),
      ),
    );
    await Promise.all(instances.map((i) => core.readiness.waitUntilReady(i, { fresh: true })));
    // Where docker probes every second while starting, its first verdict ends that.
    if (startInterval) await Promise.all(instances.map((i) => core.readiness.waitUntilHealthy(i)));
    const inspect = JSON.parse(await docker(cli, 'container', 'inspect', instances[0]!.containerId))[0];
    const hc = inspect.Config.Healthcheck as {
      Test: string[];
      Interval: number;
      Timeout: number;
      Retries: number;
      StartPeriod: number;
      StartInterval?: number;
    };
    const s = (ns: number | undefined) => `${(ns ?? 0) / 1e9}s`;
    const health = `interval ${s(hc.Interval)}, timeout ${s(hc.Timeout)}, retries ${hc.Retries}, start period ${s(hc.StartPeriod)}${hc.StartInterval ? `, start interval ${s(hc.StartInterval)}` : ''}`;
    dockbase.set(engine, { instances, ids: instances.map((i) => i.containerId), health, probe: String(hc.Test[1]) });
  }
  await sleep(SETTLE_MS);

  // Nobody looking: every set at once, over one full cycle of docker's probes.
  const sets: Record<string, string[]> = {};
  for (const engine of engines) {
    sets[`plain-${engine}`] = plain.get(engine)!;
    sets[`dockbase-${engine}`] = dockbase.get(engine)!.ids;
  }
  const main = await measureTogether(cli, options.windowSeconds, sets);

  const perMinute = (ms: number, seconds: number) => (ms * 60) / seconds;
  const own = (w: Omit<IdleWindow, 'kind' | 'seconds'>) => w.containersMs + w.shimsMs;
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : Number.NaN);
  const idleMs = main.background * 60;
  const rows: IdleCostRow[] = [];
  for (const engine of engines) {
    const { instances, ids: dockbaseIds, health, probe } = dockbase.get(engine)!;
    const d = main.sets[`dockbase-${engine}`]!;
    const p = main.sets[`plain-${engine}`]!;
    const windows: IdleWindow[] = [
      { kind: 'plain', seconds: main.seconds, ...p },
      { kind: 'dockbase', seconds: main.seconds, ...d },
    ];
    const dockbaseOwn = perMinute(own(d) + d.daemonsProbeMs, main.seconds);
    const plainOwn = perMinute(own(p), main.seconds);

    // The tab open: its watch over each running instance, as useServerAnswered runs it.
    const watching = new AbortController();
    const watches = instances.map((i) => core.liveness.watch({ ...i, health: 'healthy' }, () => undefined, { signal: watching.signal }));
    const w = await measureTogether(cli, options.watchedSeconds, { watched: dockbaseIds }, main.background);
    watching.abort();
    await Promise.all(watches);
    const watched = w.sets.watched!;
    windows.push({ kind: 'watched', seconds: w.seconds, ...watched });
    const watchedCpu = perMinute(own(watched) + watched.daemonsProbeMs, w.seconds) + w.background * 60;

    let previous: IdleCostRow['previous'];
    if (options.previous.includes(engine)) {
      // The healthcheck of the first version (every 2 s, 5 s timeout, 5 retries), on the same servers, 60 s,
      // beside the plain ones. Its probes leave the daemons no quiet interval: their background is the main window's.
      const names = Array.from({ length: n }, (_, i) => `${BENCH_PREFIX}-prev-${engine}-${i}`);
      const flags = ['--health-cmd', probe, '--health-interval', '2s', '--health-timeout', '5s', '--health-retries', '5'];
      for (const [i, name] of names.entries()) await docker(cli, ...plainRunArgs(engine, name, basePort(engine) + 80 + i, flags));
      const previousIds = await ids(cli, names);
      await sleep(SETTLE_MS);
      const m = await measureTogether(cli, 60, { previous: previousIds, plain: plain.get(engine)! }, main.background);
      await docker(cli, 'rm', '--force', ...previousIds);
      const pw = m.sets.previous!;
      const pp = m.sets.plain!;
      windows.push({ kind: 'previous', seconds: m.seconds, ...pw });
      const cpu = perMinute(own(pw) + pw.daemonsProbeMs, m.seconds) + m.background * 60;
      const base = perMinute(own(pp), m.seconds) + m.background * 60;
      previous = {
        execsPerInstanceMinute: round((pw.execs / n) * (60 / m.seconds), 2),
        cpuMs: round(cpu),
        cpuRatio: ratio(cpu, base),
        cpuMsPerExec: pw.execs > 0 ? round((own(pw) - own(pp) + pw.daemonsProbeMs) / pw.execs, 1) : 0,
      };
    }

    rows.push({
      engine,
      instances: n,
      windowSeconds: options.windowSeconds,
      health,
      windows: windows.map((x) => ({
        ...x,
        seconds: round(x.seconds, 2),
        containersMs: round(x.containersMs),
        shimsMs: round(x.shimsMs),
        daemonsProbeMs: round(x.daemonsProbeMs),
      })),
      execsPerInstanceMinute: round((d.execs / n) * (60 / main.seconds), 2),
      daemonsIdleMs: round(idleMs),
      daemonsMsPerExec: d.execs > 0 ? round(d.daemonsProbeMs / d.execs, 1) : 0,
      dockbaseCpuMs: round(dockbaseOwn + idleMs),
      plainCpuMs: round(plainOwn + idleMs),
      cpuRatio: ratio(dockbaseOwn + idleMs, plainOwn + idleMs),
      cpuRatioWithoutDaemonsIdle: ratio(dockbaseOwn, plainOwn),
      cpuRatioContainersAndShims: ratio(own(d), own(p)),
      foreignExecs: main.foreignExecs,
      watched: {
        windowSeconds: options.watchedSeconds,
        execsPerInstanceMinute: round((watched.execs / n) * (60 / w.seconds), 2),
        cpuMs: round(watchedCpu),
        cpuRatio: ratio(watchedCpu, plainOwn + idleMs),
      },
      ...(previous ? { previous } : {}),
    });
  }

  for (const { instances } of dockbase.values()) await Promise.all(instances.map((i) => core.lifecycle.remove(i)));
  await docker(cli, 'rm', '--force', ...[...plain.values()].flat());
  return rows;
}

/** Docker's steady interval: the idle window covers one full probe cycle. */
export const IDLE_WINDOW_SECONDS = STEADY_HEALTH.intervalSeconds;
