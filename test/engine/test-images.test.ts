import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ok } from '../support/clients';
import { realDocker } from '../support/dockbase';
import {
  FLAVOUR_TEST_IMAGES,
  inRegistry,
  MARIADB_TEST_IMAGE,
  POSTGIS_15_TEST_IMAGE,
  POSTGRES_TEST_IMAGE,
  REDIS_TEST_IMAGE,
  VALKEY_TEST_IMAGE,
  VALKEY_TEST_TAG,
} from '../support/images';

// The real servers' test images honour the official images' contracts that Dockbase and its later work
// (seeds, backups, upgrades, user and database fields) rely on: required secret and its message,
// optional user and database, init scripts on first start only, data folders and their owner, the
// health tools' meaning, MariaDB's automatic upgrade, and the tools on PATH. Straight `docker run`, no core.
const { cleanup } = realDocker();
const prefix = `dbt-img-${process.pid}`;
const hostile = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;
const dirs: string[] = [];

beforeAll(() => cleanup(prefix));
afterAll(async () => {
  await cleanup(prefix);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  return ok(docker(args));
}

/** Polls a command inside the container until it succeeds. */
async function waitFor(container: string, probe: string[], what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await docker(['exec', container, ...probe]);
    if (r.code === 0) return;
    const state = await docker(['inspect', '--format', '{{.State.Status}}', container]);
    if (state.stdout.trim() !== 'running') {
      throw new Error(`${container} stopped before ${what}:\n${(await docker(['logs', container])).stderr.slice(-3000)}`);
    }
    if (Date.now() > deadline) throw new Error(`${container}: ${what} did not happen in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function logs(container: string): Promise<string> {
  const r = await docker(['logs', container]);
  return r.stdout + r.stderr;
}

/** A folder of init scripts, readable by the server's user. */
function initFolder(files: Record<string, string | Buffer>, executable: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-initdb-'));
  dirs.push(dir);
  fs.chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content, { mode: executable.includes(name) ? 0o755 : 0o644 });
  }
  return dir;
}

const commonTools = ['sh', 'bash', 'hostname', 'gzip', 'id'];

async function checkBasics(image: string, user: string, tools: string[]) {
  const script = `for t in ${[...commonTools, ...tools].join(' ')}; do command -v "$t" >/dev/null || { echo "missing $t"; exit 1; }; done; stat -c %a /tmp; grep "^${user}:" /etc/passwd | cut -d: -f3; grep "^${user}:" /etc/group | cut -d: -f3; hostname >/dev/null && echo hostname-ok`;
  const out = await run('run', '--rm', '--entrypoint', 'sh', image, '-c', script);
  expect(out.split('\n')).toEqual(['1777', '999', '999', 'hostname-ok']);
}

describe.each(['15', '17'])('PostgreSQL %s test image', (major) => {
  const image = `${POSTGRES_TEST_IMAGE}:${major}`;
  const name = `${prefix}-pg${major}`;

  it('has the official tools on PATH, a postgres user with uid 999, and /tmp with mode 1777', async () => {
    await checkBasics(image, 'postgres', [
      'postgres',
      'pg_ctl',
      'initdb',
      'pg_isready',
      'psql',
      'pg_dump',
      'pg_dumpall',
      'pg_restore',
      'pg_upgrade',
      'docker-entrypoint.sh',
    ]);
    expect(await run('run', '--rm', '--entrypoint', 'postgres', image, '--version')).toMatch(new RegExp(`^postgres \\(PostgreSQL\\) ${major}\\.`));
  });

  it('refuses an empty data folder without POSTGRES_PASSWORD, with the official message', async () => {
    const r = await docker(['run', '--rm', image]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Database is uninitialized and superuser password is not specified.');
  });

  it('initialises once with POSTGRES_USER, POSTGRES_DB and init scripts on a socket-only server, then listens with scram', async () => {
    const init = initFolder(
      {
        '01-schema.sql': "CREATE TABLE seeds (n int, what text); INSERT INTO seeds VALUES (1, 'sql');\n",
        '02-data.sql.gz': zlib.gzipSync("INSERT INTO seeds VALUES (2, 'sql.gz');\n"),
        // Executed: proves the temporary server is on the unix socket only, and who runs the scripts.
        '03-run.sh': `#!/bin/bash\nset -e\nif psql -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c 'select 1' >/dev/null 2>&1; then echo 'TCP reachable during init' >&2; exit 1; fi\npsql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "INSERT INTO seeds VALUES (3, 'sh as uid '||'$(id -u)')"\n`,
        // Sourced: sees the entrypoint's functions.
        '04-sourced.sh': `process_sql <<<"INSERT INTO seeds VALUES (4, 'sourced')"\n`,
      },
      ['03-run.sh'],
    );
    await run(
      'run',
      '--detach',
      '--name',
      name,
      '--env',
      `POSTGRES_PASSWORD=${hostile}`,
      '--env',
      'POSTGRES_USER=app',
      '--env',
      'POSTGRES_DB=appdb',
      '--volume',
      `${init}:/docker-entrypoint-initdb.d:ro`,
      '--volume',
      `${name}-data:/var/lib/postgresql/data`,
      image,
    );
    await waitFor(name, ['pg_isready', '-h', '127.0.0.1', '-U', 'app', '-d', 'appdb'], 'accepting connections over TCP');
    const psql = (pw: string, sql: string) =>
      docker(['exec', '--env', `PGPASSWORD=${pw}`, name, 'psql', '-h', '127.0.0.1', '-U', 'app', '-d', 'appdb', '-tA', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
    expect(await ok(psql(hostile, 'SELECT n, what FROM seeds ORDER BY n'))).toBe('1|sql\n2|sql.gz\n3|sh as uid 999\n4|sourced');
    expect((await psql(`${hostile} `, 'SELECT 1')).stderr).toMatch(/password authentication failed for user "app"/);
    // Only POSTGRES_USER exists as a role: no "postgres" superuser was made.
    expect(
      (await docker(['exec', '--env', `PGPASSWORD=${hostile}`, name, 'psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'appdb', '-c', 'select 1'])).stderr,
    ).toMatch(/password authentication failed|role "postgres" does not exist/);
    expect(
      await ok(
        psql(
          hostile,
          "SELECT line_number IS NOT NULL FROM pg_hba_file_rules WHERE type = 'host' AND database = '{all}' AND user_name = '{all}' AND address = 'all' AND auth_method = 'scram-sha-256'",
        ),
      ),
    ).toBe('t');
    const log = await logs(name);
    expect(log.match(/database system is ready to accept connections/g)).toHaveLength(2);
    expect(log).toContain('PostgreSQL init process complete; ready for start up.');
    // The server runs as postgres (999) and owns its data folder, mode 0700.
    expect(await run('exec', name, 'sh', '-c', 'stat -c "%u %a" /proc/1 "$PGDATA" | cut -d" " -f1,2 | tr "\\n" " "')).toMatch(/^999 \d+ 999 700/);
    // The tools work: a dump of the database holds the seeded table.
    expect(await run('exec', name, 'pg_dump', '-U', 'app', '-d', 'appdb', '--table=seeds')).toContain('CREATE TABLE public.seeds');
    // A second start finds the database: no initialisation, no init scripts again.
    await run('restart', name);
    await waitFor(name, ['pg_isready', '-h', '127.0.0.1', '-U', 'app', '-d', 'appdb'], 'accepting connections after a restart');
    expect(await ok(psql(hostile, 'SELECT count(*) FROM seeds'))).toBe('4');
    expect(await logs(name)).toContain('PostgreSQL Database directory appears to contain a database; Skipping initialization');
  });
});

describe.each(['10.11', '11.8'])('MariaDB %s test image', (version) => {
  const image = `${MARIADB_TEST_IMAGE}:${version}`;
  const name = `${prefix}-maria${version.replace('.', '')}`;
  const healthy = ['healthcheck.sh', '--connect', '--innodb_initialized'];

  it('has the official tools and names on PATH, a mysql user with uid 999, and /tmp with mode 1777', async () => {
    await checkBasics(image, 'mysql', [
      'mariadbd',
      'mysqld',
      'mariadb',
      'mysql',
      'mariadb-admin',
      'mysqladmin',
      'mariadb-dump',
      'mysqldump',
      'mariadb-upgrade',
      'healthcheck.sh',
      'docker-entrypoint.sh',
    ]);
    expect(await run('run', '--rm', '--entrypoint', 'mariadbd', image, '--version')).toContain(`Ver ${version}.`);
  });

  it('refuses an empty data folder without a root password, with the official message', async () => {
    const r = await docker(['run', '--rm', image]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Database is uninitialized and password option is not specified');
  });

  it('initialises with the MYSQL_* aliases, a database, a user and init scripts; root is reachable over TCP; healthcheck.sh needs no root password', async () => {
    const init = initFolder(
      {
        '01-schema.sql': "CREATE TABLE seeds (n INT, what TEXT); INSERT INTO seeds VALUES (1, 'sql');\n",
        '02-data.sql.gz': zlib.gzipSync("INSERT INTO seeds VALUES (2, 'sql.gz');\n"),
        '03-run.sh': `#!/bin/bash\nset -e\nmariadb -uroot --password="$MARIADB_ROOT_PASSWORD" appdb -e "INSERT INTO seeds VALUES (3, 'sh as uid $(id -u)')"\n`,
      },
      ['03-run.sh'],
    );
    await run(
      'run',
      '--detach',
      '--name',
      name,
      '--env',
      `MYSQL_ROOT_PASSWORD=${hostile}`,
      '--env',
      'MARIADB_DATABASE=appdb',
      '--env',
      'MARIADB_USER=app',
      '--env',
      `MARIADB_PASSWORD=${hostile}!`,
      '--volume',
      `${init}:/docker-entrypoint-initdb.d:ro`,
      '--volume',
      `${name}-data:/var/lib/mysql`,
      '--publish',
      '127.0.0.1::3306',
      image,
    );
    await waitFor(name, healthy, 'healthy');
    const sql = (user: string, pw: string, q: string) =>
      docker([
        'exec',
        '--env',
        `MYSQL_PWD=${pw}`,
        name,
        'mariadb',
        '--protocol=tcp',
        '-h127.0.0.1',
        `-u${user}`,
        '--skip-ssl',
        '--default-character-set=utf8mb4',
        '-N',
        '-B',
        '-e',
        q,
      ]);
    expect(await ok(sql('app', `${hostile}!`, 'SELECT n, what FROM appdb.seeds ORDER BY n'))).toBe('1\tsql\n2\tsql.gz\n3\tsh as uid 999');
    expect(await ok(sql('root', hostile, "SELECT COUNT(*) FROM mysql.user WHERE user = 'root' AND host = '%'"))).toBe('1');
    expect((await sql('app', hostile, 'SELECT 1')).stderr).toMatch(/Access denied for user 'app'/);
    // From outside: root@'%' over the published port, with the password.
    const port = (await run('port', name, '3306')).split('\n')[0]!.split(':').pop()!;
    expect(
      await run(
        'run',
        '--rm',
        '--network',
        'host',
        '--env',
        `MYSQL_PWD=${hostile}`,
        '--entrypoint',
        'mariadb',
        image,
        '--protocol=tcp',
        '-h127.0.0.1',
        `-P${port}`,
        '-uroot',
        '--skip-ssl',
        '-N',
        '-e',
        'SELECT CURRENT_USER()',
      ),
    ).toBe('root@%');
    // The probe authenticates as the USAGE-only healthcheck user from the data folder, not as root.
    expect(
      await run(
        'exec',
        name,
        'sh',
        '-c',
        'grep -c "^user=healthcheck$" /var/lib/mysql/.my-healthcheck.cnf; stat -c "%u %a" /var/lib/mysql/.my-healthcheck.cnf /proc/1',
      ),
    ).toBe('1\n999 600\n999 555');
    expect(await run('exec', '--env', 'MYSQL_PWD=', '--env', 'MARIADB_ROOT_PASSWORD=', name, ...healthy)).toBe('');
    const log = await logs(name);
    expect(log).toContain('MariaDB init process done. Ready for start up.');
    expect(await run('exec', '--env', `MYSQL_PWD=${hostile}`, name, 'mariadb-dump', '-uroot', 'appdb')).toContain('CREATE TABLE `seeds`');
  });

  it("healthcheck.sh --connect fails while the server has networking off, like the entrypoint's temporary server", async () => {
    const quiet = `${name}-nonet`;
    await run('run', '--detach', '--name', quiet, '--env', `MARIADB_ROOT_PASSWORD=${hostile}`, image, 'mariadbd', '--skip-networking');
    // The final server (not the temporary one, which stops in between): after the init, InnoDB is up.
    const deadline = Date.now() + 60_000;
    while (!(await logs(quiet)).includes('MariaDB init process done')) {
      if (Date.now() > deadline) throw new Error(`no init:\n${await logs(quiet)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await waitFor(quiet, ['healthcheck.sh', '--no-connect', '--innodb_initialized'], 'InnoDB initialised');
    expect((await docker(['exec', quiet, ...healthy])).code).toBe(1);
    expect((await docker(['exec', quiet, 'healthcheck.sh', '--connect'])).code).toBe(1);
    expect((await docker(['exec', quiet, 'healthcheck.sh', '--no-connect', '--innodb_initialized'])).code).toBe(0);
    expect((await docker(['exec', quiet, 'healthcheck.sh', '--bogus'])).stderr).toContain("unknown option or test 'bogus'");
  });
});

describe('MariaDB data from 10.11 opened by 11.8', () => {
  it('is upgraded with mariadb-upgrade only when MARIADB_AUTO_UPGRADE=1, keeping the data', async () => {
    const volume = `${prefix}-maria-up-data`;
    const old = `${prefix}-maria-up-old`;
    await run(
      'run',
      '--detach',
      '--name',
      old,
      '--env',
      `MARIADB_ROOT_PASSWORD=${hostile}`,
      '--volume',
      `${volume}:/var/lib/mysql`,
      `${MARIADB_TEST_IMAGE}:10.11`,
    );
    await waitFor(old, ['healthcheck.sh', '--connect', '--innodb_initialized'], 'healthy on 10.11');
    await run(
      'exec',
      '--env',
      `MYSQL_PWD=${hostile}`,
      old,
      'mariadb',
      '-uroot',
      '-e',
      "CREATE DATABASE kept; CREATE TABLE kept.t (v TEXT); INSERT INTO kept.t VALUES ('from 10.11')",
    );
    await run('stop', old);
    await run('rm', old);

    const upgrade = async (autoUpgrade: boolean) => {
      const c = `${prefix}-maria-up-${autoUpgrade ? 'auto' : 'manual'}`;
      await run(
        'run',
        '--detach',
        '--name',
        c,
        '--env',
        `MARIADB_ROOT_PASSWORD=${hostile}`,
        ...(autoUpgrade ? ['--env', 'MARIADB_AUTO_UPGRADE=1'] : []),
        '--volume',
        `${volume}:/var/lib/mysql`,
        `${MARIADB_TEST_IMAGE}:11.8`,
      );
      await waitFor(c, ['healthcheck.sh', '--connect', '--innodb_initialized'], 'healthy on 11.8');
      const log = await logs(c);
      const data = await run('exec', '--env', `MYSQL_PWD=${hostile}`, c, 'mariadb', '-uroot', '-N', '-e', 'SELECT v FROM kept.t');
      const info = await run(
        'exec',
        c,
        'sh',
        '-c',
        'cat /var/lib/mysql/mariadb_upgrade_info 2>/dev/null || cat /var/lib/mysql/mysql_upgrade_info; echo; ls /var/lib/mysql | grep -c "^system_mysql_backup_" || true',
      );
      await run('stop', c);
      await run('rm', c);
      return { log, data, info };
    };
    const skipped = await upgrade(false);
    expect(skipped.log).toContain('required, but skipped due to $MARIADB_AUTO_UPGRADE setting');
    expect(skipped.data).toBe('from 10.11');
    const upgraded = await upgrade(true);
    expect(upgraded.log).toContain('Starting mariadb-upgrade');
    expect(upgraded.log).toContain('Finished mariadb-upgrade');
    expect(upgraded.data).toBe('from 10.11');
    expect(upgraded.info).toMatch(/^11\.8\.\d+-MariaDB[^\n]*\n+1$/);
    await run('volume', 'rm', volume);
  });
});

describe('Redis test images', () => {
  it.each(['7.0', '8.0'])("Redis %s runs Dockbase's command as redis (999) in /data, with appendonly files there", async (tag) => {
    const image = `${REDIS_TEST_IMAGE}:${tag}`;
    await checkBasics(image, 'redis', ['redis-server', 'redis-cli']);
    const name = `${prefix}-redis${tag.replace('.', '')}`;
    await run(
      'run',
      '--detach',
      '--name',
      name,
      '--env',
      `REDISCLI_AUTH=${hostile}`,
      '--volume',
      `${name}-data:/data`,
      image,
      'redis-server',
      '--appendonly',
      'yes',
      '--requirepass',
      hostile,
    );
    await waitFor(name, ['sh', '-c', '[ "$(redis-cli -h 127.0.0.1 ping)" = PONG ]'], 'PONG');
    expect(await run('exec', name, 'redis-cli', '-h', '127.0.0.1', 'INFO', 'server')).toContain(`redis_version:${tag}.`);
    expect(await run('inspect', '--format', '{{.Config.WorkingDir}}', name)).toBe('/data');
    expect(await run('exec', name, 'sh', '-c', 'stat -c %u /proc/1; ls /data')).toMatch(/^999\n.*appendonly/);
  });
});

/** Starts a PostgreSQL image with the hostile password and waits until the final server answers over TCP;
 * returns psql over TCP as postgres, in `db` unless told another database. */
async function startPostgres(image: string, name: string, db: string): Promise<(sql: string, database?: string) => Promise<string>> {
  const at = image.lastIndexOf(':');
  if (!inRegistry(image.slice(0, at), image.slice(at + 1))) throw new Error(`${image} is not in the local registry: run scripts/test-env.sh`);
  await run(
    'run',
    '--detach',
    '--name',
    name,
    '--env',
    `POSTGRES_PASSWORD=${hostile}`,
    '--env',
    `POSTGRES_DB=${db}`,
    '--volume',
    `${name}-data:/var/lib/postgresql/data`,
    image,
  );
  await waitFor(name, ['pg_isready', '-h', '127.0.0.1', '-U', 'postgres', '-d', db], 'accepting connections over TCP');
  return (sql: string, database = db) =>
    ok(
      docker([
        'exec',
        '--env',
        `PGPASSWORD=${hostile}`,
        name,
        'psql',
        '-h',
        '127.0.0.1',
        '-U',
        'postgres',
        '-d',
        database,
        '-tA',
        '-v',
        'ON_ERROR_STOP=1',
        '--no-psqlrc',
        '-c',
        sql,
      ]),
    );
}

describe.each([POSTGIS_15_TEST_IMAGE, FLAVOUR_TEST_IMAGES.postgis].map((i) => [i.tag, i] as const))(
  'PostGIS test image postgis-debian:%s',
  (tag, { repository, major }) => {
    const image = `${repository}:${tag}`;
    const postgisMinor = tag.split('-')[1]!;

    it('is PostgreSQL with PostGIS loaded like the official image, PROJ able to transform, and raster through GDAL', async () => {
      const name = `${prefix}-postgis${major}`;
      const sql = await startPostgres(image, name, 'geo');
      // The official image's initdb script: PostGIS in POSTGRES_DB and in the template_postgis template.
      expect(await sql("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension")).toBe(
        'fuzzystrmatch,plpgsql,postgis,postgis_tiger_geocoder,postgis_topology',
      );
      expect(await sql("SELECT datistemplate FROM pg_database WHERE datname = 'template_postgis'")).toBe('t');
      await sql('CREATE EXTENSION IF NOT EXISTS postgis');
      const full = await sql('SELECT postgis_full_version()');
      expect(full).toContain(`POSTGIS="${postgisMinor}.`);
      expect(full).toContain(`PGSQL="${major}0"`);
      expect(full).toMatch(/GEOS="\d/);
      expect(full).toMatch(/PROJ="\d/);
      expect(await sql('SHOW server_version')).toMatch(new RegExp(`^${major}\\.`));
      // ST_Transform needs PROJ's database (/usr/share/proj/proj.db) for EPSG codes: Paris from WGS 84 to Web Mercator.
      expect(await sql('SELECT round(ST_X(p)), round(ST_Y(p)) FROM ST_Transform(ST_SetSRID(ST_MakePoint(2.3522, 48.8566), 4326), 3857) AS p')).toBe(
        '261846|6250564',
      );
      await sql('CREATE EXTENSION postgis_raster');
      expect(await sql('SELECT postgis_gdal_version()')).toMatch(/^GDAL \d/);
      expect(await run('exec', name, 'sh', '-c', 'command -v update-postgis.sh; echo "$POSTGIS_MAJOR"')).toBe('/usr/local/bin/update-postgis.sh\n3');
    });
  },
);

describe('pgvector test image', () => {
  const { repository, tag } = FLAVOUR_TEST_IMAGES.pgvector;

  it('creates the vector extension and answers a distance query', async () => {
    const sql = await startPostgres(`${repository}:${tag}`, `${prefix}-pgvector`, 'vectors');
    await sql('CREATE EXTENSION vector');
    expect(await sql("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).toMatch(/^0\.8\./);
    await sql("CREATE TABLE items (id int, embedding vector(3)); INSERT INTO items VALUES (1, '[1,2,3]'), (2, '[4,6,3]'), (3, '[9,9,9]')");
    expect(await sql("SELECT id, embedding <-> '[4,6,3]' FROM items ORDER BY embedding <-> '[4,6,3]' LIMIT 2")).toBe('2|0\n1|5');
    await sql('CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)');
    expect(await sql('SHOW server_version')).toMatch(/^17\./);
  });
});

describe('TimescaleDB test image', () => {
  const { repository, tag } = FLAVOUR_TEST_IMAGES.timescaledb;

  it('preloads timescaledb, installs it like the official image, and makes hypertables; runs as postgres uid 70', async () => {
    const name = `${prefix}-timescale`;
    const sql = await startPostgres(`${repository}:${tag}`, name, 'metrics');
    expect(await sql('SHOW shared_preload_libraries')).toBe('timescaledb');
    // The official image's initdb script put the extension in postgres, template1 and POSTGRES_DB.
    expect(await sql("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")).toBe(tag.split('-pg')[0]);
    await sql('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await sql('CREATE TABLE conditions (time timestamptz NOT NULL, device text, temperature double precision)');
    expect(await sql("SELECT create_hypertable('conditions', by_range('time'))")).toBe('(1,t)');
    await sql("INSERT INTO conditions SELECT t, 'a', 20 FROM generate_series(now() - interval '20 days', now(), interval '1 hour') AS t");
    expect(await sql('SELECT hypertable_name, num_chunks > 1 FROM timescaledb_information.hypertables')).toBe('conditions|t');
    const installed = "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'";
    expect(await sql(installed, 'template1')).toBe('1');
    expect(await sql(installed, 'postgres')).toBe('1');
    expect(await run('exec', name, 'sh', '-c', 'grep "^postgres:" /etc/passwd | cut -d: -f3; stat -c "%u" /proc/1 "$PGDATA"')).toBe('70\n70\n70');
  });
});

describe('PostgreSQL 17 test image stays plain', () => {
  it('offers no flavour extension (vector, postgis, timescaledb) even though its root filesystem had them', async () => {
    const sql = await startPostgres(`${POSTGRES_TEST_IMAGE}:17`, `${prefix}-plain17`, 'plain');
    expect(await sql("SELECT count(*) FROM pg_available_extensions WHERE name IN ('vector', 'postgis', 'timescaledb', 'postgis_topology')")).toBe('0');
    // Its own contrib extensions are there.
    expect(await sql("SELECT count(*) FROM pg_available_extensions WHERE name IN ('pgcrypto', 'hstore', 'pg_stat_statements')")).toBe('3');
    expect((await docker(['exec', `${prefix}-plain17`, 'sh', '-c', 'ls /usr/share/proj /usr/lib/x86_64-linux-gnu/libgeos* 2>&1'])).stdout).toMatch(
      /No such file/,
    );
  });
});

describe('Valkey test image', () => {
  const image = `${VALKEY_TEST_IMAGE}:${VALKEY_TEST_TAG}`;
  // Valkey 8.1 reads a command-line option as a config line, unescaped (Redis escapes it): a double quote
  // stops it ("Unbalanced quotes in configuration line"), a backslash starts an escape and the password
  // silently becomes another one. So the hostile password without either.
  const password = hostile.replace(/["\\]/g, '');

  // valkey-cli 8.1 reads the password from REDISCLI_AUTH (VALKEYCLI_AUTH came later).
  it("runs Dockbase's command as valkey (999) in /data, answers PING with its password and reports Valkey's version", async () => {
    if (!inRegistry(VALKEY_TEST_IMAGE, VALKEY_TEST_TAG)) throw new Error(`${image} is not in the local registry: run scripts/test-env.sh`);
    await checkBasics(image, 'valkey', [
      'valkey-server',
      'valkey-cli',
      'valkey-benchmark',
      'valkey-check-aof',
      'valkey-check-rdb',
      'redis-server',
      'redis-cli',
    ]);
    const name = `${prefix}-valkey`;
    await run(
      'run',
      '--detach',
      '--name',
      name,
      '--env',
      `REDISCLI_AUTH=${password}`,
      '--volume',
      `${name}-data:/data`,
      image,
      'valkey-server',
      '--appendonly',
      'yes',
      '--requirepass',
      password,
    );
    await waitFor(name, ['sh', '-c', '[ "$(valkey-cli -h 127.0.0.1 ping)" = PONG ]'], 'PONG');
    const info = await run('exec', name, 'valkey-cli', '-h', '127.0.0.1', 'INFO', 'server');
    expect(info).toMatch(new RegExp(`valkey_version:${VALKEY_TEST_TAG.replace('.', '\\.')}\\.`));
    expect(info).toContain('server_name:valkey');
    // The redis-* names of the official image reach the same server.
    expect(await run('exec', name, 'redis-cli', '-h', '127.0.0.1', 'ping')).toBe('PONG');
    // A wrong password is refused.
    const wrong = await docker(['exec', '--env', 'REDISCLI_AUTH=wrong', name, 'valkey-cli', '-h', '127.0.0.1', 'ping']);
    expect(wrong.stdout + wrong.stderr).toMatch(/WRONGPASS|NOAUTH/);
    expect(wrong.stdout).not.toContain('PONG');
    expect(await run('inspect', '--format', '{{.Config.WorkingDir}} {{index .Config.Cmd 0}}', name)).toBe('/data valkey-server');
    expect(await run('exec', name, 'sh', '-c', 'stat -c %u /proc/1; ls /data')).toMatch(/^999\n.*appendonly/);
  });

  it('runs options alone as valkey-server and refuses a data folder the --user cannot write, like the official image', async () => {
    const name = `${prefix}-valkey-opts`;
    await run('run', '--detach', '--name', name, image, '--port', '7000');
    await waitFor(name, ['sh', '-c', '[ "$(valkey-cli -p 7000 ping)" = PONG ]'], 'PONG on 7000');
    expect(await run('exec', name, 'sh', '-c', 'stat -c %u /proc/1; cat /proc/1/cmdline | tr "\\0" " "')).toMatch(/^999\nvalkey-server \*:7000/);
    const r = await docker(['run', '--rm', '--user', '1234', '--workdir', '/etc', image, 'valkey-server']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: directory is not writable by current user (1234)');
  });
});
