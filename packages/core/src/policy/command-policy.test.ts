import { describe, expect, it } from 'vitest';
import type { DockerCli, RunOptions } from '@dockbase/docker-cli';
import * as argv from '../docker/commands';
import { createContainerArgs, createContainerEnv, type CreatePlan } from '../docker/create';
import { COMMAND_SHAPES, checkCommand } from './command-policy';
import { FILE_COPY_BUILDERS, checkSave, checkSend } from './data-policy';
import {
  CANCEL_SCRIPT,
  COPY_VOLUMES_SCRIPT,
  copyVolumesScript,
  MEASURE_VOLUMES_SCRIPT,
  RDB_HEADER_SCRIPT,
  REPLACE_VOLUMES_SCRIPT,
  SNIFF_SCRIPT,
  exportScript,
  importScript,
} from '../docker/data-scripts';
import { createDockbase } from '../dockbase';
import { ENGINES, getEngine } from '../engines';
import { volumeName } from '../model/instance';
import { keptSettingsLabels } from '../model/labels';
import { scripted } from '../test-support/scripted-cli';

const CID = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const IMAGE = `sha256:${'c'.repeat(64)}`;
const HOSTILE = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;

function plan(engine: CreatePlan['engine'], over: Partial<CreatePlan> = {}): CreatePlan {
  const e = getEngine(engine);
  const tag = e.defaultTag;
  return {
    id: '0123456789ab',
    dataId: '0123456789ab',
    name: `my-${engine}`,
    engine,
    image: e.image,
    tag,
    hostPort: 40000,
    bindAddress: '127.0.0.1',
    password: HOSTILE,
    volumes: e.dataMounts(tag).map((mount) => ({ name: volumeName(`my-${engine}`, mount.key), mount })),
    ...over,
  };
}

const allowed = (args: readonly string[], env: Record<string, string> = {}) => checkCommand(args, env);
const refused = (args: readonly string[], env: Record<string, string> = {}) => {
  const verdict = checkCommand(args, env);
  return verdict.allowed ? undefined : verdict.reason;
};

