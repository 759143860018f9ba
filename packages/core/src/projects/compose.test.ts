import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instance';
import { draftFromCompose, draftFromInstances } from './compose';
import { parseManifest } from './manifest';

const COMPOSE = `services:
  web:
    build: .
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: not-copied
      POSTGRES_DB: shop
    ports: ["127.0.0.1:5434:5432"]
    volumes:
      - ./db/init.sql:/docker-entrypoint-initdb.d/init.sql
      - pgdata:/var/lib/postgresql/data
  cache:
    image: 127.0.0.1:5000/dockbase-test/redis-debian:7.0
  queue:
    image: rabbitmq:3
`;

describe('draftFromCompose', () => {
  it('declares the database services, without their passwords', () => {
    const { manifest, text, skipped } = draftFromCompose('shop', COMPOSE);
    expect(manifest.instances).toEqual([
      { key: 'db', engine: 'postgres', version: '16-alpine', port: 5434, user: 'shop', database: 'shop', init: ['db/init.sql'] },
      { key: 'cache', engine: 'redis', version: '7.0', image: '127.0.0.1:5000/dockbase-test/redis-debian', port: 6379, init: [] },
    ]);
    expect(manifest.env).toEqual([
      { name: 'DATABASE_URL', template: '{{db.url}}' },
      { name: 'REDIS_URL', template: '{{cache.url}}' },
    ]);
    expect(skipped.map((s) => s.service)).toEqual(['web', 'queue']);
    expect(text).not.toContain('not-copied');
    // The text reads back as the same manifest.
    expect(parseManifest(text)).toEqual(manifest);
  });

  it('refuses a file without a database service', () => {
    expect(() => draftFromCompose('x', 'services:\n  web:\n    image: nginx\n')).toThrow(/no database service/);
  });
});

describe('draftFromInstances', () => {
  const instance = (over: Partial<Instance>): Instance => ({
    id: 'x',
    name: 'x',
    engine: 'postgres',
    image: 'postgres',
    tag: '17',
    hostPort: 5432,
    bindAddress: '127.0.0.1',
    status: 'running',
    health: 'healthy',
    createdAt: '',
    volumes: [],
    containerId: 'x',
    statusText: '',
    ...over,
  });

  it('declares the picked instances as they are, keys without the project prefix, the name only when the folder does not give it', () => {
    const picked = [
      instance({ name: 'shop-orders', user: 'shop', database: 'orders', hostPort: 5433 }),
      instance({ name: 'Cache 2', engine: 'redis', image: '127.0.0.1:5000/mirror/redis', tag: '7.0', hostPort: 6380 }),
    ];
    const { manifest, text } = draftFromInstances(undefined, picked, 'shop');
    expect(manifest.project).toBeUndefined();
    expect(manifest.instances).toEqual([
      { key: 'orders', engine: 'postgres', version: '17', port: 5433, user: 'shop', database: 'orders', init: [] },
      { key: 'cache-2', engine: 'redis', version: '7.0', image: '127.0.0.1:5000/mirror/redis', port: 6380, init: [] },
    ]);
    expect(parseManifest(text)).toEqual(manifest);
    expect(draftFromInstances('other', picked).manifest.project).toBe('other');
  });
});
