import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HubTags, type HubTagsOptions } from '../hub/tags.js';
import { buildServer, listen, type ServerDeps } from '../server.js';
import type { SqliteDriver } from '../store/sqlite.js';
import { Store } from '../store/store.js';
import { call, type Answer } from './http.js';

export interface RunningBackend {
  socket: string;
  app: FastifyInstance;
  call(method: string, url: string, body?: unknown): Promise<Answer>;
}

/**
 * The real server in this process, listening on a real unix socket in `dir`, its store on `driver` (by
 * default the one this Node uses). Closing `app` closes the database too. `extra` adds jobs, the docker
 * status or a logger (none by default: the server of a test without docker).
 */
export async function startBackend(
  dir: string,
  hub: Partial<HubTagsOptions> = {},
  driver?: SqliteDriver,
  extra: Pick<ServerDeps, 'jobs' | 'docker' | 'logger'> | ((store: Store) => Pick<ServerDeps, 'jobs' | 'docker' | 'logger'>) = {},
): Promise<RunningBackend & { store: Store }> {
  const store = Store.open(path.join(dir, 'data'), driver);
  const app = buildServer({
    store,
    // By default Hub is a closed port: routes that do not need it never notice.
    hub: new HubTags({ hubUrl: 'http://127.0.0.1:9', ttlMs: 600_000, ...hub }),
    ...(typeof extra === 'function' ? extra(store) : extra),
  });
  const socket = path.join(dir, 'backend.sock');
  await listen(app, { socket });
  return { socket, app, store, call: (method, url, body) => call(socket, method, url, body) };
}
