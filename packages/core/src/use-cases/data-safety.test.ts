import { describe, expect, it } from 'vitest';
import { Backups } from './backups';
import { CANCEL_SCRIPT, COPY_VOLUMES_SCRIPT, REPLACE_VOLUMES_SCRIPT, SNIFF_SCRIPT, exportScript, importScript } from '../docker/data-scripts';
import { createDockbase } from '../dockbase';
import { identifyDump, importRefusal, parseSniff } from '../model/dump-files';
import { ENGINES, getEngine } from '../engines';
import type { Instance } from '../model/instance';
import { snapshotFromLabels, snapshotManifestLabels } from '../model/labels';
import { isDockbaseError } from '../model/errors';
import { checkCompatible } from './snapshots';
import { orphanSnapshots, type Snapshot } from '../model/snapshot-model';
import { scripted } from '../test-support/scripted-cli';

const hex = (s: string | number[]) =>
  (typeof s === 'string' ? [...s].map((c) => c.charCodeAt(0)) : s).map((b) => ` ${b.toString(16).padStart(2, '0')}`).join('');
const sniffOutput = (head: string | number[], inner = '') => `42\n${hex(head)}\n--\n${inner ? hex(inner) : ''}\n`;

/** The ownership check before a stop or start: the container carries its Dockbase labels itself. */
const OWN_CONTAINER: Array<[string, { stdout: string }]> = [
  [
    'container inspect',
    {
      stdout: JSON.stringify([
        {
          Id: 'c0ffee',
          Image: `sha256:${'9'.repeat(64)}`,
          Config: { Labels: { 'io.dockbase.instance': 'abc123', 'io.dockbase.engine': 'mongo' }, Env: [], Cmd: [] },
        },
      ]),
    },
  ],
  ['image inspect', { stdout: 'null\n' }],
];
/** The calls without the ownership checks (container and image inspect), which the lifecycle tests cover. */
const acting = (calls: string[][]) => calls.filter((c) => !(c[1] === 'inspect' && (c[0] === 'container' || c[0] === 'image')));

const instance = (over: Partial<Instance> = {}): Instance => ({
  id: 'abc123',
  name: 'shop',
  engine: 'mongo',
  image: 'mongo',
  tag: '8.0',
  hostPort: 27017,
  bindAddress: '127.0.0.1',
  status: 'running',
  health: 'healthy',
  createdAt: '2026-01-01T00:00:00Z',
  volumes: ['dockbase-shop-db', 'dockbase-shop-configdb'],
  containerId: 'c0ffee',
  statusText: 'Up',
  ...over,
});

const snapshot = (over: Partial<Snapshot> = {}): Snapshot => ({
  id: 'feed01',
  name: 'nightly',
  instanceId: 'abc123',
  instanceName: 'shop',
  engine: 'postgres',
  image: 'postgres',
  tag: '15',
  createdAt: '2026-01-01T00:00:00.000Z',
  sizeBytes: 4096,
  reason: 'manual',
  manifestVolume: 'dockbase-shop-snap-feed01',
  volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-shop-snap-feed01-data' }],
  ...over,
});

