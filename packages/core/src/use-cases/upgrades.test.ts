import { describe, expect, it } from 'vitest';
import { parseInstances } from '../docker/containers';
import { upgradeWorkerArgs } from '../docker/helpers';
import { checkCommand } from '../policy/command-policy';
import { COPY_VOLUMES_SCRIPT, REPLACE_VOLUMES_SCRIPT, UPGRADE_SOURCE, dataScripts } from '../docker/data-scripts';
import { createDockbase } from '../dockbase';
import { getEngine } from '../engines';
import { instanceVolumeFor, type Instance } from '../model/instance';
import { containerLabels, snapshotFromLabels, snapshotManifestLabels, volumeMismatch } from '../model/labels';
import type { RollbackPoint, Snapshot } from '../model/snapshot-model';
import { dataVolumesOf } from './snapshots';
import { scripted } from '../test-support/scripted-cli';
import { fingerprintDifferences, fingerprintTotals, planUpgrade, reportsVersion, rollbackPointFor, upgradeTargets } from './upgrades';

const HOSTILE = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;

const instance = (over: Partial<Instance> = {}): Instance => ({
  id: 'abc123',
  name: 'shop',
  engine: 'mysql',
  image: 'mysql',
  tag: '8.4',
  hostPort: 3306,
  bindAddress: '127.0.0.1',
  status: 'running',
  health: 'healthy',
  createdAt: '2026-01-01T00:00:00Z',
  volumes: ['dockbase-shop-data'],
  containerId: 'c0ffee',
  statusText: 'Up',
  ...over,
});

/** `docker ps` JSON of an instance's container. */
const psLine = (i: Instance, containerName = i.name) =>
  JSON.stringify({
    ID: i.containerId,
    Names: containerName,
    Image: `${i.image}:${i.tag}`,
    Labels: Object.entries(containerLabels(i))
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    State: i.status,
    Status: i.status === 'running' ? 'Up 1 second' : 'Exited (0) 1 second ago',
    CreatedAt: '2026-11-25 18:00:00 +0000 UTC',
  });

const IMAGE_ID = `sha256:${'1'.repeat(64)}`;
/** `docker container inspect` of an instance's container: its own labels (so it is Dockbase's) and environment. */
const inspectOf = (i: Instance, env: string[]) =>
  JSON.stringify([{ Id: i.containerId, Image: IMAGE_ID, Config: { Labels: containerLabels(i), Env: env, Cmd: [] }, State: {} }]);

const refusal = (engine: Instance['engine'], from: string, to: string) => getEngine(engine).upgrade.refusal(from, to);

