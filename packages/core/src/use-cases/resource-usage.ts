/**
 * What instances use, on request only: CPU and memory from ONE `docker stats --no-stream` over the running
 * ones, and data size from ONE `docker system df -v`. Nothing here repeats by itself: an open, idle UI
 * makes no docker call.
 */
import { statsArgs, volumeSizesArgs, parseStatsLine, parseVolumeSizes, type InstanceUsage } from '../docker/usage';
import type { Instance } from '../model/instance';
import type { DockerRunner } from '../docker/runner';

export type { InstanceUsage };

export interface UsageReport {
  /** By instance id. */
  byInstance: Map<string, InstanceUsage>;
  /** ISO 8601. */
  measuredAt: string;
}

export class ResourceUsage {
  constructor(private readonly docker: DockerRunner) {}

  /** CPU, memory and data size of these instances: at most two docker calls, once. */
  async measure(instances: readonly Instance[]): Promise<UsageReport> {
    const running = instances.filter((i) => i.status === 'running');
    const [stats, sizes] = await Promise.all([
      running.length ? this.docker.run(statsArgs(running.map((i) => i.containerId)), 'measure CPU and memory') : Promise.resolve({ stdout: '' }),
      instances.some((i) => i.volumes.length > 0) ? this.docker.run(volumeSizesArgs(), 'measure the data volumes') : Promise.resolve({ stdout: '' }),
    ]);
    const byContainer = new Map<string, InstanceUsage>();
    for (const line of stats.stdout.split('\n')) {
      const parsed = line.trim() ? parseStatsLine(line) : undefined;
      if (parsed) byContainer.set(parsed.id, parsed.usage);
    }
    const volumeSizes = parseVolumeSizes(sizes.stdout);
    const byInstance = new Map<string, InstanceUsage>();
    for (const i of instances) {
      const stat = byContainer.get(i.containerId) ?? [...byContainer].find(([id]) => i.containerId.startsWith(id) || id.startsWith(i.containerId))?.[1];
      const known = i.volumes.filter((v) => volumeSizes.has(v));
      byInstance.set(i.id, {
        ...(stat ?? {}),
        ...(known.length ? { dataBytes: known.reduce((sum, v) => sum + (volumeSizes.get(v) ?? 0), 0) } : {}),
      });
    }
    return { byInstance, measuredAt: new Date().toISOString() };
  }
}
