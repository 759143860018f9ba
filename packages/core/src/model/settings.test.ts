import { describe, expect, it } from 'vitest';
import { getEngine } from '../engines';
import { readCreate, createContainerArgs, type CreatePlan } from '../docker/create';
import { containerLabels, instanceFromLabels, LABEL } from './labels';
import { describeSettingChanges, parseSettingLines, settingProblems, settingsFromLabel, validateSettings } from './settings';
import { validateCreateInput } from './validation';
import { validateEdit } from '../use-cases/edit';
import { lastWordsOf } from '../use-cases/container-swap';

const refusedOf = (engine: Parameters<typeof settingProblems>[0], name: string, value = '1') => settingProblems(engine, { [name]: value })[0]?.message;

describe('server settings: what each engine refuses, and why', () => {
  it('PostgreSQL refuses the port, the listen addresses, the data folder, hba and the password encryption, naming the reason', () => {
    expect(refusedOf('postgres', 'port')).toMatch(/refuses port: .*Port field/);
    expect(refusedOf('postgres', 'PORT')).toMatch(/refuses PORT/);
    expect(refusedOf('postgres', 'listen_addresses', 'localhost')).toMatch(/network/);
    expect(refusedOf('postgres', 'data_directory', '/tmp')).toMatch(/data folder/);
    expect(refusedOf('postgres', 'hba_file', '/tmp/x')).toMatch(/password|authentication/);
    expect(refusedOf('postgres', 'password_encryption', 'md5')).toMatch(/authentication/);
    expect(refusedOf('postgres', 'unix_socket_directories', '/tmp')).toMatch(/local socket/);
    expect(settingProblems('postgres', { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': '5000', work_mem: '64MB' })).toEqual([]);
    expect(refusedOf('postgres', 'work-mem')).toMatch(/parameter name/);
  });

  it('MySQL and MariaDB refuse the port, datadir, socket and skip-grant-tables, in every spelling the server reads', () => {
    for (const engine of ['mysql', 'mariadb'] as const) {
      expect(refusedOf(engine, 'port')).toMatch(/Port field/);
      expect(refusedOf(engine, 'datadir', '/tmp')).toMatch(/data folder/);
      expect(refusedOf(engine, 'socket', '/tmp/s')).toMatch(/local socket/);
      expect(refusedOf(engine, 'skip-grant-tables', '')).toMatch(/authentication/);
      expect(refusedOf(engine, 'skip_grant_tables', '')).toMatch(/authentication/);
      expect(refusedOf(engine, 'loose-skip-grant-tables', '')).toMatch(/authentication/);
      expect(refusedOf(engine, 'skip-networking', '')).toMatch(/network/);
      expect(refusedOf(engine, 'bind_address', '127.0.0.1')).toMatch(/network/);
      // An abbreviation the server would take for a refused option.
      expect(refusedOf(engine, 'dat', '/tmp')).toMatch(/reads “dat” as datadir/);
      expect(refusedOf(engine, 'innodb_data_home_dir', '/tmp')).toMatch(/data folder/);
      expect(settingProblems(engine, { max_connections: '300', 'skip-name-resolve': '', port_open_timeout: '5' })).toEqual([]);
      expect(settingProblems(engine, { max_connections: '300', 'max-connections': '10' })[0]?.message).toMatch(/same setting/);
    }
  });

  it('Redis refuses the port, bind, dir, requirepass, ACLs and renamed commands; no value word may start a new directive', () => {
    expect(refusedOf('redis', 'port')).toMatch(/Port field/);
    expect(refusedOf('redis', 'bind', '0.0.0.0')).toMatch(/network/);
    expect(refusedOf('redis', 'dir', '/tmp')).toMatch(/data folder/);
    expect(refusedOf('redis', 'appendonly', 'no')).toMatch(/append-only/);
    expect(refusedOf('redis', 'requirepass', 'x')).toMatch(/password/);
    expect(refusedOf('redis', 'aclfile', '/x')).toMatch(/password/);
    expect(refusedOf('redis', 'rename-command', 'PING ""')).toMatch(/PING/);
    expect(refusedOf('redis', 'maxmemory', '1mb --requirepass x')).toMatch(/cannot start with "--"/);
    expect(settingProblems('redis', { maxmemory: '256mb', 'maxmemory-policy': 'allkeys-lru', save: '' })).toEqual([]);
  });

  it('MongoDB refuses the port, bind_ip, dbpath, auth and noauth, a config file and fork', () => {
    for (const name of ['port', 'bind_ip', 'bind_ip_all', 'dbpath', 'auth', 'noauth', 'keyFile', 'config', 'fork']) {
      expect(refusedOf('mongo', name), name).toMatch(/^Dockbase refuses/);
    }
    expect(settingProblems('mongo', { wiredTigerCacheSizeGB: '1', quiet: '' })).toEqual([]);
  });

  it('refuses values that are not safe in an argv, and names that are no identifier', () => {
    expect(refusedOf('postgres', 'work_mem', '1MB\nport=1')).toMatch(/Line breaks/);
    expect(refusedOf('mysql', 'max_connections', 'a\u0000b')).toMatch(/control characters/);
    expect(refusedOf('postgres', 'a=b')).toMatch(/parameter name/);
    expect(refusedOf('mongo', '--port')).toMatch(/option of mongod/);
    expect(refusedOf('redis', 'x'.repeat(101))).toMatch(/directive/);
    expect(refusedOf('postgres', 'work_mem', 'x'.repeat(1025))).toMatch(/at most 1024/);
  });

  it('the create form shows the first problem on the settings field', () => {
    const base = { engine: 'postgres' as const, name: 'a', tag: '17', hostPort: 5432, password: 'pw', persistData: true, exposeOnNetwork: false };
    expect(validateCreateInput({ ...base, settings: { port: '5433' } }).settings).toMatch(/refuses port/);
    expect(validateCreateInput({ ...base, settings: { work_mem: '8MB' } }).settings).toBeUndefined();
    expect(validateSettings('postgres', undefined)).toBeUndefined();
  });

  it('an edit is refused before anything changes, with the reason on the settings field', () => {
    expect(validateEdit({ engine: 'redis', name: 'c' }, { settings: { requirepass: 'x' } }).settings).toMatch(/refuses requirepass: .*password/);
    expect(validateEdit({ engine: 'mongo', name: 'c' }, { settings: { noauth: '' } }).settings).toMatch(/refuses noauth/);
    expect(validateEdit({ engine: 'postgres', name: 'c' }, { settings: { work_mem: '64MB' } })).toEqual({});
  });
});

describe('server settings reach the server in its own form', () => {
  const plan = (engine: CreatePlan['engine'], settings: Record<string, string>): CreatePlan => ({
    id: 'a1b2c3d4e5f6',
    name: 'inst',
    engine,
    image: getEngine(engine).image,
    tag: getEngine(engine).defaultTag,
    hostPort: 15432,
    bindAddress: '127.0.0.1',
    password: 'pw',
    volumes: [],
    settings,
  });
  const afterImage = (p: CreatePlan) => {
    const args = createContainerArgs(p);
    return args.slice(args.indexOf(`${p.image}:${p.tag}`) + 1);
  };

  it('PostgreSQL: -c name=value; MySQL and MariaDB: --name=value; MongoDB: --name=value; Redis: directives after its start script', () => {
    expect(afterImage(plan('postgres', { shared_preload_libraries: 'pg_stat_statements', work_mem: '64MB' }))).toEqual([
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'work_mem=64MB',
    ]);
    expect(afterImage(plan('mysql', { max_connections: '300', 'skip-name-resolve': '' }))).toEqual(['--max_connections=300', '--skip-name-resolve']);
    expect(afterImage(plan('mariadb', { max_connections: '300' }))).toEqual(['--max_connections=300']);
    expect(afterImage(plan('mongo', { wiredTigerCacheSizeGB: '1' }))).toEqual(['--wiredTigerCacheSizeGB=1']);
    const redis = afterImage(plan('redis', { maxmemory: '256mb', save: '3600 1 300 100', 'maxmemory-policy': 'allkeys-lru' }));
    expect(redis.slice(0, 2)).toEqual(['sh', '-c']);
    expect(redis[2]).toContain('redis-server - --appendonly yes "$@"');
    expect(redis.slice(3)).toEqual(['redis-server', '--maxmemory', '256mb', '--save', '3600', '1', '300', '100', '--maxmemory-policy', 'allkeys-lru']);
    // Without settings, the command is the engine's own as before.
    expect(afterImage(plan('postgres', {}))).toEqual([]);
    expect(afterImage(plan('redis', {})).length).toBe(3);
  });

  it('the label records them and list reads them back; a label that is no JSON object reads as none', () => {
    const labels = containerLabels({ ...plan('postgres', { work_mem: '64MB' }), volumes: [] });
    expect(labels[LABEL.settings]).toBe('{"work_mem":"64MB"}');
    const facts = {
      containerId: 'c',
      containerName: 'inst',
      image: { image: 'postgres', tag: '17' },
      status: 'running' as const,
      health: 'healthy' as const,
      createdAt: '',
      statusText: '',
    };
    expect(instanceFromLabels(labels, facts)?.settings).toEqual({ work_mem: '64MB' });
    expect(containerLabels({ ...plan('postgres', {}), volumes: [] })[LABEL.settings]).toBeUndefined();
    expect(instanceFromLabels({ ...labels, [LABEL.settings]: '{not json' }, facts)?.settings).toBeUndefined();
    expect(settingsFromLabel('["a"]')).toBeUndefined();
    expect(settingsFromLabel('{"a":"1","b":2}')).toEqual({ a: '1' });
  });

  it('the command policy reads a create back with its settings, and refuses one whose command and label disagree or that holds a refused setting', () => {
    const p = plan('postgres', { work_mem: '64MB' });
    const args = createContainerArgs(p);
    const [read] = readCreate(args, {});
    expect(read.settings).toEqual({ work_mem: '64MB' });
    const label = args.indexOf(`${LABEL.settings}={"work_mem":"64MB"}`);
    const refused = [...args];
    refused[label] = `${LABEL.settings}={"port":"1"}`;
    expect(() => readCreate(refused, {})).toThrow(/settings/);
  });
});

describe('settings as text', () => {
  it('reads one name=value a line, skips blanks and comments, takes a bare name as an empty value, and refuses a repeat', () => {
    expect(parseSettingLines('work_mem=64MB\n\n# note\n  --skip-name-resolve \nsearch_path = a, b')).toEqual({
      settings: { work_mem: '64MB', 'skip-name-resolve': '', search_path: 'a, b' },
    });
    expect(parseSettingLines(['a=1', 'a=2']).error).toMatch(/a is given twice/);
    expect(parseSettingLines(['=1']).error).toMatch(/names no setting/);
  });

  it('says what an edit changes', () => {
    expect(describeSettingChanges({ a: '1', b: '2' }, { a: '3', c: '4' })).toEqual(['setting a 1 → 3', 'setting c=4', 'setting b removed']);
    expect(describeSettingChanges({ a: '1' }, { a: '1' })).toEqual([]);
  });
});

describe('a setting the server rejects: its own words', () => {
  it('the error quotes the server’s error lines, not the start lines before them, the newest kept when long', () => {
    const mariadb = [
      '2026-12-06 16:24:58 [Note] [Entrypoint]: Entrypoint script for MariaDB Server 11.8.9 started.',
      '2026-12-06 16:24:58 [ERROR] [Entrypoint]: mariadbd failed while attempting to check config: mariadbd --no_such_option=1 --verbose --help:',
      '2026-12-06 16:24:58 0 [Warning] Could not increase number of max_open_files to more than 20000 (request: 32110)',
      "2026-12-06 16:24:58 0 [ERROR] mariadbd: unknown variable 'no_such_option=1'",
      '2026-12-06 16:24:58 0 [ERROR] Aborting',
    ].join('\n');
    expect(lastWordsOf(mariadb, [])).toContain("unknown variable 'no_such_option=1'");
    expect(lastWordsOf(mariadb, [])).not.toContain('max_open_files');
    const postgres = 'LOG:  starting\nFATAL:  could not access file "no_such_library": No such file or directory\nLOG:  database system is shut down';
    expect(lastWordsOf(postgres, [])).toBe('FATAL:  could not access file "no_such_library": No such file or directory');
    expect(lastWordsOf(`${'[ERROR] early '.repeat(60)}\n[ERROR] the last one`, [], 100)).toMatch(/^….*\[ERROR\] the last one$/);
    expect(lastWordsOf('ready for connections. port: 3306', [])).toBe('ready for connections. port: 3306');
  });
});
