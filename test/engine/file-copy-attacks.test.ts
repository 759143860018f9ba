import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Backups,
  LABEL,
  copyInArgs,
  copyOutArgs,
  createContainerArgs,
  createDockbase,
  exportScript,
  getEngine,
  helperRunArgs,
  listAllContainersArgs,
  upgradeWorkerArgs,
  upgradeWorkerIdsArgs,
  volumeName,
  COPY_VOLUMES_SCRIPT,
  type CreatePlan,
  type Instance,
} from '@dockbase/core';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';
import { startBridgeHost, type BridgeHost } from '../support/bridge';
import { realDocker, testPort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// Issue 24's findings, tried as an attacker would against the standalone host with a valid token, on the real
// engine and a real Redis instance that Dockbase made through the page's own client. Nothing the container
// holds (a link, a folder) and nothing planted in the host folder may make the host write anything but a new
// regular file of its own, and no volume that is not the instance's may be mounted.
const { docker, cleanup } = realDocker();
const run = `fca-${crypto.randomBytes(3).toString('hex')}`;
const IMAGE = `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`;
const folder = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-exports-`));
const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-victim-`));
const victimFile = path.join(elsewhere, 'victim.txt');
const missingVictim = path.join(elsewhere, 'authorized_keys');
const VICTIM_TEXT = 'root-owned content that must survive\n';
const handMadeVolume = `dockbase-${run}-hm-data`;
const LINK = '/tmp/dockbase-export-cccccccccccc';
const LINK_TO_MISSING = '/tmp/dockbase-export-cccccccccc99';
const PLANTED = '/tmp/dockbase-export-dddddddddddd';
const FOLDER_AT_NAME = '/tmp/dockbase-export-eeeeeeeeeeee';
const rdb = { directory: folder, stem: 'x-20250101-000000', extension: '.rdb' };

let bridge: BridgeHost;
let instance: Instance;
let other: Instance;

const listing = (dir: string) => fs.readdirSync(dir).sort();
const inContainer = (script: string) => docker('exec', instance.containerId, 'sh', '-c', script);

beforeAll(async () => {
  await cleanup(run);
  fs.writeFileSync(victimFile, VICTIM_TEXT);
  await docker('volume', 'create', handMadeVolume);
  bridge = await startBridgeHost();
  const dockbase = createDockbase(new DesktopDockerCli(bridge.ddClient()));
  const create = (name: string, offset: number) =>
    dockbase.creation.create(
      {
        engine: 'redis',
        name: `${run}-${name}`,
        image: REDIS_TEST_IMAGE,
        tag: REDIS_TEST_TAG,
        hostPort: testPort(offset),
        password: 'pw',
        persistData: true,
        exposeOnNetwork: false,
      },
      { start: true },
    );
  instance = await dockbase.readiness.waitUntilReady(await create('a', 70));
  other = await create('b', 71);
  // What a token holder can do inside an instance (SQL's COPY … TO PROGRAM for PostgreSQL, any command in a custom image).
  await inContainer(
    `ln -s ${victimFile} ${LINK}; ln -s ${missingVictim} ${LINK_TO_MISSING}; printf 'pwned\\n' > ${PLANTED}; mkdir ${FOLDER_AT_NAME}; echo x > ${FOLDER_AT_NAME}/planted; ln -s /etc/shadow ${FOLDER_AT_NAME}/shadow`,
  );
}, 120_000);

afterAll(async () => {
  await bridge?.close();
  await cleanup(run);
  await docker('volume', 'rm', '--force', handMadeVolume).catch(() => undefined);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

describe('no docker command writes a host path (finding 1)', () => {
  it('refuses the two calls of the reproduction, and every docker cp, through /api/exec', async () => {
    for (const argv of [
      ['cp', `${instance.containerId}:${LINK}`, `${folder}/x-20250101-000000.rdb`],
      ['cp', `${instance.containerId}:${PLANTED}`, `${folder}/x-20250101-000000.rdb`],
      copyOutArgs(instance.containerId, PLANTED),
      copyInArgs(instance.containerId, '/tmp'),
    ]) {
      const answer = await bridge.exec(argv);
      expect(answer.status, argv.join(' ')).toBe(403);
    }
    expect(fs.readFileSync(victimFile, 'utf8')).toBe(VICTIM_TEXT);
    expect(listing(folder)).toEqual([]);
  });

  it('refuses a link copied out, to an existing file or to one that does not exist yet: nothing is written anywhere', async () => {
    for (const source of [LINK, LINK_TO_MISSING]) {
      const answer = await bridge.files('save', { args: copyOutArgs(instance.containerId, source), to: rdb });
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'not-regular', error: expect.stringMatching(/link/) });
    }
    expect(fs.readFileSync(victimFile, 'utf8')).toBe(VICTIM_TEXT);
    expect(fs.existsSync(missingVictim)).toBe(false);
    expect(listing(folder)).toEqual([]);
  });

  it('refuses a folder planted at an export’s name in the container (finding 3): nothing lands on the host', async () => {
    const answer = await bridge.files('save', { args: copyOutArgs(instance.containerId, FOLDER_AT_NAME), to: rdb });
    expect(answer).toMatchObject({ status: 422, body: { code: 'not-regular' } });
    expect(listing(folder)).toEqual([]);
  });

  it('makes the export script refuse a name that is taken in the container, leaving what is there alone', async () => {
    const r = await realDocker().cli.run(['exec', instance.containerId, 'sh', '-c', exportScript(getEngine('redis')), 'sh', FOLDER_AT_NAME]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is taken in the container/);
    expect((await inContainer(`ls ${FOLDER_AT_NAME}`)).split('\n').filter(Boolean).sort()).toEqual(['planted', 'shadow']);
  });
});