describe('the command policy: what the core builds passes', () => {
  it.each(ENGINES.map((e) => e.id))('%s: create and run, with the secret in argv or in the environment, persisted or not', (engine) => {
    for (const start of [false, true]) {
      for (const p of [
        plan(engine),
        plan(engine, { volumes: [], dataId: undefined }),
        plan(engine, { bindAddress: '0.0.0.0', image: 'registry.example.com:5000/mirror/x' }),
        plan(engine, { dataId: 'ffffffffffff' }),
        // An instance of a project (dockbase.yaml), and a git branch's copy of one.
        plan(engine, { project: { name: 'shop', path: '/home/me/my shop, v2' } }),
        plan(engine, { project: { name: 'shop', path: 'C:\\Users\\me\\shop', branch: 'feature/a=b' } }),
      ]) {
        expect(allowed(createContainerArgs(p, { start }))).toMatchObject({ allowed: true, containers: [], volumes: [] });
        const args = createContainerArgs(p, { start, secretEnv: true });
        expect(allowed(args, createContainerEnv(p))).toMatchObject({ allowed: true });
      }
    }
  });

  it('every other builder, with the containers and volumes it touches', () => {
    expect(allowed(argv.listInstancesArgs())).toMatchObject({ allowed: true, containers: [] });
    expect(allowed(argv.listAllContainersArgs())).toMatchObject({ allowed: true });
    expect(allowed(argv.instanceByIdArgs('0123456789ab'))).toMatchObject({ allowed: true });
    expect(allowed(argv.containerIdsOfInstanceArgs('0123456789ab'))).toMatchObject({ allowed: true });
    expect(allowed(argv.inspectContainerArgs(CID))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.imageExistsArgs('127.0.0.1:5000/dockbase-test/redis:7.0'))).toMatchObject({ allowed: true });
    expect(allowed(argv.imageLabelsArgs(IMAGE))).toMatchObject({ allowed: true });
    expect(allowed(argv.pullArgs('postgres:17'))).toMatchObject({ allowed: true });
    // The image check before a pull: plain HTTP only for a registry on this machine.
    expect(allowed(argv.manifestInspectArgs('postgis/postgis:17-3.5'))).toMatchObject({ allowed: true });
    expect(argv.manifestInspectArgs('127.0.0.1:5000/dockbase-test/postgis-debian:17-3.5')).toEqual([
      'manifest',
      'inspect',
      '--insecure',
      '--verbose',
      '127.0.0.1:5000/dockbase-test/postgis-debian:17-3.5',
    ]);
    expect(allowed(argv.manifestInspectArgs('127.0.0.1:5000/dockbase-test/postgis-debian:17-3.5'))).toMatchObject({ allowed: true });
    expect(allowed(argv.volumeInspectArgs(['dockbase-x-data']))).toMatchObject({ allowed: true, volumes: [] });
    expect(allowed(argv.volumeRemoveArgs(['dockbase-x-db', 'dockbase-x-configdb']))).toMatchObject({
      allowed: true,
      volumes: ['dockbase-x-db', 'dockbase-x-configdb'],
    });
    expect(allowed(argv.startArgs(CID))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.stopArgs(CID, 30))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.restartArgs(CID, 10))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.removeContainerArgs(CID, OTHER))).toMatchObject({ allowed: true, containers: [CID, OTHER] });
    for (const options of [{ tail: 200 }, { tail: 'all' as const, follow: true }, { tail: 0, timestamps: true, follow: true }]) {
      expect(allowed(argv.logsArgs(CID, options))).toMatchObject({ allowed: true, containers: [CID] });
    }
    expect(allowed(argv.eventsArgs())).toMatchObject({ allowed: true });
    expect(allowed(argv.healthEventsArgs(CID))).toMatchObject({ allowed: true, containers: [CID] });
    for (const e of ENGINES) expect(allowed(argv.probeArgs(CID, e.id))).toMatchObject({ allowed: true, containers: [CID] });
    for (const e of ENGINES)
      expect(allowed(argv.waitReadyArgs(CID, e.id))).toMatchObject({ allowed: true, name: 'wait until an instance answers', containers: [CID] });
    expect(allowed(argv.versionArgs())).toMatchObject({ allowed: true });
    // Everyday use.
    expect(allowed(argv.pauseArgs(CID))).toMatchObject({ allowed: true, name: 'pause an instance', containers: [CID] });
    expect(allowed(argv.unpauseArgs(CID))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.renameArgs(CID, 'my-db-previous-0a1b2c'))).toMatchObject({ allowed: true, containers: [CID] });
    for (const e of ENGINES) expect(allowed(argv.verifyPasswordArgs(CID, e.id))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.applyPasswordArgs(CID, 'postgres'))).toMatchObject({ allowed: true, containers: [CID] });
    expect(allowed(argv.inspectContainersArgs([CID, OTHER]))).toMatchObject({ allowed: true, containers: [CID, OTHER] });
    expect(allowed(argv.keptVolumesArgs())).toMatchObject({ allowed: true });
    expect(allowed(argv.leftBehindVolumesArgs())).toMatchObject({ allowed: true, name: 'list what deleted instances left and the snapshots', volumes: [] });
    expect(allowed(argv.volumeSizesArgs())).toMatchObject({ allowed: true });
    expect(allowed(argv.statsArgs([CID, OTHER]))).toMatchObject({ allowed: true, containers: [CID, OTHER] });
    expect(allowed(argv.localImagesArgs('127.0.0.1:5000/dockbase-test/redis'))).toMatchObject({ allowed: true });
  });

  it.each(ENGINES.map((e) => e.id))(
    '%s: create with a restart policy, a memory limit, a user and a database, the secrets in argv or the environment',
    (engine) => {
      const e = getEngine(engine);
      const p = plan(engine, {
        restartPolicy: 'unless-stopped',
        memoryBytes: 256 * 1024 * 1024,
        ...(e.accountVariables.user ? { user: 'app' } : {}),
        ...(e.accountVariables.database ? { database: 'shop' } : {}),
      });
      expect(allowed(createContainerArgs(p, { start: true }))).toMatchObject({ allowed: true });
      const args = createContainerArgs(p, { start: true, secretEnv: true });
      expect(args.join(' ')).not.toContain(HOSTILE);
      expect(allowed(args, createContainerEnv(p))).toMatchObject({ allowed: true });
    },
  );

  it('has a shape for every builder argv.ts exports: a new docker call cannot be forgotten', () => {
    const builders = Object.entries(argv).filter(([name, v]) => name.endsWith('Args') && typeof v === 'function');
    expect(builders.length).toBeGreaterThanOrEqual(20);
    // The two file copies are checked by checkSave/checkSend, with where the file goes, never through /api/exec.
    const shaped = new Set([...COMMAND_SHAPES.map((s) => s.builder), ...FILE_COPY_BUILDERS]);
    expect(builders.filter(([, fn]) => !shaped.has(fn as never)).map(([name]) => name)).toEqual([]);
  });

  it('every call the core makes through its use cases passes, each engine, both ways of passing the secret', async () => {
    for (const passesEnv of [false, true]) {
      for (const engine of ENGINES) {
        const seen: string[][] = [];
        const cli = policed(engineScript(engine.id), passesEnv, seen);
        const dockbase = createDockbase(cli);
        const input = { engine: engine.id, name: 'pol', tag: engine.defaultTag, hostPort: 41000, password: HOSTILE, persistData: true, exposeOnNetwork: false };
        const created = await dockbase.creation.create(input, { start: true });
        const [listed] = await dockbase.lifecycle.list();
        const instance = listed!;
        await dockbase.readiness.waitUntilReady({ ...created, containerId: instance.containerId });
        await dockbase.readiness.waitUntilHealthy(instance);
        await dockbase.lifecycle.stop(instance);
        await dockbase.lifecycle.start(instance);
        await dockbase.lifecycle.restart(instance);
        await dockbase.lifecycle.logs(instance);
        dockbase.lifecycle.followLogs(instance, () => undefined).cancel();
        dockbase.lifecycle.watch(() => undefined).cancel();
        await dockbase.lifecycle.connection(instance);
        await dockbase.lifecycle.ping();
        await dockbase.pull('postgres:17');
        await dockbase.credentials.verify(instance);
        if (engine.applyPassword) await dockbase.credentials.apply(instance);
        await dockbase.keptData.list();
        await dockbase.resources.measure([instance]);
        await dockbase.creation.localTags(engine.image);
        await dockbase.lifecycle.remove(instance, { removeData: true });
        expect(seen.length).toBeGreaterThan(15);
        if (passesEnv) expect(seen.flat().join('\n')).not.toContain(HOSTILE);
      }
    }
  });
});

