import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import schema from '../../schema/dockbase.schema.json';
import { ENGINE_IDS } from '../engines/ids';
import { ManifestError, parseManifest, renderTemplate } from './manifest';
import { parse } from 'yaml';

const FULL = `# the shop's databases
version: 1
project: shop
instances:
  orders:
    engine: postgres
    version: "17"
    image: 127.0.0.1:5000/dockbase-test/postgres-debian
    port: 5433
    user: shop
    database: orders
    settings:
      max_connections: 200
    init:
      - db/schema.sql
  cache:
    engine: redis
    version: "7.0"
    port: 6380
    seed:
      snapshot: warm-cache
env:
  DATABASE_URL: "{{orders.url}}"
  REDIS_URL: "redis://{{ cache.host }}:{{cache.port}}"
`;

function problem(text: string): ManifestError {
  try {
    parseManifest(text);
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error('parsed without a problem');
}

describe('parseManifest', () => {
  it('reads every field a project declares', () => {
    const m = parseManifest(FULL);
    expect(m.project).toBe('shop');
    expect(m.instances.map((i) => i.key)).toEqual(['orders', 'cache']);
    expect(m.instances[0]).toEqual({
      key: 'orders',
      engine: 'postgres',
      version: '17',
      image: '127.0.0.1:5000/dockbase-test/postgres-debian',
      port: 5433,
      user: 'shop',
      database: 'orders',
      settings: { max_connections: '200' },
      init: ['db/schema.sql'],
    });
    expect(m.instances[1]?.seed).toEqual({ snapshot: 'warm-cache' });
    expect(m.env).toEqual([
      { name: 'DATABASE_URL', template: '{{orders.url}}' },
      { name: 'REDIS_URL', template: 'redis://{{ cache.host }}:{{cache.port}}' },
    ]);
  });

  it('says the line, the column and what was expected', () => {
    const bad = FULL.replace('port: 5433', 'port: fifty');
    const e = problem(bad);
    expect([e.line, e.column]).toEqual([9, 11]);
    expect(e.at).toBe('instances.orders.port');
    expect(e.message).toBe('dockbase.yaml:9:11: instances.orders.port: expected a port number from 1 to 65535');
  });

  it('points at a YAML syntax error where it is', () => {
    const e = problem('version: 1\ninstances:\n  orders: [engine: postgres\n');
    expect(e.line).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/^dockbase\.yaml:\d+:\d+: expected valid YAML/);
  });

  it.each([
    ['an unknown engine', FULL.replace('engine: redis', 'engine: oracle'), 'instances.cache.engine', /expected one of postgres, mysql, mariadb, mongo, redis/],
    ['an unknown field (a typo)', FULL.replace('    port: 6380', '    prot: 6380'), 'instances.cache.prot', /unknown field/],
    ['a missing port', FULL.replace('    port: 6380\n', ''), 'instances.cache', /expected "port:"/],
    ['two instances on one port', FULL.replace('port: 6380', 'port: 5433'), 'instances.cache.port', /orders uses 5433 too/],
    ['a template naming no instance', FULL.replace('{{orders.url}}', '{{order.url}}'), 'env.DATABASE_URL', /found \{\{order\.url\}\}/],
    ['a template asking an unknown field', FULL.replace('{{orders.url}}', '{{orders.uri}}'), 'env.DATABASE_URL', /url\|host\|port/],
    ['a user on an engine without one', FULL.replace('    port: 6380\n', '    port: 6380\n    user: app\n'), 'instances.cache.user', /Redis has no user/],
    ['an absolute init file', FULL.replace('- db/schema.sql', '- /home/me/schema.sql'), 'instances.orders.init', /relative to the project folder/],
    ['an init file above the project', FULL.replace('- db/schema.sql', '- ../x.sql'), 'instances.orders.init', /inside the project folder/],
    ['a password (no secrets in the file)', FULL.replace('    user: shop\n', '    password: hunter2\n'), 'instances.orders.password', /unknown field/],
    ['another format version', FULL.replace('version: 1', 'version: 2'), 'version', /expected 1/],
    ['a duplicate key', FULL.replace('    port: 6380\n', '    port: 6380\n    port: 6381\n'), '', /expected valid YAML/],
  ])('refuses %s', (_, text, at, expected) => {
    const e = problem(text);
    expect(e.at).toBe(at);
    expect(e.message).toMatch(expected);
    expect(e.line).toBeGreaterThan(0);
  });
});

