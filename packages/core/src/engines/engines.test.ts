import { describe, expect, it } from 'vitest';
import { ENGINES, getEngine, isEngineId, secretEnvNames } from './index';
import { MONGO_HELLO_OP_MSG } from './mongo';
import { REDIS_START_SCRIPT } from './redis';
import { VALKEY_START_SCRIPT } from './valkey';

const HOSTILE = `p@ss w"o'rd/$HOME\\:?#[]%ü🔑`;

describe('engine catalog', () => {
  it('offers the six engines with their official images and ports', () => {
    expect(ENGINES.map((e) => [e.id, e.displayName, e.image, e.containerPort])).toEqual([
      ['postgres', 'PostgreSQL', 'postgres', 5432],
      ['mysql', 'MySQL', 'mysql', 3306],
      ['mariadb', 'MariaDB', 'mariadb', 3306],
      ['mongo', 'MongoDB', 'mongo', 27017],
      ['redis', 'Redis', 'redis', 6379],
      ['valkey', 'Valkey', 'valkey/valkey', 6379],
    ]);
    expect(isEngineId('postgres')).toBe(true);
    expect(isEngineId('sqlite')).toBe(false);
  });

  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: suggests its default tag, stops gracefully for at least 10 s', (_id, e) => {
    expect(e.suggestedTags).toContain(e.defaultTag);
    expect(e.stopTimeoutSeconds).toBeGreaterThanOrEqual(10);
  });

  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: its healthcheck asks the server for an answer over TCP (MariaDB: its bundled script)', (id, e) => {
    const command = e.healthcheck(e.containerPort).command;
    if (id === 'mariadb') expect(command).toBe('healthcheck.sh --connect --innodb_initialized');
    else if (id === 'mongo') expect(command).toContain('/dev/tcp/${h%% *}/27017');
    else expect(command).toContain('127.0.0.1');
    // Light enough to run every 40 s (the open tab's watch) for as long as the instance runs: no interpreter of its own.
    expect(command).not.toMatch(/mongosh|mongo --|node|python/);
  });

  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: the connection URI carries the exact password, percent-encoded', (_id, e) => {
    const uri = e.connectionUri({ host: '127.0.0.1', port: 15000, user: e.defaultUser, password: HOSTILE });
    const url = new URL(uri);
    expect(decodeURIComponent(url.password)).toBe(HOSTILE);
    expect(decodeURIComponent(url.username)).toBe(e.defaultUser);
    expect(url.port).toBe('15000');
  });

  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: the password it sets is the password it reads back', (_id, e) => {
    const env = Object.entries(e.environment(HOSTILE)).map(([k, v]) => `${k}=${v}`);
    expect(e.readPassword({ env, cmd: e.command(HOSTILE) })).toBe(HOSTILE);
  });
});

describe('PostgreSQL', () => {
  const pg = getEngine('postgres');
  it.each([
    ['14', '/var/lib/postgresql/data'],
    ['17', '/var/lib/postgresql/data'],
    ['17.6-alpine', '/var/lib/postgresql/data'],
    ['18', '/var/lib/postgresql'],
    ['18.1-bookworm', '/var/lib/postgresql'],
    ['latest', '/var/lib/postgresql'],
  ])('version %s keeps its data in %s', (tag, path) => {
    expect(pg.dataMounts(tag)).toEqual([{ key: 'data', path }]);
  });
  it('only reuses data of the same major version', () => {
    expect(pg.canReuseData('17', '17.6-alpine')).toBe(true);
    expect(pg.canReuseData('17', '18')).toBe(false);
    expect(pg.canReuseData('18', 'latest')).toBe(true);
  });
  it('sets POSTGRES_PASSWORD and keeps the image command', () => {
    expect(pg.environment('pw')).toEqual({ POSTGRES_PASSWORD: 'pw' });
    expect(pg.command('pw')).toEqual([]);
    expect(pg.connectionUri({ host: '127.0.0.1', port: 5432, user: 'postgres', password: 'pw' })).toBe('postgresql://postgres:pw@127.0.0.1:5432/postgres');
  });
});