/** A scripted engine whose every call must pass the policy (the way the standalone host runs them). */
function policed(script: ReturnType<typeof scripted>, passesEnv: boolean, seen: string[][]): DockerCli {
  const check = (args: readonly string[], options: RunOptions = {}) => {
    const verdict = checkCommand(args, options.env ?? {});
    if (!verdict.allowed) throw new Error(`refused ${args.slice(0, 2).join(' ')}: ${verdict.reason}`);
    seen.push([...args]);
  };
  return {
    passesEnv,
    run: (args, options) => {
      check(args, options);
      return script.run(args, options);
    },
    stream: (args, handlers) => {
      check(args);
      return script.stream(args, handlers);
    },
  };
}

function engineScript(engine: CreatePlan['engine']) {
  const e = getEngine(engine);
  const labels = (id: string) => ({ 'io.dockbase.instance': id, 'io.dockbase.engine': engine, 'io.dockbase.name': 'pol' });
  let id = '';
  return scripted([
    ['ps --all --no-trunc --format', { stdout: '' }],
    ['image inspect --format {{.Id}}', { stdout: `${IMAGE}\n` }],
    [
      'volume inspect',
      (a) =>
        id
          ? {
              stdout: JSON.stringify([
                {
                  Name: a[2],
                  Labels: {
                    'io.dockbase.volume': (a[2] as string).split('-').at(-1),
                    'io.dockbase.engine': engine,
                    'io.dockbase.name': 'pol',
                    'io.dockbase.instance': id,
                  },
                },
              ]),
            }
          : { code: 1, stderr: 'Error: No such volume' },
    ],
    [
      'run --detach',
      (a) => {
        id = (a.find((x) => x.startsWith('io.dockbase.instance=')) ?? '').split('=')[1] as string;
        return { stdout: `${CID}\n` };
      },
    ],
    [
      'ps --all --no-trunc --filter',
      () => ({
        stdout: JSON.stringify({
          ID: CID,
          Names: 'pol',
          Image: `${e.image}:${e.defaultTag}`,
          Labels: `io.dockbase.instance=${id},io.dockbase.engine=${engine},io.dockbase.name=pol,io.dockbase.port=41000,io.dockbase.volumes=${e
            .dataMounts(e.defaultTag)
            .map((m) => `dockbase-pol-${m.key}`)
            .join(' ')},io.dockbase.data=${id}`,
          State: 'running',
          Status: 'Up 1 second (healthy)',
        }),
      }),
    ],
    [
      'container inspect',
      () => ({
        stdout: JSON.stringify([
          { Id: CID, Image: IMAGE, Config: { Labels: labels(id), Env: Object.entries(e.environment(HOSTILE)).map(([k, v]) => `${k}=${v}`), Cmd: [] } },
        ]),
      }),
    ],
    ['image inspect --format {{json', { stdout: 'null\n' }],
    ['logs', { stdout: 'Ready to accept connections tcp\nready for connections. port: 3306\n' }],
    ['events', { stdout: JSON.stringify({ Type: 'container', Action: 'health_status: healthy', Actor: { ID: CID } }) }],
  ]);
}

