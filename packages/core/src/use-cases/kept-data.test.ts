import { describe, expect, it } from 'vitest';
import { createDockbase } from '../dockbase';
import { getEngine } from '../engines';
import { describeKeptData, formatBytes, groupKeptData, keptDataForName, reuseProblem } from './kept-data';
import { snapshotManifestLabels } from '../model/labels';
import type { Snapshot } from '../model/snapshot-model';
import { parseSize, parseStatsLine, parseVolumeSizes } from '../docker/usage';
import { scripted } from '../test-support/scripted-cli';

const pgLabels = (name: string, tag = '15', extra = '') =>
  `io.dockbase.volume=data,io.dockbase.engine=postgres,io.dockbase.tag=${tag},io.dockbase.name=${name},io.dockbase.mount=/var/lib/postgresql/data,io.dockbase.instance=0123456789ab${extra}`;

describe('data kept by deleted instances', () => {
  it('is listed from one docker volume ls of unused Dockbase volumes (and the list of snapshots), grouped by instance', async () => {
    const cli = scripted([
      ['volume ls --quiet', { stdout: '' }],
      [
        'volume ls',
        {
          stdout: [
            JSON.stringify({ Name: 'dockbase-m-10-data', Labels: pgLabels('m-10') }),
            JSON.stringify({ Name: 'dockbase-docs-db', Labels: 'io.dockbase.volume=db,io.dockbase.engine=mongo,io.dockbase.tag=8.0,io.dockbase.name=docs' }),
            JSON.stringify({
              Name: 'dockbase-docs-configdb',
              Labels: 'io.dockbase.volume=configdb,io.dockbase.engine=mongo,io.dockbase.tag=8.0,io.dockbase.name=docs',
            }),
            JSON.stringify({ Name: 'dockbase-m-2-data', Labels: pgLabels('m-2', '17', ',io.dockbase.user=app') }),
          ].join('\n'),
        },
      ],
    ]);
    const kept = await createDockbase(cli).keptData.list();
    expect(cli.calls).toEqual([
      ['volume', 'ls', '--filter', 'label=io.dockbase.volume', '--filter', 'dangling=true', '--format', '{{json .}}'],
      ['volume', 'ls', '--quiet', '--filter', 'label=io.dockbase.snapshot.role=manifest'],
    ]);
    expect(kept.map((k) => [k.instanceName, k.engine, k.tag, k.volumes])).toEqual([
      ['docs', 'mongo', '8.0', ['dockbase-docs-db', 'dockbase-docs-configdb']],
      ['m-2', 'postgres', '17', ['dockbase-m-2-data']],
      ['m-10', 'postgres', '15', ['dockbase-m-10-data']],
    ]);
    expect(kept[1]).toMatchObject({ instanceId: '0123456789ab', user: 'app' });
  });

  it('leaves out the volumes a snapshot holds (an upgrade’s rollback point keeps the old data volume as it is), and never deletes them', async () => {
    const point = {
      id: 'feed01',
      name: 'before upgrade to 17',
      instanceId: '0123456789ab',
      instanceName: 'orders',
      engine: 'postgres' as const,
      image: 'postgres',
      tag: '15',
      createdAt: '2026-01-01T00:00:00.000Z',
      sizeBytes: 4096,
      reason: 'before-upgrade' as const,
      upgradeTo: '17',
      manifestVolume: 'dockbase-orders-snap-feed01',
      volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-orders-data' }],
    };
    const cli = () =>
      scripted([
        ['volume ls --quiet', { stdout: `${point.manifestVolume}\n` }],
        ['volume inspect', { stdout: JSON.stringify([{ Name: point.manifestVolume, Labels: snapshotManifestLabels(point), CreatedAt: point.createdAt }]) }],
        [
          'volume ls',
          {
            stdout: [
              JSON.stringify({ Name: 'dockbase-orders-data', Labels: pgLabels('orders') }),
              JSON.stringify({ Name: 'dockbase-gone-data', Labels: pgLabels('gone') }),
            ].join('\n'),
          },
        ],
      ]);
    const dockbase = createDockbase(cli());
    expect((await dockbase.keptData.list()).map((k) => k.instanceName)).toEqual(['gone']);
    const guarded = cli();
    await expect(
      createDockbase(guarded).keptData.remove({ instanceName: 'orders', engine: 'postgres', tag: '15', volumes: ['dockbase-orders-data'] }),
    ).rejects.toMatchObject({
      code: 'volume-conflict',
      message: expect.stringMatching(/dockbase-orders-data is held by a snapshot/),
    });
    expect(guarded.calls.some((c) => c[0] === 'volume' && c[1] === 'rm')).toBe(false);
  });

  it('and every snapshot come from ONE docker volume ls at once (the tab’s open), which prints nothing of anyone else’s volumes', async () => {
    const snapshot = (over: Partial<Snapshot> & Pick<Snapshot, 'id' | 'name' | 'createdAt' | 'manifestVolume' | 'volumes'>): Snapshot => ({
      instanceId: '0123456789ab',
      instanceName: 'orders',
      engine: 'postgres',
      image: 'postgres',
      tag: '15',
      sizeBytes: 4096,
      reason: 'manual',
      ...over,
    });
    const point = snapshot({
      id: 'feed01',
      name: 'before upgrade to 17',
      createdAt: '2026-01-01T00:00:00.000Z',
      reason: 'before-upgrade',
      upgradeTo: '17',
      manifestVolume: 'dockbase-orders-snap-feed01',
      volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-orders-data' }],
      accounts: {},
    });
    const newer = snapshot({
      id: 'feed02',
      name: 'nightly 2.0',
      instanceName: 'gone',
      createdAt: '2026-02-01T00:00:00.000Z',
      manifestVolume: 'dockbase-gone-snap-feed02',
      volumes: [{ key: 'data', path: '/var/lib/postgresql/data', volume: 'dockbase-gone-snap-feed02-data' }],
      accounts: { user: 'app' },
    });
    // As docker prints labels in `volume ls`: one "k=v,k=v" string.
    const labels = (s: Snapshot) =>
      Object.entries(snapshotManifestLabels(s))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    const cli = scripted([
      [
        'volume ls',
        {
          stdout: [
            JSON.stringify({ Name: point.manifestVolume, Labels: labels(point) }),
            // Someone else's volume: the format prints an empty line for it.
            '',
            JSON.stringify({ Name: 'dockbase-orders-data', Labels: pgLabels('orders') }),
            JSON.stringify({ Name: 'dockbase-gone-data', Labels: pgLabels('gone') }),
            JSON.stringify({ Name: newer.manifestVolume, Labels: labels(newer) }),
            JSON.stringify({
              Name: 'dockbase-gone-snap-feed02-data',
              Labels: 'io.dockbase.snapshot=feed02,io.dockbase.snapshot.role=data,io.dockbase.volume=data,io.dockbase.mount=/var/lib/postgresql/data',
            }),
            '',
          ].join('\n'),
        },
      ],
    ]);
    const left = await createDockbase(cli).keptData.leftBehind();
    expect(cli.calls).toEqual([
      [
        'volume',
        'ls',
        '--filter',
        'dangling=true',
        '--format',
        '{{if or (.Label "io.dockbase.volume") (eq (.Label "io.dockbase.snapshot.role") "manifest")}}{"Name":{{json .Name}},"Labels":{{json .Labels}}}{{end}}',
      ],
    ]);
    // Newest first, read back whole from their labels (names with spaces and dots, the accounts recorded).
    expect(left.snapshots).toEqual([newer, point]);
    // The rollback point's old data volume is the snapshot's, and a snapshot's own data volumes are no kept data.
    expect(left.kept.map((k) => [k.instanceName, k.volumes])).toEqual([['gone', ['dockbase-gone-data']]]);
  });

  it('is found for a name by the volumes a create would mount', () => {
    const kept = groupKeptData([
      {
        name: 'dockbase-orders-data',
        labels: { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'postgres', 'io.dockbase.tag': '15', 'io.dockbase.name': 'orders' },
      },
    ]);
    expect(keptDataForName(kept, 'orders', getEngine('postgres'), '15')?.instanceName).toBe('orders');
    expect(keptDataForName(kept, 'other', getEngine('postgres'), '15')).toBeUndefined();
  });

  it('offers the port and image of the instance that made it, where its volumes record them', () => {
    const [kept] = groupKeptData([
      {
        name: 'dockbase-orders-data',
        labels: {
          'io.dockbase.volume': 'data',
          'io.dockbase.engine': 'postgres',
          'io.dockbase.tag': '17',
          'io.dockbase.name': 'orders',
          'io.dockbase.port': '55432',
          'io.dockbase.image': 'pgvector/pgvector',
        },
      },
    ]);
    expect(kept).toMatchObject({ instanceName: 'orders', hostPort: 55432, image: 'pgvector/pgvector' });
  });

  it('offers the settings its server had when it was deleted (the marker the delete wrote beside it), and deletes the marker with the data', async () => {
    const marker = (instance: string, settings?: string) =>
      JSON.stringify({
        Name: 'dockbase-orders-settings',
        Labels: `io.dockbase.volume=settings,io.dockbase.engine=postgres,io.dockbase.tag=17,io.dockbase.name=orders,io.dockbase.instance=${instance}${settings ? `,io.dockbase.settings=${settings}` : ''}`,
      });
    const data = JSON.stringify({ Name: 'dockbase-orders-data', Labels: pgLabels('orders', '17') });
    const settings = JSON.stringify({ max_connections: '250', work_mem: '8MB' });
    const listed = (lines: string[]) => createDockbase(scripted([['volume ls', { stdout: lines.join('\n') }]])).keptData.leftBehind();

    const { kept } = await listed([marker('0123456789ab', settings), data]);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      instanceName: 'orders',
      volumes: ['dockbase-orders-data'],
      settings: { max_connections: '250', work_mem: '8MB' },
      settingsVolume: 'dockbase-orders-settings',
    });
    // Another instance's marker (an earlier life of the name) says nothing about this data.
    expect((await listed([marker('fedcba987654', settings), data])).kept[0]).not.toHaveProperty('settings');
    // A marker alone (its data is in use again) is no kept data.
    expect((await listed([marker('0123456789ab', settings)])).kept).toEqual([]);

    const cli = scripted([]);
    await createDockbase(cli).keptData.remove(kept[0]!);
    expect(cli.calls.filter((c) => c[1] === 'rm')).toEqual([
      ['volume', 'rm', 'dockbase-orders-data'],
      ['volume', 'rm', 'dockbase-orders-settings'],
    ]);
    // Data in use again: it stays, and so does what it ran with.
    const busy = scripted([
      ['volume rm dockbase-orders-data', { code: 1, stderr: 'Error response from daemon: remove dockbase-orders-data: volume is in use - [abc]' }],
    ]);
    await expect(createDockbase(busy).keptData.remove(kept[0]!)).rejects.toMatchObject({ code: 'volume-conflict' });
    expect(busy.calls.filter((c) => c[1] === 'rm')).toEqual([['volume', 'rm', 'dockbase-orders-data']]);
  });

  it('is described with engine, version, date and size once its details are read', async () => {
    const cli = scripted([
      ['volume inspect', { stdout: JSON.stringify([{ Name: 'dockbase-o-data', CreatedAt: '2026-11-20T10:00:00Z', Labels: {} }]) }],
      [
        'system df',
        {
          stdout: JSON.stringify([
            { Name: 'dockbase-o-data', Size: '48.2MB' },
            { Name: 'other', Size: '1GB' },
          ]),
        },
      ],
    ]);
    const details = await createDockbase(cli).keptData.details({ instanceName: 'o', engine: 'postgres', tag: '15', volumes: ['dockbase-o-data'] });
    expect(details).toMatchObject({ createdAt: '2026-11-20T10:00:00.000Z', sizeBytes: 48_200_000 });
    expect(describeKeptData(details)).toBe('PostgreSQL 15 data created 20 Nov 2026, 48.2 MB');
  });

  it('refuses another engine’s data or a version that cannot open it, naming the field', () => {
    const pg = getEngine('postgres');
    const mount = pg.dataMounts('17')[0];
    expect(reuseProblem({ engine: 'mysql', tag: '8.4', mountKey: 'data' }, 'dockbase-x-data', mount, pg, '17')).toMatchObject({
      field: 'name',
      message: expect.stringMatching(/MySQL data/),
    });
    expect(reuseProblem({ engine: 'postgres', tag: '15', mountKey: 'data' }, 'dockbase-x-data', mount, pg, '17')).toMatchObject({
      field: 'tag',
      message: expect.stringMatching(/Use version 15/),
    });
    expect(reuseProblem({ engine: 'postgres', tag: '17.2', mountKey: 'data', mountPath: '/var/lib/postgresql/data' }, 'v', mount, pg, '17')).toBeUndefined();
  });

  it('is deleted with one volume rm; a volume back in use deletes nothing and says so', async () => {
    const ok = scripted([]);
    await createDockbase(ok).keptData.remove({ instanceName: 'o', engine: 'redis', tag: '8', volumes: ['dockbase-o-data'] });
    expect(ok.calls.filter((c) => c[1] === 'rm')).toEqual([['volume', 'rm', 'dockbase-o-data']]);
    const busy = scripted([['volume rm', { code: 1, stderr: 'Error response from daemon: remove dockbase-o-data: volume is in use - [abc]' }]]);
    await expect(createDockbase(busy).keptData.remove({ instanceName: 'o', engine: 'redis', tag: '8', volumes: ['dockbase-o-data'] })).rejects.toMatchObject({
      code: 'volume-conflict',
    });
  });
});

