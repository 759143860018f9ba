import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instance';
import { groupByProject, projectDownTargets, projectUpTargets } from './projects';

const shop = { name: 'shop', path: '/home/me/shop' };
function instance(name: string, over: Partial<Instance> = {}): Instance {
  return {
    id: name,
    name,
    engine: 'postgres',
    image: 'postgres',
    tag: '17',
    hostPort: 5432,
    bindAddress: '127.0.0.1',
    status: 'exited',
    health: 'none',
    createdAt: '',
    volumes: [],
    containerId: name,
    statusText: '',
    ...over,
  };
}

describe('groupByProject', () => {
  const all = [
    instance('loner'),
    instance('shop-orders', { project: shop }),
    instance('shop-orders--feature-a-abc123', { project: { ...shop, branch: 'feature/a' }, status: 'running' }),
    instance('shop-cache', { project: shop, engine: 'redis' }),
    instance('blog-db', { project: { name: 'blog', path: '/srv/blog' } }),
  ];

  it('groups by project and keeps instances of no project apart', () => {
    const { projects, loose } = groupByProject(all);
    expect(projects.map((p) => [p.name, p.path, p.instances.length])).toEqual([
      ['blog', '/srv/blog', 1],
      ['shop', '/home/me/shop', 3],
    ]);
    expect(loose.map((i) => i.name)).toEqual(['loner']);
    const s = projects[1]!;
    expect(s.families.map((f) => [f.key, f.copies.length, f.serving?.name])).toEqual([
      ['cache', 1, undefined],
      ['orders', 2, 'shop-orders--feature-a-abc123'],
    ]);
    expect(s.servedBranches).toEqual(['feature/a']);
  });

  it('Up starts what serves the branch in use, never a second copy on a port; Down stops what runs', () => {
    const s = groupByProject(all).projects[1]!;
    // cache has no copy of feature/a: the project's own serves it.
    expect(projectUpTargets(s).map((i) => i.name)).toEqual(['shop-cache']);
    expect(projectDownTargets(s).map((i) => i.name)).toEqual(['shop-orders--feature-a-abc123']);
  });

  it('Up with nothing running starts the project’s own instances', () => {
    const stopped = all.map((i) => ({ ...i, status: 'exited' as const }));
    const s = groupByProject(stopped).projects[1]!;
    expect(projectUpTargets(s).map((i) => i.name)).toEqual(['shop-cache', 'shop-orders']);
  });
});
