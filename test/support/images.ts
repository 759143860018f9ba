import { execFileSync } from 'node:child_process';

/**
 * What scripts/test-env.sh puts in the local registry (scripts/test-images/images.txt lists them, and
 * scripts/test-images/README.md says which contract of the official image each honours).
 */
export const REGISTRY = '127.0.0.1:5000';

/** Real servers built from Debian's packages: named after what they are, not the official images. */
export const REAL_SERVERS = [
  { engine: 'postgres', tag: '15', image: `${REGISTRY}/dockbase-test/postgres-debian` },
  { engine: 'postgres', tag: '17', image: `${REGISTRY}/dockbase-test/postgres-debian` },
  { engine: 'mariadb', tag: '10.11', image: `${REGISTRY}/dockbase-test/mariadb-debian` },
  { engine: 'mariadb', tag: '11.8', image: `${REGISTRY}/dockbase-test/mariadb-debian` },
  { engine: 'redis', tag: '7.0', image: `${REGISTRY}/dockbase-test/redis-debian` },
  { engine: 'redis', tag: '8.0', image: `${REGISTRY}/dockbase-test/redis-debian` },
] as const;

export const POSTGRES_TEST_IMAGE = `${REGISTRY}/dockbase-test/postgres-debian`;
export const POSTGRES_TEST_TAG = '17';
export const MARIADB_TEST_IMAGE = `${REGISTRY}/dockbase-test/mariadb-debian`;
export const MARIADB_TEST_TAG = '11.8';

/** A real Redis server built from Debian's redis-server (not the official image). */
export const REDIS_TEST_IMAGE = `${REGISTRY}/dockbase-test/redis-debian`;
export const REDIS_TEST_TAG = '7.0';

/** A real Valkey server built from Debian's valkey-server (not the official image). */
export const VALKEY_TEST_IMAGE = `${REGISTRY}/dockbase-test/valkey-debian`;
export const VALKEY_TEST_TAG = '8.1';

/** Stand-ins where Debian has no server: check the admin secret like the official image, then listen. */
export const standinImage = (engine: 'mysql' | 'mongo') => `${REGISTRY}/dockbase-test/standin-${engine}`;

/** Whether the local registry holds `repository:tag` (for images the environment may not have yet). */
export function inRegistry(repository: string, tag: string): boolean {
  const path = repository.startsWith(`${REGISTRY}/`) ? repository.slice(REGISTRY.length + 1) : repository;
  try {
    execFileSync(
      'curl',
      [
        '-fs',
        '-o',
        '/dev/null',
        '--max-time',
        '3',
        '-H',
        'Accept: application/vnd.docker.distribution.manifest.v2+json',
        `http://${REGISTRY}/v2/${path}/manifests/${tag}`,
      ],
      { stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}