describe('dump files', () => {
  it('tells each engine tool’s file from its first bytes, compressed or not', () => {
    expect(identifyDump(parseSniff(sniffOutput('--\n-- PostgreSQL database cluster dump\n--\n')))).toEqual({ kind: 'postgres-sql', gzip: false });
    expect(identifyDump(parseSniff(sniffOutput('PGDMP\u0001\u000e')))).toEqual({ kind: 'postgres-custom', gzip: false });
    expect(identifyDump(parseSniff(sniffOutput('/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19-11.8.3-MariaDB')))).toEqual({
      kind: 'mariadb-sql',
      gzip: false,
    });
    expect(identifyDump(parseSniff(sniffOutput('-- MySQL dump 10.13  Distrib 8.4.0, for Linux')))).toEqual({ kind: 'mysql-sql', gzip: false });
    expect(identifyDump(parseSniff(sniffOutput([0x6d, 0xe2, 0x99, 0x81, 1, 0])))).toEqual({ kind: 'mongo-archive', gzip: false });
    expect(identifyDump(parseSniff(sniffOutput('REDIS0011\u00fa')))).toEqual({ kind: 'redis-rdb', gzip: false, formatVersion: 11 });
    expect(identifyDump(parseSniff(sniffOutput('VALKEY080\u00fa')))).toEqual({ kind: 'redis-rdb', gzip: false, formatVersion: 80 });
    expect(identifyDump(parseSniff(sniffOutput('CREATE TABLE t (n int);\n')))).toEqual({ kind: 'sql', gzip: false });
    expect(identifyDump(parseSniff(sniffOutput([0x1f, 0x8b, 8, 0], '-- MySQL dump 10.13')))).toEqual({ kind: 'mysql-sql', gzip: true });
    expect(identifyDump(parseSniff(sniffOutput([0x1f, 0x8b, 8, 0])))).toEqual({ kind: 'unknown', gzip: true });
    expect(identifyDump(parseSniff(sniffOutput([0, 1, 2, 3, 0xff])))).toEqual({ kind: 'unknown', gzip: false });
    expect(parseSniff(sniffOutput('x')).sizeBytes).toBe(42);
  });

  it('refuses another engine’s file by name, and an unreadable compressed file', () => {
    expect(importRefusal('postgres', { kind: 'mysql-sql', gzip: false }, 'a.sql')).toBe('a.sql is a MySQL dump; PostgreSQL cannot import it.');
    expect(importRefusal('mongo', { kind: 'sql', gzip: false }, 'a.archive')).toBe('a.archive is an SQL file; MongoDB cannot import it.');
    expect(importRefusal('mysql', { kind: 'mariadb-sql', gzip: true }, 'a.sql.gz')).toBeUndefined();
    expect(importRefusal('redis', { kind: 'unknown', gzip: true }, 'a.rdb')).toMatch(/damaged/);
  });

  it('refuses an RDB file in a format the instance’s version cannot load (Redis 7.4+ and 8 write 12; Valkey 8 loads up to 11)', () => {
    const rdb = (formatVersion: number) => ({ kind: 'redis-rdb' as const, gzip: false, formatVersion });
    expect(importRefusal('valkey', rdb(12), 'redis8.rdb', '8.1')).toBe(
      'redis8.rdb is in RDB format 12, which Valkey 8.1 cannot load (a newer release wrote it).',
    );
    expect(importRefusal('valkey', rdb(11), 'redis72.rdb', '8.1')).toBeUndefined();
    expect(importRefusal('valkey', rdb(10), 'redis70.rdb', '8.1')).toBeUndefined();
    // Valkey 9 writes its own format 80 and still refuses Redis' 12.
    expect(importRefusal('valkey', rdb(80), 'valkey9.rdb', '8.1')).toMatch(/format 80, which Valkey 8.1 cannot load/);
    expect(importRefusal('valkey', rdb(80), 'valkey9.rdb', '9.0')).toBeUndefined();
    expect(importRefusal('valkey', rdb(12), 'redis8.rdb', '9.0')).toMatch(/cannot load/);
    expect(importRefusal('redis', rdb(12), 'redis8.rdb', '7.0')).toBe(
      'redis8.rdb is in RDB format 12, which Redis 7.0 cannot load (a newer release wrote it).',
    );
    expect(importRefusal('redis', rdb(11), 'valkey.rdb', '8.0')).toBeUndefined();
    // A tag that names no version: the engine's own check decides when it loads.
    expect(importRefusal('valkey', rdb(12), 'redis8.rdb', 'latest')).toBeUndefined();
  });
});

