import type { FastifyInstance } from 'fastify';

/** The UI asks this to decide whether the optional backend is there at all. */
export function healthRoutes(app: FastifyInstance): void {
  app.get('/health', async () => ({ status: 'ok' }));
}
