import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ListenConfig } from './config.js';
import type { DockerStatus } from './docker-status.js';
import { registerErrorHandlers } from './errors.js';
import type { HubTags } from './hub/tags.js';
import { healthRoutes } from './routes/health.js';
import { hubTagRoutes } from './routes/hub-tags.js';
import { instanceRoutes } from './routes/instances.js';
import { jobRoutes, type JobsHost } from './routes/jobs.js';
import { passwordCheckRoutes } from './routes/password-checks.js';
import type { Store } from './store/store.js';

export interface ServerDeps {
  store: Store;
  hub: HubTags;
  /** The jobs this backend runs (main.ts: the core's JobRunner over docker); without it, no /jobs routes. */
  jobs?: JobsHost;
  /** Whether docker answers, for GET /health (main.ts). */
  docker?: DockerStatus;
  /**
   * Fastify's logger (request lines carry method and URL, never bodies: a job request may hold a password);
   * off by default for tests, which may give a stream to read what it wrote.
   */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
}

/** The HTTP API. The server owns the store from here on: closing the server closes the database. */
export function buildServer({ store, hub, jobs, docker, logger = false }: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger,
    ajv: {
      customOptions: {
        // Fastify's defaults would turn `"notes": 5` into "5" and silently drop unknown fields:
        // the API rejects both instead. `verbose` hands the failing schema to the error messages.
        coerceTypes: false,
        removeAdditional: false,
        verbose: true,
      },
    },
  });
  // Some clients send `Content-Type: application/json` with no body on DELETE: treat that as no body,
  // and let the schemas decide whether a body was required.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    else void parseJson(request, text, done); // calls done itself; the type allows a promise
  });
  registerErrorHandlers(app);
  healthRoutes(app, { ...(jobs ? { jobs } : {}), ...(docker ? { docker } : {}) });
  instanceRoutes(app, store);
  passwordCheckRoutes(app, store);
  hubTagRoutes(app, hub);
  if (jobs) jobRoutes(app, jobs);
  app.addHook('onClose', async () => store.close());
  return app;
}

/** Starts listening; a stale socket file left by a killed process is removed first. */
export async function listen(app: FastifyInstance, config: ListenConfig): Promise<string> {
  if (config.socket) {
    fs.rmSync(config.socket, { force: true });
    await app.listen({ path: config.socket });
    return config.socket;
  }
  return app.listen({ host: '127.0.0.1', port: config.port ?? 0 });
}