describe('upgrade rules, per engine', () => {
  it('PostgreSQL: any newer major by dump and restore, a newer minor in place; never down, never “latest”', () => {
    const pg = getEngine('postgres').upgrade;
    expect(refusal('postgres', '15', '17')).toBeUndefined();
    expect(pg.method('15', '17')).toBe('dump-restore');
    expect(pg.method('17', '18')).toBe('dump-restore');
    expect(pg.method('17.2', '17.4')).toBe('in-place');
    expect(refusal('postgres', '17.2', '17.4')).toBeUndefined();
    expect(refusal('postgres', '17', '15')).toMatch(/PostgreSQL 15 is older than 17.*Downgrades are refused.*Roll back/);
    expect(refusal('postgres', '17', '17')).toBe('This instance already runs PostgreSQL 17.');
    expect(refusal('postgres', '17', '17.2')).toMatch(/same release line/);
    expect(refusal('postgres', '17', 'latest')).toMatch(/“latest” names no version/);
    expect(refusal('postgres', 'latest', '18')).toMatch(/runs the tag “latest”/);
  });

  it('MySQL: one long-term series at a time (8.0 → 8.4 → 9.x), never down', () => {
    expect(refusal('mysql', '8.0', '8.4')).toBeUndefined();
    expect(refusal('mysql', '8.4', '9.4')).toBeUndefined();
    expect(refusal('mysql', '9.1', '9.4')).toBeUndefined();
    expect(refusal('mysql', '8.0', '9.4')).toBe('MySQL cannot skip a long-term series: the way is 8.0 → 8.4 → 9.4. Upgrade to 8.4 first, then to 9.4.');
    expect(refusal('mysql', '5.7', '8.4')).toMatch(/5\.7 → 8\.0 → 8\.4/);
    expect(refusal('mysql', '9.4', '8.4')).toMatch(/Downgrades are refused/);
  });

  it('MariaDB and Redis: any newer version, never down', () => {
    expect(refusal('mariadb', '10.11', '11.8')).toBeUndefined();
    expect(refusal('mariadb', '11.8', '10.11')).toMatch(/MariaDB 10.11 is older than 11.8/);
    expect(refusal('redis', '7.0', '8.0')).toBeUndefined();
    expect(refusal('redis', '8.0', '7.2')).toMatch(/Redis cannot open data a newer version wrote/);
  });

  it('Valkey: any newer version in place, never down, never from Valkey 9 data to 8 (its RDB format 80)', () => {
    expect(refusal('valkey', '8.0', '8.1')).toBeUndefined();
    expect(refusal('valkey', '7.2', '8.1')).toBeUndefined();
    expect(getEngine('valkey').upgrade.method('8.0', '8.1')).toBe('in-place');
    expect(refusal('valkey', '8.1', '8.0')).toMatch(/Valkey cannot open data a newer version wrote/);
    expect(refusal('valkey', '8.1', 'latest')).toMatch(/Choose a version number for Valkey \(such as 8\.1\)/);
    expect(upgradeTargets(instance({ engine: 'valkey', image: 'valkey/valkey', tag: '7.2' }), getEngine('valkey').suggestedTags).map((t) => t.to)).toEqual([
      '8.1',
      '8.0',
    ]);
  });

  it('MongoDB: one release series at a time, naming the path; patch releases within a series', () => {
    expect(refusal('mongo', '7.0', '8.0')).toBeUndefined();
    expect(refusal('mongo', '8.0', '8.2')).toBeUndefined();
    expect(refusal('mongo', '8.0.3', '8.0.5')).toBeUndefined();
    expect(refusal('mongo', '6.0', '8.0')).toBe(
      'MongoDB upgrades one release series at a time, setting its feature compatibility version at each: 6.0 → 7.0 → 8.0. Upgrade to 7.0 first.',
    );
    expect(refusal('mongo', '7.0', '9.0')).toMatch(/9\.0 is not on it/);
    expect(refusal('mongo', '8.0', '7.0')).toMatch(/Downgrades are refused/);
  });

  it('offers only newer versions as targets, newest first, each with its plan or why not', () => {
    const targets = upgradeTargets(instance({ engine: 'mongo', tag: '6.0' }), ['8.2', '7.0', '6.0', '5.0', 'latest', '8.0', '7.0']);
    expect(targets.map((t) => [t.to, t.refusal ? 'refused' : 'ok'])).toEqual([
      ['8.2', 'refused'],
      ['8.0', 'refused'],
      ['7.0', 'ok'],
    ]);
    expect(upgradeTargets(instance({ engine: 'postgres', tag: '15' }), ['18', '17', '16', '15', '14']).map((t) => t.to)).toEqual(['18', '17', '16']);
  });

  it('plans PostgreSQL across majors as dump and restore, cancellable until verified; in place elsewhere, until the snapshot', () => {
    const pg = planUpgrade(instance({ engine: 'postgres', image: 'postgres', tag: '15' }), '17');
    expect(pg).toMatchObject({ method: 'dump-restore', image: 'postgres:17', lastCancellableStep: 'verify' });
    expect(pg.steps.map((s) => s.id)).toEqual(['pull', 'stop', 'prepare', 'copy', 'verify', 'switch', 'check']);
    expect(pg.explanation).toMatch(/The 15 volume is not changed: it stays as the rollback point/);
    const mongo = planUpgrade(instance({ engine: 'mongo', image: 'mongo', tag: '7.0' }), '8.0');
    expect(mongo.steps.map((s) => s.id)).toEqual(['pull', 'align', 'stop', 'snapshot', 'switch', 'check']);
    expect(mongo.steps[1]!.label).toMatch(/feature compatibility version of 7\.0/);
    expect(planUpgrade(instance({ engine: 'mariadb', tag: '10.11' }), '11.8').explanation).toMatch(/MARIADB_AUTO_UPGRADE=1/);
  });

  it('checks what a server reports against the tag', () => {
    expect(reportsVersion('11.8.9-MariaDB-0+deb13u1', '11.8')).toBe(true);
    expect(reportsVersion('17.12 (Debian 17.12-1)', '17')).toBe(true);
    expect(reportsVersion('8.0.2', '8.0')).toBe(true);
    expect(reportsVersion('8.2.1 fcv 8.2', '8.2')).toBe(true);
    expect(reportsVersion('10.11.18-MariaDB', '11.8')).toBe(false);
    expect(reportsVersion('', '11.8')).toBe(false);
  });

  it('reads PostgreSQL row-count fingerprints: totals and the tables that differ', () => {
    const before = 'shop.public.items 20000\nshop.public.orders 12\npostgres.public.t 0\n';
    expect(fingerprintTotals(before)).toEqual({ tables: 3, rows: 20012 });
    expect(fingerprintDifferences(before, 'shop.public.items 19999\npostgres.public.t 0\n')).toEqual([
      'shop.public.items: 20000 rows before, 19999 after',
      'shop.public.orders: 12 rows before, missing after',
    ]);
    expect(fingerprintDifferences(before, before)).toEqual([]);
  });

  it('holds no password in any upgrade script: credentials come from the container’s environment, by name', () => {
    const { version, upgrade } = dataScripts();
    for (const script of [...version, ...upgrade]) expect(script).not.toMatch(/--password|-p\$|PASSWORD=\S/);
    expect(getEngine('mongo').upgrade.alignScript).toContain('admin.auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD)');
    expect(getEngine('mongo').upgrade.alignScript).toContain('command.confirm = true');
    expect(getEngine('mysql').upgrade.versionScript).toBe(`MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot -N -B -e 'SELECT VERSION()'`);
  });
});

describe('rollback points', () => {
  const point = (over: Partial<Snapshot>): Snapshot => ({
    id: 'p1',
    name: 'before upgrade to 17',
    instanceId: 'abc123',
    instanceName: 'shop',
    engine: 'postgres',
    image: 'postgres',
    tag: '15',
    createdAt: '2026-01-01T00:00:00.000Z',
    sizeBytes: 10,
    reason: 'before-upgrade',
    upgradeTo: '17',
    manifestVolume: 'dockbase-shop-snap-p1',
    volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-shop-data' }],
    ...over,
  });

  it('record the version upgraded to in the manifest’s labels', () => {
    const p = point({});
    expect(snapshotFromLabels(p.manifestVolume, snapshotManifestLabels(p))).toEqual(p);
    expect(snapshotManifestLabels(p)['io.dockbase.snapshot.upgrade-to']).toBe('17');
  });

  it('apply to the instance while it runs the version they were upgraded to: the newest one', () => {
    const pg17 = instance({ engine: 'postgres', tag: '17' });
    const all = [
      point({ id: 'old', createdAt: '2026-01-01T00:00:00.000Z' }),
      point({ id: 'new', createdAt: '2026-02-01T00:00:00.000Z' }),
      point({ id: 'other', instanceId: 'zzz' }),
      point({ id: 'manual', reason: 'manual' }),
      point({ id: 'to18', tag: '17', upgradeTo: '18' }),
    ];
    expect(rollbackPointFor(pg17, all)?.id).toBe('new');
    expect(rollbackPointFor(instance({ engine: 'postgres', tag: '18' }), all)?.id).toBe('to18');
    expect(rollbackPointFor(instance({ engine: 'postgres', tag: '15' }), all)).toBeUndefined();
  });
});

