/**
 * How often docker probes an instance, decided once per engine from what it supports. Idle instances run
 * all day on laptops: each probe is a `docker exec` through dockerd, containerd, the shim and runc
 * (≈ 60–75 ms of CPU on a 2-core machine, measured by `npm run bench`), so the steady state probes rarely,
 * readiness after a start comes from a short-lived probe instead (docker's start interval where the engine
 * has one, the UI's own bounded probe otherwise), and while someone looks the tab watches the server itself
 * (liveness.ts).
 */
import type { EngineDefinition } from '../engines';

/** What the Docker engine (and the CLI talking to it) can do that changes how instances are created. */
export interface EngineCapabilities {
  /** The API version both the CLI and the daemon speak (the lower of the two), e.g. "1.41". */
  apiVersion: string;
  /** `--health-start-interval`: API 1.44 (Docker Engine 25) or later on BOTH the CLI and the daemon. */
  healthStartInterval: boolean;
}

/** The API version that brought `--health-start-interval`. */
export const HEALTH_START_INTERVAL_API = '1.44';

/** Capabilities when the versions cannot be read: only what every supported engine has. */
export const BASELINE_CAPABILITIES: EngineCapabilities = { apiVersion: '1.41', healthStartInterval: false };

/** "1.41" < "1.44" < "1.100": API versions compare as numbers, part by part. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Capabilities from the API versions `docker version` reports: the CLI's (negotiated with the daemon, so
 * at most the daemon's; an old CLI can be lower) and the daemon's. The CLI refuses flags its API lacks, so
 * the lower of the two decides. A version that is missing or unreadable gives the baseline.
 */
export function capabilitiesFrom(versions: { clientApi?: string | undefined; serverApi?: string | undefined }): EngineCapabilities {
  const valid = [versions.clientApi, versions.serverApi].filter((v): v is string => typeof v === 'string' && /^\d+\.\d+$/.test(v));
  if (valid.length < 2) return BASELINE_CAPABILITIES;
  const apiVersion = valid.reduce((lo, v) => (compareApiVersions(v, lo) < 0 ? v : lo));
  return { apiVersion, healthStartInterval: compareApiVersions(apiVersion, HEALTH_START_INTERVAL_API) >= 0 };
}

/**
 * The steady state: docker probes every 20 minutes, and ONE failed probe makes the instance unhealthy.
 * What decides the interval is the cheapest idle server: five idle PostgreSQL servers cost about 270 ms of
 * CPU a minute between them, and one probe through docker about 100 ms (a `docker exec`, and a backend
 * forked for `pg_isready`). At 5 minutes that was 39% more than the bare servers (`npm run bench`); at 20
 * minutes the five cost one probe every 4 minutes between them, within the 15% the idle-cost goal allows
 * (measured beside the bare servers in one window: 1.07× for PostgreSQL, 0.99× for Redis).
 * Docker's verdict is for tools that read it (`docker ps`, Docker Desktop's Containers view), so it can be
 * that old; what the tab shows while someone looks comes from its own watch (liveness.ts), which shows a
 * hang within 50 s, and `dockbase list` asks each server itself. A server that dies is reported at once
 * (its container exits). The generous timeout keeps a slow answer on a busy laptop from counting as a
 * failure.
 */
export const STEADY_HEALTH = { intervalSeconds: 1200, timeoutSeconds: 10, retries: 1 } as const;

/**
 * The interval instances created by earlier builds carry (30 s). They keep it until they are re-created
 * (Edit, an upgrade); nothing reads the interval, and the tab's watch shows them the same way.
 */
export const EARLIER_STEADY_INTERVAL_SECONDS = 30;

/** While the server starts, on engines that have it: probe every second until the first success. */
export const START_INTERVAL_SECONDS = 1;

/** Everything `docker create` needs to know about an instance's healthcheck. */
export interface HealthSettings {
  /** A shell command (docker's CMD-SHELL: the CLI's `--health-cmd` offers no other form). */
  command: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  /** Failures do not count until this much time has passed or a probe has succeeded. */
  startPeriodSeconds: number;
  /** Probes during the start period this often; only where the engine supports it. */
  startIntervalSeconds?: number;
}

export function healthSettings(engine: EngineDefinition, capabilities: EngineCapabilities): HealthSettings {
  const probe = engine.healthcheck(engine.containerPort);
  return {
    command: probe.command,
    ...STEADY_HEALTH,
    startPeriodSeconds: probe.startPeriodSeconds,
    ...(capabilities.healthStartInterval ? { startIntervalSeconds: START_INTERVAL_SECONDS } : {}),
  };
}

/** The `docker create` flags for these settings. */
export function healthArgs(settings: HealthSettings): string[] {
  const args = [
    '--health-cmd',
    settings.command,
    '--health-interval',
    `${settings.intervalSeconds}s`,
    '--health-timeout',
    `${settings.timeoutSeconds}s`,
    '--health-retries',
    String(settings.retries),
    '--health-start-period',
    `${settings.startPeriodSeconds}s`,
  ];
  if (settings.startIntervalSeconds !== undefined) args.push('--health-start-interval', `${settings.startIntervalSeconds}s`);
  return args;
}
