import { execFile } from 'node:child_process';

/**
 * Each real server's OWN client (psql, mariadb, redis-cli), run with exact argv and the password in the
 * client's environment variable (never on a command line, never through a shell):
 *   - inside the instance's container (`docker exec`), over TCP to 127.0.0.1;
 *   - outside it, in a throwaway container of the same image on the host's network, over the port the
 *     instance publishes on 127.0.0.1 (loopback only: the test traffic never leaves this machine).
 */
export type ClientEngine = 'postgres' | 'mariadb' | 'redis';

export interface ClientResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function docker(args: readonly string[], timeoutMs = 120_000): Promise<ClientResult> {
  return new Promise((resolve) => {
    execFile('docker', [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The client command and its password variable for one statement (SQL, or a Redis command's words). */
function clientCommand(engine: ClientEngine, password: string, port: number, statement: string | string[], user?: string): { env: string[]; argv: string[] } {
  switch (engine) {
    case 'postgres':
      return {
        env: [`PGPASSWORD=${password}`],
        argv: [
          'psql',
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          user ?? 'postgres',
          '-d',
          'postgres',
          '-v',
          'ON_ERROR_STOP=1',
          '--no-psqlrc',
          '-tA',
          '-c',
          String(statement),
        ],
      };
    case 'mariadb':
      return {
        env: [`MYSQL_PWD=${password}`],
        argv: [
          'mariadb',
          '--protocol=tcp',
          '-h',
          '127.0.0.1',
          '-P',
          String(port),
          '-u',
          user ?? 'root',
          '--skip-ssl',
          '--default-character-set=utf8mb4',
          '-N',
          '-B',
          '-r',
          '-e',
          String(statement),
        ],
      };
    case 'redis':
      return {
        env: [`REDISCLI_AUTH=${password}`],
        argv: ['redis-cli', '-h', '127.0.0.1', '-p', String(port), ...(Array.isArray(statement) ? statement : statement.split(' '))],
      };
  }
}

/** Runs a statement with the engine's client inside the container, on the server's own port. */
export function clientInside(engine: ClientEngine, container: string, containerPort: number, password: string, statement: string | string[], user?: string) {
  const { env, argv } = clientCommand(engine, password, containerPort, statement, user);
  return docker(['exec', ...env.flatMap((e) => ['--env', e]), container, ...argv]);
}

/** Runs a statement with the engine's client from another container, through the published port. */
export function clientOutside(engine: ClientEngine, imageRef: string, hostPort: number, password: string, statement: string | string[], user?: string) {
  const { env, argv } = clientCommand(engine, password, hostPort, statement, user);
  return docker(['run', '--rm', '--network', 'host', ...env.flatMap((e) => ['--env', e]), '--entrypoint', argv[0]!, imageRef, ...argv.slice(1)]);
}

/** The client's answer, or an error naming the failure (its stderr). */
export async function ok(result: Promise<ClientResult>): Promise<string> {
  const r = await result;
  if (r.code !== 0) throw new Error(`client failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout.trim();
}

/** A client call that must be refused; resolves to its error output. */
export async function refused(result: Promise<ClientResult>): Promise<string> {
  const r = await result;
  if (r.code === 0 && !/WRONGPASS|NOAUTH|invalid password/i.test(r.stdout)) {
    throw new Error(`the client was let in: ${r.stdout.trim()}`);
  }
  return `${r.stderr}${r.stdout}`;
}

/** Statements that write a marker row/key and read it back, per engine. */
export function markerStatements(engine: ClientEngine, value: string) {
  const sqlValue = value.replace(/\\/g, '\\\\').replace(/'/g, "''");
  switch (engine) {
    case 'postgres':
      return {
        write: `CREATE TABLE IF NOT EXISTS dockbase_kept (v text); INSERT INTO dockbase_kept VALUES ('${value.replace(/'/g, "''")}')`,
        read: 'SELECT v FROM dockbase_kept',
      };
    case 'mariadb':
      return {
        write: `CREATE DATABASE IF NOT EXISTS dockbase; CREATE TABLE IF NOT EXISTS dockbase.kept (v TEXT CHARACTER SET utf8mb4); INSERT INTO dockbase.kept VALUES ('${sqlValue}')`,
        read: 'SELECT v FROM dockbase.kept',
      };
    case 'redis':
      return { write: ['SET', 'dockbase:kept', value], read: ['GET', 'dockbase:kept'] };
  }
}
