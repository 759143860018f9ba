import {
  HostFileError,
  type DockerCli,
  type HostFiles,
  type RunResult,
  type SaveTarget,
  type SendSource,
  type StreamHandle,
  type StreamHandlers,
} from '@dockbase/docker-cli';

export type Reply = Partial<RunResult> | ((args: readonly string[]) => Partial<RunResult>);

/**
 * A scripted DockerCli: answers by the first matching argv prefix (the argv joined with spaces) and records
 * every call. The core's tests and the CLI's use it (the CLI through `@dockbase/core/test-support`). Its
 * HostFiles answer the same way: a non-zero code rejects as docker's failure; `copies` records where each
 * file went or came from (a save lands at `<directory>/<stem><extension>`).
 */
export function scripted(rules: Array<[string, Reply]>): DockerCli & { calls: string[][]; copies: Array<SaveTarget | SendSource>; files: HostFiles } {
  const calls: string[][] = [];
  const copies: Array<SaveTarget | SendSource> = [];
  const copy = (args: readonly string[], target: SaveTarget | SendSource): RunResult => {
    calls.push([...args]);
    copies.push(target);
    const r = answer(args);
    if (r.code !== 0) throw new HostFileError('docker', r.stderr);
    return r;
  };
  const answer = (args: readonly string[]): RunResult => {
    const line = args.join(' ');
    const rule = rules.find(([prefix]) => line.startsWith(prefix));
    const reply = rule ? (typeof rule[1] === 'function' ? rule[1](args) : rule[1]) : {};
    return { stdout: '', stderr: '', code: 0, ...reply };
  };
  return {
    calls,
    copies,
    files: {
      async save(args, to) {
        const r = copy(args, to);
        return { path: `${to.directory}/${to.stem}${to.extension}`, sizeBytes: Number(r.stdout) || 0 };
      },
      async send(args, from) {
        copy(args, from);
        return { sizeBytes: 0 };
      },
    },
    async run(args) {
      calls.push([...args]);
      return answer(args);
    },
    stream(args, handlers: StreamHandlers): StreamHandle {
      calls.push([...args]);
      const r = answer(args);
      const done = Promise.resolve().then(() => {
        r.stdout
          .split('\n')
          .filter(Boolean)
          .forEach((l) => handlers.onLine(l, 'stdout'));
        r.stderr
          .split('\n')
          .filter(Boolean)
          .forEach((l) => handlers.onLine(l, 'stderr'));
        return r.code;
      });
      return { cancel: () => undefined, done };
    },
  };
}

/**
 * The answers the ownership check (InstanceLifecycle.owned) reads: the container's inspect with Dockbase's
 * labels of its own, and an image without labels. Put them before broader rules.
 */
export function ownedContainer(labels: Record<string, string>, extra: Record<string, unknown> = {}): Array<[string, Reply]> {
  return [
    [
      'container inspect',
      {
        stdout: JSON.stringify([
          { Id: 'cid', Image: `sha256:${'e'.repeat(64)}`, Config: { Labels: labels, Env: [], Cmd: [] }, State: { Status: 'running' }, ...extra },
        ]),
      },
    ],
    ['image inspect --format {{json .Config.Labels}}', { stdout: 'null\n' }],
  ];
}

export { SHOP_ID, SHOP_PASSWORD, SHOP_SNAPSHOT, SHOP_VOLUME, SNAPSHOT_PASSWORD, mariadbDocker } from './mariadb-data';
