import type { FastifyInstance } from 'fastify';
import { TAG_SOURCES, type TagSource } from '@dockbase/api';
import type { ApiError } from '../errors.js';
import { HubUnavailableError, type HubTags } from '../hub/tags.js';

/** Tags per page when the UI does not say. */
export const DEFAULT_PAGE_SIZE = 25;

const params = {
  type: 'object',
  required: ['image'],
  properties: { image: { type: 'string', enum: TAG_SOURCES } },
} as const;

// Query values arrive as strings and the validator does not coerce types (so bodies stay strict):
// numbers are checked by pattern, which also bounds the paging.
const querystring = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]{0,128}$',
      description: 'at most 128 letters, digits, ".", "_" or "-"',
    },
    page: { type: 'string', pattern: '^([1-9]|10)$', description: 'a whole number from 1 to 10' },
    pageSize: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$', description: 'a whole number from 1 to 100' },
  },
} as const;

type Query = { name?: string; page?: string; pageSize?: string };

/** Docker Hub's tags of the official images and of the flavours' images, proxied because Hub sends no CORS headers. */
export function hubTagRoutes(app: FastifyInstance, hub: HubTags): void {
  app.get<{ Params: { image: TagSource }; Querystring: Query }>('/hub/tags/:image', { schema: { params, querystring } }, async (request, reply) => {
    const { name = '', page = '1', pageSize = String(DEFAULT_PAGE_SIZE) } = request.query;
    try {
      return await hub.get(request.params.image, { name, page: Number(page), pageSize: Number(pageSize) });
    } catch (err) {
      if (!(err instanceof HubUnavailableError)) throw err;
      const body: ApiError = { error: err.reason, message: err.message, retryAt: err.retryAt };
      return reply.code(503).send(body);
    }
  });
}
