import type { FastifyInstance, FastifyReply } from 'fastify';
import { JOB_KINDS, isDockbaseError, parseJobRequest, type DockbaseErrorCode, type Job, type JobDoor, type JobRequest } from '@dockbase/core';
import { notFound, type ApiError } from '../errors.js';

/** What the routes need of the core's JobRunner (the backend's own runner; tests give a fake). */
export interface JobsRunner {
  start(request: JobRequest, by?: JobDoor): Promise<Job>;
  /** Running jobs, and those that ended after `since` (ISO), newest first. */
  list(since?: string): Promise<Job[]>;
  cancel(id: string): Promise<void>;
}

/** The jobs this backend runs: given to buildServer by main.ts (tests without docker leave it out). */
export interface JobsHost {
  runner: JobsRunner;
}

/** The doors that start jobs over HTTP: the page (through Docker Desktop or the standalone host) and the CLI. */
const DOORS = ['tab', 'cli'] as const;

const JOB_ID = { type: 'string', pattern: '^[0-9a-f]{12}$', description: '12 hexadecimal characters' } as const;

// The shape common to every kind; the core's parseJobRequest checks each kind's own fields. Other fields are
// left to it (it ignores what a kind does not take), so no schema here has to follow the core's kinds.
// A create and a clone name no instance (theirs does not exist yet): the core requires it of every other kind.
const startBody = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: JOB_KINDS },
    instanceId: JOB_ID,
    by: { type: 'string', enum: DOORS },
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: JOB_ID } } as const;

const listQuery = {
  type: 'object',
  properties: {
    since: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
      description: 'a date and time in ISO 8601, such as 2026-01-31T12:00:00.000Z',
    },
  },
} as const;

/** A refusal of the core that none of the API's own codes names goes out under the core's code (`port-in-use`…). */
type JobError = Omit<ApiError, 'error'> & { error: ApiError['error'] | DockbaseErrorCode };

type StartBody = { kind: string; instanceId?: string; by?: (typeof DOORS)[number] } & Record<string, unknown>;

/**
 * Jobs: the long operations (create, clone, start, stop, delete, upgrade, rollback, edit, restore, snapshot,
 * import, export, migrate) run here, in the backend,
 * which outlives the page. The page starts one and follows it by polling; its outcome goes to the
 * instance's history (main.ts). A request may carry a secret (an edit's new password): it is used in
 * memory only, never stored, logged (the logger writes no bodies) or echoed (no answer repeats the request):
 * a create's or a clone's password, an edit's new one, the password a restore's or an import's data keeps.
 */
export function jobRoutes(app: FastifyInstance, { runner }: JobsHost): void {
  app.post<{ Body: StartBody }>('/jobs', { schema: { body: startBody } }, async (request, reply) => {
    const { by = 'tab', ...rest } = request.body;
    try {
      const job = await runner.start(parseJobRequest(rest), by);
      return reply.code(202).send({ job });
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.get<{ Querystring: { since?: string } }>('/jobs', { schema: { querystring: listQuery } }, async (request, reply) => {
    const { since } = request.query;
    let from: string | undefined;
    if (since !== undefined) {
      const at = new Date(since);
      if (Number.isNaN(at.getTime())) {
        const body: ApiError = { error: 'invalid-input', field: 'since', message: `Field "since" must be ${listQuery.properties.since.description}.` };
        return reply.code(400).send(body);
      }
      // The store compares ISO strings: the same form as it writes (milliseconds, UTC) compares as time does.
      from = at.toISOString();
    }
    return { jobs: await runner.list(from) };
  });

  app.get<{ Params: { id: string } }>('/jobs/:id', { schema: { params: idParams } }, async (request, reply) => {
    const job = (await runner.list()).find((j) => j.id === request.params.id);
    return job ? { job } : reply.code(404).send(notFound(`Job "${request.params.id}"`));
  });

  app.post<{ Params: { id: string } }>('/jobs/:id/cancel', { schema: { params: idParams } }, async (request, reply) => {
    try {
      await runner.cancel(request.params.id);
      return reply.code(202).send({});
    } catch (err) {
      // The runner says `not-found` for a job it does not run (ended, or never was), `invalid-input` for one
      // past its last cancellable step.
      if (isDockbaseError(err, 'invalid-input')) return reply.code(409).send({ error: 'not-cancellable', message: err.message } satisfies ApiError);
      return refused(reply, err);
    }
  });
}

/** A job the core refused, in the API's error shape: its message says why (never a secret: the core redacts). */
function refused(reply: FastifyReply, err: unknown): FastifyReply {
  if (!isDockbaseError(err)) throw err; // a bug: the error handler answers 500 and logs it
  const field = err.field ? { field: err.field } : {};
  switch (err.code) {
    case 'busy':
      return reply.code(409).send({ error: 'busy', message: err.message } satisfies ApiError);
    case 'invalid-input':
      return reply.code(400).send({ error: 'invalid-input', message: err.message, ...field } satisfies ApiError);
    case 'not-found':
    case 'not-managed':
      return reply.code(404).send({ error: 'not-found', message: err.message } satisfies ApiError);
    case 'engine-unavailable':
      return reply.code(503).send({ error: 'engine-unavailable', message: err.message } satisfies ApiError);
    default:
      return reply.code(422).send({ error: err.code, message: err.message, ...field } satisfies JobError);
  }
}
