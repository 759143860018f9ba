import type { EngineId } from '../engines';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';
export type Health = 'starting' | 'healthy' | 'unhealthy' | 'none';

/** A Dockbase instance: one container marked by Dockbase's labels (see labels.ts), and its data volumes. */
export interface Instance {
  /** Dockbase's id for the instance (label), stable for the container's life. */
  id: string;
  name: string;
  engine: EngineId;
  /** Image repository without the tag, e.g. `postgres` or `registry.example.com/mirror/postgres`. */
  image: string;
  tag: string;
  hostPort: number;
  /** 127.0.0.1 unless the user chose to expose it on the network (0.0.0.0). */
  bindAddress: string;
  status: ContainerState;
  health: Health;
  /** Exit code of the last run, when the container has exited. */
  exitCode?: number;
  createdAt: string;
  /** Named volumes holding its data; empty when data is not persisted. */
  volumes: string[];
  /** The id its data volumes carry (see LABEL.data); absent without volumes, or from earlier versions. */
  dataId?: string;
  containerId: string;
  /** Docker's own status text ("Up 3 minutes (healthy)"). */
  statusText: string;
  /** The user its connection string names, when not the engine's admin user (POSTGRES_USER, MYSQL_USER…). */
  user?: string;
  /** The database its connection string names, when not the engine's default (POSTGRES_DB, MYSQL_DATABASE…). */
  database?: string;
  /** Its flavour's id (engines/flavours.ts: "pgvector", "postgis"…); absent: the engine's plain official server. */
  flavour?: string;
  /** Server settings it starts with, name → value, in the engine's own form (model/settings.ts); absent or empty: none. */
  settings?: Readonly<Record<string, string>>;
  /**
   * Why its last run ended badly (killed, out of memory, crashed, or could not start), from docker's own
   * record of the container; absent after a clean stop and once it starts again successfully.
   */
  failure?: InstanceFailure;
  /**
   * The project (a folder with a dockbase.yaml) this instance serves, and the git branch it holds data for;
   * absent for an instance that belongs to no project.
   */
  project?: ProjectRef;
}

/** Which project an instance belongs to (its labels io.dockbase.project, .project.path, .branch). */
export interface ProjectRef {
  name: string;
  /** The project's folder (absolute, on the machine the docker CLI runs on). */
  path: string;
  /** The git branch whose data this instance holds; absent for the project's main instances. */
  branch?: string;
}

/** How the last run of a container ended, when it did not end cleanly. */
export interface InstanceFailure {
  /** `init-failed`: an init file failed on the first start; the data folder is only partly initialised. */
  kind: 'out-of-memory' | 'killed' | 'crashed' | 'start-failed' | 'init-failed';
  /** What a user reads: "Killed by the kernel: out of memory", "Could not start: port 5432 is in use"… */
  summary: string;
  exitCode?: number;
  /** When it ended (ISO 8601), if docker says. */
  at?: string;
}

/** What an instance is, whatever its container is doing: what its labels record. */
export type InstanceSpec = Pick<
  Instance,
  'id' | 'name' | 'engine' | 'image' | 'tag' | 'hostPort' | 'bindAddress' | 'volumes' | 'dataId' | 'user' | 'database' | 'project' | 'flavour' | 'settings'
>;

/**
 * What the UI shows in the status chip. `killed` and `out-of-memory` are runs that ended by SIGKILL (a
 * `docker kill`, a stop that timed out, the kernel's OOM killer): not a clean stop.
 */
export type DisplayStatus = 'running' | 'stopped' | 'starting' | 'healthy' | 'unhealthy' | 'paused' | 'killed' | 'out-of-memory' | 'error';

/** Exit codes of a clean stop: 0, or 143 (SIGTERM, which `docker stop` sends, not handled by the process). */
const CLEAN_EXIT = [0, 143];

/** What Dockbase's own probes know of this run of the server, beside docker's state. */
export interface ServerView {
  /** This run of the server answered the readiness probe while docker still says "health: starting". */
  serverAnswered?: boolean;
  /**
   * The watch's last probe (liveness.ts), when it is newer than docker's current verdict: whether the
   * server answered. Undefined when docker's verdict is the newer news (see `probedAnswer`).
   */
  probedAnswer?: boolean;
  /**
   * Docker's "health: starting" says only that docker has not probed yet: the server has run for a while
   * (startedLately is false), and Dockbase's watch asks it later instead of a readiness wait as the view opens.
   * Shown as running until that answer.
   */
  unprobed?: boolean;
}

/**
 * What the status chip shows, from docker's state and Dockbase's own probes. Docker probes every 20 minutes
 * (on engines without a start interval its first probe comes 20 minutes after the start), so while a server
 * runs the newer word counts: the readiness probe's answer turns "starting" into healthy, and the watch's
 * last probe, when newer than docker's verdict, says healthy or unhealthy (a server that hangs after docker's
 * last "healthy"; docker's "unhealthy" from a paused time after an unpause). Every state that is not running
 * is docker's. A run that ended says how (`failure`, read from docker's record of it: killed, out of memory,
 * crashed, could not start).
 */