describe('snapshot labels', () => {
  it('read back exactly what they record', () => {
    const s = snapshot({ name: 'before v2 rollout' });
    expect(snapshotFromLabels(s.manifestVolume, snapshotManifestLabels(s))).toEqual(s);
    expect(snapshotFromLabels('x', { 'io.dockbase.snapshot': 'feed01', 'io.dockbase.snapshot.role': 'data' })).toBeUndefined();
  });

  it('record the user and database the instance connected with; a snapshot from before records neither', () => {
    const s = snapshot({ accounts: { user: 'qa_user', database: 'qa_app' } });
    const labels = snapshotManifestLabels(s);
    expect(labels).toMatchObject({ 'io.dockbase.snapshot.user': 'qa_user', 'io.dockbase.snapshot.database': 'qa_app' });
    expect(snapshotFromLabels(s.manifestVolume, labels)).toEqual(s);
    // The engine's defaults: recorded as empty labels, read back as no user and no database.
    const defaults = snapshotManifestLabels(snapshot({ accounts: {} }));
    expect(defaults).toMatchObject({ 'io.dockbase.snapshot.user': '', 'io.dockbase.snapshot.database': '' });
    expect(snapshotFromLabels(s.manifestVolume, defaults)?.accounts).toEqual({});
    const { 'io.dockbase.snapshot.user': _user, 'io.dockbase.snapshot.database': _database, ...older } = labels;
    expect(snapshotFromLabels(s.manifestVolume, older)?.accounts).toBeUndefined();
  });

  it('refuse a restore across engines or versions the instance cannot read, naming both', () => {
    const pg17 = instance({ engine: 'postgres', tag: '17', volumes: ['dockbase-shop-data'] });
    expect(() => checkCompatible(pg17, snapshot())).toThrow('Snapshot "nightly" holds PostgreSQL 15 data, which shop (PostgreSQL 17) cannot read.');
    expect(() => checkCompatible(pg17, snapshot({ engine: 'mariadb' }))).toThrow('Snapshot "nightly" holds MariaDB data; shop is PostgreSQL.');
    expect(() => checkCompatible(instance({ engine: 'postgres', tag: '15' }), snapshot())).not.toThrow();
  });
});

describe('snapshots of deleted instances', () => {
  it('are those whose instance id no container has, whatever the reason, in the order given', () => {
    const ofShop = snapshot({ id: 's1', instanceId: 'abc123' });
    const ofGone = snapshot({ id: 's2', instanceId: 'gone01', instanceName: 'old' });
    const gonePoint = snapshot({ id: 's3', instanceId: 'gone01', instanceName: 'old', reason: 'before-upgrade', upgradeTo: '17' });
    const ofOther = snapshot({ id: 's4', instanceId: 'gone02', instanceName: 'other', reason: 'before-restore' });
    const all = [ofGone, ofShop, gonePoint, ofOther];
    expect(orphanSnapshots(all, [instance()]).map((s) => s.id)).toEqual(['s2', 's3', 's4']);
    expect(orphanSnapshots(all, [instance(), instance({ id: 'gone02' })]).map((s) => s.id)).toEqual(['s2', 's3']);
    expect(orphanSnapshots(all, []).map((s) => s.id)).toEqual(['s2', 's1', 's3', 's4']);
  });

  it('are not those of an instance re-created on the kept data (its id is new, its data’s is the old one), and are none before instances are known', () => {
    const recreated = instance({ id: 'new456', dataId: 'abc123' });
    expect(orphanSnapshots([snapshot()], [recreated])).toEqual([]);
    expect(orphanSnapshots([snapshot()], [instance({ id: 'new456', dataId: 'other1' })]).map((s) => s.id)).toEqual(['feed01']);
    expect(orphanSnapshots([snapshot()], undefined)).toEqual([]);
  });
});

describe('the scripts run inside containers', () => {
  it('hold no password and take every path as an argument', () => {
    for (const e of ENGINES) {
      for (const script of [exportScript(e), importScript(e) ?? '']) {
        expect(script).not.toMatch(/--password|-p\$|PASSWORD}? *-/);
      }
    }
    // Credentials come from the container's own environment, by name.
    expect(exportScript(getEngine('mysql'))).toContain('MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysqldump -uroot --single-transaction --all-databases');
    expect(exportScript(getEngine('mariadb'))).toContain('export MYSQL_PWD="${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}"');
    expect(exportScript(getEngine('mongo'))).toContain(
      'mongodump --config="$cfg" --username="$MONGO_INITDB_ROOT_USERNAME" --authenticationDatabase=admin --gzip --archive="$out"',
    );
    expect(exportScript(getEngine('redis'))).toContain('exec redis-cli --rdb "$out"');
    expect(exportScript(getEngine('postgres'))).toContain('exec pg_dumpall --clean --if-exists -U "${POSTGRES_USER:-postgres}" -f "$out"');
  });
});

