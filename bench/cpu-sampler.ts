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
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

export interface CpuSample {
  at: number;
  dockerd: number;
  containerd: number;
  /** Per container id: its shim (itself and what it reaped) and the processes inside it. */
  containers: Record<string, { shim: number; inside: number }>;
}

/** One reading of every counter, for the given full container ids. */
export function sampleCpu(containerIds: readonly string[]): CpuSample {
  const sample: CpuSample = { at: performance.now(), dockerd: 0, containerd: 0, containers: {} };
  for (const id of containerIds) sample.containers[id] = { shim: 0, inside: 0 };
  for (const pid of allPids()) {
    const comm = readOr(`/proc/${pid}/comm`).trim();
    if (comm === 'dockerd' || comm === 'containerd') {
      const t = procTimes(pid);
      if (t) sample[comm] += t.self;
      continue;
    }
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

export interface CpuUse {
  seconds: number;
  dockerdMs: number;
  containerdMs: number;
  shimsMs: number;
  containersMs: number;
  totalMs: number;
}

/** CPU used between two samples. */
export function cpuBetween(a: CpuSample, b: CpuSample): CpuUse {
  let shimsMs = 0;
  let containersMs = 0;
  for (const [id, end] of Object.entries(b.containers)) {
    const start = a.containers[id] ?? { shim: 0, inside: 0 };
    shimsMs += end.shim - start.shim;
    containersMs += end.inside - start.inside;
  }
  const dockerdMs = b.dockerd - a.dockerd;
  const containerdMs = b.containerd - a.containerd;
  return { seconds: (b.at - a.at) / 1000, dockerdMs, containerdMs, shimsMs, containersMs, totalMs: dockerdMs + containerdMs + shimsMs + containersMs };
}
