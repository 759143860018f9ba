/**
 * An in-memory Docker engine behind the DockerCli port, for component tests. It interprets the argv that
 * @dockbase/core's builders (packages/core/src/docker/, one file per command family) build, reading the
 * options of `create`, `run`, `volume create`, `logs` and `stats` with the core's own readers (an argv they
 * refuse fails as docker fails an unknown flag, exit 125), and answers the way the docker CLI does
 * (`{{json .}}` lines from `ps`, JSON arrays from `inspect`, pull progress lines, event JSON lines, the
 * daemon's error texts), so the real core (createDockbase) runs unchanged on top of it.
 *
 * Test hooks: `stopEngine`/`startEngine`, `failNext` and `holdNext` (for `run` commands), `holdNextPull`
 * and `missingImages` (for pulls), `count`, `setHealth`, `setServerReady`, `setExited`, `pause`/`unpause`,
 * `log`, `addForeignContainer`, `portsTakenOutsideDocker`. Events are delivered asynchronously, like the real event stream.
 */
import {
  BRIDGE_FAILURE_PREFIX,
  HostFileError,
  type DockerCli,
  type HostFiles,
  type RunOptions,
  type RunResult,
  type StreamHandle,
  type StreamHandlers,
} from '@dockbase/docker-cli';
import {
  CANCEL_SCRIPT,
  containerLabels,
  exportScript,
  createMounts,
  ENGINES,
  getEngine,
  HELPER_FROM,
  HELPER_TO,
  imageRef,
  LABEL,
  readCreate,
  readinessWaitScript,
  readHelperRun,
  readLogs,
  readRemove,
  readStats,
  readVolumeCreate,
  readWorkerRun,
  specOf,
  splitImageRef,
  UPGRADE_SOURCE,
} from '@dockbase/core';
import type { CallEnv, CreatePlan, EngineId, HelperMount, UpgradeWorkerPlan } from '@dockbase/core';

export const DAEMON_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

type State = 'created' | 'running' | 'paused' | 'exited';
type Health = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface FakeContainer {
  id: string;
  name: string;
  /** Image reference as given to `docker create`. */
  image: string;
  labels: Record<string, string>;
  env: string[];
  cmd: string[];
  state: State;
  health: Health;
  hasHealthcheck: boolean;
  /**
   * Whether the server inside answers its engine's probe (`docker exec … sh -c <probe>`). A container
   * that starts with docker's health "starting" holds a server still warming up, until `setServerReady`.
   */
  serverReady: boolean;
  exitCode: number;
  createdAt: Date;
  publish: { bind: string; hostPort: number; containerPort: number } | undefined;
  mounts: Array<{ source: string; target: string }>;
  logs: string[];
  restartPolicy: string;
  memoryBytes: number;
  oomKilled: boolean;
  /** Why docker could not start it (State.Error). */
  error: string;
  /** CPU and memory `docker stats` reports. */
  stats: { cpu: string; mem: string };
}

/** What a data volume holds besides its labels: the password the engine's data was initialised with. */
export interface FakeVolume {
  labels: Record<string, string>;
  /** Set on the first start of an engine that keeps its password in its data. */
  dataPassword?: string;
  size: string;
  createdAt: Date;
}

export interface Gate {
  /** Resolves when a matching command has arrived and is waiting. */
  readonly reached: Promise<void>;
  /** Lets the command go on. */
  release(): void;
}

export interface PullControl {
  /** Resolves when the pull has listed its layers. */
  readonly started: Promise<void>;
  /** Completes the next unfinished layer. */
  completeLayer(): void;
  /** Completes every layer and ends the pull successfully. */
  finish(): void;
  /** True once the pull was cancelled by its caller. */
  readonly cancelled: boolean;
}

const LAYERS = ['a3ed95caeb02', '5b1f2a6c9d10', 'c0ffee123456'];

/** "docker volume create" → "volume create"; "docker ps" → "ps". */
export function commandKey(args: readonly string[]): string {
  const [first = '', second = ''] = args;
  return ['container', 'image', 'volume'].includes(first) ? `${first} ${second}` : first;
}

function hex(length: number): string {
  const bytes = new Uint8Array(Math.ceil(length / 2));
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, length);
}