describe('the command policy: anything else is refused', () => {
  const run = createContainerArgs(plan('redis'), { start: true });
  const create = createContainerArgs(plan('postgres'));
  /** The create argv with `extra` among its options (right after `--pull never`). */
  const withOptions = (base: string[], ...extra: string[]) => {
    const at = base.indexOf('--pull') + 2;
    return [...base.slice(0, at), ...extra, ...base.slice(at)];
  };

  it.each([
    ['a command Dockbase never runs', ['cp', 'x:/etc/passwd', '/tmp/x']],
    ['system prune', ['system', 'prune', '-f']],
    ['volume create', ['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/etc', 'dockbase-x-data']],
    ['an empty command', []],
    ['a global option first', ['--host', 'tcp://evil:2375', 'ps']],
    ['exec of a shell', ['exec', CID, 'sh']],
    ['exec of another command', ['exec', CID, 'sh', '-c', 'cat /etc/shadow']],
    ['a readiness wait around another command', ['exec', CID, 'sh', '-c', argv.readinessWaitScript('cat /etc/shadow')]],
    ['a restart policy that loops', withOptions(create, '--restart', 'always')],
    ['a tiny memory limit', withOptions(create, '--memory', '1024')],
    ['stats streaming', ['stats', '--format', '{{json .}}', CID]],
    ['system df of everything', ['system', 'df', '--verbose']],
    ['image ls of everything', ['image', 'ls', '--format', '{{json .}}']],
    ['a rename to a name with a space', ['rename', CID, 'a b']],
    ['exec with an option first', ['exec', '--privileged', CID, 'sh', '-c', getEngine('redis').healthcheck(6379).command]],
    ['an attached run', ['run', 'alpine', 'sh']],
    ['a run not detached first', ['run', '--rm', '--detach', 'alpine']],
    ['--detach=false', ['run', '--detach=false', ...run.slice(2)]],
    ['-v', withOptions(run, '-v', '/:/host')],
    ['--volume=', withOptions(run, '--volume=/:/host')],
    ['a bind mount', withOptions(run, '--mount', 'type=bind,source=/,target=/host')],
    ['--privileged', withOptions(run, '--privileged')],
    ['--pid host', withOptions(run, '--pid', 'host')],
    ['--pid=host', withOptions(run, '--pid=host')],
    ['--cap-add', withOptions(create, '--cap-add', 'SYS_ADMIN')],
    ['--device', withOptions(create, '--device', '/dev/sda')],
    ['--security-opt', withOptions(create, '--security-opt', 'seccomp=unconfined')],
    ['--env-file', withOptions(create, '--env-file', '/etc/os-release')],
    ['--cidfile', withOptions(create, '--cidfile', '/tmp/x')],
    ['a repeated option', withOptions(create, '--name', 'other')],
    ['an abbreviated option', create.map((a) => (a === '--publish' ? '--pub' : a))],
    ['an =-joined option', [...create.slice(0, 3), `--name=${create[4]}`, ...create.slice(5)]],
    ['arguments after --', withOptions(create, '--')],
    ['a command after the image', [...run, '--privileged']],
    ['another command for the server', [...run.slice(0, -3), 'sh', '-c', 'id']],
    ['a volume of another name', create.map((a) => a.replace('source=dockbase-my-postgres-data', 'source=victim'))],
    ['a label that lies about the volumes', create.map((a) => (a === 'io.dockbase.volumes=dockbase-my-postgres-data' ? 'io.dockbase.volumes=victim' : a))],
    ['a publish on another address', create.map((a) => a.replace('127.0.0.1:40000:5432', '10.0.0.1:40000:5432'))],
    ['stop by name', ['stop', '--time', '30', 'my-db']],
    ['stop by an id prefix', ['stop', '--time', '30', 'aaaaaaaaaaaa']],
    ['pause by name', ['pause', 'my-db']],
    ['pause of two containers', ['pause', CID, OTHER]],
    ['rm of a volume by rm', ['rm', '--force', '--volumes', '--', CID]],
    ['logs with --since', ['logs', '--since', '1h', '--tail', '10', CID]],
    ['volume rm of a foreign volume', ['volume', 'rm', 'victim']],
    ['volume rm --force', ['volume', 'rm', '--force', 'dockbase-x-data']],
    ['inspect of anything', ['inspect', CID]],
    ['ps with a context', ['ps', '--context=evil']],
    ['version with a config', ['version', '--config', '/tmp/evil', '--format', '{{json .}}']],
    ['info', ['info']],
    ['image rm', ['image', 'rm', 'postgres:17']],
    ['pull of a digest-less name', ['pull', 'postgres']],
    ['pull with --all-tags', ['pull', '--all-tags', 'postgres:17']],
    ['manifest inspect --insecure of a registry elsewhere', ['manifest', 'inspect', '--insecure', '--verbose', 'registry.example.com/x/postgres:17']],
    ['manifest inspect of a name without tag', ['manifest', 'inspect', '--verbose', 'postgres']],
    ['manifest push', ['manifest', 'push', 'postgres:17']],
    ['manifest inspect with another option', ['manifest', 'inspect', '--verbose', '--config', '/tmp/x', 'postgres:17']],
    ['events of everything', ['events']],
  ])('refuses %s', (_label, args) => {
    expect(refused(args)).toMatch(/not allowed/);
  });

  it('refuses a secret environment that is not exactly the one the create needs', () => {
    const p = plan('postgres');
    const args = createContainerArgs(p, { secretEnv: true });
    expect(refused(args)).toMatch(/without value has none/);
    expect(refused(args, { ...createContainerEnv(p), DOCKER_HOST: 'tcp://evil:2375' })).toMatch(/environment/);
    expect(refused(createContainerArgs(p), createContainerEnv(p))).toMatch(/environment/);
    expect(refused(argv.versionArgs(), { DOCKER_HOST: 'tcp://evil:2375' })).toMatch(/environment/);
    expect(refused(args, { POSTGRES_PASSWORD: '' })).toMatch(/password/);
  });

  it('refuses values create itself refuses: names, ports, images, ids', () => {
    const p = plan('postgres');
    for (const bad of [
      { name: '-x' },
      { hostPort: 0 },
      { image: 'Not/Valid' },
      { tag: 'a b' },
      { id: 'x' },
      { password: 'line\nbreak' },
      { project: { name: 'Not A Project', path: '/x' } },
      { project: { name: 'shop', path: '/x\nLABEL' } },
    ]) {
      expect(refused(createContainerArgs({ ...p, ...bad })), JSON.stringify(bad)).toMatch(/not allowed/);
    }
  });

  it('never quotes values (such as a password) in its reasons', () => {
    const args = withOptions(createContainerArgs(plan('postgres')), '--label', `x=${HOSTILE}`);
    expect(refused(args)).not.toContain('p@ss');
    expect(refused(['stop', '--time', '30', 'secret-name'])).not.toContain('secret');
  });
});

