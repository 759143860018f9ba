/** Connection strings of an instance: the host-side address, its user (the engine's admin by default), its database, its URI. */
import { getEngine } from '../engines';
import { REDACTED } from './errors';
import type { Instance } from './instance';

/** Clients connect through loopback (127.0.0.1, not "localhost", which may resolve to ::1 first). */
export const CONNECT_HOST = '127.0.0.1';

const PLACEHOLDER = 'DOCKBASEMASK';

type Target = Pick<Instance, 'engine' | 'hostPort'> & Partial<Pick<Instance, 'user' | 'database'>>;

export function connectionString(instance: Target, password: string): string {
  const engine = getEngine(instance.engine);
  return engine.connectionUri({
    host: CONNECT_HOST,
    port: instance.hostPort,
    user: instance.user || engine.defaultUser,
    password,
    ...(instance.database ? { database: instance.database } : {}),
  });
}

/** The connection string with asterisks for the password: no docker call, nothing secret. */
export function maskedConnectionString(instance: Target): string {
  // Built with a placeholder that survives percent-encoding, then shown as asterisks.
  return connectionString(instance, PLACEHOLDER).replace(PLACEHOLDER, REDACTED);
}

/** Quotes a word for a POSIX shell: inside single quotes, each single quote closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that opens the engine's own client inside the container (psql, mysql, mariadb, mongosh,
 * redis-cli), to paste into a terminal: it authenticates from the container's own configuration, so the
 * password is on no command line and in no shell history.
 */
export function shellCommand(instance: Pick<Instance, 'engine' | 'name'>): string {
  const engine = getEngine(instance.engine);
  const script = engine.clientShell;
  const bare = /^exec ([a-z-]+)$/.exec(script);
  return bare ? `docker exec -it ${shellQuote(instance.name)} ${bare[1]}` : `docker exec -it ${shellQuote(instance.name)} sh -c ${shellQuote(script)}`;
}