export function displayStatus(i: Pick<Instance, 'status' | 'health' | 'exitCode' | 'failure'>, view: ServerView = {}): DisplayStatus {
  switch (i.status) {
    case 'running':
      if (i.health === 'starting') {
        // The watch runs only once this run answered (isWatched): silence after that is a hang, not a start.
        if (view.probedAnswer === false) return view.serverAnswered ? 'unhealthy' : 'starting';
        if (view.serverAnswered || view.probedAnswer === true) return 'healthy';
        return view.unprobed ? 'running' : 'starting';
      }
      if (view.probedAnswer !== undefined) return view.probedAnswer ? 'healthy' : 'unhealthy';
      if (i.health === 'healthy') return 'healthy';
      if (i.health === 'unhealthy') return 'unhealthy';
      return 'running';
    case 'restarting':
      return 'starting';
    case 'paused':
      // Frozen: it serves nothing, whatever its health said before.
      return 'paused';
    case 'exited':
      if (i.failure?.kind === 'out-of-memory') return 'out-of-memory';
      if (i.failure?.kind === 'killed' || (i.failure === undefined && i.exitCode === 137)) return 'killed';
      if (i.failure) return 'error';
      return i.exitCode === undefined || CLEAN_EXIT.includes(i.exitCode) ? 'stopped' : 'error';
    case 'dead':
      return 'error';
    case 'created':
      // Created but never started: only a failed start leaves a reason.
      return i.failure ? 'error' : 'stopped';
    default:
      return 'stopped';
  }
}

/**
 * Whether docker's record of the container may hold a reason worth showing (one inspect answers it): a run
 * that ended with an unclean exit code (a failed `docker start` leaves 128), or a dead container. A
 * container that never ran ("Created") is not asked about: Dockbase removes the ones its create could not
 * start, so those are the never-started ones, and a list of many stays one `docker ps`.
 */
export function mayHaveFailed(i: Pick<Instance, 'status' | 'exitCode'>): boolean {
  if (i.status === 'dead') return true;
  if (i.status === 'exited') return i.exitCode === undefined || !CLEAN_EXIT.includes(i.exitCode);
  return false;
}

/**
 * Whether Dockbase should wait for the server itself: it runs and docker has no verdict yet (it was just
 * created, started or restarted, here or outside, or the page was reloaded meanwhile). The wait is bounded
 * and ends at its first answer; the watch (`isWatched`) takes over from there.
 */
export function awaitsReadiness(i: Pick<Instance, 'status' | 'health'>): boolean {
  return i.status === 'running' && i.health === 'starting';
}

/**
 * Whether the open tab watches the server (liveness.ts): it runs, and docker has a verdict or the server has
 * answered since it started (before that, the readiness wait is asking).
 */
export function isWatched(i: Pick<Instance, 'status' | 'health'>, view: Pick<ServerView, 'serverAnswered'> = {}): boolean {
  return i.status === 'running' && (i.health !== 'starting' || view.serverAnswered === true);
}

export function isActive(i: Pick<Instance, 'status'>): boolean {
  return i.status === 'running' || i.status === 'restarting' || i.status === 'paused';
}

/**
 * Whether the container started less than a minute before docker's status text was read ("Up 12 seconds"):
 * a start someone may be waiting on. One up for longer that docker still calls "health: starting" has run
 * since before the view saw it, on an engine whose first probe comes only after its interval (20 minutes).
 */
export function startedLately(i: Pick<Instance, 'status' | 'statusText'>): boolean {
  return i.status === 'running' && /^Up (Less than a second|\d+ seconds?)\b/i.test(i.statusText.trim());
}

/** How long it has been up, from docker's status text ("Up 3 minutes (healthy)" → "3 minutes"); undefined when not up. */
export function uptimeOf(i: Pick<Instance, 'status' | 'statusText'>): string | undefined {
  if (i.status !== 'running' && i.status !== 'paused') return undefined;
  const m = /^Up (.+?)(?: \((?:healthy|unhealthy|health: starting|Paused)\))*$/i.exec(i.statusText.trim());
  return m?.[1];
}

/**
 * Names of the data volumes of an instance: `dockbase-<name>-<key>`, or, for data a PostgreSQL upgrade made
 * (a new major version's data beside the old one), `dockbase-<name>-<key>-<suffix>` (the major version).
 */
export function volumeName(instanceName: string, key: string, suffix?: string): string {
  return `dockbase-${instanceName}-${key}${suffix ? `-${suffix}` : ''}`;
}

/** Whether `volume` is a name the data mount `key` of instance `instanceName` has: plain, or an upgrade's (`…-<major>`). */
export function isDataVolumeName(volume: string, instanceName: string, key: string): boolean {
  const plain = volumeName(instanceName, key);
  return volume === plain || (volume.startsWith(`${plain}-`) && /^\d{1,4}$/.test(volume.slice(plain.length + 1)));
}

/** Which of the instance's volumes holds the data mount `key`: its plain name, or one an upgrade made. */
export function instanceVolumeFor(instance: Pick<Instance, 'name' | 'volumes'>, key: string): string | undefined {
  const plain = volumeName(instance.name, key);
  return instance.volumes.find((v) => v === plain) ?? instance.volumes.find((v) => isDataVolumeName(v, instance.name, key));
}

/** Image reference for docker: repository plus tag. */
export function imageRef(image: string, tag: string): string {
  return `${image}:${tag}`;
}

/** A fresh instance id: 12 hex digits from the platform's CSPRNG. */
export function newInstanceId(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
