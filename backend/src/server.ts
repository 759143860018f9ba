import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BackendConfig } from './config.js';

export function buildServer(): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/health', async () => ({ status: 'ok' }));
  return app;
}

/** Starts listening; a stale socket file left by a killed process is removed first. */
export async function listen(app: FastifyInstance, config: BackendConfig): Promise<string> {
  if (config.socket) {
    fs.rmSync(config.socket, { force: true });
    await app.listen({ path: config.socket });
    return config.socket;
  }
  return app.listen({ host: '127.0.0.1', port: config.port ?? 0 });
}