describe('a link planted in the host folder is never followed (finding 2)', () => {
  it('writes a regular file the bridge may write as a new 0600 file beside an existing link and file of that name', async () => {
    fs.symlinkSync(victimFile, path.join(folder, 'x-20250101-000000.rdb'));
    fs.writeFileSync(path.join(folder, 'x-20250101-000000-2.rdb'), 'an earlier export\n');
    const answer = await bridge.files('save', { args: copyOutArgs(instance.containerId, PLANTED), to: rdb });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ path: path.join(folder, 'x-20250101-000000-3.rdb'), sizeBytes: 6 });
    const written = fs.lstatSync(answer.body.path!);
    expect(written.isFile()).toBe(true);
    expect(written.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(answer.body.path!, 'utf8')).toBe('pwned\n');
    expect(fs.readFileSync(victimFile, 'utf8')).toBe(VICTIM_TEXT);
    expect(fs.readFileSync(path.join(folder, 'x-20250101-000000-2.rdb'), 'utf8')).toBe('an earlier export\n');
    expect(fs.lstatSync(path.join(folder, 'x-20250101-000000.rdb')).isSymbolicLink()).toBe(true);
    for (const f of listing(folder)) fs.rmSync(path.join(folder, f));
  });

  it('a real export from the page lands beside links another user planted at every name it could take', async () => {
    const dockbase = createDockbase(new DesktopDockerCli(bridge.ddClient()));
    // The export's name has a time stamp to the second: plant links for the next minute's worth of names.
    const now = Date.now();
    const planted = Array.from({ length: 60 }, (_, i) => path.join(folder, Backups.exportFileName(instance, new Date(now + i * 1000))));
    for (const p of planted) fs.symlinkSync(victimFile, p);
    const result = await dockbase.backups.export(instance, { directory: folder });
    expect(planted).not.toContain(result.file);
    expect(result.file).toMatch(new RegExp(`^${folder}/${run}-a-\\d{8}-\\d{6}-2\\.rdb$`));
    const written = fs.lstatSync(result.file);
    expect(written.isFile() && (written.mode & 0o777) === 0o600).toBe(true);
    expect(fs.readFileSync(result.file).subarray(0, 5).toString()).toBe('REDIS');
    expect(fs.readFileSync(victimFile, 'utf8')).toBe(VICTIM_TEXT);
    // The export left nothing in the container's /tmp.
    expect((await inContainer('ls /tmp')).split('\n').filter((f) => f.startsWith('dockbase-export-') && !/[cde9]{12}/.test(f))).toEqual([]);
    for (const f of listing(folder)) fs.rmSync(path.join(folder, f));
  });
});

describe('files copied in', () => {
  it('are read by Dockbase: a link is refused without running docker, a regular file arrives with its bytes', async () => {
    fs.symlinkSync(victimFile, path.join(folder, 'linked.rdb'));
    const name = 'dockbase-import-0123456789ab';
    const refused = await bridge.files('send', { args: copyInArgs(instance.containerId, '/tmp'), from: { path: path.join(folder, 'linked.rdb'), name } });
    expect(refused).toMatchObject({ status: 422, body: { code: 'unreadable', error: expect.stringMatching(/link/) } });
    fs.writeFileSync(path.join(folder, 'real.rdb'), 'REDIS0011 bytes\n');
    const sent = await bridge.files('send', { args: copyInArgs(instance.containerId, '/tmp'), from: { path: path.join(folder, 'real.rdb'), name } });
    expect(sent).toEqual({ status: 200, body: { sizeBytes: 16 } });
    expect(await inContainer(`cat /tmp/${name}; rm /tmp/${name}`)).toBe('REDIS0011 bytes\n');
    for (const f of listing(folder)) fs.rmSync(path.join(folder, f));
  });

  it('are refused where they are not a Dockbase import or seed file (finding 6 included)', async () => {
    const cases: Array<['save' | 'send', Parameters<BridgeHost['files']>[1]]> = [
      ['send', { args: copyInArgs(instance.containerId, '/tmp'), from: { path: '/etc/shadow', name: 'dockbase-import-0123456789ab' } }],
      ['send', { args: copyInArgs(instance.containerId, '/etc'), from: { path: `${folder}/a.rdb`, name: 'dockbase-import-0123456789ab' } }],
      ['save', { args: copyOutArgs(instance.containerId, '/etc/passwd'), to: rdb }],
      ['save', { args: copyOutArgs(instance.containerId, PLANTED), to: { ...rdb, stem: 'ANYTHING\\y-20250101-000000' } }],
      ['save', { args: copyOutArgs(instance.containerId, PLANTED), to: { ...rdb, directory: `${folder}/../..` } }],
    ];
    for (const [kind, body] of cases) expect((await bridge.files(kind, body)).status, JSON.stringify(body)).toBe(403);
  });
});

