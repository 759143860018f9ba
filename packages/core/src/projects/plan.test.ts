import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instance';
import type { EngineUsage, PortHolder } from '../model/validation';
import { parseManifest } from './manifest';
import { branchInstanceName, createInputFor, describeSettingDifference, planUp } from './plan';

const MANIFEST = parseManifest(`version: 1
instances:
  orders:
    engine: postgres
    version: "17"
    port: 5433
  cache:
    engine: redis
    version: "7.0"
    port: 6380
`);
const HERE = { name: 'shop', path: '/home/me/shop' };

function instance(name: string, over: Partial<Instance> = {}): Instance {
  return {
    id: name.padEnd(12, '0').slice(0, 12),
    name,
    engine: 'postgres',
    image: 'postgres',
    tag: '17',
    hostPort: 5433,
    bindAddress: '127.0.0.1',
    status: 'running',
    health: 'healthy',
    createdAt: '',
    volumes: [],
    containerId: name,
    statusText: '',
    project: { ...HERE },
    ...over,
  };
}

function usage(all: Instance[], foreign: Array<[number, PortHolder]> = []): EngineUsage {
  const ports = new Map<number, PortHolder>(foreign);
  for (const i of all) if (!ports.get(i.hostPort)?.running) ports.set(i.hostPort, { container: i.name, running: i.status === 'running' });
  return { names: new Set(all.map((i) => i.name)), ports };
}