describe('export and import argv (MongoDB, a stand-in engine here)', () => {
  it('dumps with mongodump into a temporary file, copies it to the folder, and removes the temporary file', async () => {
    const cli = scripted([['exec', { stdout: 'dockbase-progress 10\ndockbase-size 20\n' }]]);
    const progress: number[] = [];
    const r = await createDockbase(cli).backups.export(instance(), { directory: '/home/me/backups', onProgress: (p) => progress.push(p.bytes) });
    expect(r.file).toMatch(/^\/home\/me\/backups\/shop-\d{8}-\d{6}\.archive\.gz$/);
    expect(r).toMatchObject({ sizeBytes: 20, tool: 'mongodump' });
    expect(progress).toEqual([10, 20]);
    const [dump, cp, clean] = cli.calls;
    const temp = dump![6]!;
    expect(temp).toMatch(/^\/tmp\/dockbase-export-[0-9a-f]{12}$/);
    expect(dump).toEqual(['exec', 'c0ffee', 'sh', '-c', exportScript(getEngine('mongo')), 'sh', temp]);
    // Out as a tar stream that Dockbase writes to a new file itself: docker never gets a host path.
    expect(cp).toEqual(['cp', `c0ffee:${temp}`, '-']);
    expect(cli.copies).toEqual([{ directory: '/home/me/backups', stem: expect.stringMatching(/^shop-\d{8}-\d{6}$/), extension: '.archive.gz' }]);
    expect(clean).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', temp]);
  });

  it('honours a cancel made when a quick dump is reported done: no file is copied out, the temporary file goes', async () => {
    const cli = scripted([['exec', { stdout: 'dockbase-size 20\n' }]]);
    const abort = new AbortController();
    const run = createDockbase(cli).backups.export(instance(), { directory: '/home/me/backups', signal: abort.signal, onProgress: () => abort.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(cli.calls.map((c) => c[0])).toEqual(['exec', 'exec']);
    expect(cli.calls[1]!.slice(0, 5)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT]);
  });

  it('imports: copy in, identify, snapshot both volumes (stopped), mongorestore, clean up', async () => {
    const cli = scripted([
      ['exec c0ffee sh -c wc', { stdout: sniffOutput([0x1f, 0x8b], String.fromCharCode(0x6d, 0xe2, 0x99, 0x81)) }],
      ['run --rm', { stdout: '812\t/to\n' }],
      ['ps --all', { stdout: '' }],
      ...OWN_CONTAINER,
    ]);
    const dockbase = createDockbase(cli);
    // Waiting for readiness probes the server: answered by the scripted exec (code 0).
    const r = await dockbase.backups.import(instance(), '/home/me/shop.archive.gz');
    cli.calls.splice(0, cli.calls.length, ...acting(cli.calls));
    expect(r).toMatchObject({ kind: 'mongo-archive', sizeBytes: 42, kept: { reason: 'before-import', sizeBytes: 812 * 1024 } });
    // In as a tar stream of the one file Dockbase read, extracted into the container's /tmp.
    expect(cli.calls[0]).toEqual(['cp', '-', 'c0ffee:/tmp']);
    expect(cli.copies).toEqual([{ path: '/home/me/shop.archive.gz', name: expect.stringMatching(/^dockbase-import-[0-9a-f]{12}$/) }]);
    const temp = `/tmp/${(cli.copies[0] as { name: string }).name}`;
    expect(cli.calls[1]).toEqual(['exec', 'c0ffee', 'sh', '-c', SNIFF_SCRIPT, 'sh', temp]);
    // The instance's snapshot names are read before it stops: the name Dockbase gives must be free.
    expect(cli.calls[2]).toEqual(['volume', 'ls', '--quiet', '--filter', 'label=io.dockbase.snapshot.role=manifest']);
    cli.calls.splice(2, 1);
    expect(cli.calls[2]).toEqual(['stop', '--time', '30', 'c0ffee']);
    const helper = cli.calls[3]!;
    expect(helper.slice(0, 12)).toEqual([
      'run',
      '--rm',
      '--pull',
      'never',
      '--network',
      'none',
      '--label',
      'io.dockbase.helper=snapshot',
      '--user',
      '0',
      '--entrypoint',
      'sh',
    ]);
    expect(helper).toContain('type=volume,source=dockbase-shop-db,target=/from/db,readonly');
    expect(helper).toContain('type=volume,source=dockbase-shop-configdb,target=/from/configdb,readonly');
    expect(helper.slice(-3)).toEqual(['mongo:8.0', '-c', COPY_VOLUMES_SCRIPT]);
    expect(cli.calls[4]!.slice(0, 2)).toEqual(['volume', 'create']);
    expect(cli.calls[5]).toEqual(['start', 'c0ffee']);
    const restore = cli.calls.find((c) => c[4] === importScript(getEngine('mongo')));
    expect(restore).toEqual(['exec', 'c0ffee', 'sh', '-c', importScript(getEngine('mongo')), 'sh', temp, 'mongo-archive', '1']);
    expect(cli.calls.at(-2)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', temp]);
    // Then the instance's password is checked against what the dump left (MongoDB cannot have it set without the old one).
    expect(cli.calls.at(-1)!.slice(0, 4)).toEqual(['exec', 'c0ffee', 'sh', '-c']);
    expect(cli.calls.at(-1)![4]).toMatch(/^command -v mongosh/);
  });

  it('refuses a file of another engine before touching the instance, and removes the uploaded copy', async () => {
    const cli = scripted([['exec c0ffee sh -c wc', { stdout: sniffOutput('-- MySQL dump 10.13') }]]);
    await expect(createDockbase(cli).backups.import(instance(), '/home/me/x.archive')).rejects.toMatchObject({
      code: 'bad-file',
      message: 'x.archive is a MySQL dump; MongoDB cannot import it. shop was not changed.',
    });
    expect(cli.calls.map((c) => c[0])).toEqual(['cp', 'exec', 'exec']);
  });

  it('after starting an instance again, trusts only the probe: the log still holds the last run’s ready line', async () => {
    const cli = scripted([['run --rm', { stdout: '8\t/to' }], ...OWN_CONTAINER]);
    const redis = instance({ engine: 'redis', tag: '7.0', volumes: ['dockbase-shop-data'] });
    await createDockbase(cli).snapshots.take(redis, { name: 'quick' });
    // Its snapshots' names are read first (a taken name is refused before anything stops).
    expect(acting(cli.calls).map((c) => c.slice(0, 2).join(' '))).toEqual([
      'volume ls',
      'stop --time',
      'run --rm',
      'volume create',
      'start c0ffee',
      'exec c0ffee',
    ]);
    expect(cli.calls.some((c) => c[0] === 'logs')).toBe(false);
  });

  it('names the MySQL file as the instance and the time', () => {
    expect(Backups.exportFileName(instance({ engine: 'mysql' }), new Date(2026, 0, 31, 23, 59, 58))).toBe('shop-20260131-235958.sql');
  });

  it('restores a snapshot with the replace script, and puts the kept data back when that fails', async () => {
    let replaceCalls = 0;
    const cli = scripted([
      ['run --rm', (args) => (args.includes(REPLACE_VOLUMES_SCRIPT) && ++replaceCalls === 1 ? { code: 1, stderr: 'cp: disk full' } : { stdout: '4\t/to' })],
    ]);
    const pg = instance({ engine: 'postgres', tag: '15', volumes: ['dockbase-shop-data'], status: 'exited' });
    await expect(createDockbase(cli).snapshots.restore(pg, snapshot())).rejects.toThrow(
      'Could not restore shop from "nightly": cp: disk full shop keeps its data as it was.',
    );
    expect(replaceCalls).toBe(2);
    expect(cli.calls.some((c) => c[0] === 'start')).toBe(false); // it was stopped, it stays stopped
  });
});

/** The answers `Snapshots.list` reads: one manifest volume per snapshot, with its labels. */
const listed = (...snapshots: Snapshot[]): Array<[string, { stdout: string }]> => [
  ['volume ls --quiet --filter label=io.dockbase.snapshot.role=manifest', { stdout: snapshots.map((s) => `${s.manifestVolume}\n`).join('') }],
  ['volume inspect dockbase-', { stdout: JSON.stringify(snapshots.map((s) => ({ Name: s.manifestVolume, Labels: snapshotManifestLabels(s) }))) }],
];

describe('snapshot names are unique per instance', () => {
  const pg = instance({ engine: 'postgres', tag: '15', volumes: ['dockbase-shop-data'] });
  const taken = snapshot({ name: 'before migration' });

  it('a taken name is refused, naming the snapshot that has it, before the instance stops', async () => {
    const cli = scripted([...listed(taken), ...OWN_CONTAINER]);
    const error = await createDockbase(cli)
      .snapshots.take(pg, { name: 'before migration' })
      .catch((e: unknown) => e);
    expect(isDockbaseError(error, 'invalid-input')).toBe(true);
    expect(error).toMatchObject({
      field: 'name',
      message:
        'Name: shop already has a snapshot named "before migration" (id feed01, taken 2026-01-01 00:00:00Z). Choose another name, or delete that snapshot first.',
    });
    expect(cli.calls.some((c) => c[0] === 'stop' || c[0] === 'run')).toBe(false);
  });

  it('the same name on another instance is no conflict', async () => {
    const cli = scripted([...listed(snapshot({ name: 'before migration', instanceId: 'other1' })), ['run --rm', { stdout: '4\t/to' }], ...OWN_CONTAINER]);
    const s = await createDockbase(cli).snapshots.take({ ...pg, status: 'exited' }, { name: 'before migration' });
    expect(s).toMatchObject({ name: 'before migration', instanceId: 'abc123' });
  });

  it('a name Dockbase gives gets a suffix instead', async () => {
    const cli = scripted([...listed(snapshot({ name: 'before import 20260101-000000' })), ['run --rm', { stdout: '4\t/to' }], ...OWN_CONTAINER]);
    const s = await createDockbase(cli).snapshots.take({ ...pg, status: 'exited' }, { name: 'before import 20260101-000000', reason: 'before-import' });
    expect(s.name).toBe('before import 20260101-000000 2');
    const manifest = cli.calls.find((c) => c[0] === 'volume' && c[1] === 'create')!;
    expect(manifest).toContain('io.dockbase.snapshot.name=before import 20260101-000000 2');
  });
});

describe('a refused import', () => {
  const sniffed: [string, { stdout: string }] = ['exec c0ffee sh -c wc', { stdout: sniffOutput([0x1f, 0x8b], String.fromCharCode(0x6d, 0xe2, 0x99, 0x81)) }];
  const toolFails: [string, { code: number; stderr: string }] = [
    `exec c0ffee sh -c ${importScript(getEngine('mongo'))}`,
    { code: 3, stderr: 'Failed: shop.items: error creating collection: not authorized\n' },
  ];

  it('puts the data back and deletes its "before import" snapshot, which holds nothing the instance lacks', async () => {
    const volumesOf = (args: readonly string[]) => {
      const manifest = `dockbase-shop-snap-${args[4]!.split('=').pop()!}`;
      return { stdout: `${manifest}\n${manifest}-db\n${manifest}-configdb\n` };
    };
    const cli = scripted([
      sniffed,
      toolFails,
      ['run --rm', { stdout: '812\t/to\n' }],
      ['volume ls --quiet --filter label=io.dockbase.snapshot=', volumesOf],
      ...OWN_CONTAINER,
    ]);
    await expect(createDockbase(cli).backups.import(instance(), '/home/me/shop.archive.gz')).rejects.toMatchObject({
      code: 'bad-file',
      message: 'Could not import shop.archive.gz: Failed: shop.items: error creating collection: not authorized shop was put back as it was.',
    });
    const calls = acting(cli.calls);
    const manifest = calls.find((c) => c[0] === 'volume' && c[1] === 'create')!.at(-1)!;
    expect(manifest).toMatch(/^dockbase-shop-snap-[0-9a-f]{12}$/);
    const put = calls.findIndex((c) => c.includes(REPLACE_VOLUMES_SCRIPT));
    const removed = calls.findIndex((c) => c[0] === 'volume' && c[1] === 'rm');
    expect(put).toBeGreaterThan(0);
    // Deleted once the data is back: its copies, then its manifest.
    expect(removed).toBeGreaterThan(put);
    expect(calls[removed]!.slice(2)).toEqual([`${manifest}-db`, `${manifest}-configdb`, manifest]);
  });

  it('keeps the snapshot when putting the data back failed too, and names it', async () => {
    const cli = scripted([
      sniffed,
      toolFails,
      ['run --rm', (args) => (args.includes(REPLACE_VOLUMES_SCRIPT) ? { code: 1, stderr: 'cp: No space left on device' } : { stdout: '812\t/to\n' })],
      ...OWN_CONTAINER,
    ]);
    const error = await createDockbase(cli)
      .backups.import(instance(), '/home/me/shop.archive.gz')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'command-failed',
      message: expect.stringMatching(
        /^Could not import shop\.archive\.gz: Failed: .* Putting shop's data back failed too: it is kept in the snapshot "before import \d{8}-\d{6}"; restore that snapshot to get it back\.$/,
      ),
    });
    expect(cli.calls.some((c) => c[0] === 'volume' && c[1] === 'rm')).toBe(false);
  });
});

