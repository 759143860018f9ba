/**
 * A typed client for Dockbase's optional backend (the VM service), over Docker Desktop's
 * `ddClient.extension.vm.service`. The backend is optional: without it the UI hides notes and
 * history and uses the built-in tag catalog, so `createBackendClient` answers undefined when
 * Docker Desktop offers no service, and `available()` never throws.
 */
import type { v1 } from '@docker/extension-api-client-types';

import type { EngineId, HistoryEntry, HubTag, InstanceInput, InstanceMeta, PasswordCheckRecord, TagSource, TagsPage } from '@dockbase/api';
import { DockbaseError, type DockbaseErrorCode, type Job, type JobRequest } from '@dockbase/core';

export type { EngineId, HistoryEntry, HubTag, InstanceInput, InstanceMeta, TagsPage };

export interface TagsQuery {
  /** Substring of the tag name. */
  name?: string;
  /** 1 to 10. */
  page?: number;
  /** 1 to 100; the backend uses 25 when left out. */
  pageSize?: number;
}

/** What the backend answered when a call failed; `code` is its `error` field, or `unavailable`. */
export type BackendErrorCode = 'invalid-input' | 'not-found' | 'rate-limited' | 'hub-unavailable' | 'internal' | 'unavailable';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    /** HTTP status; undefined when the backend could not be reached at all. */
    readonly statusCode?: number,
    /** With `invalid-input`: the field that was refused. */
    readonly field?: string,
    /** With `rate-limited` / `hub-unavailable`: when asking again makes sense (ISO 8601). */
    readonly retryAt?: string,
    /** The body's `error` as the backend said it, also when it is none of the codes above (`busy`). */
    readonly said?: string,
  ) {
    super(message);
  }
}

/**
 * Where the backend stands: not there at all (no client), answering, expected but not answering (asked
 * again), or given up on by whoever runs it, which said why (`BackendClient.failure`).
 */
export type BackendStatus = 'none' | 'checking' | 'up' | 'down' | 'failed';

export interface BackendClient {
  /** True when the backend answers its health check; false on any failure. Never throws. */
  available(): Promise<boolean>;
  /**
   * After `available()` answered false: why, when what runs the backend gave up on it (the standalone host
   * after its start failed again and again says "The Dockbase backend cannot start: …"). It is not asked again.
   */
  failure?(): string | undefined;
  listTags(image: TagSource, query?: TagsQuery): Promise<TagsPage>;
  /** Undefined when the backend knows no such instance. */
  getInstance(id: string): Promise<InstanceMeta | undefined>;
  /** Creates or replaces; notes and history are kept on replace. Never pass the password. */
  saveInstance(id: string, input: InstanceInput): Promise<InstanceMeta>;
  setNotes(id: string, notes: string): Promise<InstanceMeta>;
  addHistory(id: string, entry: Omit<HistoryEntry, 'at'>): Promise<HistoryEntry>;
  /** Resolves also when the backend had no record of it: either way it is gone. */
  deleteInstance(id: string): Promise<void>;
  /**
   * Starts a job in the backend (it outlives the page), as started from the tab. Resolves with it once it
   * runs; a refusal rejects with the core's DockbaseError: `busy` (another job holds the instance, from any
   * tab or the command line: its message says which and since when), `invalid-input` with the field at
   * fault, `not-found`, or another code the backend names. A backend that does not answer rejects with
   * BackendError `unavailable`.
   */
  startJob(request: JobRequest): Promise<Job>;
  /** Running jobs, and those that ended after `since` (ISO 8601), newest first. */
  jobs(since?: string): Promise<Job[]>;
  /** One job; undefined when the backend knows none by that id. */
  job(id: string): Promise<Job | undefined>;
  /**
   * Asks a running job to stop (it ends `cancelled` once its undo ran). Rejects with DockbaseError
   * `not-found` when it is not running, `invalid-input` when it can no longer be cancelled.
   */
  cancelJob(id: string): Promise<void>;
  /** The last verdict on each container's password (the backend remembers them, so a refusal survives a reload). */
  passwordChecks(): Promise<PasswordCheckRecord[]>;
  /** Remembers a verdict the page reached itself (no password in it). */
  recordPasswordCheck(containerId: string, check: Omit<PasswordCheckRecord, 'containerId' | 'at'>): Promise<void>;
}

/** The part of the Docker Desktop client used here (a `v1.DockerDesktopClient` fits). */
export interface BackendHost {
  readonly extension: { readonly vm?: { readonly service?: v1.HttpService } };
}

/**
 * How long `available()` waits for an answer. A slow answer counts as up: under load (two dozen servers
 * starting on two cores) the backend can take seconds to answer, and is not gone for it.
 */
export const HEALTH_TIMEOUT_MS = 15_000;

/** How the standalone host words a backend it gave up on (host/src/backend-proxy.ts). */
const CANNOT_START = /^The Dockbase backend cannot start/;

