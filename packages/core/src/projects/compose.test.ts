import { describe, expect, it } from 'vitest';
import { draftFromCompose } from './compose';
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
