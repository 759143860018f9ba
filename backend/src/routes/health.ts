import type { FastifyInstance } from 'fastify';
import type { DockerAccess } from '../docker-access.js';
import type { DockerStatus } from '../docker-status.js';
import type { JobsHost } from './jobs.js';

export interface Health {
  status: 'ok';
  /** With jobs (the backend's process, not a test server without docker): how many run now. */
  jobs?: { running: number };
  /** With jobs: whether the backend can run docker (checked at start-up, then at most every 30 s). */
  docker?: DockerAccess;
}

/**
 * The UI and the standalone host ask this to decide whether the optional backend is there at all; it answers
 * at once (the host waits one second), whatever docker does.
 */
export function healthRoutes(app: FastifyInstance, options: { jobs?: JobsHost; docker?: DockerStatus } = {}): void {
  const { jobs, docker } = options;
  app.get('/health', async (): Promise<Health> => {
    const health: Health = { status: 'ok' };
    if (jobs) {
      const now = new Date().toISOString();
      health.jobs = { running: (await jobs.runner.list(now)).filter((j) => j.state === 'running').length };
    }
    if (docker) health.docker = await docker.current();
    return health;
  });
}
