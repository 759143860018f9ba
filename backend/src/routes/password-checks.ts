import type { FastifyInstance } from 'fastify';
import type { PasswordCheckRecord } from '@dockbase/api';
import type { Store } from '../store/store.js';

const containerParams = {
  type: 'object',
  required: ['containerId'],
  properties: { containerId: { type: 'string', pattern: '^[0-9a-f]{12,64}$', description: 'a container id: 12 to 64 hexadecimal characters' } },
} as const;

const putBody = {
  type: 'object',
  required: ['instanceId', 'status'],
  additionalProperties: false,
  properties: {
    instanceId: { type: 'string', pattern: '^[0-9a-f]{12}$' },
    status: { type: 'string', enum: ['ok', 'rejected'] },
    message: { type: 'string', maxLength: 1000 },
  },
} as const;

/**
 * Whether each instance's password opens its data, as last checked: the page records what it checked, the
 * backend what its jobs checked (main.ts), and the page reads them all at load, so that a refused password
 * shows after a reload too. A body holds no password (additionalProperties: false).
 */
export function passwordCheckRoutes(app: FastifyInstance, store: Store): void {
  app.get('/password-checks', async () => ({ checks: store.passwordChecks.list() }));

  app.put<{ Params: { containerId: string }; Body: Omit<PasswordCheckRecord, 'containerId' | 'at'> }>(
    '/password-checks/:containerId',
    { schema: { params: containerParams, body: putBody } },
    async (request) => ({ check: store.passwordChecks.put({ ...request.body, containerId: request.params.containerId }) }),
  );
}
