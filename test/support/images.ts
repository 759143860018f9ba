/** What scripts/test-env.sh puts in the local registry. */
export const REGISTRY = '127.0.0.1:5000';
/** A real Redis server built from Debian's redis-server binaries (not the official image). */
export const REDIS_TEST_IMAGE = `${REGISTRY}/dockbase-test/redis`;
export const REDIS_TEST_TAG = '7.0';
/** Stand-ins: check the admin secret like the official image, then listen on the engine's port. */
export const standinImage = (engine: 'postgres' | 'mysql' | 'mariadb' | 'mongo') =>
  `${REGISTRY}/dockbase-test/standin-${engine}`;