describe('the data-safety shapes (data-policy.ts)', () => {
  const mongo = getEngine('mongo');
  const temp = '/tmp/dockbase-export-0123456789ab';
  const importTemp = '/tmp/dockbase-import-0123456789ab';
  const ok = (args: string[]) => checkCommand(args);

  it('allow exactly what the core builds, naming the instance and the volumes that must be Dockbase’s', () => {
    const mounts = [
      { volume: 'dockbase-shop-db', target: '/from/db', readonly: true },
      { volume: 'dockbase-shop-snap-0123456789ab-db', target: '/to/db', labels: { 'io.dockbase.snapshot': '0123456789ab', 'io.dockbase.mount': '/data/db' } },
    ];
    expect(ok(argv.helperRunArgs('snapshot', 'mongo:8.0', mounts, COPY_VOLUMES_SCRIPT))).toEqual({
      allowed: true,
      name: 'copy data between volumes',
      containers: [],
      volumes: ['dockbase-shop-db'],
      // The volume it may create is checked too: new, or Dockbase's with that owner.
      claims: [{ volume: 'dockbase-shop-snap-0123456789ab-db', labels: mounts[1]!.labels }],
    });
    expect(
      ok(argv.helperRunArgs('restore', 'mongo:8.0', [mounts[0]!, { volume: 'dockbase-shop-db', target: '/to/db' }], REPLACE_VOLUMES_SCRIPT)),
    ).toMatchObject({
      allowed: true,
      volumes: ['dockbase-shop-db', 'dockbase-shop-db'],
    });
    // Measuring a volume kept as it is: read-only, Dockbase's volumes only.
    expect(ok(argv.helperRunArgs('snapshot', 'mongo:8.0', [mounts[0]!], MEASURE_VOLUMES_SCRIPT))).toMatchObject({
      allowed: true,
      volumes: ['dockbase-shop-db'],
    });
    expect(ok(argv.helperRunArgs('snapshot', 'mongo:8.0', [{ ...mounts[0]!, volume: 'someone-else' }], MEASURE_VOLUMES_SCRIPT)).allowed).toBe(false);
    // A migration reads the RDB header of a Redis data volume (read-only), then copies it into a new Valkey volume.
    const redisData = { volume: 'dockbase-cache-data', target: '/from/data', readonly: true };
    expect(ok(argv.helperRunArgs('clone', 'redis:7.2', [redisData], RDB_HEADER_SCRIPT))).toMatchObject({ allowed: true, volumes: ['dockbase-cache-data'] });
    expect(ok(argv.helperRunArgs('clone', 'redis:7.2', [{ ...redisData, volume: 'someone-else' }], RDB_HEADER_SCRIPT)).allowed).toBe(false);
    const valkeyData = { volume: 'dockbase-cache-valkey-data', target: '/to/data', labels: { 'io.dockbase.engine': 'valkey', 'io.dockbase.mount': '/data' } };
    expect(ok(argv.helperRunArgs('clone', 'redis:7.2', [redisData, valkeyData], COPY_VOLUMES_SCRIPT))).toMatchObject({
      allowed: true,
      claims: [{ volume: 'dockbase-cache-valkey-data', labels: valkeyData.labels }],
    });
    // A PostgreSQL copy leaves out the WAL it recycled: its own script, accepted as exactly that.
    const pgData = { volume: 'dockbase-shop-data', target: '/from/data', readonly: true };
    const pgCopy = {
      volume: 'dockbase-shop--b-data',
      target: '/to/data',
      labels: { 'io.dockbase.engine': 'postgres', 'io.dockbase.mount': '/var/lib/postgresql/data' },
    };
    const pgScript = copyVolumesScript(getEngine('postgres'));
    expect(pgScript).not.toBe(COPY_VOLUMES_SCRIPT);
    expect(ok(argv.helperRunArgs('clone', 'postgres:17', [pgData, pgCopy], pgScript))).toMatchObject({
      allowed: true,
      claims: [{ volume: 'dockbase-shop--b-data' }],
    });
    expect(ok(argv.helperRunArgs('clone', 'postgres:17', [pgData, pgCopy], `${pgScript}\nrm -rf /to`)).allowed).toBe(false);
    for (const args of [
      argv.execScriptArgs(CID, exportScript(mongo), temp),
      argv.execScriptArgs(CID, CANCEL_SCRIPT, temp),
      argv.execScriptArgs(CID, SNIFF_SCRIPT, importTemp),
      argv.execScriptArgs(CID, importScript(mongo)!, importTemp, 'mongo-archive', '1'),
    ]) {
      expect(ok(args), args.join(' ')).toMatchObject({ allowed: true, containers: [CID] });
    }
    expect(ok(argv.volumeCreateArgs('dockbase-snap-manifest', { 'io.dockbase.snapshot': '0123456789ab' }))).toMatchObject({
      allowed: true,
      claims: [{ volume: 'dockbase-snap-manifest', labels: { 'io.dockbase.snapshot': '0123456789ab' } }],
    });
    // Settings (JSON, with commas and `=`) on a snapshot's manifest and on the marker a delete keeps beside the data.
    const settings = { max_connections: '200', search_path: 'a,b', 'x.y': 'k=v' };
    const marker = keptSettingsLabels({ id: '0123456789ab', name: 'app', engine: 'postgres', tag: '17', settings });
    expect(ok(argv.volumeCreateArgs('dockbase-app-settings', marker))).toMatchObject({
      allowed: true,
      claims: [{ volume: 'dockbase-app-settings', labels: marker }],
    });
    for (const forged of ['{"a": "1"}', '{"a":"1"},io.dockbase.x=1', 'not json', '{"a":1}'])
      expect(refused(argv.volumeCreateArgs('dockbase-app-settings', { ...marker, 'io.dockbase.settings': forged })), forged).toMatch(/settings label/);
    expect(ok(argv.snapshotManifestsArgs())).toMatchObject({ allowed: true });
    expect(ok(argv.volumesOfSnapshotArgs('0123456789ab'))).toMatchObject({ allowed: true });
  });

  it('refuse anything wider: other scripts, files, paths, volumes, labels and flags', () => {
    const head = ['run', '--rm', '--pull', 'never', '--network', 'none', '--label', 'io.dockbase.helper=snapshot', '--user', '0', '--entrypoint', 'sh'];
    const refused: string[][] = [
      [...head, '--mount', 'type=volume,source=dockbase-a-data,target=/from/data,readonly', 'img:1', '-c', 'cat /etc/shadow'],
      [...head, '--mount', 'type=bind,source=/,target=/from/data', 'img:1', '-c', COPY_VOLUMES_SCRIPT],
      [...head, '--mount', 'type=volume,source=someone-else,target=/from/data,readonly', 'img:1', '-c', COPY_VOLUMES_SCRIPT],
      [...head, '--mount', 'type=volume,source=dockbase-a-data,target=/from/data', 'img:1', '-c', COPY_VOLUMES_SCRIPT],
      [...head, '--privileged', '--mount', 'type=volume,source=dockbase-a-data,target=/from/data,readonly', 'img:1', '-c', COPY_VOLUMES_SCRIPT],
      [...head, '--mount', 'type=volume,source=dockbase-a-data,target=/to/data,volume-label=com.example=x', 'img:1', '-c', COPY_VOLUMES_SCRIPT],
      ['exec', CID, 'sh', '-c', 'cat /etc/shadow', 'sh', temp],
      ['exec', CID, 'sh', '-c', CANCEL_SCRIPT, 'sh', '/var/lib/postgresql/data'],
      ['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', temp],
      // No docker cp at all through the exec bridge: files move through HostFiles, checked by checkSave/checkSend.
      ['cp', `${CID}:${temp}`, '/home/me/backups/shop-20260131-235958.sql'],
      ['cp', `${CID}:${temp}`, '-'],
      ['cp', '-', `${CID}:/tmp`],
      ['cp', '/home/me/schema.sql', `${CID}:/docker-entrypoint-initdb.d/01-schema.sql`],
      ['cp', `${CID}:/etc/shadow`, '/home/me/backups/shop-20260131-235958.sql'],
      ['cp', `${CID}:${temp}`, '/home/me/.bashrc'],
      ['cp', `${CID}:${temp}`, '/home/me/../../etc/cron.d/shop-20260131-235958.sql'],
      ['cp', '/home/me/.ssh/id_rsa', `${CID}:${importTemp}`],
      ['cp', '/etc/passwd', `${CID}:/docker-entrypoint-initdb.d/01-passwd`],
      ['cp', '-L', '/home/me/a.sql', `${CID}:${importTemp}`],
      ['cp', '-', `${CID}:${importTemp}`],
      ['volume', 'create', 'dockbase-x'],
      ['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/etc', 'dockbase-x'],
      ['volume', 'create', '--label', 'com.example=1', 'dockbase-x'],
      ['volume', 'ls'],
      // Every unused volume's labels (a foreign volume's secrets): only Dockbase's volumes print theirs.
      ['volume', 'ls', '--filter', 'dangling=true', '--format', '{{json .}}'],
      ['volume', 'ls', '--filter', 'dangling=true', '--format', '{"Name":{{json .Name}},"Labels":{{json .Labels}}}'],
      // Every container's full command and labels (a foreign container's secrets): only names, state and ports.
      ['ps', '--all', '--no-trunc', '--format', '{{json .}}'],
    ];
    for (const args of refused) expect(ok(args), args.join(' ')).toMatchObject({ allowed: false });
  });
});