describe('mounts of volumes that are not the instance’s (finding 4)', () => {
  const plan = (name: string): CreatePlan => ({
    id: 'abcdef012345',
    dataId: 'abcdef012345',
    name,
    engine: 'redis',
    image: REDIS_TEST_IMAGE,
    tag: REDIS_TEST_TAG,
    hostPort: testPort(72),
    bindAddress: '127.0.0.1',
    password: 'pw',
    volumes: getEngine('redis')
      .dataMounts(REDIS_TEST_TAG)
      .map((mount) => ({ name: volumeName(name, mount.key), mount })),
  });
  const otherData = () => other.volumes[0]!;
  const labels = { [LABEL.volume]: 'data', [LABEL.name]: `${run}-a`, [LABEL.instance]: 'abcdef012345' };

  it('refuses a create that would mount a hand-made dockbase-* volume, or another instance’s', async () => {
    const onHandMade = await bridge.exec(createContainerArgs(plan(`${run}-hm`), { start: true }));
    expect(onHandMade.status, JSON.stringify(onHandMade.body)).toBe(403);
    expect(onHandMade.body.error).toMatch(/not Dockbase's/);
    const otherName = other.name;
    const onOther = await bridge.exec(
      createContainerArgs({ ...plan(otherName), id: 'abcdef012346', dataId: 'abcdef012346', hostPort: testPort(73) }, { start: true }),
    );
    expect(onOther.status, JSON.stringify(onOther.body)).toBe(403);
  });

  it('refuses helpers and workers that would write to them: a hand-made one with labels or without, another’s under this one’s labels', async () => {
    const from = { volume: instance.volumes[0]!, target: '/from/data', readonly: true };
    for (const [what, target] of [
      ['hand-made', handMadeVolume],
      ['another instance’s', otherData()],
    ] as const) {
      // Without labels a helper replaces an existing Dockbase volume (a restore does); a hand-made one never.
      const mounts =
        what === 'hand-made'
          ? [
              { volume: target, target: '/to/data', labels },
              { volume: target, target: '/to/data' },
            ]
          : [{ volume: target, target: '/to/data', labels }];
      for (const to of mounts) {
        const answer = await bridge.exec(helperRunArgs('clone', IMAGE, [from, to], COPY_VOLUMES_SCRIPT));
        expect(answer.status, `${what} ${JSON.stringify(to)}: ${JSON.stringify(answer.body)}`).toBe(403);
      }
      const worker = await bridge.exec(
        upgradeWorkerArgs({
          role: 'upgrade-to',
          name: `${run}-a-upgrade-0123456789ab-to`,
          image: IMAGE,
          env: {},
          mounts: [{ volume: target, target: '/data', labels }],
        }),
      );
      expect(worker.status, `${what} worker: ${JSON.stringify(worker.body)}`).toBe(403);
    }
    // The hand-made volume is as it was: no labels added, nothing run.
    expect((await docker('volume', 'inspect', '--format', '{{json .Labels}}', handMadeVolume)).trim()).toMatch(/^(null|\{\})$/);
  });

  it('still lets a helper create a new volume for the instance', async () => {
    const fresh = `dockbase-${run}-a-snap-0123456789ab-data`;
    const answer = await bridge.exec(
      helperRunArgs(
        'snapshot',
        IMAGE,
        [
          { volume: instance.volumes[0]!, target: '/from/data', readonly: true },
          { volume: fresh, target: '/to/data', labels: { [LABEL.snapshot]: '0123456789ab' } },
        ],
        COPY_VOLUMES_SCRIPT,
      ),
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.code, answer.body.stderr).toBe(0);
  });
});

describe('what the list of every container shows (finding 5) and worker clean-up (note)', () => {
  it('refuses `ps --format {{json .}}` and shows no foreign container’s command or labels', async () => {
    await docker(
      'run',
      '--detach',
      '--name',
      `${run}-foreign`,
      '--label',
      'basic-auth=admin:hunter2',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'sleep 300 # --db-password=hunter2',
    );
    expect((await bridge.exec(['ps', '--all', '--no-trunc', '--format', '{{json .}}'])).status).toBe(403);
    const answer = await bridge.exec(listAllContainersArgs());
    expect(answer.status).toBe(200);
    expect(answer.body.stdout).toContain(`${run}-foreign`);
    expect(answer.body.stdout).not.toContain('hunter2');
    expect(answer.body.stdout).not.toContain('sleep');
  });

  it('lets Dockbase find an upgrade’s workers by name to remove them by id', async () => {
    const answer = await bridge.exec(upgradeWorkerIdsArgs(`${run}-a`, '0123456789ab'));
    expect(answer).toMatchObject({ status: 200, body: { code: 0 } });
  });
});
