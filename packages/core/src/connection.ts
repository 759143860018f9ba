/** Connection strings of an instance: the host-side address, the engine's admin user, and its URI. */
import { getEngine } from './engines';
import { REDACTED } from './errors';
import type { Instance } from './instance';

/** Clients connect through loopback (127.0.0.1, not "localhost", which may resolve to ::1 first). */
export const CONNECT_HOST = '127.0.0.1';

const PLACEHOLDER = 'DOCKBASEMASK';

export function connectionString(instance: Pick<Instance, 'engine' | 'hostPort'>, password: string): string {
  const engine = getEngine(instance.engine);
  return engine.connectionUri({ host: CONNECT_HOST, port: instance.hostPort, user: engine.defaultUser, password });
}

/** The connection string with asterisks for the password: no docker call, nothing secret. */
export function maskedConnectionString(instance: Pick<Instance, 'engine' | 'hostPort'>): string {
  // Built with a placeholder that survives percent-encoding, then shown as asterisks.
  return connectionString(instance, PLACEHOLDER).replace(PLACEHOLDER, REDACTED);
}