describe('MySQL and MariaDB', () => {
  it('use their own root password variables and /var/lib/mysql', () => {
    expect(getEngine('mysql').environment('pw')).toEqual({ MYSQL_ROOT_PASSWORD: 'pw' });
    // MariaDB also upgrades data an older version wrote, with the image's own mariadb-upgrade.
    expect(getEngine('mariadb').environment('pw')).toEqual({ MARIADB_ROOT_PASSWORD: 'pw', MARIADB_AUTO_UPGRADE: '1' });
    expect(getEngine('mysql').dataMounts('9.5')).toEqual([{ key: 'data', path: '/var/lib/mysql' }]);
    expect(getEngine('mariadb').dataMounts('11.4')).toEqual([{ key: 'data', path: '/var/lib/mysql' }]);
  });
  it('know the server is ready from its log: MariaDB’s port on the line after "ready for connections", not the init server’s port 0', () => {
    // As Debian's MariaDB 11.8 logs it (the test image), and MySQL 8.4 on one line.
    const mariadb = getEngine('mariadb').readyLogPattern!;
    const init = "Version: '11.8.9-MariaDB-0+deb13u1 from Debian'  socket: '/run/mysqld/mysqld.sock'  port: 0  -- Please help get to 10k stars";
    const served = "Version: '11.8.9-MariaDB-0+deb13u1 from Debian'  socket: '/run/mysqld/mysqld.sock'  port: 3306  -- Please help get to 10k stars";
    expect(['2026-11-26 13:22:52 0 [Note] mariadbd: ready for connections.', init].some((l) => mariadb.test(l))).toBe(false);
    expect(mariadb.test(served)).toBe(true);
    const mysql = getEngine('mysql').readyLogPattern!;
    expect(
      mysql.test(
        "2026-11-26T10:00:00Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.3'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
      ),
    ).toBe(true);
  });

  it('MariaDB reads a password set through the MYSQL_ fallback too', () => {
    expect(getEngine('mariadb').readPassword({ env: ['MYSQL_ROOT_PASSWORD=x'], cmd: [] })).toBe('x');
  });
});

describe('MongoDB', () => {
  const mongo = getEngine('mongo');
  it('sets BOTH root variables (one alone stops the image; none runs it without auth)', () => {
    expect(mongo.environment('pw')).toEqual({ MONGO_INITDB_ROOT_USERNAME: 'root', MONGO_INITDB_ROOT_PASSWORD: 'pw' });
  });
  it('persists /data/db AND /data/configdb', () => {
    expect(mongo.dataMounts('8.0')).toEqual([
      { key: 'db', path: '/data/db' },
      { key: 'configdb', path: '/data/configdb' },
    ]);
  });
  it('authenticates against the admin database in its URI', () => {
    expect(mongo.connectionUri({ host: '127.0.0.1', port: 27017, user: 'root', password: 'pw' })).toBe('mongodb://root:pw@127.0.0.1:27017/?authSource=admin');
  });
});

describe('MongoDB’s probe', () => {
  it('sends one wire-level hello to the container’s own address with bash, and checks the reply’s header', () => {
    const command = getEngine('mongo').healthcheck(27017).command;
    expect(command).toMatch(/^exec bash -c '[^']*'$/);
    expect(command).toContain('h=$(hostname -i)');
    expect(command).toContain('timeout 5 od -An -tx1 -N16 <&3');
    // responseTo = our request id 1, opCode = OP_MSG (2013)
    expect(command).toContain('[ "${r:16:16}" = 01000000dd070000 ]');
  });

  it('encodes OP_MSG {hello: 1, $db: "admin"} byte for byte', () => {
    const escapes = MONGO_HELLO_OP_MSG.replace(/\\\$/g, '$');
    const bytes: number[] = [];
    for (let i = 0; i < escapes.length;) {
      if (escapes.startsWith('\\x', i)) {
        bytes.push(parseInt(escapes.slice(i + 2, i + 4), 16));
        i += 4;
      } else if (escapes.startsWith('\\0', i)) {
        bytes.push(0);
        i += 2;
      } else {
        bytes.push(escapes.charCodeAt(i));
        i += 1;
      }
    }
    const buf = Uint8Array.from(bytes);
    const view = new DataView(buf.buffer);
    expect(buf.length).toBe(52);
    expect([view.getInt32(0, true), view.getInt32(4, true), view.getInt32(8, true), view.getInt32(12, true)]).toEqual([52, 1, 0, 2013]);
    expect(view.getUint32(16, true)).toBe(0);
    expect(buf[20]).toBe(0);
    expect(view.getInt32(21, true)).toBe(31);
    const doc = new TextDecoder().decode(buf.slice(25, 51));
    expect(doc).toBe('\x10hello\0\x01\0\0\0\x02$db\0\x06\0\0\0admin\0');
    expect(buf[51]).toBe(0);
  });
});

describe('Redis', () => {
  const redis = getEngine('redis');
  it('keeps the password out of its command: the start script reads it from REDISCLI_AUTH', () => {
    expect(redis.command('a b $c')).toEqual(['sh', '-c', REDIS_START_SCRIPT]);
    expect(redis.command('a b $c').join(' ')).not.toContain('a b $c');
    expect(redis.environment('a b $c')).toEqual({ REDISCLI_AUTH: 'a b $c' });
    expect(REDIS_START_SCRIPT).toContain('redis-server - --appendonly yes');
    expect(redis.dataMounts('8.2')).toEqual([{ key: 'data', path: '/data' }]);
  });
  it('reads the password back from instances of either generation', () => {
    expect(redis.readPassword({ env: ['REDISCLI_AUTH=new one'], cmd: ['sh', '-c', REDIS_START_SCRIPT] })).toBe('new one');
    expect(redis.readPassword({ env: ['REDISCLI_AUTH=x'], cmd: ['redis-server', '--appendonly', 'yes', '--requirepass', 'old one'] })).toBe('old one');
  });
  it('compares the PING answer, since redis-cli exits 0 on an error reply', () => {
    expect(redis.healthcheck(6379).command).toBe('[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]');
  });
  it('refuses a password redis-server would read as an option', () => {
    expect(redis.checkPassword('--appendonly')).toMatch(/cannot start with "--"/);
    expect(redis.checkPassword('-ok')).toBeUndefined();
  });
});

