/** The servers the idle and readiness benchmarks run: the same images as Dockbase, and the same by hand. */
import type { NodeDockerCli } from '@dockbase/docker-cli/node';
import type { EngineId } from '@dockbase/core';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../test/support/images';
import { postgresAcceptsLogin } from '../test/support/postgres';
import { pingOnce } from './engine-benchmarks';

export type BenchEngine = Extract<EngineId, 'redis' | 'postgres'>;
export const PASSWORD = 'bench pw';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function docker(cli: NodeDockerCli, ...args: string[]): Promise<string> {
  const r = await cli.run(args);
  if (r.code !== 0) throw new Error(`docker ${args.slice(0, 2).join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * Fills the PostgreSQL in `container` with one table, `filler`, of `rows` rows of about 900 bytes each (below
 * TOAST's threshold, so stored as written: about 1 GB for 1.1 million rows); with a primary key, and a
 * checkpoint after, when asked.
 */
export async function fillPostgres(
  cli: NodeDockerCli,
  container: string,
  rows: number,
  options: { primaryKey?: boolean; checkpoint?: boolean } = {},
): Promise<void> {
  const sql = [
    `CREATE TABLE filler AS SELECT g AS id, repeat(md5(g::text), 28) AS body FROM generate_series(1, ${rows}) g;`,
    ...(options.primaryKey ? ['ALTER TABLE filler ADD PRIMARY KEY (id);'] : []),
    ...(options.checkpoint ? ['CHECKPOINT;'] : []),
  ].join(' ');
  await docker(cli, 'exec', container, 'psql', '-X', '-q', '-U', 'postgres', '-c', sql);
}

export const IMAGE: Record<BenchEngine, { image: string; tag: string; port: number }> = {
  redis: { image: REDIS_TEST_IMAGE, tag: REDIS_TEST_TAG, port: 6379 },
  postgres: { image: POSTGRES_TEST_IMAGE, tag: POSTGRES_TEST_TAG, port: 5432 },
};

/** The same server as Dockbase runs it, by hand: `docker run` argv without the image's healthcheck. */
export function plainRunArgs(engine: BenchEngine, name: string, hostPort: number, health: string[]): string[] {
  const { image, tag, port } = IMAGE[engine];
  const env = engine === 'redis' ? ['--env', `REDISCLI_AUTH=${PASSWORD}`] : ['--env', `POSTGRES_PASSWORD=${PASSWORD}`];
  const cmd = engine === 'redis' ? ['redis-server', '--appendonly', 'yes', '--requirepass', PASSWORD] : [];
  return ['run', '--detach', '--name', name, ...health, ...env, '--publish', `127.0.0.1:${hostPort}:${port}`, `${image}:${tag}`, ...cmd];
}

/** Whether the server accepts an authenticated connection from the host right now. */
export function acceptsLogin(engine: BenchEngine, port: number): Promise<boolean> {
  return engine === 'redis' ? pingOnce(port, PASSWORD) : postgresAcceptsLogin(port, PASSWORD);
}

export async function firstLogin(engine: BenchEngine, port: number, since: number, timeoutMs = 60_000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (await acceptsLogin(engine, port)) return performance.now();
    await sleep(20);
  }
  throw new Error(`${engine} on ${port} never accepted a login`);
}
