/**
 * CPU time as Linux accounts it, for the idle-cost benchmark: the Docker daemons (dockerd, containerd),
 * each container's shim with the processes it reaped (runc, and the probes docker exec'd), and the
 * processes living in each container. Nothing is counted twice: a probe exec'd into a container is reaped
 * by the shim and counted there; a server's own children (a PostgreSQL backend) by the server.
 */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

interface ProcTimes {
  /** utime + stime of the process itself, ms. */
  self: number;
  /** cutime + cstime: its children it waited for, ms. */
  children: number;
}

function procTimes(pid: number): ProcTimes | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]);
  return { self: ((n(14) + n(15)) * 1000) / TICKS_PER_SECOND, children: ((n(16) + n(17)) * 1000) / TICKS_PER_SECOND };
}

function readOr(file: string, fallback = ''): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export interface CpuSample {
  /** Per container id: its shim (itself and what it reaped) and the processes inside it. */
  containers: Record<string, { shim: number; inside: number }>;
}

/** One reading of the given containers' counters (full ids); the daemons are followed by followDaemons. */
export function sampleCpu(containerIds: readonly string[]): CpuSample {
  const sample: CpuSample = { containers: {} };
  for (const id of containerIds) sample.containers[id] = { shim: 0, inside: 0 };
  for (const pid of allPids()) {
    const comm = readOr(`/proc/${pid}/comm`).trim();
    if (comm.startsWith('containerd-shim')) {
      const args = readOr(`/proc/${pid}/cmdline`).split('\0');
      const id = args[args.indexOf('-id') + 1];
      const entry = id ? sample.containers[id] : undefined;
      const t = entry && procTimes(pid);
      if (entry && t) entry.shim += t.self + t.children;
      continue;
    }
    const cgroup = readOr(`/proc/${pid}/cgroup`);
    const id = containerIds.find((c) => cgroup.includes(c));
    if (id) {
      const t = procTimes(pid);
      // Children reaped inside the container (a server's workers) are the container's; probes are reaped
      // by the shim, outside, and counted there.
      if (t) sample.containers[id]!.inside += t.self + t.children;
    }
  }
  return sample;
}

/** dockerd + containerd CPU (ms, cumulative) at a wall-clock time (epoch seconds, as `docker events` stamps). */
export interface DaemonSample {
  t: number;
  ms: number;
}

function daemonPids(): number[] {
  return allPids().filter((pid) => ['dockerd', 'containerd'].includes(readOr(`/proc/${pid}/comm`).trim()));
}

/**
 * Reads the daemons' CPU every `everyMs` until stopped, so that their work around each probe can be told
 * from their background (two counters read: cheap enough not to disturb what it measures).
 */
export function followDaemons(everyMs = 250): { stop(): DaemonSample[] } {
  const pids = daemonPids();
  const samples: DaemonSample[] = [];
  const read = () => samples.push({ t: Date.now() / 1000, ms: pids.reduce((sum, pid) => sum + (procTimes(pid)?.self ?? 0), 0) });
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return samples;
    },
  };
}

/** Seconds around an exec_start that its probe's work in the daemons falls in (create before, health update after). */
export const PROBE_SPAN = { before: 1, after: 4 } as const;

const touches = (from: number, to: number, times: readonly number[]) => times.filter((t) => to > t - PROBE_SPAN.before && from < t + PROBE_SPAN.after).length;

/**
 * The daemons' background, ms per second: their CPU in the sampled intervals that touch no probe of any
 * container (`allExecs`: every exec_start on the engine in the samples' span), and how many seconds that was.
 */
export function daemonBackground(samples: readonly DaemonSample[], allExecs: readonly number[]): { perSecond: number; seconds: number } {
  let ms = 0;
  let seconds = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (touches(a.t, b.t, allExecs) > 0) continue;
    ms += b.ms - a.ms;
    seconds += b.t - a.t;
  }
  return { perSecond: seconds > 0 ? ms / seconds : Number.NaN, seconds };
}

/**
 * The daemons' CPU for `execs` (exec_start times of one set of containers): in every sampled interval
 * that touches one of their probes, what the daemons used above `backgroundPerSecond`. An interval that
 * also touches probes of other containers (`allExecs`) is shared by the number of probes touching it.
 */
export function daemonProbeShare(samples: readonly DaemonSample[], execs: readonly number[], allExecs: readonly number[], backgroundPerSecond: number): number {
  let ms = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const ours = touches(a.t, b.t, execs);
    if (ours === 0) continue;
    const share = ours / Math.max(ours, touches(a.t, b.t, allExecs));
    ms += (b.ms - a.ms - backgroundPerSecond * (b.t - a.t)) * share;
  }
  return ms;
}

/** The CPU of some of the sampled containers between two samples: their processes, and their shims. */
export function containersBetween(a: CpuSample, b: CpuSample, ids: readonly string[]): { containersMs: number; shimsMs: number } {
  let containersMs = 0;
  let shimsMs = 0;
  for (const id of ids) {
    const start = a.containers[id] ?? { shim: 0, inside: 0 };
    const end = b.containers[id] ?? start;
    containersMs += end.inside - start.inside;
    shimsMs += end.shim - start.shim;
  }
  return { containersMs, shimsMs };
}
