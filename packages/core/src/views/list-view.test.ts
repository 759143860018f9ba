import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instance';
import { bulkTargets, filterInstances, naturalCompare, NO_FILTER, statusGroup, viewModeFor } from './list-view';

function inst(name: string, over: Partial<Instance> = {}): Instance {
  return {
    id: name,
    name,
    engine: 'postgres',
    image: 'postgres',
    tag: '17',
    hostPort: 5432,
    bindAddress: '127.0.0.1',
    status: 'running',
    health: 'healthy',
    createdAt: '',
    volumes: [],
    containerId: `c-${name}`,
    statusText: 'Up 2 minutes (healthy)',
    ...over,
  };
}

describe('the list’s rules', () => {
  it('sorts names naturally: m-2 before m-10, case aside', () => {
    expect(['m-10', 'M-2', 'm-1', 'a'].sort(naturalCompare)).toEqual(['a', 'm-1', 'M-2', 'm-10']);
  });

  it('searches by name, filters by engine and status group, in natural order', () => {
    const list = [
      inst('pg-10'),
      inst('pg-2', { status: 'exited', exitCode: 0, health: 'none' }),
      inst('cache', { engine: 'redis' }),
      inst('pg-3', { status: 'paused' }),
    ];
    expect(filterInstances(list, NO_FILTER).map((i) => i.name)).toEqual(['cache', 'pg-2', 'pg-3', 'pg-10']);
    expect(filterInstances(list, { ...NO_FILTER, search: 'PG' }).map((i) => i.name)).toEqual(['pg-2', 'pg-3', 'pg-10']);
    expect(filterInstances(list, { ...NO_FILTER, engines: new Set(['redis'] as const) }).map((i) => i.name)).toEqual(['cache']);
    expect(filterInstances(list, { ...NO_FILTER, statuses: new Set(['stopped', 'paused'] as const) }).map((i) => i.name)).toEqual(['pg-2', 'pg-3']);
  });

  it('groups statuses the way people ask: killed, out of memory, crashed and unhealthy need attention', () => {
    expect(statusGroup(inst('a', { status: 'exited', exitCode: 137, health: 'none' }))).toBe('problem');
    expect(statusGroup(inst('a', { status: 'exited', exitCode: 0, health: 'none' }))).toBe('stopped');
    expect(statusGroup(inst('a', { health: 'starting' }))).toBe('starting');
    expect(statusGroup(inst('a', { health: 'unhealthy' }))).toBe('problem');
    // As the chip shows it: a server that answered is running while docker still says "starting" (for 5
    // minutes on engines without a start interval); one that stopped answering needs attention.
    expect(statusGroup(inst('a', { health: 'starting' }), { serverAnswered: true })).toBe('running');
    expect(statusGroup(inst('a', { health: 'healthy' }), { probedAnswer: false })).toBe('problem');
    const list = [inst('fresh', { health: 'starting' }), inst('hung', { health: 'healthy' })];
    const views: Record<string, { serverAnswered?: boolean; probedAnswer?: boolean }> = { fresh: { serverAnswered: true }, hung: { probedAnswer: false } };
    expect(filterInstances(list, { ...NO_FILTER, statuses: new Set(['running'] as const) }, (i) => views[i.name]!).map((i) => i.name)).toEqual(['fresh']);
    expect(filterInstances(list, { ...NO_FILTER, statuses: new Set(['problem'] as const) }, (i) => views[i.name]!).map((i) => i.name)).toEqual(['hung']);
  });

  it('shows cards for a handful of instances, the table past it, unless the user chose', () => {
    expect(viewModeFor(5, undefined)).toBe('cards');
    expect(viewModeFor(6, undefined)).toBe('table');
    expect(viewModeFor(23, 'cards')).toBe('cards');
    expect(viewModeFor(1, 'table')).toBe('table');
  });

  it('bulk Start applies to what is not running, bulk Stop to what runs (paused included)', () => {
    const list = [inst('a'), inst('b', { status: 'exited', health: 'none' }), inst('c', { status: 'paused' })];
    expect(bulkTargets(list, 'start').map((i) => i.name)).toEqual(['b']);
    expect(bulkTargets(list, 'stop').map((i) => i.name)).toEqual(['a', 'c']);
  });
});