describe('renderTemplate', () => {
  it('fills each reference with the instance value', () => {
    const values = new Map([['cache', { url: 'redis://x', host: '127.0.0.1', port: '6380', user: 'default', password: 'p', database: '' }]]);
    expect(renderTemplate('redis://{{ cache.host }}:{{cache.port}}', values)).toBe('redis://127.0.0.1:6380');
  });
});

/**
 * The JSON Schema (for editors and CI) and the parser agree: what one accepts the other does, except the
 * rules a schema cannot say (listed): those the parser refuses and the schema lets through.
 */
describe('dockbase.schema.json', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const accepts = (text: string) => validate(parse(text));
  const parses = (text: string) => {
    try {
      parseManifest(text);
      return true;
    } catch {
      return false;
    }
  };
  const agreeing: Array<[string, string]> = [
    ['the full example', FULL],
    ['a minimal file', 'version: 1\ninstances:\n  db:\n    engine: mysql\n    version: "8.4"\n    port: 3306\n'],
    ['a seed file', 'version: 1\ninstances:\n  db:\n    engine: postgres\n    version: "17"\n    port: 5432\n    seed:\n      file: db/dump.sql\n'],
    ['an empty env', 'version: 1\ninstances:\n  db:\n    engine: mongo\n    version: "8"\n    port: 27017\nenv:\n'],
    ['no instances', 'version: 1\ninstances: {}\n'],
    ['a missing version', 'instances:\n  db:\n    engine: redis\n    version: "7"\n    port: 6379\n'],
    ['an unknown top-level field', `${FULL}extra: 1\n`],
    ['an unknown engine', FULL.replace('engine: redis', 'engine: oracle')],
    ['a port out of range', FULL.replace('port: 6380', 'port: 70000')],
    ['a port as text', FULL.replace('port: 6380', 'port: "6380"')],
    ['a bad key', FULL.replace('  cache:', '  Cache!:')],
    ['a key with "--" (a branch copy\'s separator)', FULL.replace('  cache:', '  ca--che:').replace(/cache\./g, 'ca--che.')],
    ['a password', FULL.replace('    user: shop\n', '    password: hunter2\n')],
    ['init and seed both', FULL.replace('    init:\n', '    seed:\n      file: a.sql\n    init:\n')],
    ['a seed with two sources', FULL.replace('      snapshot: warm-cache', '      snapshot: warm-cache\n      file: a.rdb')],
    ['an absolute init file', FULL.replace('- db/schema.sql', '- /abs/schema.sql')],
    ['an init file above the project', FULL.replace('- db/schema.sql', '- db/../../x.sql')],
    ['a bad variable name', FULL.replace('DATABASE_URL:', '1DATABASE_URL:')],
    ['a template asking an unknown field', FULL.replace('{{orders.url}}', '{{orders.uri}}')],
    ['a stray brace', FULL.replace('{{orders.url}}', '{{orders.url}')],
    ['a bad project name', FULL.replace('project: shop', 'project: Shop Co')],
  ];
  it.each(agreeing)('agrees on %s', (_, text) => {
    expect(accepts(text)).toBe(parses(text));
  });
  it('names every engine Dockbase has (a new engine is added to the schema too)', () => {
    expect(schema.definitions.instance.properties.engine.enum).toEqual([...ENGINE_IDS]);
  });

  it('the examples include both verdicts', () => {
    const verdicts = new Set(agreeing.map(([, t]) => parses(t)));
    expect(verdicts).toEqual(new Set([true, false]));
  });

  // What only the parser can check: it refuses these, and the schema (which cannot say them) lets them through.
  it.each([
    ['two instances on one port', FULL.replace('port: 6380', 'port: 5433')],
    ['a template naming no instance', FULL.replace('{{orders.url}}', '{{order.url}}')],
    ['a user on Redis', FULL.replace('    port: 6380\n', '    port: 6380\n    user: app\n')],
    ['an init file Redis cannot run', FULL.replace('    seed:\n      snapshot: warm-cache\n', '    init: [a.rdb]\n')],
  ])('only the parser refuses %s', (_, text) => {
    expect(parses(text)).toBe(false);
    expect(accepts(text)).toBe(true);
  });
});