describe('a clone keeps the user and database of the snapshot’s data', () => {
  const qa = snapshot({ accounts: { user: 'qa_user', database: 'qa_app' } });
  const input = { name: 'copy', hostPort: 55433, password: 'clone password', exposeOnNetwork: false };

  it('labels its volumes with them (create takes them from there), and removes the volumes when create fails', async () => {
    const cli = scripted([
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['run --detach', { code: 1, stderr: 'boom' }],
      ['create', { code: 1, stderr: 'boom' }],
    ]);
    await expect(createDockbase(cli).snapshots.clone(qa, input)).rejects.toThrow(/boom/);
    const helper = cli.calls.find((c) => c.includes('io.dockbase.helper=clone'))!;
    const to = helper.find((a) => a.startsWith('type=volume,source=dockbase-copy-data,target=/to/data'))!;
    expect(to).toContain(',volume-label=io.dockbase.user=qa_user');
    expect(to).toContain(',volume-label=io.dockbase.database=qa_app');
    // The container it asked for names them too (POSTGRES_USER, POSTGRES_DB), and is started to set its password.
    const made = cli.calls.find((c) => c[0] === 'run' && c[1] === '--detach')!;
    expect(made).toEqual(expect.arrayContaining(['POSTGRES_USER=qa_user', 'POSTGRES_DB=qa_app', 'io.dockbase.user=qa_user']));
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-copy-data']);
  });

  it('refuses another user or database than the data’s, and takes the same one', async () => {
    const snapshots = createDockbase(scripted([])).snapshots;
    await expect(snapshots.accountsOf(qa, { user: 'someone' })).rejects.toMatchObject({
      code: 'invalid-input',
      field: 'user',
      message: 'User: The data of "nightly" has the user qa_user: a clone keeps it. Leave this empty.',
    });
    await expect(snapshots.accountsOf(qa, { database: 'other' })).rejects.toMatchObject({ field: 'database' });
    await expect(snapshots.accountsOf(qa, { user: 'qa_user' })).resolves.toEqual({ user: 'qa_user', database: 'qa_app' });
    // Recorded defaults: the engine's admin user.
    await expect(snapshots.accountsOf(snapshot({ accounts: {} }), { user: 'postgres' })).resolves.toEqual({});
    await expect(snapshots.accountsOf(snapshot({ accounts: {} }), { user: 'qa_user' })).rejects.toMatchObject({ field: 'user' });
  });
});
