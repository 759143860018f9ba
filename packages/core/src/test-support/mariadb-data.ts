/**
 * A scripted docker with one MariaDB instance, shop, and a snapshot "first" whose data keeps an older
 * password: for the tests of a restore given the snapshot's password (the core's runner, the CLI).
 */
import type { DockerCli, RunOptions } from '@dockbase/docker-cli';
import { getEngine } from '../engines';
import { containerLabels, snapshotManifestLabels } from '../model/labels';
import type { Snapshot } from '../model/snapshot-model';
import { scripted } from './scripted-cli';

export const SHOP_ID = 'abcdefabcdef';
export const SHOP_VOLUME = 'dockbase-shop-data';
/** shop's password, which its data keeps now. */
export const SHOP_PASSWORD = 'the second password';
/** The password the data of the snapshot "first" keeps. */
export const SNAPSHOT_PASSWORD = 'the first password';
const verify = getEngine('mariadb').verifyPassword(3306);

export const SHOP_SNAPSHOT: Snapshot = {
  id: '0123456789ab',
  name: 'first',
  instanceId: SHOP_ID,
  instanceName: 'shop',
  engine: 'mariadb',
  image: 'mariadb',
  tag: '11.8',
  createdAt: '2026-11-25T18:00:00.000Z',
  sizeBytes: 2048 * 1024,
  reason: 'manual',
  manifestVolume: 'dockbase-shop-0123456789ab',
  volumes: [{ key: 'data', path: '/var/lib/mysql', volume: 'dockbase-shop-0123456789ab-data' }],
};

interface FakeContainer {
  id: string;
  name: string;
  password: string;
  running: boolean;
}

/**
 * Docker with one MariaDB instance, shop, and the snapshot "first": containers, volumes and the password each
 * volume's data keeps, as the engine does (a helper's copy carries it; the client authenticates only with it).
 * It takes secrets through its environment (passesEnv), as the backend's and the CLI's docker do.
 */
export function mariadbDocker(options: { running?: boolean } = {}) {
  const data = new Map<string, string>([
    [SHOP_VOLUME, SHOP_PASSWORD],
    [SHOP_SNAPSHOT.volumes[0]!.volume, SNAPSHOT_PASSWORD],
  ]);
  const containers = new Map<string, FakeContainer>([['old', { id: 'old', name: 'shop', password: SHOP_PASSWORD, running: options.running ?? true }]]);
  const envs: Array<Record<string, string>> = [];
  let made = 0;
  const named = () => [...containers.values()].find((c) => c.name === 'shop');
  const labels = containerLabels({
    id: SHOP_ID,
    engine: 'mariadb',
    name: 'shop',
    image: 'mariadb',
    tag: '11.8',
    hostPort: 3306,
    bindAddress: '127.0.0.1',
    volumes: [SHOP_VOLUME],
  });
  const psRow = (c: FakeContainer) =>
    `${JSON.stringify({
      ID: c.id,
      Names: c.name,
      Image: 'mariadb:11.8',
      Labels: Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      State: c.running ? 'running' : 'exited',
      Status: c.running ? 'Up 1 minute (healthy)' : 'Exited (0) 1 minute ago',
      Ports: '',
      CreatedAt: '2026-11-25 18:00:00 +0000 UTC',
    })}\n`;
  const inspect = (c: FakeContainer) =>
    JSON.stringify([
      {
        Id: c.id,
        Name: `/${c.name}`,
        Image: `sha256:${'e'.repeat(64)}`,
        Config: { Env: [`MARIADB_ROOT_PASSWORD=${c.password}`, 'MARIADB_AUTO_UPGRADE=1'], Cmd: [], Labels: labels },
        State: { Status: c.running ? 'running' : 'exited', ExitCode: 0 },
        HostConfig: { RestartPolicy: { Name: 'no' }, Memory: 0 },
        Mounts: [{ Type: 'volume', Name: SHOP_VOLUME, Destination: '/var/lib/mysql' }],
      },
    ]);
  const mountsOf = (args: readonly string[]) =>
    args
      .filter((_a, i) => args[i - 1] === '--mount')
      .map((m) => Object.fromEntries(m.split(',').map((kv) => kv.split('=') as [string, string])) as Record<string, string>);
  const inner = scripted([
    ['ps --all --no-trunc --filter', () => ({ stdout: named() ? psRow(named()!) : '' })],
    ['ps --all --quiet --no-trunc --filter', () => ({ stdout: [...containers.keys()].join('\n') })],
    ['volume ls --quiet --filter label=io.dockbase.snapshot.role=manifest', { stdout: `${SHOP_SNAPSHOT.manifestVolume}\n` }],
    ['volume inspect', { stdout: JSON.stringify([{ Name: SHOP_SNAPSHOT.manifestVolume, Labels: snapshotManifestLabels(SHOP_SNAPSHOT) }]) }],
    ['container inspect', (args) => (containers.has(args[2]!) ? { stdout: inspect(containers.get(args[2]!)!) } : { code: 1, stderr: 'No such container' })],
    ['image inspect', { stdout: 'null\n' }],
    [
      'stop',
      (args) => {
        containers.get(args.at(-1)!)!.running = false;
        return {};
      },
    ],
    [
      'start',
      (args) => {
        containers.get(args.at(-1)!)!.running = true;
        return {};
      },
    ],
    [
      'rename',
      (args) => {
        containers.get(args[1]!)!.name = args[2]!;
        return {};
      },
    ],
    [
      'rm --force',
      (args) => {
        for (const id of args.slice(3)) containers.delete(id);
        return {};
      },
    ],
    [
      'run --rm',
      (args) => {
        // A data helper: each /to/<key> volume gets a copy of its /from/<key> one.
        const mounts = mountsOf(args);
        for (const to of mounts.filter((m) => m.target?.startsWith('/to/'))) {
          const from = mounts.find((m) => m.target === `/from/${to.target!.slice('/to/'.length)}`);
          if (from) data.set(to.source!, data.get(from.source!)!);
        }
        return { stdout: '2048\t/to\n' };
      },
    ],
    [
      'run --detach',
      () => {
        const id = `new${++made}`;
        containers.set(id, { id, name: 'shop', password: envs.at(-1)?.MARIADB_ROOT_PASSWORD ?? '', running: true });
        return { stdout: `${id}\n` };
      },
    ],
    [
      'exec',
      (args) => {
        const c = containers.get(args[1]!);
        if (!c?.running) return { code: 1, stderr: `container ${args[1]} is not running` };
        // The client authenticates only with the password the data keeps; anything else (the probe) answers.
        if (args[4] === verify) return c.password === data.get(SHOP_VOLUME) ? {} : { code: 1, stderr: 'Access denied for user root' };
        return {};
      },
    ],
  ]);
  const cli: DockerCli & typeof inner = {
    ...inner,
    passesEnv: true,
    run: (args: readonly string[], runOptions?: RunOptions) => {
      if (runOptions?.env) envs.push({ ...runOptions.env });
      return inner.run(args, runOptions);
    },
  };
  return { cli, containers, data, envs, named };
}
