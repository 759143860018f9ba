/**
 * Containers: `ps` (the instances, one instance, every container's names and ports, a create attempt's or an
 * upgrade's leftovers) and `container inspect`, with their readers and shapes and the parsers of what they print.
 */
import { after, at, containerId, containerName, instanceIdFilter, mismatch, newId, own, params, shape, type CommandShape } from './command-shape';
import { splitImageRef } from './images';
import { JSON_FORMAT, parseJsonLines, parseLabelString, str, stringRecord, type Json } from './output';
import type { ContainerState, Health, Instance } from '../model/instance';
import { claimedPort, instanceFromLabels, LABEL } from '../model/labels';
import { compareByName } from '../model/order';

export { parseLabelString };

/** Dockbase containers of one create attempt (found again for clean-up by their unique id). */
export function containerIdsOfInstanceArgs(id: string): string[] {
  return ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${LABEL.instance}=${id}`];
}

/** Every Dockbase container, stopped ones too, in ONE call. */
export function listInstancesArgs(): string[] {
  return ['ps', '--all', '--no-trunc', '--filter', `label=${LABEL.instance}`, '--format', JSON_FORMAT];
}

/** One instance by its Dockbase id. */
export function instanceByIdArgs(id: string): string[] {
  return ['ps', '--all', '--no-trunc', '--filter', `label=${LABEL.instance}=${id}`, '--format', JSON_FORMAT];
}

/**
 * What `listAllContainersArgs` prints of each container: only what conflict checks read (names, state,
 * published ports, the port a Dockbase instance claims), never a foreign container's command or labels,
 * which can hold its secrets.
 */
export const CONTAINER_SUMMARY_FORMAT = `{"Names":{{json .Names}},"State":{{json .State}},"Status":{{json .Status}},"Ports":{{json .Ports}},"Instance":{{json (.Label "${LABEL.instance}")}},"Port":{{json (.Label "${LABEL.port}")}}}`;

/** Every container on the engine (names and published ports, for conflict checks). */
export function listAllContainersArgs(): string[] {
  return ['ps', '--all', '--no-trunc', '--format', CONTAINER_SUMMARY_FORMAT];
}

/** The containers of one upgrade's workers, by the name they share (`<instance>-upgrade-<id>-`), when their ids were never read. */
export function upgradeWorkerIdsArgs(instanceName: string, upgradeId: string): string[] {
  return ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${LABEL.helper}`, '--filter', `name=${instanceName}-upgrade-${upgradeId}-`];
}

export function inspectContainerArgs(containerId: string): string[] {
  return ['container', 'inspect', containerId];
}

/** docker's record of several containers at once (their state, for the reason a run ended). */
export function inspectContainersArgs(containerIds: readonly string[]): string[] {
  return ['container', 'inspect', ...containerIds];
}

/** Reads `upgradeWorkerIdsArgs` back: the instance's name and the upgrade's id. */
export function readUpgradeWorkerIds(argv: readonly string[]): [string, string] {
  const [, name = '', id] = /^name=(.+)-upgrade-([0-9a-f]{12})-$/.exec(at(argv, 7)) ?? mismatch('not the name of an upgrade’s workers');
  return [containerName(name), newId(id)];
}

export const CONTAINER_SHAPES: readonly CommandShape[] = [
  shape({ name: 'list instances', words: ['ps'], build: listInstancesArgs, read: () => params() }),
  shape({ name: 'list containers', words: ['ps'], build: listAllContainersArgs, read: () => params() }),
  shape({
    name: 'find an instance',
    words: ['ps'],
    build: instanceByIdArgs,
    read: (a) => params(instanceIdFilter(after(at(a, 4), `label=${LABEL.instance}=`))),
  }),
  shape({ name: 'find an upgrade’s workers', words: ['ps'], build: upgradeWorkerIdsArgs, read: readUpgradeWorkerIds }),
  shape({
    name: 'find a create attempt',
    words: ['ps'],
    build: containerIdsOfInstanceArgs,
    read: (a) => params(instanceIdFilter(after(at(a, 5), `label=${LABEL.instance}=`))),
  }),
  shape({
    name: 'inspect an instance',
    words: ['container', 'inspect'],
    build: inspectContainerArgs,
    read: (a) => params(containerId(at(a, 2))),
    targets: own,
  }),
  shape({
    name: 'inspect instances',
    words: ['container', 'inspect'],
    build: inspectContainersArgs,
    read: (a) => params(a.slice(2).map(containerId)),
    targets: (containers) => ({ containers }),
  }),
];

// ---- what they print ------------------------------------------------------------------------------------

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
    return summaryOf(str(row.Names).split(','), labels, str(row.State), str(row.Status), parsePublishedPorts(str(row.Ports)));
  });
}

/** Every container, from the engine's API (the same list as listAllContainersArgs, without spawning the CLI). */
export const ALL_CONTAINERS_PATH = '/containers/json?all=1';

/**
 * The engine API's answer to ALL_CONTAINERS_PATH as the same summaries parseContainerSummaries reads from the
 * CLI: names without docker's "/", the host ports published (a port only exposed has no PublicPort), the
 * claimed port from the labels. Undefined when the answer is not a list (the caller asks the CLI).
 */
export function containerSummariesFromApi(body: unknown): ContainerSummary[] | undefined {
  if (!Array.isArray(body)) return undefined;
  return (body as Json[]).map((c) => {
    const ports = Array.isArray(c.Ports) ? (c.Ports as Json[]) : [];
    const published = [...new Set(ports.map((p) => Number(p.PublicPort)).filter((p) => Number.isInteger(p) && p > 0))].sort((a, b) => a - b);
    const names = Array.isArray(c.Names) ? c.Names.map((n) => str(n)) : [];
    return summaryOf(names, stringRecord(c.Labels), str(c.State), str(c.Status), published);
  });
}

function summaryOf(
  names: readonly string[],
  labels: Readonly<Record<string, string>>,
  state: string,
  status: string,
  publishedPorts: number[],
): ContainerSummary {
  const claimed = claimedPort(labels);
  const s = stateOf(state, status);
  return {
    names: names.map((n) => n.replace(/^\//, '')).filter(Boolean),
    publishedPorts,
    ...(claimed !== undefined ? { claimedPort: claimed } : {}),
    running: s === 'running' || s === 'paused' || s === 'restarting',
  };
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
