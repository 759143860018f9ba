/** Parsers for what the docker CLI prints: `ps`, `inspect`, `volume inspect` and `events` JSON. */
import type { ContainerState, Health, Instance } from '../model/instance';
import { claimedPort, instanceFromLabels, LABEL } from '../model/labels';
import { compareByName } from '../model/order';

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function parseJsonLines(stdout: string): Json[] {
  const out: Json[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const v: unknown = JSON.parse(t);
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Json);
  }
  return out;
}

/**
 * `docker ps --format '{{json .}}'` prints labels as one "k=v,k=v" string. Image labels are inherited and
 * their values may hold commas, so only a pair whose key looks like a label key starts a new label.
 */
export function parseLabelString(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let last: string | undefined;
  for (const part of text ? text.split(',') : []) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (key && /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
      labels[key] = part.slice(eq + 1);
      last = key;
    } else if (last !== undefined) {
      labels[last] += `,${part}`;
    }
  }
  return labels;
}

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'removing'];

/** State from ps' State field, or from the status text on older CLIs. */
function stateOf(state: string, statusText: string): ContainerState {
  const s = state.toLowerCase();
  if ((STATES as readonly string[]).includes(s)) return s as ContainerState;
  if (/^Up .*\(Paused\)/i.test(statusText)) return 'paused';
  if (/^Up /i.test(statusText)) return 'running';
  if (/^Restarting/i.test(statusText)) return 'restarting';
  if (/^Exited/i.test(statusText)) return 'exited';
  if (/^Dead/i.test(statusText)) return 'dead';
  if (/^Removal/i.test(statusText)) return 'removing';
  return 'created';
}

/** Health as docker's status text shows it: "(healthy)", "(unhealthy)", "(health: starting)". */
export function healthFromStatusText(statusText: string): Health {
  if (/\(health: starting\)/i.test(statusText)) return 'starting';
  if (/\(unhealthy\)/i.test(statusText)) return 'unhealthy';
  if (/\(healthy\)/i.test(statusText)) return 'healthy';
  return 'none';
}

export function exitCodeFromStatusText(statusText: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/i.exec(statusText);
  return m ? Number(m[1]) : undefined;
}

/** "2026-11-25 18:03:39 +0000 UTC" → ISO 8601. */
export function psTimeToIso(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})/.exec(text);
  if (!m) return text;
  const d = new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

/** Splits an image reference into repository and tag ("host:5000/a/b:7" → ["host:5000/a/b", "7"]). */
export function splitImageRef(ref: string): { image: string; tag: string } {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon > slash) return { image: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { image: noDigest, tag: 'latest' };
}