describe('planUp', () => {
  it('creates what is missing, starts what is stopped, keeps what runs', () => {
    const all = [instance('shop-orders', { status: 'exited' })];
    const plan = planUp(MANIFEST, HERE, all, usage(all));
    expect(plan.problems).toEqual([]);
    expect(plan.actions.map((a) => [a.kind, a.declared.key])).toEqual([
      ['start', 'orders'],
      ['create', 'cache'],
    ]);
  });

  it('does nothing the second time', () => {
    const all = [instance('shop-orders'), instance('shop-cache', { engine: 'redis', image: 'redis', tag: '7.0', hostPort: 6380 })];
    const plan = planUp(MANIFEST, HERE, all, usage(all));
    expect(plan.actions.every((a) => a.kind === 'keep')).toBe(true);
    expect(plan.drift).toEqual([]);
  });

  it('compares the declared settings with the container’s: each difference is named, with both values, and up applies the file’s', () => {
    const manifest = parseManifest(`version: 1
instances:
  orders:
    engine: postgres
    version: "17"
    port: 5433
    settings:
      max_connections: 200
      work_mem: 8MB
  cache:
    engine: redis
    version: "7.0"
    port: 6380
`);
    const all = [
      instance('shop-orders', { settings: { max_connections: '100', shared_buffers: '256MB', work_mem: '8MB' } }),
      instance('shop-cache', { engine: 'redis', image: 'redis', tag: '7.0', hostPort: 6380, status: 'exited', settings: { maxmemory: '64mb' } }),
    ];
    const plan = planUp(manifest, HERE, all, usage(all));
    expect(plan.problems).toEqual([]);
    const [orders, cache] = plan.actions;
    expect(orders).toMatchObject({
      kind: 'keep',
      settings: {
        settings: { max_connections: '200', work_mem: '8MB' },
        differences: [
          { name: 'max_connections', declared: '200', actual: '100' },
          { name: 'shared_buffers', actual: '256MB' },
        ],
      },
    });
    // No settings: in the file declares none: the stopped instance gets none before it starts.
    expect(cache).toMatchObject({ kind: 'start', settings: { settings: {}, differences: [{ name: 'maxmemory', actual: '64mb' }] } });
    const said = orders?.kind === 'keep' ? orders.settings!.differences.map((d) => describeSettingDifference('shop-orders', d)) : [];
    expect(said).toEqual([
      'shop-orders: setting max_connections: dockbase.yaml says max_connections=200, it has max_connections=100',
      'shop-orders: setting shared_buffers: dockbase.yaml does not set it, it has shared_buffers=256MB',
    ]);
    expect(describeSettingDifference('x', { name: 'work_mem', declared: '8MB' })).toBe('x: setting work_mem: dockbase.yaml says work_mem=8MB, it has none');

    // Once applied (the order given does not count), the next up changes nothing.
    const applied = [
      instance('shop-orders', { settings: { work_mem: '8MB', max_connections: '200' } }),
      instance('shop-cache', { engine: 'redis', image: 'redis', tag: '7.0', hostPort: 6380 }),
    ];
    const again = planUp(manifest, HERE, applied, usage(applied));
    expect(again.actions.map((a) => [a.kind, 'settings' in a ? a.settings : undefined])).toEqual([
      ['keep', undefined],
      ['keep', undefined],
    ]);
    expect(again.drift).toEqual([]);
  });

  it('says a flavour that differs and what to do, and never changes it; a declared flavour’s own image is no drift', () => {
    const manifest = parseManifest(`version: 1
instances:
  orders:
    engine: postgres
    flavour: pgvector
    version: 0.8.0-pg17
    port: 5433
`);
    const plain = [instance('shop-orders')];
    const plan = planUp(manifest, HERE, plain, usage(plain));
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'keep' })]);
    expect(plan.drift).toEqual([
      'shop-orders is PostgreSQL (postgres:17); dockbase.yaml says flavour pgvector (PostgreSQL (pgvector)). up does not change a flavour: it replaces the image. ' +
        'To change it, keep a dump (`dockbase export shop-orders`), delete the instance with its data (`dockbase rm shop-orders --with-data`), ' +
        'run `dockbase up` to make it as declared, and load the dump (`dockbase import shop-orders FILE`); or change the file back.',
    ]);
    const flavoured = [instance('shop-orders', { flavour: 'pgvector', image: 'pgvector/pgvector', tag: '0.8.0-pg17' })];
    expect(planUp(manifest, HERE, flavoured, usage(flavoured)).drift).toEqual([]);
  });

  it('names the container that holds a port', () => {
    const plan = planUp(MANIFEST, HERE, [], usage([], [[5433, { container: 'legacy-pg', running: true }]]));
    expect(plan.problems).toEqual([expect.stringContaining('Port 5433 (orders) is in use by the container legacy-pg, which runs')]);
  });

  it('tells two projects that want the same port apart', () => {
    const other = instance('blog-db', { project: { name: 'blog', path: '/home/me/blog' } });
    const plan = planUp(MANIFEST, HERE, [other], usage([other]));
    expect(plan.problems[0]).toMatch(/Port 5433 \(orders\) is wanted by two projects: “shop” here and “blog” at \/home\/me\/blog, whose blog-db runs on it/);
  });

  it('refuses a second checkout of the same project', () => {
    const there = instance('shop-orders', { project: { name: 'shop', path: '/tmp/shop-copy' } });
    const plan = planUp(MANIFEST, HERE, [there], usage([there]));
    expect(plan.problems[0]).toMatch(/another folder \(\/tmp\/shop-copy\)/);
  });

  it('serves a branch with its own copy, stopping the other copy on the port first', () => {
    const branch = 'feature/x';
    const own = instance('shop-orders');
    const copy = instance(branchInstanceName('shop', 'orders', branch), { status: 'exited', project: { ...HERE, branch } });
    const plan = planUp({ ...MANIFEST, instances: MANIFEST.instances.slice(0, 1) }, { ...HERE, branch }, [own, copy], usage([own, copy]));
    expect(plan.problems).toEqual([]);
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'start', instance: copy, stopFirst: [own] })]);
  });

  it('reports a version that differs without changing it', () => {
    const all = [instance('shop-orders', { tag: '16' })];
    const plan = planUp({ ...MANIFEST, instances: MANIFEST.instances.slice(0, 1) }, HERE, all, usage(all));
    expect(plan.actions[0]?.kind).toBe('keep');
    expect(plan.drift[0]).toMatch(/runs postgres:16; dockbase.yaml says postgres:17/);
  });
});

describe('branchInstanceName', () => {
  it('keeps names apart and within 63 characters', () => {
    const a = branchInstanceName('shop', 'orders', 'a/b');
    expect(a).not.toBe(branchInstanceName('shop', 'orders', 'a-b'));
    expect(a).toMatch(/^shop-orders--a-b-[0-9a-z]{6}$/);
    expect(branchInstanceName('p'.repeat(40), 'k'.repeat(22), 'x'.repeat(200)).length).toBeLessThanOrEqual(63);
  });
});

describe('createInputFor', () => {
  it('labels the project and passes flavour and settings under their names', () => {
    const d = { ...MANIFEST.instances[0]!, flavour: 'postgis', settings: { max_connections: '200' } };
    expect(createInputFor(d, 'shop-orders', HERE, 'pw')).toMatchObject({
      flavour: 'postgis',
      settings: { max_connections: '200' },
      project: HERE,
      hostPort: 5433,
    });
  });
});
