import type { FastifyError, FastifyInstance } from 'fastify';

/** The body of every 4xx/5xx answer; the UI shows `message` and may point at `field`. */
export interface ApiError {
  error:
    | 'invalid-input'
    | 'not-found'
    | 'rate-limited'
    | 'hub-unavailable'
    | 'internal'
    /** Another job holds the instance (a tab, the command line): the message names it and since when. */
    | 'busy'
    /** The job is past the point where Cancel leaves everything as it was. */
    | 'not-cancellable'
    /** The backend cannot reach the Docker engine. */
    | 'engine-unavailable';
  message: string;
  field?: string;
  retryAt?: string;
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  parentSchema?: { description?: string };
}

/**
 * Turns schema failures into `400 { error: 'invalid-input', field, message }` with a sentence naming the
 * field, unknown routes into 404 `not-found`, and anything unexpected into a 500 that hides internals.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const first = error.validation?.[0] as SchemaError | undefined;
    if (first) return reply.code(400).send(invalidInput(first));
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Content-type and JSON parsing failures (fastify's FST_ERR_CTP_*): the body as a whole is wrong.
      const body: ApiError = { error: 'invalid-input', field: 'body', message: bodyMessage(error.code) };
      return reply.code(400).send(body);
    }
    // Only the error itself is logged, never the request body: it may hold settings.
    request.log.error({ err: error }, 'request failed');
    const body: ApiError = { error: 'internal', message: 'The Dockbase backend failed to handle the request.' };
    return reply.code(500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ApiError = { error: 'not-found', message: `There is no ${request.method} ${request.url.split('?')[0]}.` };
    return reply.code(404).send(body);
  });
}

export function notFound(what: string): ApiError {
  return { error: 'not-found', message: `${what} was not found.` };
}

function invalidInput(e: SchemaError): ApiError {
  const path = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') path.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') path.push(String(e.params.additionalProperty));
  const field = path.join('.') || 'body';
  const subject = field === 'body' ? 'The request body' : `Field "${field}"`;
  return { error: 'invalid-input', field, message: `${subject} ${rule(e)}.` };
}

function rule(e: SchemaError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'type':
      return `must be ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    default:
      // Patterns carry their rule in words as the schema's description (ajv runs in verbose mode).
      return e.parentSchema?.description ? `must be ${e.parentSchema.description}` : 'is not valid';
  }
}

function bodyMessage(code: string): string {
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'The request body must be sent as application/json.';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  return 'The request body must be valid JSON.';
}