describe('sizes and usage', () => {
  it('reads docker’s sizes in decimal and binary units', () => {
    expect(parseSize('3.555MiB')).toBe(Math.round(3.555 * 1024 * 1024));
    expect(parseSize('40.4MB')).toBe(40_400_000);
    expect(parseSize('0B')).toBe(0);
    expect(parseSize('N/A')).toBeUndefined();
    expect(formatBytes(48_200_000)).toBe('48.2 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(parseVolumeSizes('[{"Name":"a","Size":"1kB"},{"Name":"b","Size":"N/A"}]')).toEqual(new Map([['a', 1000]]));
  });

  it('writes sizes in decimal units, as docker does, for the tab and the CLI alike', () => {
    const shown: Array<[number, string]> = [
      // Whole bytes below 1 kB.
      [0, '0 B'],
      [1, '1 B'],
      [999, '999 B'],
      [999.6, '1.0 kB'],
      // 1000, not 1024: 2 MiB (a snapshot that du measures as 2048 KiB) shows as 2.1 MB.
      [1000, '1.0 kB'],
      [1536, '1.5 kB'],
      [2048 * 1024, '2.1 MB'],
      // One decimal below 100, none from 100 on.
      [48_000_000, '48.0 MB'],
      [99_940, '99.9 kB'],
      [99_960, '100 kB'],
      [512_000, '512 kB'],
      [1_234_000_000, '1.2 GB'],
      // Never "1000 kB": a value that rounds up to 1000 moves to the next unit.
      [999_499, '999 kB'],
      [999_500, '1.0 MB'],
      [999_960_000_000, '1.0 TB'],
      // TB is the largest unit.
      [2_500_000_000_000_000, '2500 TB'],
      // Nothing a size can be.
      [-1, '?'],
      [Number.NaN, '?'],
      [Number.POSITIVE_INFINITY, '?'],
    ];
    expect(shown.map(([bytes]) => formatBytes(bytes))).toEqual(shown.map(([, text]) => text));
  });

  it('reads one docker stats line', () => {
    expect(parseStatsLine('{"CPUPerc":"12.50%","ID":"abc","MemUsage":"3.5MiB / 1GiB","Name":"pg"}')).toEqual({
      id: 'abc',
      name: 'pg',
      usage: { cpuPercent: 12.5, memoryBytes: 3.5 * 1024 * 1024, memoryLimitBytes: 1024 ** 3 },
    });
  });

  it('measures CPU, memory and data with at most two docker calls, and none for stats when nothing runs', async () => {
    const cli = scripted([
      ['stats', { stdout: '{"CPUPerc":"1.00%","ID":"c-a","MemUsage":"10MiB / 1GiB","Name":"a"}\n' }],
      ['system df', { stdout: '[{"Name":"dockbase-a-data","Size":"2MB"},{"Name":"dockbase-b-data","Size":"3MB"}]' }],
    ]);
    const base = { engine: 'redis', image: 'redis', tag: '8', hostPort: 1, bindAddress: '127.0.0.1', health: 'none', createdAt: '', statusText: '' } as const;
    const a = { ...base, id: 'a', name: 'a', containerId: 'c-a', status: 'running' as const, volumes: ['dockbase-a-data'] };
    const b = { ...base, id: 'b', name: 'b', containerId: 'c-b', status: 'exited' as const, volumes: ['dockbase-b-data'] };
    const report = await createDockbase(cli).resources.measure([a, b]);
    expect(cli.calls.map((c) => c[0])).toEqual(['stats', 'system']);
    expect(cli.calls[0]).toEqual(['stats', '--no-stream', '--no-trunc', '--format', '{{json .}}', 'c-a']);
    expect(report.byInstance.get('a')).toEqual({ cpuPercent: 1, memoryBytes: 10 * 1024 * 1024, memoryLimitBytes: 1024 ** 3, dataBytes: 2_000_000 });
    expect(report.byInstance.get('b')).toEqual({ dataBytes: 3_000_000 });

    const idle = scripted([['system df', { stdout: '[]' }]]);
    await createDockbase(idle).resources.measure([b]);
    expect(idle.calls.map((c) => c[0])).toEqual(['system']);
  });
});