describe('Valkey', () => {
  const valkey = getEngine('valkey');
  const redis = getEngine('redis');
  it('starts valkey-server the way Redis starts: the password from REDISCLI_AUTH (valkey-cli reads it too), in no argv', () => {
    expect(valkey.command('a b $c')).toEqual(['sh', '-c', VALKEY_START_SCRIPT]);
    expect(VALKEY_START_SCRIPT).toContain('valkey-server - --appendonly yes');
    expect(VALKEY_START_SCRIPT).not.toContain('redis-server');
    // The same script but for the server's name: one rule, in redis-family.ts.
    expect(VALKEY_START_SCRIPT.replace(/valkey-server/g, 'redis-server').replace(/Valkey/g, 'Redis')).toBe(REDIS_START_SCRIPT);
    expect(valkey.environment('a b $c')).toEqual({ REDISCLI_AUTH: 'a b $c' });
    expect(valkey.dataMounts('8.1')).toEqual(redis.dataMounts('8.2'));
  });
  it('probes, verifies, exports and opens its shell with valkey-cli', () => {
    expect(valkey.healthcheck(6379).command).toBe('[ "$(valkey-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]');
    expect(valkey.verifyPassword(6379)).toContain('valkey-cli');
    expect(valkey.clientShell).toBe('exec valkey-cli');
    expect(valkey.transfer.exportScript).toBe('exec valkey-cli --rdb "$out"');
    expect(valkey.transfer.importScript).toContain('valkey-check-rdb');
    expect(valkey.transfer.offlineImportScript).toBe(redis.transfer.offlineImportScript);
    // Valkey reports Redis' compatibility version as redis_version: its own is valkey_version.
    expect(valkey.upgrade.versionScript).toContain('valkey_version');
    expect(valkey.connectionUri({ host: '127.0.0.1', port: 6390, user: 'default', password: 'pw' })).toBe('redis://default:pw@127.0.0.1:6390/');
  });
  it('upgrades in place to a newer version only', () => {
    expect(valkey.upgrade.refusal('8.0', '8.1')).toBeUndefined();
    expect(valkey.upgrade.method('8.0', '8.1')).toBe('in-place');
    expect(valkey.upgrade.refusal('8.1', '8.0')).toMatch(/Downgrades are refused/);
    expect(valkey.upgrade.refusal('8.1', '8.1')).toBe('This instance already runs Valkey 8.1.');
    expect(valkey.upgrade.refusal('8.1', 'latest')).toMatch(/Choose a version number for Valkey/);
  });
  it('reuses data only where the version reads its RDB format (Valkey 9 writes 80, which 8.x cannot load)', () => {
    expect(valkey.canReuseData('8.0', '8.1')).toBe(true);
    expect(valkey.canReuseData('8.1', '9.0')).toBe(true);
    expect(valkey.canReuseData('9.0', '8.1')).toBe(false);
    expect(redis.canReuseData('8.0', '7.0')).toBe(false);
    expect(redis.canReuseData('7.0', '8.0')).toBe(true);
  });
});

describe('secret variables', () => {
  it('are the variables that hold the password, and only those (a user created with MySQL or MariaDB gets it too)', () => {
    expect(Object.fromEntries(ENGINES.map((e) => [e.id, secretEnvNames(e)]))).toEqual({
      postgres: ['POSTGRES_PASSWORD'],
      mysql: ['MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD'],
      mariadb: ['MARIADB_ROOT_PASSWORD', 'MARIADB_PASSWORD'],
      mongo: ['MONGO_INITDB_ROOT_PASSWORD'],
      redis: ['REDISCLI_AUTH'],
      valkey: ['REDISCLI_AUTH'],
    });
  });
});

describe('password rules shared by every engine', () => {
  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: required, at most 128 characters, no control characters', (_id, e) => {
    expect(e.checkPassword('')).toBe('A password is required.');
    expect(e.checkPassword('x'.repeat(128))).toBeUndefined();
    expect(e.checkPassword('x'.repeat(129))).toMatch(/at most 128/);
    expect(e.checkPassword('line\nbreak')).toMatch(/control characters/);
    expect(e.checkPassword(HOSTILE)).toBeUndefined();
  });
});