describe('files between the host and an instance (checkSave, checkSend)', () => {
  const temp = '/tmp/dockbase-export-0123456789ab';
  const to = { directory: '/home/me/backups', stem: 'shop-20260131-235958', extension: '.sql' };

  it('let an export’s temporary file be saved as a new export file in an absolute folder, and nothing else', () => {
    expect(checkSave(argv.copyOutArgs(CID, temp), to)).toEqual({ allowed: true, container: CID });
    expect(checkSave(argv.copyOutArgs(CID, temp), { ...to, extension: '.archive.gz' })).toMatchObject({ allowed: true });
    const refused: [string[], typeof to][] = [
      [argv.copyOutArgs(CID, '/etc/shadow'), to],
      [argv.copyOutArgs(CID, `${temp}/../../etc/shadow`), to],
      [['cp', '-L', `${CID}:${temp}`, '-'], to],
      [['cp', `${CID}:${temp}`, '/home/me/x'], to],
      [argv.copyOutArgs('c0ffee', temp), to],
      [argv.copyOutArgs(CID, temp), { ...to, directory: 'backups' }],
      [argv.copyOutArgs(CID, temp), { ...to, directory: '/home/me/../../etc' }],
      [argv.copyOutArgs(CID, temp), { ...to, stem: '.bashrc' }],
      [argv.copyOutArgs(CID, temp), { ...to, stem: '../x-20250101-000000' }],
      // A backslash is a character of a name on POSIX, not a separator: it is no part of an export's name.
      [argv.copyOutArgs(CID, temp), { ...to, stem: 'ANYTHING\\y-20250101-000000' }],
      [argv.copyOutArgs(CID, temp), { ...to, extension: '.sh' }],
    ];
    for (const [args, target] of refused) expect(checkSave(args, target), `${args.join(' ')} ${JSON.stringify(target)}`).toMatchObject({ allowed: false });
  });

  it('split host paths on / only on POSIX, and on both separators with a drive letter on Windows', () => {
    expect(checkSave(argv.copyOutArgs(CID, temp), { ...to, directory: '/home/me/a\\..\\b' })).toMatchObject({ allowed: true });
    expect(checkSave(argv.copyOutArgs(CID, temp), { ...to, directory: 'C:\\Users\\me' })).toMatchObject({ allowed: false });
    expect(checkSave(argv.copyOutArgs(CID, temp), { ...to, directory: 'C:\\Users\\me' }, 'windows')).toMatchObject({ allowed: true });
    expect(checkSave(argv.copyOutArgs(CID, temp), { ...to, directory: 'C:\\Users\\..\\Windows' }, 'windows')).toMatchObject({ allowed: false });
  });

  it('let a host file in only as an import’s temporary file or a seed file, with the extensions they take', () => {
    expect(checkSend(argv.copyInArgs(CID, '/tmp'), { path: '/home/me/shop.archive.gz', name: 'dockbase-import-0123456789ab' })).toEqual({
      allowed: true,
      container: CID,
    });
    expect(checkSend(argv.copyInArgs(CID, '/docker-entrypoint-initdb.d'), { path: '/home/me/schema.sql', name: '01-schema.sql' })).toMatchObject({
      allowed: true,
    });
    const refused: [string[], { path: string; name: string }][] = [
      [argv.copyInArgs(CID, '/tmp'), { path: '/home/me/.ssh/id_rsa', name: 'dockbase-import-0123456789ab' }],
      [argv.copyInArgs(CID, '/tmp'), { path: '/home/me/a.sql', name: 'evil' }],
      [argv.copyInArgs(CID, '/etc'), { path: '/home/me/a.sql', name: 'dockbase-import-0123456789ab' }],
      [argv.copyInArgs(CID, '/docker-entrypoint-initdb.d'), { path: '/etc/passwd', name: '01-passwd' }],
      [argv.copyInArgs(CID, '/docker-entrypoint-initdb.d'), { path: '/home/me/a.sql', name: '../01-a.sql' }],
      [argv.copyInArgs(CID, '/tmp'), { path: 'a.sql', name: 'dockbase-import-0123456789ab' }],
      [['cp', '-a', '-', `${CID}:/tmp`], { path: '/home/me/a.sql', name: 'dockbase-import-0123456789ab' }],
    ];
    for (const [args, from] of refused) expect(checkSend(args, from), `${args.join(' ')} ${JSON.stringify(from)}`).toMatchObject({ allowed: false });
  });
});
