import type { FastifyInstance } from 'fastify';
import { ENGINE_IDS, INSTANCE_SETTINGS_SCHEMA, MAX_NOTES_LENGTH, type EngineId, type InstanceSettings } from '@dockbase/api';
import { notFound } from '../errors.js';
import type { HistoryEntry, Store } from '../store/store.js';

export const MAX_NOTES = MAX_NOTES_LENGTH;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: '1 to 64 letters, digits, "_" or "-"' },
  },
} as const;

const putBody = {
  type: 'object',
  required: ['name', 'engine', 'settings'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    engine: { type: 'string', enum: ENGINE_IDS },
    // Only the keys the API lists: anything else (a password under any name, a URI with credentials) is a 400.
    settings: INSTANCE_SETTINGS_SCHEMA,
  },
} as const;

const patchBody = {
  type: 'object',
  required: ['notes'],
  additionalProperties: false,
  properties: { notes: { type: 'string', maxLength: MAX_NOTES } },
} as const;

const historyBody = {
  type: 'object',
  required: ['action', 'outcome'],
  additionalProperties: false,
  properties: {
    action: { type: 'string', minLength: 1, maxLength: 100 },
    outcome: { type: 'string', enum: ['ok', 'failed'] },
    detail: { type: 'string', maxLength: 4000 },
    size: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

type IdParams = { id: string };

/** Per-instance metadata: the settings it was created with (listed keys only, no secrets), notes and operation history. */
export function instanceRoutes(app: FastifyInstance, store: Store): void {
  const missing = (id: string) => notFound(`Instance "${id}"`);

  app.get<{ Params: IdParams }>('/instances/:id', { schema: { params: idParams } }, async (request, reply) => {
    const meta = store.get(request.params.id);
    return meta ?? reply.code(404).send(missing(request.params.id));
  });

  app.put<{ Params: IdParams; Body: { name: string; engine: EngineId; settings: InstanceSettings } }>(
    '/instances/:id',
    { schema: { params: idParams, body: putBody } },
    async (request, reply) => {
      const { meta, created } = store.put(request.params.id, request.body);
      return reply.code(created ? 201 : 200).send(meta);
    },
  );

  app.patch<{ Params: IdParams; Body: { notes: string } }>('/instances/:id', { schema: { params: idParams, body: patchBody } }, async (request, reply) => {
    const meta = store.setNotes(request.params.id, request.body.notes);
    return meta ?? reply.code(404).send(missing(request.params.id));
  });

  app.post<{ Params: IdParams; Body: Omit<HistoryEntry, 'at'> }>(
    '/instances/:id/history',
    { schema: { params: idParams, body: historyBody } },
    async (request, reply) => {
      const entry = store.addHistory(request.params.id, request.body);
      return entry ? reply.code(201).send(entry) : reply.code(404).send(missing(request.params.id));
    },
  );

  app.delete<{ Params: IdParams }>('/instances/:id', { schema: { params: idParams } }, async (request, reply) => {
    return store.delete(request.params.id) ? reply.code(204).send() : reply.code(404).send(missing(request.params.id));
  });
}