describe('an upgraded PostgreSQL instance’s data volume', () => {
  it('is found by its key beside the plain name, for snapshots and exports', () => {
    const pg = instance({ engine: 'postgres', tag: '17', volumes: ['dockbase-shop-data-17'] });
    expect(instanceVolumeFor(pg, 'data')).toBe('dockbase-shop-data-17');
    expect(dataVolumesOf(pg)).toEqual([{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-shop-data-17' }]);
    expect(instanceVolumeFor(instance({ volumes: ['dockbase-shop-data'] }), 'data')).toBe('dockbase-shop-data');
    expect(instanceVolumeFor(instance({ volumes: ['dockbase-shop-data-copy'] }), 'data')).toBeUndefined();
  });

  it('counts as the instance’s data when it is deleted with its data (the name an upgrade gives is one of its names)', () => {
    const labels = { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'postgres', 'io.dockbase.name': 'shop', 'io.dockbase.instance': 'abc123' };
    const pg = { id: 'abc123', name: 'shop', engine: 'postgres' as const };
    expect(volumeMismatch({ name: 'dockbase-shop-data-17', labels }, pg)).toBeUndefined();
    expect(volumeMismatch({ name: 'dockbase-shop-data', labels }, pg)).toBeUndefined();
    expect(volumeMismatch({ name: 'dockbase-shop-data-x', labels }, pg)).toMatch(/is not labelled as shop's postgres data/);
    expect(volumeMismatch({ name: 'dockbase-shop-data-17', labels: { ...labels, 'io.dockbase.instance': 'other' } }, pg)).toMatch(/another instance/);
  });

  it('is reused first by a create of that name at that major version', async () => {
    const cli = scripted([
      ['ps', { stdout: '' }],
      [
        'volume inspect dockbase-shop-data-17',
        {
          stdout: JSON.stringify([
            {
              Name: 'dockbase-shop-data-17',
              Labels: {
                'io.dockbase.volume': 'data',
                'io.dockbase.engine': 'postgres',
                'io.dockbase.tag': '17',
                'io.dockbase.mount': '/var/lib/postgresql/data',
              },
            },
          ]),
        },
      ],
      [
        'volume inspect dockbase-shop-data',
        {
          stdout: JSON.stringify([
            {
              Name: 'dockbase-shop-data',
              Labels: {
                'io.dockbase.volume': 'data',
                'io.dockbase.engine': 'postgres',
                'io.dockbase.tag': '15',
                'io.dockbase.mount': '/var/lib/postgresql/data',
              },
            },
          ]),
        },
      ],
      ['create', { stdout: 'new1' }],
    ]);
    const created = await createDockbase(cli).creation.create({
      engine: 'postgres',
      name: 'shop',
      tag: '17',
      hostPort: 5432,
      password: 'pw',
      persistData: true,
      exposeOnNetwork: false,
    });
    expect(created.volumes).toEqual(['dockbase-shop-data-17']);
  });
});

describe('while an upgrade sets the old container aside', () => {
  it('the list shows the instance once, by the container that has its name', () => {
    const i = instance();
    const aside = psLine({ ...i, containerId: 'old' }, 'shop-before-upgrade-abc');
    const current = psLine({ ...i, containerId: 'new', tag: '9.4' });
    expect(parseInstances(`${aside}\n${current}`)).toEqual([expect.objectContaining({ containerId: 'new', tag: '9.4' })]);
    expect(parseInstances(`${current}\n${aside}`)).toEqual([expect.objectContaining({ containerId: 'new' })]);
    expect(parseInstances(aside)).toEqual([expect.objectContaining({ containerId: 'old' })]);
  });
});

describe('an in-place upgrade (MySQL 8.4 → 9.4)', () => {
  const mysql = instance();
  const upgraded = { ...mysql, containerId: 'new1', tag: '9.4' };
  const version = getEngine('mysql').upgrade.versionScript;
  const world = (over: Array<[string, Parameters<typeof scripted>[0][number][1]]> = []) =>
    scripted([
      ...over,
      ['container inspect', { stdout: inspectOf(mysql, [`MYSQL_ROOT_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['run --rm', { stdout: '2048\t/to' }],
      ['run --detach', { stdout: 'new1\n' }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance=abc123', { stdout: psLine(upgraded) }],
      ['logs', { stdout: 'ready for connections. port: 3306' }],
      [`exec new1 sh -c ${version}`, { stdout: '9.4.0\n' }],
    ]);

  it('keeps a snapshot, starts 9.4 on the same volume with the same id, name, port and password, checks its version', async () => {
    const cli = world();
    const steps: string[] = [];
    const r = await createDockbase(cli).upgrades.upgrade(mysql, '9.4', { onProgress: (p) => steps.push(p.step) });
    expect(r).toMatchObject({
      from: '8.4',
      to: '9.4',
      method: 'in-place',
      serverVersion: '9.4.0',
      rollbackPoint: { reason: 'before-upgrade', upgradeTo: '9.4', tag: '8.4', sizeBytes: 2048 * 1024 },
    });
    expect([...new Set(steps)]).toEqual(['pull', 'stop', 'snapshot', 'switch', 'check']);
    // Ownership and the password are read first (inspects); then what changes things, in order.
    expect(cli.calls[0]).toEqual(['container', 'inspect', 'c0ffee']);
    const acting = cli.calls.filter(
      (c) =>
        !c.includes('inspect') &&
        c[0] !== 'ps' &&
        c[0] !== 'logs' &&
        c[0] !== 'version' &&
        !(c[0] === 'exec' && c.includes('mysqladmin ping -h 127.0.0.1 -P 3306 --silent')),
    );
    const calls = acting.map((c) => c.join(' '));
    expect(cli.calls.map((c) => c.join(' '))).toContain('image inspect --format {{.Id}} mysql:9.4');
    expect(calls[0]).toBe('stop --time 30 c0ffee');
    const snapshot = acting[1]!;
    expect(snapshot).toContain('type=volume,source=dockbase-shop-data,target=/from/data,readonly');
    expect(snapshot.slice(-3)).toEqual(['mysql:8.4', '-c', COPY_VOLUMES_SCRIPT]);
    expect(calls[2]).toMatch(/^volume create .*--label io\.dockbase\.snapshot\.reason=before-upgrade .*--label io\.dockbase\.snapshot\.upgrade-to=9\.4 /);
    expect(calls[3]).toMatch(/^rename c0ffee shop-before-upgrade-[0-9a-f]{6}$/);
    const run = acting[4]!;
    expect(run.slice(0, 6)).toEqual(['run', '--detach', '--pull', 'never', '--name', 'shop']);
    expect(run).toContain('io.dockbase.instance=abc123');
    expect(run).toContain('io.dockbase.data=abc123');
    expect(run).toContain('io.dockbase.tag=9.4');
    expect(run).toContain(`MYSQL_ROOT_PASSWORD=${HOSTILE}`);
    expect(run).toContain('127.0.0.1:3306:3306');
    expect(run.find((a) => a.startsWith('type=volume,source=dockbase-shop-data,target=/var/lib/mysql'))).toBeDefined();
    expect(run.at(-1)).toBe('mysql:9.4');
    expect(cli.calls.some((c) => c.join(' ') === `exec new1 sh -c ${version} sh`)).toBe(true);
    expect(calls.at(-1)).toBe('rm --force --volumes c0ffee');
    // Without a CLI that takes secrets from its environment, the password is in exactly one argv: the new
    // container's environment, as at create.
    expect(cli.calls.filter((c) => c.some((a) => a.includes(HOSTILE))).map((c) => c[0])).toEqual(['run']);
  });

  it('refuses a missing image without touching the instance', async () => {
    const cli = world([
      ['image inspect --format {{.Id}}', { code: 1, stderr: 'No such image' }],
      ['pull', { code: 1, stderr: 'manifest for mysql:9.9 not found: manifest unknown' }],
    ]);
    await expect(createDockbase(cli).upgrades.upgrade(mysql, '9.9')).rejects.toMatchObject({
      code: 'image-not-found',
      message: 'Image mysql:9.9 was not found. Check the version and the image name. Nothing was changed: shop runs MySQL 8.4 as before.',
    });
    expect(cli.calls.map((c) => c[0])).toEqual(['container', 'image', 'container', 'image', 'version', 'manifest', 'pull']);
  });

  it('refuses a skipped LTS and a downgrade before any docker call but reading nothing', async () => {
    const cli = world();
    await expect(createDockbase(cli).upgrades.upgrade(mysql, '8.0')).rejects.toMatchObject({ code: 'invalid-input', field: 'tag' });
    await expect(createDockbase(cli).upgrades.upgrade(instance({ tag: '8.0' }), '9.4')).rejects.toThrow(/8\.0 → 8\.4 → 9\.4/);
    expect(cli.calls).toEqual([]);
  });

  it('when the new version reports another version: removes it, puts the snapshot back, the old container back and running', async () => {
    const cli = world([[`exec new1 sh -c ${version}`, { stdout: '8.4.3\n' }]]);
    await expect(createDockbase(cli).upgrades.upgrade(mysql, '9.4')).rejects.toThrow(
      /^The new server reports MySQL 8\.4\.3, not 9\.4\. Its last words: ready for connections\. port: 3306\. The upgrade to 9\.4 failed and was undone\. shop runs MySQL 8\.4 again, with its data as it was\.$/,
    );
    const calls = cli.calls.map((c) => c.join(' '));
    const removed = calls.indexOf('rm --force --volumes new1');
    const restored = cli.calls.findIndex((c) => c.includes(REPLACE_VOLUMES_SCRIPT));
    const renamed = calls.indexOf('rename c0ffee shop');
    const started = calls.indexOf('start c0ffee');
    expect(removed).toBeGreaterThan(0);
    expect(restored).toBeGreaterThan(removed);
    expect(renamed).toBeGreaterThan(restored);
    expect(started).toBeGreaterThan(renamed);
    // The snapshot has done its job: it is deleted, as is the record of the rollback point.
    expect(calls.some((c) => c.startsWith('volume rm'))).toBe(true);
  });

  it('cancelled before the switch: the snapshot goes, the instance runs again, nothing else happened', async () => {
    const abort = new AbortController();
    const cli = world();
    const run = createDockbase(cli).upgrades.upgrade(mysql, '9.4', {
      signal: abort.signal,
      onProgress: (p) => (p.step === 'snapshot' ? abort.abort() : undefined),
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: 'Upgrade cancelled. Nothing was changed: shop runs MySQL 8.4 as before.' });
    const calls = cli.calls.map((c) => c.join(' '));
    expect(calls.some((c) => c.startsWith('rename') || c.startsWith('run --detach'))).toBe(false);
    expect(calls).toContain('start c0ffee');
  });
});

describe('an in-place Valkey upgrade (8.0 → 8.1)', () => {
  const valkey = instance({ engine: 'valkey', image: 'valkey/valkey', tag: '8.0', hostPort: 6379 });
  const upgraded = { ...valkey, containerId: 'new1', tag: '8.1' };
  const version = getEngine('valkey').upgrade.versionScript;
  const world = (over: Array<[string, Parameters<typeof scripted>[0][number][1]]> = []) =>
    scripted([
      ...over,
      ['container inspect', { stdout: inspectOf(valkey, [`REDISCLI_AUTH=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['run --rm', { stdout: '2048\t/to' }],
      ['run --detach', { stdout: 'new1\n' }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance=abc123', { stdout: psLine(upgraded) }],
      ['logs', { stdout: 'Ready to accept connections tcp' }],
      [`exec new1 sh -c ${version}`, { stdout: '8.1.1\n' }],
    ]);

  it('keeps a snapshot (the rollback point), starts 8.1 on the same volume with valkey-server, checks valkey_version', async () => {
    const cli = world();
    const r = await createDockbase(cli).upgrades.upgrade(valkey, '8.1');
    expect(r).toMatchObject({
      from: '8.0',
      to: '8.1',
      method: 'in-place',
      serverVersion: '8.1.1',
      rollbackPoint: { reason: 'before-upgrade', upgradeTo: '8.1', tag: '8.0' },
    });
    // The version asked is Valkey's own (valkey_version), not the Redis version it is compatible with (redis_version: 7.2.4).
    expect(version).toContain('valkey_version');
    const run = cli.calls.find((c) => c[0] === 'run' && c[1] === '--detach')!;
    expect(run.slice(-4)).toEqual(['valkey/valkey:8.1', 'sh', '-c', getEngine('valkey').command('')[2]]);
    expect(run.join(' ')).toContain('valkey-server - --appendonly yes');
    expect(run.find((a) => a.startsWith('type=volume,source=dockbase-shop-data,target=/data'))).toBeDefined();
  });

  it('when the new server reports another version: the upgrade is undone, the 8.0 container back and running on its data', async () => {
    const cli = world([[`exec new1 sh -c ${version}`, { stdout: '8.0.2\n' }]]);
    await expect(createDockbase(cli).upgrades.upgrade(valkey, '8.1')).rejects.toThrow(
      /The new server reports Valkey 8\.0\.2, not 8\.1\..*shop runs Valkey 8\.0 again, with its data as it was\.$/,
    );
    const calls = cli.calls.map((c) => c.join(' '));
    expect(cli.calls.some((c) => c.includes(REPLACE_VOLUMES_SCRIPT))).toBe(true);
    expect(calls).toContain('start c0ffee');
  });

  it('refuses a downgrade before any docker call', async () => {
    const cli = world();
    await expect(createDockbase(cli).upgrades.upgrade(instance({ engine: 'valkey', image: 'valkey/valkey', tag: '8.1' }), '8.0')).rejects.toMatchObject({
      code: 'invalid-input',
      field: 'tag',
    });
    expect(cli.calls).toEqual([]);
  });
});

describe('a MongoDB upgrade (7.0 → 8.0)', () => {
  it('aligns the feature compatibility version on 7.0 before and on 8.0 after, then checks the version', async () => {
    const mongo = instance({ engine: 'mongo', image: 'mongo', tag: '7.0', volumes: ['dockbase-shop-db', 'dockbase-shop-configdb'] });
    const align = getEngine('mongo').upgrade.alignScript!;
    const cli = scripted([
      ['container inspect', { stdout: inspectOf(mongo, ['MONGO_INITDB_ROOT_USERNAME=root', `MONGO_INITDB_ROOT_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['run --rm', { stdout: '64\t/to' }],
      ['run --detach', { stdout: 'new1' }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance=', { stdout: psLine({ ...mongo, containerId: 'new1', tag: '8.0' }) }],
      [`exec c0ffee sh -c ${align}`, { stdout: '7.0.12 fcv 7.0' }],
      [`exec new1 sh -c ${align}`, { stdout: '8.0.4 fcv 8.0' }],
      ['exec new1 sh -c exec mongosh --quiet --nodb', { stdout: '8.0.4' }],
    ]);
    const r = await createDockbase(cli).upgrades.upgrade(mongo, '8.0');
    expect(r.serverVersion).toBe('8.0.4');
    const calls = cli.calls.map((c) => c.join(' '));
    expect(calls.indexOf(`exec c0ffee sh -c ${align} sh`)).toBeLessThan(calls.indexOf('stop --time 30 c0ffee'));
    expect(calls.indexOf(`exec new1 sh -c ${align} sh`)).toBeGreaterThan(calls.findIndex((c) => c.startsWith('run --detach')));
    expect(cli.calls.find((c) => c[0] === 'run' && c[1] === '--rm')).toContain('type=volume,source=dockbase-shop-configdb,target=/from/configdb,readonly');
  });

  it('refuses a stopped instance: its feature compatibility version is read from the running server', async () => {
    const cli = scripted([]);
    await expect(createDockbase(cli).upgrades.upgrade(instance({ engine: 'mongo', tag: '7.0', status: 'exited' }), '8.0')).rejects.toThrow(/Start shop first/);
  });
});

describe('a PostgreSQL upgrade across majors (15 → 17)', () => {
  const pg = instance({ engine: 'postgres', image: 'postgres', tag: '15', hostPort: 5432 });
  const dr = getEngine('postgres').upgrade.dumpRestore!;
  const fingerprint = 'shop.public.items 20000\n';
  const world = (over: Array<[string, Parameters<typeof scripted>[0][number][1]]> = []) =>
    scripted([
      ...over,
      ['container inspect', { stdout: inspectOf(pg, [`POSTGRES_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['volume inspect', { code: 1, stderr: 'no such volume' }],
      ['run --detach --pull never --name shop-upgrade-', (args) => ({ stdout: args.includes('io.dockbase.helper=upgrade-from') ? 'from1' : 'to1' })],
      ['run --detach', { stdout: 'new1' }],
      [
        'ps --all --no-trunc --filter label=io.dockbase.instance=',
        { stdout: psLine({ ...pg, containerId: 'new1', tag: '17', volumes: ['dockbase-shop-data-17'] }) },
      ],
      [`exec to1 sh -c ${dr.versionScript} sh ${UPGRADE_SOURCE}`, { stdout: '150018\n' }],
      [`exec to1 sh -c ${dr.versionScript} sh /var/run/postgresql`, { stdout: '170012\n' }],
      [`exec to1 sh -c ${dr.sizeScript}`, { stdout: '1000000\n' }],
      [`exec to1 sh -c ${dr.fingerprintScript}`, { stdout: fingerprint }],
    ]);

  it('copies through two workers without network into a new volume, checks the rows, switches, keeps the old volume as the rollback point', async () => {
    const cli = world();
    const steps: string[] = [];
    const r = await createDockbase(cli).upgrades.upgrade(pg, '17', { onProgress: (p) => steps.push(p.step) });
    expect(r).toMatchObject({ method: 'dump-restore', serverVersion: '17', verified: { tables: 1, rows: 20000 }, sizeBytes: 1_000_000 });
    expect(r.rollbackPoint).toMatchObject({
      reason: 'before-upgrade',
      tag: '15',
      upgradeTo: '17',
      volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-shop-data' }],
    });
    expect([...new Set(steps)]).toEqual(['pull', 'stop', 'prepare', 'copy', 'verify', 'switch', 'check']);

    const from = cli.calls.find((c) => c.includes('io.dockbase.helper=upgrade-from'))!;
    expect(from.slice(0, 4)).toEqual(['run', '--detach', '--pull', 'never']);
    expect(from.slice(6, 8)).toEqual(['--network', 'none']);
    expect(from).toContain('type=volume,source=dockbase-shop-data,target=/var/lib/postgresql/data');
    expect(from.find((a) => a.includes('target=/var/run/postgresql'))).toMatch(
      /^type=volume,source=dockbase-shop-upgrade-[0-9a-f]{12},target=\/var\/run\/postgresql,volume-label=io\.dockbase\.helper=upgrade/,
    );
    expect(from.at(-1)).toBe('postgres:15');
    expect(from.some((a) => a.includes(HOSTILE))).toBe(false);

    const to = cli.calls.find((c) => c.includes('io.dockbase.helper=upgrade-to'))!;
    expect(to).toContain(`POSTGRES_PASSWORD=${HOSTILE}`);
    expect(to.find((a) => a.startsWith('type=volume,source=dockbase-shop-data-17,target=/var/lib/postgresql/data,'))).toContain(
      'volume-label=io.dockbase.tag=17',
    );
    expect(to.find((a) => a.endsWith(`target=${UPGRADE_SOURCE}`))).toMatch(/^type=volume,source=dockbase-shop-upgrade-/);
    expect(to.at(-1)).toBe('postgres:17');

    const calls = cli.calls.map((c) => c.join(' '));
    expect(calls).toContain(`exec to1 sh -c ${dr.copyScript} sh ${UPGRADE_SOURCE}`);
    // Both workers stop cleanly before the switch; the old data is never mounted by anything else.
    expect(calls).toContain('stop --time 30 from1');
    expect(calls).toContain('stop --time 30 to1');
    const run = cli.calls.find((c) => c[0] === 'run' && c.includes('--name') && c[c.indexOf('--name') + 1] === 'shop')!;
    expect(run.find((a) => a.startsWith('type=volume,'))).toMatch(/^type=volume,source=dockbase-shop-data-17,target=\/var\/lib\/postgresql\/data/);
    expect(run).toContain('io.dockbase.volumes=dockbase-shop-data-17');
    expect(calls.find((c) => c.startsWith('volume create'))).toMatch(/io\.dockbase\.volumes=data:dockbase-shop-data:\/var\/lib\/postgresql\/data/);
    expect(calls.filter((c) => c.startsWith('volume rm'))).toEqual([expect.stringMatching(/^volume rm dockbase-shop-upgrade-[0-9a-f]{12}$/)]);
  });

  it('refuses to switch when a table’s rows differ, and undoes everything: workers, new volumes, the instance runs again', async () => {
    const cli = world([[`exec to1 sh -c ${dr.fingerprintScript} sh /var/run/postgresql`, { stdout: 'shop.public.items 19999\n' }]]);
    await expect(createDockbase(cli).upgrades.upgrade(pg, '17')).rejects.toThrow(
      'The copy does not hold the same rows: shop.public.items: 20000 rows before, 19999 after. Nothing was changed: shop runs PostgreSQL 15 as before.',
    );
    const calls = cli.calls.map((c) => c.join(' '));
    expect(calls).toContain('rm --force --volumes from1 to1');
    expect(calls.find((c) => c.startsWith('volume rm'))).toMatch(/^volume rm dockbase-shop-upgrade-[0-9a-f]{12} dockbase-shop-data-17$/);
    expect(calls).toContain('start c0ffee');
    expect(calls.some((c) => c.startsWith('rename') || c.startsWith('volume create'))).toBe(false);
  });

  it('refuses when data of an earlier upgrade to 17 holds the new volume’s name', async () => {
    const cli = world([['volume inspect dockbase-shop-data-17', { stdout: '[{}]' }]]);
    await expect(createDockbase(cli).upgrades.upgrade(pg, '17')).rejects.toMatchObject({
      code: 'volume-conflict',
      message: expect.stringMatching(/dockbase-shop-data-17 already exists/),
    });
    expect(cli.calls.some((c) => c[0] === 'stop')).toBe(false);
  });

  it('names the snapshot a roll back kept in that volume, with its size, before anything stops (the dialog asks it first)', async () => {
    const kept: Snapshot = {
      id: 'k1',
      name: 'before rollback 20261206-101500',
      instanceId: pg.id,
      instanceName: 'shop',
      engine: 'postgres',
      image: 'postgres',
      tag: '17',
      createdAt: '2026-12-06T10:15:00.000Z',
      reason: 'before-rollback',
      sizeBytes: 42 * 1024 * 1024,
      manifestVolume: 'dockbase-shop-snap-k1',
      volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-shop-data-17' }],
    };
    const manifest = JSON.stringify([{ Name: kept.manifestVolume, Labels: snapshotManifestLabels(kept) }]);
    const cli = world([
      ['volume inspect dockbase-shop-data-17', { stdout: '[{}]' }],
      ['volume ls --quiet --filter label=io.dockbase.snapshot.role=manifest', { stdout: `${kept.manifestVolume}\n` }],
      [`volume inspect ${kept.manifestVolume}`, { stdout: manifest }],
    ]);
    const dockbase = createDockbase(cli);
    const why = await dockbase.upgrades.blocker(pg, '17');
    expect(why).toBe(
      'The PostgreSQL 17 data from before a roll back is kept as the snapshot “before rollback 20261206-101500” of shop (44.0 MB), in the volume dockbase-shop-data-17 that this upgrade would make. Clone that snapshot to keep its data, or delete it, then upgrade again.',
    );
    await expect(dockbase.upgrades.upgrade(pg, '17')).rejects.toMatchObject({ code: 'volume-conflict', field: 'tag', message: `${why} shop was not changed.` });
    expect(cli.calls.some((c) => c[0] === 'stop')).toBe(false);
    // Within a major version there is no new volume: nothing to ask.
    expect(await dockbase.upgrades.blocker(pg, '15.9')).toBeUndefined();
  });
});

describe('roll back', () => {
  const pg17 = instance({ engine: 'postgres', image: 'postgres', tag: '17', volumes: ['dockbase-shop-data-17'] });
  const point: RollbackPoint = {
    id: 'p1',
    name: 'before upgrade to 17',
    instanceId: 'abc123',
    instanceName: 'shop',
    engine: 'postgres',
    image: 'postgres',
    tag: '15',
    createdAt: '2026-01-01T00:00:00.000Z',
    sizeBytes: 10,
    reason: 'before-upgrade',
    upgradeTo: '17',
    manifestVolume: 'dockbase-shop-snap-p1',
    volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-shop-data' }],
  };

  it('PostgreSQL: back on the old volume at 15, the 17 volume kept as “before rollback”, the point’s record used up', async () => {
    const cli = scripted([
      ['container inspect', { stdout: inspectOf(pg17, [`POSTGRES_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['run --detach', { stdout: 'new1' }],
      [
        'ps --all --no-trunc --filter label=io.dockbase.instance=',
        { stdout: psLine({ ...pg17, containerId: 'new1', tag: '15', volumes: ['dockbase-shop-data'] }) },
      ],
      ['exec new1 sh -c psql', { stdout: '15.18 (Debian 15.18-0+deb12u1)' }],
      ['run --rm', { stdout: '41000\t/from\n' }],
    ]);
    const r = await createDockbase(cli).upgrades.rollback(pg17, point);
    expect(r).toMatchObject({
      from: '17',
      to: '15',
      serverVersion: '15.18 (Debian 15.18-0+deb12u1)',
      // Kept as it is, but measured: a snapshot that holds data never says 0 B.
      kept: { reason: 'before-rollback', tag: '17', volumes: [{ volume: 'dockbase-shop-data-17' }], sizeBytes: 41000 * 1024 },
    });
    const calls = cli.calls.map((c) => c.join(' '));
    // The 17 volume is measured read-only, then recorded; it is never copied.
    const measure = cli.calls.find((c) => c[0] === 'run' && c[1] === '--rm')!;
    expect(measure).toContain('type=volume,source=dockbase-shop-data-17,target=/from/data,readonly');
    expect(measure.at(-1)).toBe('du -sk /from');
    const run = cli.calls.find((c) => c[0] === 'run' && c[1] === '--detach')!;
    expect(run).toContain('io.dockbase.volumes=dockbase-shop-data');
    expect(run.at(-1)).toBe('postgres:15');
    expect(calls).toContain('volume rm dockbase-shop-snap-p1');
    expect(calls.filter((c) => c.includes('run --rm'))).toHaveLength(1); // no copy at all
    // The data from before the upgrade keeps the password it had then: set again, then proved.
    expect(calls.slice(-2).map((c) => c.split(' ').slice(0, 4).join(' '))).toEqual(['exec new1 sh -c', 'exec new1 sh -c']);
    expect(r.password).toEqual({ status: 'ok' });
  });

  it('refuses a point whose data volume is gone, before changing anything', async () => {
    const cli = scripted([
      ['container inspect', { stdout: inspectOf(pg17, [`POSTGRES_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['volume inspect dockbase-shop-data', { code: 1, stderr: 'Error: No such volume: dockbase-shop-data' }],
    ]);
    await expect(createDockbase(cli).upgrades.rollback(pg17, point)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/volume dockbase-shop-data\) no longer exists.*Nothing was changed/),
    });
    expect(cli.calls.some((c) => ['stop', 'rename', 'run'].includes(c[0]!))).toBe(false);
  });

  it('refuses a point of another version', async () => {
    await expect(createDockbase(scripted([])).upgrades.rollback({ ...pg17, tag: '18' }, point)).rejects.toThrow(
      '“before upgrade to 17” returns from PostgreSQL 17, and shop runs 18.',
    );
  });
});

describe('the standalone host’s command policy', () => {
  const CID = 'c'.repeat(64);
  const NEW = 'd'.repeat(64);
  const FROM = 'e'.repeat(64);
  const TO = 'f'.repeat(64);
  /** A scripted engine whose CLI takes secrets from its environment, recording each call's environment too. */
  const recording = (rules: Parameters<typeof scripted>[0]) => {
    const inner = scripted(rules);
    const envs: Array<Record<string, string>> = [];
    const cli = {
      passesEnv: true,
      calls: inner.calls,
      envs,
      run: (args: readonly string[], options?: { env?: Readonly<Record<string, string>> }) => {
        envs[inner.calls.length] = { ...(options?.env ?? {}) };
        return inner.run(args);
      },
      stream: inner.stream,
    };
    return cli;
  };
  const everyCallPasses = (cli: ReturnType<typeof recording>) => {
    const refused = cli.calls
      .map((args, i) => ({ args, verdict: checkCommand(args, cli.envs[i] ?? {}) }))
      .filter(({ verdict }) => !verdict.allowed)
      .map(({ args, verdict }) => `${args.slice(0, 2).join(' ')}: ${verdict.allowed ? '' : verdict.reason}`);
    expect(refused).toEqual([]);
    expect(cli.calls.filter((c) => c.some((a) => a.includes(HOSTILE)))).toEqual([]);
  };

  it('lets every call of a PostgreSQL upgrade through, with the password in no argv', async () => {
    const pg = instance({ id: '0123456789ab', engine: 'postgres', image: 'postgres', tag: '15', hostPort: 5432, containerId: CID });
    const dr = getEngine('postgres').upgrade.dumpRestore!;
    const cli = recording([
      ['container inspect', { stdout: inspectOf(pg, [`POSTGRES_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['volume inspect', { code: 1, stderr: 'no such volume' }],
      ['run --detach --pull never --name shop-upgrade-', (args) => ({ stdout: args.includes('io.dockbase.helper=upgrade-from') ? FROM : TO })],
      ['run --detach', { stdout: NEW }],
      [
        'ps --all --no-trunc --filter label=io.dockbase.instance=',
        { stdout: psLine({ ...pg, containerId: NEW, tag: '17', volumes: ['dockbase-shop-data-17'] }) },
      ],
      [`exec ${TO} sh -c ${dr.versionScript} sh ${UPGRADE_SOURCE}`, { stdout: '150018\n' }],
      [`exec ${TO} sh -c ${dr.versionScript} sh /var/run/postgresql`, { stdout: '170012\n' }],
      [`exec ${TO} sh -c ${dr.sizeScript}`, { stdout: '1000\n' }],
      [`exec ${TO} sh -c ${dr.fingerprintScript}`, { stdout: 'shop.public.items 3\n' }],
    ]);
    const r = await createDockbase(cli).upgrades.upgrade(pg, '17');
    expect(cli.envs[cli.calls.findIndex((c) => c.includes('io.dockbase.helper=upgrade-to'))]).toEqual({ POSTGRES_PASSWORD: HOSTILE });
    everyCallPasses(cli);

    // And rolling it back.
    const back = recording([
      ['container inspect', { stdout: inspectOf(r.instance, [`POSTGRES_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['run --detach', { stdout: CID }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance=', { stdout: psLine({ ...pg, containerId: CID }) }],
      ['exec', { stdout: '15.18' }],
    ]);
    await createDockbase(back).upgrades.rollback({ ...r.instance, containerId: NEW }, r.rollbackPoint);
    everyCallPasses(back);
  });

  it('lets every call of an in-place upgrade through (MongoDB: FCV steps, two volumes)', async () => {
    const mongo = instance({
      id: '0123456789ab',
      engine: 'mongo',
      image: 'mongo',
      tag: '7.0',
      containerId: CID,
      volumes: ['dockbase-shop-db', 'dockbase-shop-configdb'],
    });
    const cli = recording([
      ['container inspect', { stdout: inspectOf(mongo, ['MONGO_INITDB_ROOT_USERNAME=root', `MONGO_INITDB_ROOT_PASSWORD=${HOSTILE}`]) }],
      ['image inspect --format {{json .Config.Labels}}', { stdout: '{}' }],
      ['run --rm', { stdout: '64\t/to' }],
      ['run --detach', { stdout: NEW }],
      ['ps --all --no-trunc --filter label=io.dockbase.instance=', { stdout: psLine({ ...mongo, containerId: NEW, tag: '8.0' }) }],
      [`exec ${CID}`, { stdout: '7.0.12 fcv 7.0' }],
      [`exec ${NEW}`, { stdout: '8.0.4 fcv 8.0' }],
    ]);
    await createDockbase(cli).upgrades.upgrade(mongo, '8.0');
    everyCallPasses(cli);
  });

  it('refuses a worker with another environment, a foreign mount target, or a bind of the host', () => {
    const worker = {
      role: 'upgrade-to' as const,
      name: 'shop-upgrade-0123456789ab-to',
      image: 'postgres:17',
      env: { POSTGRES_PASSWORD: 'x' },
      mounts: [
        { volume: 'dockbase-shop-data-17', target: '/var/lib/postgresql/data', labels: { 'io.dockbase.volume': 'data' } },
        { volume: 'dockbase-shop-upgrade-0123456789ab', target: UPGRADE_SOURCE },
      ],
    };
    expect(checkCommand(upgradeWorkerArgs(worker))).toMatchObject({ allowed: true, volumes: ['dockbase-shop-upgrade-0123456789ab'] });
    expect(checkCommand(upgradeWorkerArgs(worker, { secretEnv: true }), worker.env)).toMatchObject({ allowed: true });
    expect(checkCommand(upgradeWorkerArgs({ ...worker, env: { LD_PRELOAD: '/x' } }))).toMatchObject({ allowed: false });
    expect(checkCommand(upgradeWorkerArgs({ ...worker, mounts: [{ volume: 'dockbase-shop-data', target: '/etc' }] }))).toMatchObject({ allowed: false });
    expect(checkCommand(upgradeWorkerArgs({ ...worker, name: 'anything' }))).toMatchObject({ allowed: false });
    expect(checkCommand(upgradeWorkerArgs({ ...worker, role: 'upgrade-from' }))).toMatchObject({ allowed: false });
    const bind = upgradeWorkerArgs(worker).map((a) =>
      a.startsWith('type=volume,source=dockbase-shop-upgrade') ? 'type=bind,source=/,target=/run/dockbase-upgrade' : a,
    );
    expect(checkCommand(bind)).toMatchObject({ allowed: false });
    expect(checkCommand(['rename', CID, 'shop; rm -rf /'])).toMatchObject({ allowed: false });
    expect(checkCommand(['exec', CID, 'sh', '-c', 'id', 'sh'])).toMatchObject({ allowed: false });
    expect(checkCommand(['exec', CID, 'sh', '-c', getEngine('postgres').upgrade.dumpRestore!.copyScript, 'sh', '/etc'])).toMatchObject({ allowed: false });
  });
});