/** One Dockbase instance from one `ps` JSON object; undefined for containers without our labels. */
export function instanceFromPs(row: Json): Instance | undefined {
  const statusText = str(row.Status);
  const status = stateOf(str(row.State), statusText);
  const exitCode = status === 'exited' ? exitCodeFromStatusText(statusText) : undefined;
  return instanceFromLabels(parseLabelString(str(row.Labels)), {
    containerId: str(row.ID),
    containerName: str(row.Names).replace(/^\//, ''),
    image: splitImageRef(str(row.Image)),
    status,
    health: healthFromStatusText(statusText),
    ...(exitCode !== undefined ? { exitCode } : {}),
    createdAt: psTimeToIso(str(row.CreatedAt)),
    statusText,
  });
}

/**
 * Every Dockbase instance in `ps` output, in natural order of names ("m-2" before "m-10"). While an edit or an upgrade
 * replaces a container, the old one (renamed aside) and the new one share the instance's id: the one that
 * bears the instance's name is the instance.
 */
export function parseInstances(stdout: string): Instance[] {
  const byId = new Map<string, { instance: Instance; named: boolean }>();
  for (const row of parseJsonLines(stdout)) {
    const instance = instanceFromPs(row);
    if (!instance) continue;
    const named = str(row.Names).replace(/^\//, '') === instance.name;
    const seen = byId.get(instance.id);
    if (!seen || (!seen.named && named)) byId.set(instance.id, { instance, named });
  }
  return [...byId.values()].map((e) => e.instance).sort(compareByName);
}

/** Any container: the facts conflict checks need. */
export interface ContainerSummary {
  names: string[];
  /** Host ports published by the running container. */
  publishedPorts: number[];
  /** For Dockbase instances: the port they claim even while stopped. */
  claimedPort?: number;
  /** Whether it runs (or is paused): it then holds its published ports. */
  running: boolean;
}

/** "127.0.0.1:6379->6379/tcp, :::5432->5432/tcp, 0.0.0.0:3000-3001->3000-3001/tcp" → host ports. */
export function parsePublishedPorts(text: string): number[] {
  const ports = new Set<number>();
  for (const m of text.matchAll(/:(\d+)(?:-(\d+))?->/g)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    for (let p = from; p <= to && p - from < 1024; p++) ports.add(p);
  }
  return [...ports].sort((a, b) => a - b);
}

export function parseContainerSummaries(stdout: string): ContainerSummary[] {
  return parseJsonLines(stdout).map((row) => {
    // CONTAINER_SUMMARY_FORMAT names the two labels it needs; a full `{{json .}}` row has them in Labels.
    const labels = row.Instance !== undefined ? { [LABEL.instance]: str(row.Instance), [LABEL.port]: str(row.Port) } : parseLabelString(str(row.Labels));
    const claimed = claimedPort(labels);
    const state = stateOf(str(row.State), str(row.Status));
    return {
      names: str(row.Names).split(',').map((n) => n.replace(/^\//, '')).filter(Boolean),
      publishedPorts: parsePublishedPorts(str(row.Ports)),
      ...(claimed !== undefined ? { claimedPort: claimed } : {}),
      running: state === 'running' || state === 'paused' || state === 'restarting',
    };
  });
}

/** docker's record of how a container's last run went (`State` in `docker inspect`). */
export interface ContainerStateRecord {
  status: string;
  oomKilled: boolean;
  exitCode: number;
  /** Why docker could not start it ("… port is already allocated"); empty otherwise. */
  error: string;
  /** ISO 8601; undefined when it never ran. */
  startedAt?: string;
  finishedAt?: string;
}

/** The restart policies Dockbase offers: none, or "start with Docker" (`unless-stopped`). */
export type RestartPolicy = 'no' | 'unless-stopped';

/**
 * What `docker container inspect` adds to the list: the configuration (password, accounts, limits), the
 * state, and the labels with the image they may have come from (see ownLabels).
 */
export interface ContainerDetails {
  id: string;
  /** Without docker's leading "/". */
  name: string;
  env: string[];
  cmd: string[];
  state: ContainerStateRecord;
  /** Docker's restart policy name ("no", "always", "unless-stopped", "on-failure"). */
  restartPolicy: string;
  /** Memory limit in bytes; 0: none. */
  memoryBytes: number;
  /** Its named volumes and where they are mounted. */
  mounts: Array<{ name: string; destination: string }>;
  /** The container's labels as docker reports them: its own merged with its image's. */
  labels: Record<string, string>;
  /** The id of the image it runs (`sha256:…`). */
  imageId: string;
}

const NEVER = '0001-01-01T00:00:00Z';

function detailsOf(c: Json): ContainerDetails {
  const config = (c.Config ?? {}) as Json;
  const state = (c.State ?? {}) as Json;
  const host = (c.HostConfig ?? {}) as Json;
  const restart = (host.RestartPolicy ?? {}) as Json;
  const time = (v: unknown) => (typeof v === 'string' && v !== '' && v !== NEVER ? v : undefined);
  const startedAt = time(state.StartedAt);
  const finishedAt = time(state.FinishedAt);
  return {
    id: str(c.Id),
    name: str(c.Name).replace(/^\//, ''),
    env: Array.isArray(config.Env) ? config.Env.map(str) : [],
    cmd: Array.isArray(config.Cmd) ? config.Cmd.map(str) : [],
    state: {
      status: str(state.Status),
      oomKilled: state.OOMKilled === true,
      exitCode: typeof state.ExitCode === 'number' ? state.ExitCode : 0,
      error: str(state.Error),
      ...(startedAt ? { startedAt } : {}),
      ...(finishedAt ? { finishedAt } : {}),
    },
    restartPolicy: str(restart.Name) || 'no',
    memoryBytes: typeof host.Memory === 'number' ? host.Memory : 0,
    mounts: (Array.isArray(c.Mounts) ? (c.Mounts as Json[]) : [])
      .filter((m) => str(m.Type) === 'volume' && str(m.Name))
      .map((m) => ({ name: str(m.Name), destination: str(m.Destination) })),
    labels: stringRecord(config.Labels),
    imageId: str(c.Image),
  };
}

export function parseInspect(stdout: string): ContainerDetails {
  const [first] = parseInspectAll(stdout);
  if (!first) throw new Error('docker inspect printed no container');
  return first;
}

/** `docker container inspect a b …`: every container it printed (a missing one is simply left out). */
export function parseInspectAll(stdout: string): ContainerDetails[] {
  const text = stdout.trim();
  if (!text) return [];
  const arr: unknown = JSON.parse(text);
  return (Array.isArray(arr) ? (arr as Json[]) : [arr as Json]).filter((c) => c && typeof c === 'object').map(detailsOf);
}

/** `docker image inspect --format '{{json .Config.Labels}}'`: an object, or `null` for an image without labels. */
export function parseImageLabels(stdout: string): Record<string, string> {
  return stringRecord(JSON.parse(stdout.trim() || 'null'));
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Json)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
  /** ISO 8601, when docker says (`volume inspect` does, `volume ls` does not). */
  createdAt?: string;
}

export function parseVolumeInspect(stdout: string): VolumeInfo[] {
  const arr: unknown = JSON.parse(stdout);
  return (Array.isArray(arr) ? (arr as Json[]) : []).map((v) => {
    const created = new Date(str(v.CreatedAt));
    return {
      name: str(v.Name),
      labels: stringRecord(v.Labels),
      ...(str(v.CreatedAt) && !Number.isNaN(created.getTime()) ? { createdAt: created.toISOString() } : {}),
    };
  });
}

/** `docker volume ls --format '{{json .}}'`: names and labels (labels as one "k=v,k=v" string). */
export function parseVolumeList(stdout: string): VolumeInfo[] {
  return parseJsonLines(stdout).map((v) => ({ name: str(v.Name), labels: parseLabelString(str(v.Labels)) }));
}

/** One container event of a Dockbase instance. */
export interface InstanceEvent {
  /** "start", "die", "health_status", ... (the part before ":"). */
  action: string;
  /** For health_status: "healthy" / "unhealthy" / "starting". */
  detail?: string;
  containerId: string;
  instanceId?: string;
  name?: string;
  /** Nanoseconds since the epoch, as docker reports them. */
  timeNano?: number;
}

export function parseEvent(line: string): InstanceEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Json;
  const type = str(e.Type || e.type);
  if (type && type !== 'container') return undefined;
  const actor = (e.Actor ?? {}) as Json;
  const attrs = (actor.Attributes ?? {}) as Record<string, string>;
  const rawAction = str(e.Action || e.status);
  const colon = rawAction.indexOf(':');
  const action = colon >= 0 ? rawAction.slice(0, colon).trim() : rawAction;
  const detail = colon >= 0 ? rawAction.slice(colon + 1).trim() : undefined;
  const timeNano = typeof e.timeNano === 'number' ? e.timeNano : undefined;
  return {
    action,
    ...(detail ? { detail } : {}),
    containerId: str(actor.ID || e.id),
    ...(attrs[LABEL.instance] ? { instanceId: attrs[LABEL.instance] } : {}),
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(timeNano !== undefined ? { timeNano } : {}),
  };
}

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

/** The API versions in `docker version --format '{{json .}}'`: the CLI's (as negotiated) and the daemon's. */
export function parseVersion(stdout: string): { clientApi?: string; serverApi?: string } | undefined {
  const [v] = (() => {
    try {
      return parseJsonLines(stdout);
    } catch {
      return [];
    }
  })();
  if (!v) return undefined;
  const client = (v.Client ?? {}) as Json;
  const server = (v.Server ?? {}) as Json;
  const clientApi = str(client.ApiVersion);
  const serverApi = str(server.ApiVersion);
  return { ...(clientApi ? { clientApi } : {}), ...(serverApi ? { serverApi } : {}) };
}
