/**
 * What instances use: `stats` (CPU and memory of running containers) and `system df` (the size of every
 * volume), with their readers and shapes and the parsers of what they print.
 */
import { containerId, params, shape, type CommandShape } from './command-shape';
import { JSON_FORMAT } from './output';

/** CPU and memory of running containers, one sample each (no stream). */
export function statsArgs(containerIds: readonly string[]): string[] {
  return ['stats', '--no-stream', '--no-trunc', '--format', JSON_FORMAT, ...containerIds];
}

/** The size of every volume (docker computes them on request: slow on big disks, never polled). */
export function volumeSizesArgs(): string[] {
  return ['system', 'df', '--verbose', '--format', '{{json .Volumes}}'];
}

/** Reads `statsArgs` back: the containers measured. */
export function readStats(argv: readonly string[]): [string[]] {
  return [argv.slice(5).map(containerId)];
}

export const USAGE_SHAPES: readonly CommandShape[] = [
  shape({ name: 'measure the volumes', words: ['system', 'df'], build: volumeSizesArgs, read: () => params() }),
  shape({ name: 'measure instances', words: ['stats'], build: statsArgs, read: readStats, targets: (containers) => ({ containers }) }),
];

// ---- what they print ------------------------------------------------------------------------------------

/** What an instance uses, as measured on request (see resource-usage.ts). */
export interface InstanceUsage {
  /** Percent of one CPU (docker's figure: 200% is two CPUs busy); undefined when not running. */
  cpuPercent?: number;
  memoryBytes?: number;
  /** The container's memory limit as docker reports it (the machine's memory when it has none). */
  memoryLimitBytes?: number;
  /** Bytes in its data volumes; undefined when it keeps no data or docker could not say. */
  dataBytes?: number;
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** "3.555MiB", "40.4MB", "1.2GB", "0B", "512kB" → bytes; undefined for anything else ("N/A"). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([kKmMgGtT]?i?[bB])\s*$/.exec(text);
  if (!m) return undefined;
  const factor = UNITS[(m[2] ?? '').toLowerCase()];
  const value = Number(m[1]);
  return factor === undefined || Number.isNaN(value) ? undefined : Math.round(value * factor);
}

/** One `docker stats --no-stream` JSON line → its container's CPU and memory. */
export function parseStatsLine(line: string): { id: string; name: string; usage: InstanceUsage } | undefined {
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  const cpu = Number.parseFloat(s(row.CPUPerc).replace('%', ''));
  const [used = '', limit = ''] = s(row.MemUsage).split('/');
  const memoryBytes = parseSize(used);
  const memoryLimitBytes = parseSize(limit);
  return {
    id: s(row.ID),
    name: s(row.Name),
    usage: {
      ...(Number.isFinite(cpu) ? { cpuPercent: cpu } : {}),
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
    },
  };
}

/** `docker system df -v --format '{{json .Volumes}}'` → bytes by volume name. */
export function parseVolumeSizes(stdout: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const text = stdout.trim();
  if (!text) return sizes;
  const arr: unknown = JSON.parse(text);
  if (!Array.isArray(arr)) return sizes;
  for (const v of arr as Array<Record<string, unknown>>) {
    const name = typeof v.Name === 'string' ? v.Name : '';
    const size = parseSize(typeof v.Size === 'string' ? v.Size : '');
    if (name && size !== undefined) sizes.set(name, size);
  }
  return sizes;
}