export function createBackendClient(ddClient: BackendHost): BackendClient | undefined {
  const service = ddClient.extension.vm?.service;
  if (!service) return undefined;

  const send = async <T>(run: () => Promise<unknown>): Promise<T> => {
    try {
      return parseBody(await run()) as T;
    } catch (err) {
      throw toBackendError(err);
    }
  };
  const instance = (id: string) => `/instances/${encodeURIComponent(id)}`;
  const job = (id: string) => `/jobs/${encodeURIComponent(id)}`;
  const sendJob = async <T>(run: () => Promise<unknown>, conflict: DockbaseErrorCode): Promise<T> => {
    try {
      return await send<T>(run);
    } catch (err) {
      throw err instanceof BackendError ? toJobError(err, conflict) : err;
    }
  };

  let failure: string | undefined;
  return {
    failure: () => failure,
    async available() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // A backend that never answers must not leave the UI waiting for notes and history.
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS)));
      const check = Promise.resolve()
        .then(() => service.get('/health'))
        .then((body) => (parseBody(body) as { status?: unknown } | undefined)?.status === 'ok')
        .catch((err: unknown) => {
          const said = toBackendError(err).message;
          failure = CANNOT_START.test(said) ? said : undefined;
          return false;
        });
      try {
        return await Promise.race([check, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    listTags(image, query = {}) {
      const params = new URLSearchParams();
      if (query.name) params.set('name', query.name);
      if (query.page !== undefined) params.set('page', String(query.page));
      if (query.pageSize !== undefined) params.set('pageSize', String(query.pageSize));
      const search = params.size > 0 ? `?${params.toString()}` : '';
      return send(() => service.get(`/hub/tags/${encodeURIComponent(image)}${search}`));
    },

    async getInstance(id) {
      try {
        return await send<InstanceMeta>(() => service.get(instance(id)));
      } catch (err) {
        if (err instanceof BackendError && err.code === 'not-found') return undefined;
        throw err;
      }
    },

    saveInstance(id, input) {
      return send(() => service.put(instance(id), { name: input.name, engine: input.engine, settings: input.settings }));
    },

    setNotes(id, notes) {
      return send(() => service.patch(instance(id), { notes }));
    },

    addHistory(id, entry) {
      return send(() => service.post(`${instance(id)}/history`, entry));
    },

    async deleteInstance(id) {
      try {
        await send(() => service.delete(instance(id)));
      } catch (err) {
        if (!(err instanceof BackendError && err.code === 'not-found')) throw err;
      }
    },

    async startJob(request) {
      const body = await sendJob<{ job: Job }>(() => service.post('/jobs', { ...request, by: 'tab' }), 'busy');
      return body.job;
    },

    async jobs(since) {
      const search = since ? `?${new URLSearchParams({ since }).toString()}` : '';
      const body = await send<{ jobs?: Job[] } | undefined>(() => service.get(`/jobs${search}`));
      return body?.jobs ?? [];
    },

    async job(id) {
      try {
        return (await send<{ job: Job }>(() => service.get(job(id)))).job;
      } catch (err) {
        if (err instanceof BackendError && err.code === 'not-found') return undefined;
        throw err;
      }
    },

    async cancelJob(id) {
      await sendJob(() => service.post(`${job(id)}/cancel`, {}), 'invalid-input');
    },

    async passwordChecks() {
      const body = await send<{ checks?: PasswordCheckRecord[] } | undefined>(() => service.get('/password-checks'));
      return body?.checks ?? [];
    },

    async recordPasswordCheck(containerId, check) {
      await send(() => service.put(`/password-checks/${encodeURIComponent(containerId)}`, check));
    },
  };
}

/**
 * The error codes of the core a job route's refusal passes on as they are (DockbaseError): the page shows
 * them as it shows the same refusal of a job run in the page itself.
 */
const JOB_REFUSALS: ReadonlySet<string> = new Set<DockbaseErrorCode>([
  'busy',
  'invalid-input',
  'not-found',
  'not-managed',
  'incompatible-data',
  'bad-file',
  'volume-conflict',
  'port-in-use',
  'name-in-use',
  'image-not-found',
  'command-failed',
  'engine-unavailable',
]);

/**
 * A job route's refusal as the core's error, by the code its body names (`busy`, `invalid-input` with its
 * field, `engine-unavailable`, or the core's own code the backend passes on with 422), else by its status: 409
 * is `conflict` (`busy` for a start; for a cancel, a job past its last safe step, `not-cancellable`:
 * `invalid-input`), 404 `not-found`, 400 and 422 `invalid-input`. What says the backend itself is away (no
 * status, or a 5xx without such a code) stays a BackendError `unavailable`.
 */
function toJobError(err: BackendError, conflict: DockbaseErrorCode): Error {
  const { statusCode, message, said } = err;
  if (said && JOB_REFUSALS.has(said)) return new DockbaseError(said as DockbaseErrorCode, message, err.field);
  if (statusCode === undefined || statusCode >= 500) return err;
  const code: DockbaseErrorCode | undefined =
    statusCode === 409 ? conflict : statusCode === 404 ? 'not-found' : statusCode === 400 || statusCode === 422 ? 'invalid-input' : undefined;
  return code ? new DockbaseError(code, message, err.field) : err;
}

/** The service resolves with the parsed body; tolerate a JSON string too (an empty 204 body included). */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

const CODES: readonly BackendErrorCode[] = ['invalid-input', 'not-found', 'rate-limited', 'hub-unavailable', 'internal'];

/**
 * Docker Desktop rejects with `{ name, message, statusCode }`, where the backend's JSON error body may
 * arrive parsed, as the message text, or not at all (connection failures).
 */
function toBackendError(err: unknown): BackendError {
  if (err instanceof BackendError) return err;
  const raw = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const statusCode = typeof raw.statusCode === 'number' ? raw.statusCode : undefined;
  const text = typeof raw.message === 'string' ? raw.message : typeof err === 'string' ? err : '';
  const parsed = [raw.data, raw.body, parseBody(text)].find(
    (b): b is Record<string, unknown> => typeof b === 'object' && b !== null && typeof (b as { error?: unknown }).error === 'string',
  );
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const code = CODES.find((c) => c === parsed?.error) ?? (statusCode === 404 ? 'not-found' : 'unavailable');
  const message = str(parsed?.message) ?? (text || 'The Dockbase backend did not answer.');
  return new BackendError(code, message, statusCode, str(parsed?.field), str(parsed?.retryAt), str(parsed?.error));
}
