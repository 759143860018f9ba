import { describe, expect, it } from 'vitest';
import { enableExtensionArgs } from '../docker/extensions';
import { checkCommand } from '../policy/command-policy';
import { parseJobRequest } from '../jobs/requests';
import { Extensions, parseExtensions, settingsWithPreload } from './extensions';

const LIST = [
  'preload\ttimescaledb',
  'available\thstore\t1.8\tdata type for storing sets of (key, value) pairs',
  'available\tpg_stat_statements\t1.11\ttrack planning and execution statistics',
  'available\ttimescaledb\t2.19.3\tEnables scalable inserts',
  'database\tpostgres',
  'installed\tpostgres\tplpgsql\t1.0',
  'installed\tpostgres\ttimescaledb\t2.19.3',
  'database\tshop',
  'installed\tshop\thstore\t1.8',
].join('\n');

describe('PostgreSQL extensions, as the card shows them', () => {
  const view = parseExtensions(LIST);
  const extensions = new Extensions(undefined as never, undefined as never);

  it('reads what the server has, what each database installed, and which need a preloaded library', () => {
    expect(view.databases).toEqual(['postgres', 'shop']);
    expect(view.preloadLibraries).toEqual(['timescaledb']);
    expect(view.extensions.find((e) => e.name === 'hstore')).toEqual({
      name: 'hstore',
      defaultVersion: '1.8',
      comment: 'data type for storing sets of (key, value) pairs',
      installed: [{ database: 'shop', version: '1.8' }],
      preloaded: true,
    });
    expect(view.extensions.find((e) => e.name === 'timescaledb')).toMatchObject({ preload: 'timescaledb', preloaded: true });
    expect(view.extensions.find((e) => e.name === 'pg_stat_statements')).toMatchObject({ preload: 'pg_stat_statements', preloaded: false });
  });

  it('refuses, before anything runs, an extension or a database the server does not list, one already there, and one not preloaded', () => {
    expect(extensions.refusal(view, { extension: 'hstore', database: 'postgres' })).toBeUndefined();
    expect(extensions.refusal(view, { extension: 'hstore"; DROP', database: 'postgres' })).toMatch(/no extension named/);
    expect(extensions.refusal(view, { extension: 'hstore', database: 'nope' })).toMatch(/no database named/);
    expect(extensions.refusal(view, { extension: 'hstore', database: 'shop' })).toMatch(/already enabled in shop/);
    expect(extensions.refusal(view, { extension: 'pg_stat_statements', database: 'shop' })).toMatch(/needs the library pg_stat_statements/);
  });

  it('adds a library to what the server preloads now (its configuration file’s too), keeping the other settings', () => {
    expect(settingsWithPreload({ settings: { work_mem: '8MB' } }, view, 'pg_stat_statements')).toEqual({
      work_mem: '8MB',
      shared_preload_libraries: 'timescaledb,pg_stat_statements',
    });
    expect(settingsWithPreload({}, view, 'timescaledb')).toEqual({ shared_preload_libraries: 'timescaledb' });
  });

  it('the command policy lets Enable through with the names as arguments only, never a script of another text', () => {
    const id = 'a'.repeat(64);
    expect(checkCommand(enableExtensionArgs(id, 'uuid-ossp', 'my db'), {}).allowed).toBe(true);
    const args = enableExtensionArgs(id, 'x', 'y');
    args[4] = 'psql -c "DROP DATABASE shop"';
    expect(checkCommand(args, {}).allowed).toBe(false);
    expect(checkCommand(enableExtensionArgs(id, 'x\n;', 'postgres'), {}).allowed).toBe(false);
  });
});

describe('settings in a job request', () => {
  it('takes an object of text values at create and in an edit, and refuses anything else', () => {
    const create = { engine: 'postgres', name: 'a', tag: '17', hostPort: 5432, password: 'pw', persistData: true, exposeOnNetwork: false };
    expect(parseJobRequest({ kind: 'create', input: { ...create, settings: { work_mem: '8MB' } } })).toMatchObject({
      input: { settings: { work_mem: '8MB' } },
    });
    expect(() => parseJobRequest({ kind: 'create', input: { ...create, settings: { work_mem: 8 } } })).toThrow();
    expect(() => parseJobRequest({ kind: 'create', input: { ...create, settings: ['work_mem=8MB'] } })).toThrow();
    expect(parseJobRequest({ kind: 'edit', instanceId: 'a1b2c3d4e5f6', changes: { settings: {} } })).toMatchObject({ changes: { settings: {} } });
    expect(() => parseJobRequest({ kind: 'edit', instanceId: 'a1b2c3d4e5f6', changes: { settings: 'port=1' } })).toThrow();
  });
});
