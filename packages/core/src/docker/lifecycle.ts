/**
 * An instance's life: `start`, `stop`, `restart`, `rm`, `pause`, `unpause`, `rename`, `logs`, `events` and `version`
 * (is the engine there), with their readers and shapes and the parsers of what they print.
 */
import { after, at, containerId, containerName, own, params, shape, wholeNumber, type CommandShape } from './command-shape';
import { JSON_FORMAT, parseJsonLines, str, type Json } from './output';
import { LABEL } from '../model/labels';

export function startArgs(containerId: string): string[] {
  return ['start', containerId];
}

export function stopArgs(containerId: string, timeoutSeconds: number): string[] {
  return ['stop', '--time', String(timeoutSeconds), containerId];
}

export function restartArgs(containerId: string, timeoutSeconds: number): string[] {
  return ['restart', '--time', String(timeoutSeconds), containerId];
}

/** Removes the container and its anonymous volumes; named data volumes stay unless removed explicitly. */
export function removeContainerArgs(...containerIds: string[]): string[] {
  return ['rm', '--force', '--volumes', ...containerIds];
}

/** Freezes the container's processes (its port stays published; nothing is served until unpaused). */
export function pauseArgs(containerId: string): string[] {
  return ['pause', containerId];
}

export function unpauseArgs(containerId: string): string[] {
  return ['unpause', containerId];
}

/** Gives a container another name (an edit or an upgrade sets the old one aside until the new one serves). */
export function renameArgs(containerId: string, newName: string): string[] {
  return ['rename', containerId, newName];
}

export interface LogsOptions {
  tail: number | 'all';
  follow?: boolean;
  timestamps?: boolean;
}

export function logsArgs(containerId: string, options: LogsOptions): string[] {
  const args = ['logs', '--tail', String(options.tail)];
  if (options.timestamps) args.push('--timestamps');
  if (options.follow) args.push('--follow');
  args.push(containerId);
  return args;
}

/** Events that change what the list shows (exec events from healthchecks are left out). */
export const WATCHED_EVENTS = ['create', 'start', 'restart', 'stop', 'die', 'kill', 'pause', 'unpause', 'destroy', 'rename', 'health_status', 'oom'] as const;

/** Container events of Dockbase instances only, as JSON lines, until cancelled. */
export function eventsArgs(): string[] {
  const args = ['events', '--filter', 'type=container', '--filter', `label=${LABEL.instance}`];
  for (const e of WATCHED_EVENTS) args.push('--filter', `event=${e}`);
  args.push('--format', JSON_FORMAT);
  return args;
}

/** The health, death and removal of one container, as JSON lines, until cancelled (waiting for it to be healthy). */
export function healthEventsArgs(containerId: string): string[] {
  return [
    'events',
    '--filter',
    'type=container',
    '--filter',
    `container=${containerId}`,
    '--filter',
    'event=health_status',
    '--filter',
    'event=die',
    '--filter',
    'event=destroy',
    '--format',
    JSON_FORMAT,
  ];
}

export function versionArgs(): string[] {
  return ['version', '--format', JSON_FORMAT];
}

// ---- readers and shapes ---------------------------------------------------------------------------------

/** Reads `logsArgs` back: the container and how much of its log, followed or not. */
export function readLogs(argv: readonly string[]): [string, LogsOptions] {
  const tail = at(argv, 2);
  return [
    containerId(at(argv, argv.length - 1)),
    { tail: tail === 'all' ? 'all' : wholeNumber(tail, 1_000_000), follow: argv.includes('--follow'), timestamps: argv.includes('--timestamps') },
  ];
}

/** Reads `removeContainerArgs` back: the containers removed. */
export function readRemove(argv: readonly string[]): string[] {
  return argv.slice(3).map(containerId);
}

/** Reads `stopArgs` or `restartArgs` back: the container and its grace period. */
const readStop = (a: readonly string[]) => params(containerId(at(a, 3)), wholeNumber(at(a, 2), 3600));

export const LIFECYCLE_SHAPES: readonly CommandShape[] = [
  shape({ name: 'start an instance', words: ['start'], build: startArgs, read: (a) => params(containerId(at(a, 1))), targets: own }),
  shape({ name: 'stop an instance', words: ['stop'], build: stopArgs, read: readStop, targets: own }),
  shape({ name: 'restart an instance', words: ['restart'], build: restartArgs, read: readStop, targets: own }),
  shape({ name: 'delete instances', words: ['rm'], build: removeContainerArgs, read: readRemove, targets: (...containers) => ({ containers }) }),
  shape({ name: 'read an instance’s logs', words: ['logs'], build: logsArgs, read: readLogs, targets: own }),
  shape({ name: 'watch instances', words: ['events'], build: eventsArgs, read: () => params() }),
  shape({
    name: 'wait for an instance’s health',
    words: ['events'],
    build: healthEventsArgs,
    read: (a) => params(containerId(after(at(a, 4), 'container='))),
    targets: own,
  }),
  shape({ name: 'reach the engine', words: ['version'], build: versionArgs, read: () => params() }),
  // Everyday use: pause and unpause, and the edit's container swap.
  shape({ name: 'pause an instance', words: ['pause'], build: pauseArgs, read: (a) => params(containerId(at(a, 1))), targets: own }),
  shape({ name: 'unpause an instance', words: ['unpause'], build: unpauseArgs, read: (a) => params(containerId(at(a, 1))), targets: own }),
  shape({
    name: 'set an instance aside or back',
    words: ['rename'],
    build: renameArgs,
    read: (a) => params(containerId(at(a, 1)), containerName(at(a, 2))),
    targets: own,
  }),
];

// ---- what they print ------------------------------------------------------------------------------------

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

/** The API versions in `docker version --format '{{json .}}'`: the CLI's (as negotiated) and the daemon's. */
export function parseVersion(stdout: string): { clientApi?: string; serverApi?: string; platform?: string } | undefined {
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
  // The engine's own platform ("linux/arm64" on Apple silicon): the images it runs must have it.
  const os = str(server.Os);
  const arch = str(server.Arch);
  return { ...(clientApi ? { clientApi } : {}), ...(serverApi ? { serverApi } : {}), ...(os && arch ? { platform: `${os}/${arch}` } : {}) };
}
