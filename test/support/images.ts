import { execFileSync } from 'node:child_process';

/** What scripts/test-env.sh puts in the local registry. */
export const REGISTRY = '127.0.0.1:5000';
/** A real Redis server built from Debian's redis-server binaries (not the official image). */
export const REDIS_TEST_IMAGE = `${REGISTRY}/dockbase-test/redis`;
export const REDIS_TEST_TAG = '7.0';
/** Stand-ins: check the admin secret like the official image, then listen on the engine's port. */
export const standinImage = (engine: 'postgres' | 'mysql' | 'mariadb' | 'mongo') =>
  `${REGISTRY}/dockbase-test/standin-${engine}`;

/** Real PostgreSQL built from Debian's packages, where the test environment has it (it may not yet). */
export const POSTGRES_TEST_IMAGE = `${REGISTRY}/dockbase-test/postgres-debian`;
export const POSTGRES_TEST_TAG = '17';

/** Whether the local registry holds `repository:tag` (for images the environment may not have yet). */
export function inRegistry(repository: string, tag: string): boolean {
  const path = repository.startsWith(`${REGISTRY}/`) ? repository.slice(REGISTRY.length + 1) : repository;
  try {
    execFileSync('curl', ['-fs', '-o', '/dev/null', '--max-time', '3', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `http://${REGISTRY}/v2/${path}/manifests/${tag}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