/** "2026-11-25 18:03:39 +0000 UTC", as `docker ps` prints it. */
function psTime(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

function defer(): { promise: Promise<void>; resolve(): void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** What a `create` or `run --detach` makes, as the core's readers find it in the argv. */
type NewContainer = Pick<FakeContainer, 'name' | 'image' | 'labels' | 'env' | 'cmd' | 'hasHealthcheck' | 'restartPolicy' | 'memoryBytes' | 'publish'> & {
  mounts: ReadonlyArray<{ volume: string; target: string; labels?: Readonly<Record<string, string>> }>;
};

/** An instance's container, as `createContainerArgs(plan)` describes it. */
function instanceContainer(plan: CreatePlan): NewContainer {
  const engine = getEngine(plan.engine);
  return {
    name: plan.name,
    image: imageRef(plan.image, plan.tag),
    labels: containerLabels(specOf(plan)),
    env: Object.entries(engine.environment(plan.password, plan)).map(([k, v]) => `${k}=${v}`),
    cmd: engine.command(plan.password, plan.settings),
    hasHealthcheck: true,
    restartPolicy: plan.restartPolicy ?? 'no',
    memoryBytes: plan.memoryBytes ?? 0,
    publish: { bind: plan.bindAddress, hostPort: plan.hostPort, containerPort: engine.containerPort },
    mounts: createMounts(plan),
  };
}

/** An upgrade worker's container, as `upgradeWorkerArgs(plan)` describes it: the image's own command, no port, no healthcheck. */
function workerContainer(plan: UpgradeWorkerPlan): NewContainer {
  const env = Object.entries(plan.env).map(([k, v]) => `${k}=${v}`);
  return {
    name: plan.name,
    image: plan.image,
    labels: { [LABEL.helper]: plan.role },
    env,
    cmd: [],
    hasHealthcheck: false,
    restartPolicy: 'no',
    memoryBytes: 0,
    publish: undefined,
    mounts: plan.mounts,
  };
}

/**
 * What the first of the core's readers that knows the argv finds in it, passed on to `then` (which reads no
 * argv); where none does (each throws NotThisShape: the core never builds that argv), docker's unknown flag.
 */
function reading<P>(read: (() => P) | Array<() => P>, then: (params: P) => RunResult): RunResult {
  const refusals: string[] = [];
  for (const r of [read].flat()) {
    try {
      return then(r());
    } catch (e) {
      if (!(e instanceof Error && e.name === 'NotThisShape')) throw e;
      refusals.push(e.message);
    }
  }
  return fail(`docker: not an argv Dockbase builds: ${refusals[0] ?? ''}\nSee 'docker --help'.`, 125);
}

function keyValue(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** A `label=k` or `label=k=v` filter's match. */
function hasLabel(labels: Readonly<Record<string, string>>, filter: string): boolean {
  const [k, v] = keyValue(filter);
  return k in labels && (!filter.includes('=') || labels[k] === v);
}

/** Labels as `ps` and `volume ls` print them: "k=v,k=v". */
const labelString = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

const ok = (stdout = ''): RunResult => ({ stdout, stderr: '', code: 0 });
/** The last `tail` lines of a log (`all`: every line; 0 too, here). */
const lastLines = (lines: readonly string[], tail: number | 'all') => (tail === 'all' ? lines : lines.slice(-tail));
const fail = (stderr: string, code = 1): RunResult => ({ stdout: '', stderr: `${stderr}\n`, code });

class FakeStream implements StreamHandle {
  readonly done: Promise<number>;
  private resolveDone: (code: number) => void = () => undefined;
  closed = false;
  /** Run when the caller cancels (before the stream closes with 130, as Docker Desktop's bridge reports). */
  readonly onCancel: Array<() => void> = [];

  constructor(private readonly handlers: StreamHandlers) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  line(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    if (!this.closed) this.handlers.onLine(text, stream);
  }

  close(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose?.(code);
    this.resolveDone(code);
  }

  cancel = (): void => {
    if (this.closed) return;
    this.onCancel.forEach((f) => f());
    this.close(130);
  };
}

interface EventStream {
  stream: FakeStream;
  filters: Array<[string, string]>;
}

export class FakeDocker implements DockerCli {
  readonly containers = new Map<string, FakeContainer>();
  readonly volumes = new Map<string, Record<string, string>>();
  /** What each volume holds (see FakeVolume); kept in step with `volumes`. */
  readonly volumeData = new Map<string, FakeVolume>();
  /** Images present on the engine. */
  readonly images = new Set<string>();
  /** The id of each image reference that has one (docker inspect reports the id a container runs). */
  private readonly imageIds = new Map<string, string>();
  /** References the registry does not have (pulling them fails with "manifest unknown"). */
  readonly missingImages = new Set<string>();
  /** Host ports held by programs outside docker: `usage()` cannot see them, `start` fails on them. */
  readonly portsTakenOutsideDocker = new Set<number>();
  /** Health a container with a healthcheck reports right after it starts. */
  healthOnStart: Health = 'healthy';
  /** Every command, in order (streams included). */
  readonly calls: string[][] = [];
  /** Files Dockbase's scripts left in containers (`<container id>:<path>` → bytes): an export's dump until it is saved or removed. */
  readonly containerFiles = new Map<string, number>();
  /** The files saved on the host (`docker cp <container>:<file> -` written by Dockbase), by path. */
  readonly savedFiles = new Map<string, number>();

  /** Files on the user's machine that can be read (path → size): a send copies one into a container. */
  readonly hostFiles = new Map<string, number>();
  /** Files sent into containers (`docker cp - <container>:<folder>`), in order: the container's name, where, from where. */
  readonly sentFiles: Array<{ container: string; path: string; from: string }> = [];

  /** The host's files: a save writes a new file (`-2`… when the name is taken); a send reads one of `hostFiles`. */
  readonly files: HostFiles = {
    save: async (args, to) => {
      this.calls.push([...args]);
      const [ref = '', file = ''] = (args[1] ?? '').split(':');
      const c = this.find(ref);
      const size = c ? this.containerFiles.get(`${c.id}:${file}`) : undefined;
      if (size === undefined) throw new HostFileError('docker', `Error response from daemon: Could not find the file ${file} in container ${ref}`);
      let path = `${to.directory}/${to.stem}${to.extension}`;
      for (let n = 2; this.savedFiles.has(path); n++) path = `${to.directory}/${to.stem}-${n}${to.extension}`;
      this.savedFiles.set(path, size);
      return { path, sizeBytes: size };
    },
    send: async (args, from) => {
      const size = this.hostFiles.get(from.path);
      if (size === undefined) throw new HostFileError('unreadable', `FakeDocker reads no host file ${from.path}`);
      this.calls.push([...args]);
      const [ref = '', folder = ''] = (args.at(-1) ?? '').split(':');
      const c = this.find(ref);
      if (!c) throw new HostFileError('docker', `Error response from daemon: No such container: ${ref}`);
      this.sentFiles.push({ container: c.name, path: `${folder}/${from.name}`, from: from.path });
      return { sizeBytes: size };
    },
  };

  private available = true;
  private bridgeDown = false;
  private readonly eventStreams = new Set<EventStream>();
  private readonly logFollowers = new Set<{ id: string; stream: FakeStream }>();
  private readonly failures: Array<{ key: string; result: RunResult }> = [];
  private readonly holds: Array<{ key: string; reached: () => void; released: Promise<void> }> = [];
  /** Set by holdNextPull: takes over the next pull once its layers are listed. */
  private pullHold: ((stream: FakeStream, ref: string) => void) | undefined;

  // ---------- test hooks ----------

  /** How many commands with this key ran ("ps", "start", "volume create", ...). */
  count(key: string): number {
    return this.calls.filter((c) => commandKey(c) === key).length;
  }

  /** The engine goes away: every command fails like the CLI does, and running streams end. */
  stopEngine(): void {
    this.available = false;
    for (const e of this.eventStreams) e.stream.close(1);
    for (const f of this.logFollowers) f.stream.close(1);
    this.eventStreams.clear();
    this.logFollowers.clear();
  }

  startEngine(): void {
    this.available = true;
    this.bridgeDown = false;
  }

  /**
   * What carries the commands goes away (the standalone host stopped): every command fails the way the
   * Desktop adapter reports a bridge that does not answer, and running streams end that way.
   */
  stopBridge(): void {
    this.available = false;
    this.bridgeDown = true;
    const line = `${BRIDGE_FAILURE_PREFIX} cannot reach the Dockbase host: Failed to fetch`;
    for (const e of this.eventStreams) {
      e.stream.line(line, 'stderr');
      e.stream.close(127);
    }
    for (const f of this.logFollowers) f.stream.close(127);
    this.eventStreams.clear();
    this.logFollowers.clear();
  }

  /** The next command with this key fails with docker's stderr. */
  failNext(key: string, stderr: string, code = 1): void {
    this.failures.push({ key, result: fail(stderr, code) });
  }

  /** The next command with this key waits until released (then runs normally). */
  holdNext(key: string): Gate {
    const reached = defer();
    const released = defer();
    this.holds.push({ key, reached: reached.resolve, released: released.promise });
    return { reached: reached.promise, release: released.resolve };
  }

  /** The next pull lists its layers, then waits for the test to complete them. */
  holdNextPull(): PullControl {
    const started = defer();
    let stream: FakeStream | undefined;
    let ref = '';
    let next = 0;
    let cancelled = false;
    const completeLayer = () => {
      const id = LAYERS[next++];
      if (!stream || !id) return;
      for (const text of ['Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete']) stream.line(`${id}: ${text}`);
    };
    const control: PullControl = {
      started: started.promise,
      completeLayer,
      finish: () => {
        while (next < LAYERS.length) completeLayer();
        if (stream) this.finishPull(stream, ref);
      },
      get cancelled() {
        return cancelled;
      },
    };
    this.pullHold = (s, r) => {
      stream = s;
      ref = r;
      s.onCancel.push(() => (cancelled = true));
      started.resolve();
    };
    return control;
  }

  /** Changes a running container's health, with the event docker sends. */
  setHealth(name: string, health: Health): void {
    const c = this.byName(name);
    c.health = health;
    this.emit(c, `health_status: ${health}`);
  }

  /** The server inside a running container finishes starting (or stops answering): its probe passes (fails). */
  setServerReady(name: string, ready = true): void {
    this.byName(name).serverReady = ready;
  }

  /** `docker pause` from outside: the container is frozen. */
  pause(name: string): void {
    const c = this.byName(name);
    c.state = 'paused';
    this.emit(c, 'pause');
  }

  unpause(name: string): void {
    const c = this.byName(name);
    c.state = 'running';
    this.emit(c, 'unpause');
  }

  /** The container's process ends by itself (a crash when the code is not 0). */
  setExited(name: string, exitCode: number): void {
    const c = this.byName(name);
    c.state = 'exited';
    c.exitCode = exitCode;
    c.health = 'none';
    this.emit(c, 'die');
  }

  /** `docker kill` from outside (exit 137), or the kernel's OOM killer with `oom`. */
  kill(name: string, options: { oom?: boolean } = {}): void {
    const c = this.byName(name);
    c.state = 'exited';
    c.exitCode = 137;
    c.health = 'none';
    c.oomKilled = options.oom ?? false;
    this.emit(c, ...(options.oom ? ['oom'] : []), 'kill', 'die');
  }

  /** The password the data in this volume was initialised with (engines that keep it in their data). */
  dataPasswordOf(volume: string): string | undefined {
    return this.volumeData.get(volume)?.dataPassword;
  }

  /** The container writes a log line. */
  log(name: string, line: string): void {
    const c = this.byName(name);
    c.logs.push(line);
    for (const f of this.logFollowers) if (f.id === c.id) f.stream.line(line);
  }

  /** A running container that is not a Dockbase instance. */
  addForeignContainer(name: string, hostPort?: number): FakeContainer {
    const c = this.newContainer({ name, image: 'nginx:latest', labels: {} });
    c.state = 'running';
    if (hostPort) c.publish = { bind: '0.0.0.0', hostPort, containerPort: 80 };
    return c;
  }

  /** How many `docker logs --follow` are still running (a closed panel must have cancelled its own). */
  followingLogs(): number {
    return [...this.logFollowers].filter((f) => !f.stream.closed).length;
  }

  /** How many `docker events` are still running. */
  watching(): number {
    return [...this.eventStreams].filter((e) => !e.stream.closed).length;
  }

  byName(name: string): FakeContainer {
    const c = [...this.containers.values()].find((x) => x.name === name);
    if (!c) throw new Error(`no container named ${name}`);
    return c;
  }

  names(): string[] {
    return [...this.containers.values()].map((c) => c.name).sort();
  }

  // ---------- DockerCli ----------

  async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push([...args]);
    await Promise.resolve();
    const key = commandKey(args);
    const hold = this.holds.findIndex((h) => h.key === key);
    if (hold >= 0) {
      const [h] = this.holds.splice(hold, 1);
      h?.reached();
      await h?.released;
    }
    if (options.signal?.aborted) {
      const e = new Error('The docker command was cancelled');
      e.name = 'AbortError';
      throw e;
    }
    if (this.bridgeDown) return fail(`${BRIDGE_FAILURE_PREFIX} cannot reach the Dockbase host: Failed to fetch`, 127);
    if (!this.available) return fail(DAEMON_DOWN);
    const failure = this.failures.findIndex((f) => f.key === key);
    if (failure >= 0) return (this.failures.splice(failure, 1)[0] as { result: RunResult }).result;
    return this.execute(args, options.env ?? {});
  }

  stream(args: readonly string[], handlers: StreamHandlers): StreamHandle {
    this.calls.push([...args]);
    const key = commandKey(args);
    const stream = new FakeStream(handlers);
    void Promise.resolve().then(() => {
      if (this.bridgeDown) {
        stream.line(`${BRIDGE_FAILURE_PREFIX} cannot reach the Dockbase host: Failed to fetch`, 'stderr');
        stream.close(127);
      } else if (!this.available) {
        stream.line(DAEMON_DOWN, 'stderr');
        stream.close(1);
      } else if (key === 'events') this.startEvents(stream, args);
      else if (key === 'pull') this.startPull(stream, args[1] ?? '');
      else if (key === 'logs' && args.includes('--follow')) this.startFollow(stream, args);
      else {
        const r = this.execute(args, {});
        for (const l of r.stdout.split('\n').filter(Boolean)) stream.line(l);
        for (const l of r.stderr.split('\n').filter(Boolean)) stream.line(l, 'stderr');
        stream.close(r.code);
      }
    });
    return stream;
  }

  // ---------- commands ----------

  private execute(args: readonly string[], env: CallEnv): RunResult {
    const key = commandKey(args);
    switch (key) {
      case 'version':
        return ok(`${JSON.stringify({ Client: { Version: '28.5.1' }, Server: { Version: '28.5.1' } })}\n`);
      case 'ps':
        return this.ps(args.slice(1));
      case 'container inspect':
        return this.inspect(args.slice(2));
      case 'image inspect': {
        const ref = args[args.length - 1] ?? '';
        // By id, with its labels (the core compares them with a container's): the fake's images have none.
        if (args.includes('{{json .Config.Labels}}')) {
          return [...this.imageIds.values()].includes(ref) ? ok('null\n') : fail(`Error response from daemon: No such image: ${ref}`);
        }
        return this.images.has(ref) ? ok(`${this.imageId(ref)}\n`) : fail(`Error response from daemon: No such image: ${ref}`);
      }
      case 'volume create':
        return reading(
          () => readVolumeCreate(args),
          ([name, labels]) => ok(`${this.addVolume(name, labels)}\n`),
        );
      case 'volume inspect':
        return this.volumeInspect(args.slice(2));
      case 'volume rm':
        return this.volumeRemove(args.slice(2));
      case 'volume ls':
        return this.volumeList(args.slice(2));
      case 'create':
      case 'run': {
        // A data helper (`run --rm … sh -c <copy script>`): its mounts make their volumes; it prints du's answer.
        if (args[1] === '--rm')
          return reading(
            () => readHelperRun(args),
            ([, , mounts]) => this.helper(mounts),
          );
        // An instance (`create`, or `run --detach` of a new version's container), or an upgrade's worker.
        const created = reading([() => instanceContainer(readCreate(args, env)[0]), () => workerContainer(readWorkerRun(args, env)[0])], (spec) =>
          this.create(spec),
        );
        // `run --detach`: create, then start; a failed start leaves the container created, as docker does.
        if (key === 'create' || created.code !== 0) return created;
        const c = this.containers.get(created.stdout.trim()) as FakeContainer;
        const started = this.start(c);
        return started.code === 0 ? created : { stdout: '', stderr: `docker: ${started.stderr}`, code: 125 };
      }
      case 'start':
        return this.withContainer(args[args.length - 1], (c) => this.start(c));
      case 'stop':
        return this.withContainer(args[args.length - 1], (c) => this.stop(c));
      case 'pause':
        return this.withContainer(args[1], (c) => {
          if (c.state === 'paused') return fail(`Error response from daemon: Container ${c.id} is already paused`);
          if (c.state !== 'running') return fail(`Error response from daemon: Container ${c.id} is not running`);
          c.state = 'paused';
          this.emit(c, 'pause');
          return ok(`${c.id}\n`);
        });
      case 'unpause':
        return this.withContainer(args[1], (c) => {
          if (c.state !== 'paused') return fail(`Error response from daemon: Container ${c.id} is not paused`);
          c.state = 'running';
          this.emit(c, 'unpause');
          return ok(`${c.id}\n`);
        });
      case 'rename':
        return this.withContainer(args[1], (c) => {
          const to = args[2] ?? '';
          const clash = this.find(to);
          if (clash && clash !== c) return fail(`Error response from daemon: Conflict. The container name "/${to}" is already in use`);
          c.name = to;
          this.emit(c, 'rename');
          return ok();
        });
      case 'stats':
        return reading(
          () => readStats(args),
          ([ids]) => this.statsOf(ids),
        );
      case 'system':
        return this.diskUsage();
      case 'image ls': {
        const repo = args[args.length - 1] ?? '';
        const tags = [...this.images].filter((ref) => ref.startsWith(`${repo}:`)).map((ref) => ref.slice(repo.length + 1));
        return ok(tags.map((Tag) => `${JSON.stringify({ Repository: repo, Tag, ID: hex(12) })}\n`).join(''));
      }
      case 'restart':
        return this.withContainer(args[args.length - 1], (c) => {
          this.stop(c);
          const r = this.start(c);
          if (r.code === 0) this.emit(c, 'restart');
          return r;
        });
      case 'rm':
        return reading(
          () => readRemove(args),
          (ids) => this.eachContainer(ids, (c) => this.remove(c)),
        );
      case 'logs':
        return reading(
          () => readLogs(args),
          ([id, { tail }]) =>
            this.withContainer(id, (c) =>
              ok(
                lastLines(c.logs, tail)
                  .map((l) => `${l}\n`)
                  .join(''),
              ),
            ),
        );
      case 'exec':
        return this.withContainer(args[1], (c) => {
          if (c.state === 'paused') return fail(`Error response from daemon: Container ${c.id} is paused, unpause the container before exec`, 1);
          if (c.state !== 'running') return fail(`Error response from daemon: container ${c.id} is not running`, 1);
          // An engine's readiness probe answers as the server does; Dockbase's upgrade scripts are answered per
          // image tag, the credential scripts are played by exec().
          const answer = this.answerScript(c, args[4] ?? '', args[6]);
          if (answer) return answer;
          if (this.isProbe(c, args)) return c.serverReady ? ok() : { stdout: '', stderr: '', code: 1 };
          return this.exec(c, args[4] ?? '');
        });
      default:
        return fail(`docker: unknown command: docker ${args.join(' ')}`, 125);
    }
  }

  /**
   * What the servers' own tools print for Dockbase's upgrade scripts: the version of the image's tag (the
   * tag's numbers, then ".0"), MongoDB's FCV equal to it, and for PostgreSQL's dump and restore the same rows
   * on both sides. Undefined for any other script (a probe, an export).
   */
  private answerScript(c: FakeContainer, script: string, arg: string | undefined): RunResult | undefined {
    const tagOf = (x: FakeContainer) => splitImageRef(x.image).tag;
    const version = (x: FakeContainer) => `${/^[\d.]+/.exec(tagOf(x))?.[0] ?? tagOf(x)}.0`;
    // An export's dump: a file of 2 KiB in the container; Dockbase's cancel script removes it.
    if (arg && ENGINES.some((e) => script === exportScript(e))) {
      this.containerFiles.set(`${c.id}:${arg}`, 2048);
      return ok('dockbase-progress 1024\ndockbase-size 2048\n');
    }
    if (arg && script === CANCEL_SCRIPT) {
      this.containerFiles.delete(`${c.id}:${arg}`);
      return ok();
    }
    for (const e of ENGINES) {
      if (script === e.upgrade.versionScript) return ok(`${version(c)}\n`);
      if (script === e.upgrade.alignScript) return ok(`${version(c)} fcv ${tagOf(c)}\n`);
      const dr = e.upgrade.dumpRestore;
      if (!dr) continue;
      if (script === dr.versionScript) {
        // The old server, through the transfer volume, is the worker of the same upgrade ("…-from").
        const server = arg === UPGRADE_SOURCE ? (this.find(c.name.replace(/-to$/, '-from')) ?? c) : c;
        return ok(`${Number(/^\d+/.exec(tagOf(server))?.[0] ?? 0) * 10000}\n`);
      }
      if (script === dr.sizeScript) return ok('8192000\n');
      if (script === dr.fingerprintScript) return ok('app.public.items 42\n');
      if (script === dr.copyScript) return ok();
    }
    return undefined;
  }

  private find(ref: string | undefined): FakeContainer | undefined {
    if (!ref) return undefined;
    return this.containers.get(ref) ?? [...this.containers.values()].find((c) => c.name === ref);
  }

  private withContainer(ref: string | undefined, f: (c: FakeContainer) => RunResult): RunResult {
    const c = this.find(ref);
    return c ? f(c) : fail(`Error response from daemon: No such container: ${ref ?? ''}`);
  }

  /** Runs `f` per container (like `docker rm a b`): stdout of those that worked, stderr of the others. */
  private eachContainer(refs: readonly string[], f: (c: FakeContainer) => RunResult): RunResult {
    const results = refs.map((ref) => this.withContainer(ref, f));
    return {
      stdout: results.map((r) => r.stdout).join(''),
      stderr: results.map((r) => r.stderr).join(''),
      code: results.some((r) => r.code !== 0) ? 1 : 0,
    };
  }

  private matches(c: FakeContainer, filters: Array<[string, string]>): boolean {
    return filters.every(([kind, value]) => {
      if (kind === 'label') return hasLabel(c.labels, value);
      if (kind === 'container') return c.id === value || c.name === value;
      return true; // type= and event= are handled by the caller
    });
  }

  private filtersOf(args: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    args.forEach((a, i) => {
      if (a === '--filter') out.push(keyValue(args[i + 1] ?? ''));
    });
    return out;
  }

  private statusText(c: FakeContainer): string {
    if (c.state === 'created') return 'Created';
    if (c.state === 'paused') return 'Up 2 seconds (Paused)';
    if (c.state === 'exited') return `Exited (${c.exitCode}) 3 seconds ago`;
    const health = { none: '', starting: ' (health: starting)', healthy: ' (healthy)', unhealthy: ' (unhealthy)' }[c.health];
    return `Up 2 seconds${health}`;
  }

  private ps(args: readonly string[]): RunResult {
    const filters = this.filtersOf(args);
    const found = [...this.containers.values()].filter((c) => this.matches(c, filters));
    if (args.includes('--quiet')) return ok(found.map((c) => `${c.id}\n`).join(''));
    const rows = found.map((c) => ({
      Command: '"docker-entrypoint.s…"',
      CreatedAt: psTime(c.createdAt),
      ID: c.id,
      Image: c.image,
      Labels: labelString(c.labels),
      LocalVolumes: String(c.mounts.length),
      Mounts: c.mounts.map((m) => m.source).join(','),
      Names: c.name,
      Networks: 'bridge',
      Ports: (c.state === 'running' || c.state === 'paused') && c.publish ? `${c.publish.bind}:${c.publish.hostPort}->${c.publish.containerPort}/tcp` : '',
      RunningFor: '3 seconds ago',
      Size: '0B',
      State: c.state,
      Status: this.statusText(c),
    }));
    return ok(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** `container inspect a b …`: those found, and an error (exit 1) for any missing, like docker. */
  private inspect(refs: readonly string[]): RunResult {
    const found = refs.map((r) => this.find(r)).filter((c): c is FakeContainer => c !== undefined);
    const missing = refs.filter((r) => !this.find(r));
    return {
      stdout: `${JSON.stringify(
        found.map((c) => this.inspectBody(c)),
        null,
        4,
      )}\n`,
      stderr: missing.map((r) => `Error: No such container: ${r}\n`).join(''),
      code: missing.length ? 1 : 0,
    };
  }

  private inspectBody(c: FakeContainer) {
    return {
      Id: c.id,
      Created: c.createdAt.toISOString(),
      Name: `/${c.name}`,
      State: {
        Status: c.state,
        Running: c.state === 'running',
        Paused: c.state === 'paused',
        OOMKilled: c.oomKilled,
        ExitCode: c.exitCode,
        Error: c.error,
        StartedAt: c.createdAt.toISOString(),
        FinishedAt: c.state === 'exited' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
        ...(c.hasHealthcheck && c.health !== 'none' ? { Health: { Status: c.health, FailingStreak: 0, Log: [] } } : {}),
      },
      Image: this.imageId(c.image),
      Config: { Image: c.image, Env: c.env, Cmd: c.cmd, Labels: c.labels },
      HostConfig: { RestartPolicy: { Name: c.restartPolicy, MaximumRetryCount: 0 }, Memory: c.memoryBytes },
      Mounts: c.mounts.map((m) => ({ Type: 'volume', Name: m.source, Destination: m.target })),
    };
  }

  private imageId(ref: string): string {
    let id = this.imageIds.get(ref);
    if (!id) this.imageIds.set(ref, (id = `sha256:${hex(64)}`));
    return id;
  }

  /**
   * A data helper copies each `/from/<key>` volume into its `/to/<key>` volume (data-scripts.ts): the copy
   * holds the same data, which here is the password it was initialised with.
   */
  private helper(mounts: readonly HelperMount[]): RunResult {
    for (const m of mounts) this.addVolume(m.volume, m.labels);
    for (const m of mounts.filter((x) => x.target.startsWith(`${HELPER_TO}/`))) {
      const source = mounts.find((x) => x.target === `${HELPER_FROM}${m.target.slice(HELPER_TO.length)}`);
      const from = source && this.volumeData.get(source.volume);
      const to = this.volumeData.get(m.volume);
      if (from && to) to.dataPassword = from.dataPassword;
    }
    return ok('2048\t/to\n');
  }

  private volumeInspect(names: readonly string[]): RunResult {
    const missing = names.find((n) => !this.volumes.has(n));
    if (missing !== undefined) return { stdout: '[]\n', stderr: `Error response from daemon: get ${missing}: no such volume\n`, code: 1 };
    const bodies = names.map((name) => ({
      CreatedAt: (this.volumeData.get(name)?.createdAt ?? new Date()).toISOString(),
      Driver: 'local',
      Labels: this.volumes.get(name),
      Mountpoint: `/var/lib/docker/volumes/${name}/_data`,
      Name: name,
      Options: null,
      Scope: 'local',
    }));
    return ok(`${JSON.stringify(bodies, null, 4)}\n`);
  }

  private volumeRemove(names: readonly string[]): RunResult {
    const errors: string[] = [];
    const removed: string[] = [];
    for (const name of names) {
      const user = [...this.containers.values()].find((c) => c.mounts.some((m) => m.source === name));
      if (!this.volumes.has(name)) errors.push(`Error response from daemon: get ${name}: no such volume`);
      else if (user) errors.push(`Error response from daemon: remove ${name}: volume is in use - [${user.id}]`);
      else {
        this.volumes.delete(name);
        this.volumeData.delete(name);
        removed.push(name);
      }
    }
    return { stdout: removed.map((n) => `${n}\n`).join(''), stderr: errors.map((e) => `${e}\n`).join(''), code: errors.length ? 1 : 0 };
  }

  private newContainer(init: { name: string; image: string; labels: Record<string, string> }): FakeContainer {
    const c: FakeContainer = {
      id: hex(64),
      ...init,
      env: [],
      cmd: [],
      state: 'created',
      health: 'none',
      hasHealthcheck: false,
      serverReady: false,
      exitCode: 0,
      createdAt: new Date(),
      publish: undefined,
      mounts: [],
      logs: [],
      restartPolicy: 'no',
      memoryBytes: 0,
      oomKilled: false,
      error: '',
      stats: { cpu: '0.50%', mem: '24MiB / 7.6GiB' },
    };
    this.containers.set(c.id, c);
    return c;
  }

  private create(spec: NewContainer): RunResult {
    const { name, image, labels, mounts, ...config } = spec;
    const clash = this.find(name);
    if (clash) {
      return fail(
        `Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        125,
      );
    }
    if (!this.images.has(image)) return fail(`Error response from daemon: No such image: ${image}`, 125);
    const c = Object.assign(this.newContainer({ name, image, labels: { ...labels } }), config);
    // A missing volume is created by the mount, with its volume-labels.
    c.mounts.push(...mounts.map((m) => ({ source: this.addVolume(m.volume, m.labels), target: m.target })));
    this.emit(c, 'create');
    return ok(`${c.id}\n`);
  }

  private start(c: FakeContainer): RunResult {
    if (c.state === 'running') return ok(`${c.id}\n`);
    const p = c.publish;
    if (p) {
      const holder = [...this.containers.values()].find((o) => o !== c && o.state === 'running' && o.publish?.hostPort === p.hostPort);
      const error = holder
        ? `driver failed programming external connectivity on endpoint ${c.name} (${c.id}): Bind for ${p.bind}:${p.hostPort} failed: port is already allocated`
        : this.portsTakenOutsideDocker.has(p.hostPort)
          ? `driver failed programming external connectivity on endpoint ${c.name} (${c.id}): Error starting userland proxy: listen tcp4 ${p.bind}:${p.hostPort}: bind: address already in use`
          : undefined;
      if (error) {
        // Like docker: the container keeps the reason and exit code 128 until it starts.
        c.error = error;
        c.exitCode = 128;
        return fail(`Error response from daemon: ${error}`);
      }
    }
    c.state = 'running';
    c.exitCode = 0;
    c.error = '';
    c.oomKilled = false;
    this.initialiseData(c);
    c.health = c.hasHealthcheck ? this.healthOnStart : 'none';
    c.serverReady = c.health !== 'starting';
    this.emit(c, 'start');
    if (c.health === 'healthy') this.emit(c, 'health_status: healthy');
    return ok(`${c.id}\n`);
  }

  private remove(c: FakeContainer): RunResult {
    if (c.state === 'running' || c.state === 'paused') this.emit(c, 'kill', 'die');
    this.containers.delete(c.id);
    this.emit(c, 'destroy');
    for (const f of this.logFollowers) {
      if (f.id !== c.id) continue;
      f.stream.close(0);
      this.logFollowers.delete(f);
    }
    return ok(`${c.id}\n`);
  }

  private stop(c: FakeContainer): RunResult {
    if (c.state === 'running' || c.state === 'paused') {
      c.state = 'exited';
      c.exitCode = 0;
      c.health = 'none';
      this.emit(c, 'kill', 'die', 'stop');
    }
    return ok(`${c.id}\n`);
  }

  /** Makes the volume unless it exists (labels are only given to a new one); its name. */
  private addVolume(name: string, given: Readonly<Record<string, string>> = {}): string {
    if (this.volumes.has(name)) return name;
    const labels = { ...given };
    this.volumes.set(name, labels);
    this.volumeData.set(name, { labels, size: '48.2MB', createdAt: new Date(Date.UTC(2026, 10, 20, 10)) });
    return name;
  }

  private engineOf(c: FakeContainer): EngineId | undefined {
    const id = c.labels[LABEL.engine];
    return ENGINES.find((e) => e.id === id)?.id;
  }

  /** An empty data volume takes the container's password, as the engines' init scripts do. */
  private initialiseData(c: FakeContainer): void {
    const engine = this.engineOf(c);
    if (!engine || !getEngine(engine).passwordInData) return;
    const password = getEngine(engine).readPassword({ env: c.env, cmd: c.cmd });
    for (const m of c.mounts) {
      const data = this.volumeData.get(m.source);
      if (data && data.dataPassword === undefined) data.dataPassword = password;
    }
  }

  /** Whether an exec is the engine's readiness probe (probeArgs, or its wait: waitReadyArgs) rather than a credential script. */
  private isProbe(c: FakeContainer, args: readonly string[]): boolean {
    const engineId = this.engineOf(c);
    if (!engineId) return true;
    const probe = getEngine(engineId).healthcheck(getEngine(engineId).containerPort).command;
    return args[4] === probe || args[4] === readinessWaitScript(probe);
  }

  private exec(c: FakeContainer, script: string): RunResult {
    const engineId = this.engineOf(c);
    if (!engineId) return ok();
    const engine = getEngine(engineId);
    const configured = engine.readPassword({ env: c.env, cmd: c.cmd });
    const data = c.mounts.map((m) => this.volumeData.get(m.source)).find((d) => d?.dataPassword !== undefined);
    if (script === engine.verifyPassword(engine.containerPort)) {
      if (!engine.passwordInData || !data || data.dataPassword === configured) return ok();
      return fail(`${engine.clientName}: authentication failed for user "${engine.defaultUser}"`, 2);
    }
    if (engine.applyPassword && script === engine.applyPassword) {
      for (const m of c.mounts) {
        const d = this.volumeData.get(m.source);
        if (d) d.dataPassword = configured;
      }
      return ok();
    }
    return ok();
  }

  private statsOf(refs: readonly string[]): RunResult {
    const lines = refs.map((r) => this.find(r)).filter((c): c is FakeContainer => c?.state === 'running');
    return ok(lines.map((c) => `${JSON.stringify({ ID: c.id, Name: c.name, CPUPerc: c.stats.cpu, MemUsage: c.stats.mem })}\n`).join(''));
  }

  private diskUsage(): RunResult {
    const volumes = [...this.volumeData].map(([Name, v]) => ({ Name, Size: v.size, Labels: '', Links: '0' }));
    return ok(`${JSON.stringify(volumes)}\n`);
  }

  /** `volume ls [--quiet] [--filter label=k[=v]] [--filter dangling=true] [--format '{{json .}}']`. */
  private volumeList(args: readonly string[]): RunResult {
    const filters = this.filtersOf(args);
    const used = new Set([...this.containers.values()].flatMap((c) => c.mounts.map((m) => m.source)));
    const rows = [...this.volumes].filter(([name, labels]) =>
      filters.every(([k, v]) => (k === 'dangling' ? (v === 'true') !== used.has(name) : k !== 'label' || hasLabel(labels, v))),
    );
    if (args.includes('--quiet')) return ok(rows.map(([name]) => `${name}\n`).join(''));
    return ok(rows.map(([Name, labels]) => `${JSON.stringify({ Name, Driver: 'local', Labels: labelString(labels) })}\n`).join(''));
  }

  // ---------- streams ----------

  private emit(c: FakeContainer, ...actions: string[]): void {
    for (const action of actions) {
      const line = JSON.stringify({
        status: action,
        id: c.id,
        from: c.image,
        Type: 'container',
        Action: action,
        Actor: { ID: c.id, Attributes: { ...c.labels, image: c.image, name: c.name } },
        scope: 'local',
        time: Math.floor(Date.now() / 1000),
        timeNano: Date.now() * 1_000_000,
      });
      const bare = action.split(':')[0] ?? action;
      for (const e of this.eventStreams) {
        const events = e.filters.filter(([k]) => k === 'event').map(([, v]) => v);
        if ((events.length === 0 || events.includes(bare)) && this.matches(c, e.filters)) {
          void Promise.resolve().then(() => e.stream.line(line));
        }
      }
    }
  }

  private startEvents(stream: FakeStream, args: readonly string[]): void {
    const entry: EventStream = { stream, filters: this.filtersOf(args) };
    this.eventStreams.add(entry);
    stream.onCancel.push(() => this.eventStreams.delete(entry));
  }

  private startFollow(stream: FakeStream, args: readonly string[]): void {
    const r = reading(
      () => readLogs(args),
      ([id, { tail }]) =>
        this.withContainer(id, (c) => {
          for (const l of lastLines(c.logs, tail)) stream.line(l);
          const follower = { id: c.id, stream };
          this.logFollowers.add(follower);
          stream.onCancel.push(() => this.logFollowers.delete(follower));
          return ok();
        }),
    );
    if (r.code === 0) return;
    for (const l of r.stderr.split('\n').filter(Boolean)) stream.line(l, 'stderr');
    stream.close(r.code);
  }

  private startPull(stream: FakeStream, ref: string): void {
    if (this.missingImages.has(ref)) {
      stream.line(`Error response from daemon: manifest for ${ref} not found: manifest unknown: manifest unknown`, 'stderr');
      stream.close(1);
      return;
    }
    const { image: repo, tag } = splitImageRef(ref);
    stream.line(`${tag}: Pulling from ${repo.includes('/') ? repo : `library/${repo}`}`);
    for (const id of LAYERS) stream.line(`${id}: Pulling fs layer`);
    const hold = this.pullHold;
    if (hold) {
      this.pullHold = undefined;
      hold(stream, ref);
      return;
    }
    for (const id of LAYERS) for (const text of ['Download complete', 'Pull complete']) stream.line(`${id}: ${text}`);
    this.finishPull(stream, ref);
  }

  private finishPull(stream: FakeStream, ref: string): void {
    if (stream.closed) return;
    stream.line(`Digest: sha256:${hex(64)}`);
    stream.line(`Status: Downloaded newer image for ${ref}`);
    stream.line(ref);
    this.images.add(ref);
    stream.close(0);
  }
}
