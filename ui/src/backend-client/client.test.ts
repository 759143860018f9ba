import { afterEach, describe, expect, it, vi } from 'vitest';
import type { v1 } from '@docker/extension-api-client-types';
import { INSTANCE_SETTINGS_SCHEMA, INSTANCE_SETTING_KEYS } from '@dockbase/api';
import { creationSettings, DockbaseError, isDockbaseError, type Job } from '@dockbase/core';
import { BackendError, HEALTH_TIMEOUT_MS, createBackendClient, type BackendClient, type InstanceMeta } from './client';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Call {
  method: Method;
  url: string;
  data?: unknown;
}

/**
 * A stand-in for Docker Desktop's `vm.service`: records each call and answers from `respond`, which
 * returns the parsed body or throws the `{ name, message, statusCode }` error Docker Desktop rejects with.
 */
function fakeService(respond: (call: Call) => unknown) {
  const calls: Call[] = [];
  const handle = (method: Method) => async (url: string, data?: unknown) => {
    const call: Call = data === undefined ? { method, url } : { method, url, data };
    calls.push(call);
    return respond(call);
  };
  const service = {
    get: handle('get'),
    post: handle('post'),
    put: handle('put'),
    patch: handle('patch'),
    delete: handle('delete'),
    head: vi.fn(),
    request: vi.fn(),
  } as unknown as v1.HttpService;
  return { calls, service };
}

function clientWith(respond: (call: Call) => unknown): { client: BackendClient; calls: Call[] } {
  const { calls, service } = fakeService(respond);
  const client = createBackendClient({ extension: { vm: { service } } });
  if (!client) throw new Error('expected a client');
  return { client, calls };
}

const httpError = (statusCode: number, body: unknown) => ({ name: 'HttpError', statusCode, message: JSON.stringify(body) });

const meta: InstanceMeta = {
  id: 'orders',
  name: 'orders-db',
  engine: 'postgres',
  settings: { version: '17' },
  notes: '',
  createdAt: '2025-06-01T12:00:00.000Z',
  updatedAt: '2025-06-01T12:00:00.000Z',
  history: [],
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createBackendClient', () => {
  it('gives no client when Docker Desktop offers no VM service', () => {
    expect(createBackendClient({ extension: {} })).toBeUndefined();
    expect(createBackendClient({ extension: { vm: {} } })).toBeUndefined();
  });

  it('accepts a real Docker Desktop client type', () => {
    const dd = { extension: { vm: { service: fakeService(() => ({})).service } } } as unknown as v1.DockerDesktopClient;
    expect(createBackendClient(dd)).toBeDefined();
  });
});

describe('available()', () => {
  it('is true when GET /health answers ok', async () => {
    const { client, calls } = clientWith(() => ({ status: 'ok' }));
    expect(await client.available()).toBe(true);
    expect(calls).toEqual([{ method: 'get', url: '/health' }]);
  });

  it('is false, never throwing, when the backend fails, answers oddly or the service throws at once', async () => {
    expect(await clientWith(() => Promise.reject(httpError(502, { error: 'x' }))).client.available()).toBe(false);
    expect(await clientWith(() => ({ status: 'starting' })).client.available()).toBe(false);
    expect(await clientWith(() => undefined).client.available()).toBe(false);
    const throwing = {
      extension: {
        vm: {
          service: {
            get: () => {
              throw new Error('no socket');
            },
          } as unknown as v1.HttpService,
        },
      },
    };
    expect(await createBackendClient(throwing)!.available()).toBe(false);
  });

  it('counts a slow answer as up: a backend that takes 10 s on a busy machine is there', async () => {
    vi.useFakeTimers();
    const { client } = clientWith(() => new Promise((resolve) => setTimeout(() => resolve({ status: 'ok' }), 10_000)));
    const answer = client.available();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await answer).toBe(true);
  });

  it('keeps why, when the host gave up on the backend, and nothing for a backend that is only away', async () => {
    const said = 'The Dockbase backend cannot start: cannot open the database: EISDIR. Notes and history are off until the host is started again.';
    const gaveUp = clientWith(() => Promise.reject(httpError(503, { error: 'unavailable', message: said }))).client;
    expect(await gaveUp.available()).toBe(false);
    expect(gaveUp.failure?.()).toBe(said);
    const away = clientWith(() =>
      Promise.reject(httpError(503, { error: 'unavailable', message: 'The Dockbase backend is not running right now; the host is starting it again.' })),
    ).client;
    expect(await away.available()).toBe(false);
    expect(away.failure?.()).toBeUndefined();
  });

  it('is false when the backend never answers', async () => {
    vi.useFakeTimers();
    const { client } = clientWith(() => new Promise(() => {}));
    const answer = client.available();
    await vi.advanceTimersByTimeAsync(HEALTH_TIMEOUT_MS);
    expect(await answer).toBe(false);
  });
});

describe('instances', () => {
  it('saves an instance with exactly the contract’s body', async () => {
    const { client, calls } = clientWith(() => meta);
    const settings = { tag: '17', hostPort: 5432 };
    expect(await client.saveInstance('orders', { name: 'orders-db', engine: 'postgres', settings })).toEqual(meta);
    expect(calls).toEqual([{ method: 'put', url: '/instances/orders', data: { name: 'orders-db', engine: 'postgres', settings } }]);
  });

  it('reads, annotates, records and deletes over the right routes', async () => {
    const entry = { at: '2025-06-01T12:00:01.000Z', action: 'start', outcome: 'ok' };
    const { client, calls } = clientWith(({ method }) => {
      if (method === 'post') return entry;
      if (method === 'delete') return undefined;
      return { ...meta, notes: 'n' };
    });
    expect(await client.getInstance('orders')).toMatchObject({ id: 'orders' });
    expect(await client.setNotes('orders', 'n')).toMatchObject({ notes: 'n' });
    expect(await client.addHistory('orders', { action: 'start', outcome: 'ok' })).toEqual(entry);
    await expect(client.deleteInstance('orders')).resolves.toBeUndefined();
    expect(calls).toEqual([
      { method: 'get', url: '/instances/orders' },
      { method: 'patch', url: '/instances/orders', data: { notes: 'n' } },
      { method: 'post', url: '/instances/orders/history', data: { action: 'start', outcome: 'ok' } },
      { method: 'delete', url: '/instances/orders' },
    ]);
  });

  it('answers undefined for an instance the backend does not know, and deleting it is not an error', async () => {
    const { client } = clientWith(() => Promise.reject(httpError(404, { error: 'not-found', message: 'Instance "x" was not found.' })));
    expect(await client.getInstance('x')).toBeUndefined();
    await expect(client.deleteInstance('x')).resolves.toBeUndefined();
  });

  it('escapes ids in the URL', async () => {
    const { client, calls } = clientWith(() => meta);
    await client.getInstance('a/b?c');
    expect(calls[0]!.url).toBe('/instances/a%2Fb%3Fc');
  });

  it('rejects with the backend’s message and the refused field', async () => {
    const { client } = clientWith(() =>
      Promise.reject(httpError(400, { error: 'invalid-input', field: 'notes', message: 'Field "notes" must be at most 10000 characters long.' })),
    );
    const error = await client.setNotes('orders', 'n'.repeat(10_001)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'invalid-input', field: 'notes', statusCode: 400, message: 'Field "notes" must be at most 10000 characters long.' });
  });

  it('reports a setNotes on an unknown instance as not-found (it does not hide it)', async () => {
    const { client } = clientWith(() => Promise.reject(httpError(404, { error: 'not-found', message: 'Instance "x" was not found.' })));
    await expect(client.setNotes('x', 'n')).rejects.toMatchObject({ code: 'not-found', statusCode: 404 });
  });

  it('reports an unreachable backend as unavailable, keeping Docker Desktop’s message', async () => {
    const { client } = clientWith(() => Promise.reject({ name: 'Error', message: 'connect ENOENT /run/guest-services/backend.sock', statusCode: 500 }));
    await expect(client.setNotes('x', 'n')).rejects.toMatchObject({ code: 'unavailable', message: 'connect ENOENT /run/guest-services/backend.sock' });
    const { client: bare } = clientWith(() => Promise.reject(undefined));
    await expect(bare.setNotes('x', 'n')).rejects.toMatchObject({ code: 'unavailable', message: 'The Dockbase backend did not answer.' });
  });
});

describe('listTags', () => {
  const page = {
    image: 'postgres',
    tags: [{ name: '17', lastUpdated: '2025-05-30T10:00:00.000Z', architectures: ['amd64'], size: 1 }],
    page: 2,
    hasMore: false,
    stale: false,
  };

  it('asks the proxy with the filter and page, and answers the page', async () => {
    const { client, calls } = clientWith(() => page);
    expect(await client.listTags('postgres', { name: '17-bookworm', page: 2 })).toEqual(page);
    expect(await client.listTags('redis')).toEqual(page);
    expect(calls.map((c) => c.url)).toEqual(['/hub/tags/postgres?name=17-bookworm&page=2', '/hub/tags/redis']);
  });

  it('passes on a stale answer with its retry time', async () => {
    const stale = { ...page, stale: true, retryAt: '2025-06-01T12:05:00.000Z' };
    expect(await clientWith(() => stale).client.listTags('postgres')).toEqual(stale);
  });

  it('rejects with rate-limited and the retry time when Hub is over its limit and nothing is cached', async () => {
    const { client } = clientWith(() =>
      Promise.reject(
        httpError(503, { error: 'rate-limited', message: 'Docker Hub’s rate limit was reached; try again later.', retryAt: '2025-06-01T12:05:00.000Z' }),
      ),
    );
    await expect(client.listTags('mysql')).rejects.toMatchObject({ code: 'rate-limited', statusCode: 503, retryAt: '2025-06-01T12:05:00.000Z' });
  });

  it('understands an error body that arrives already parsed', async () => {
    const { client } = clientWith(() =>
      Promise.reject({
        name: 'HttpError',
        statusCode: 503,
        message: 'Service Unavailable',
        data: { error: 'hub-unavailable', message: 'Docker Hub could not be reached.' },
      }),
    );
    await expect(client.listTags('mongo')).rejects.toMatchObject({ code: 'hub-unavailable', message: 'Docker Hub could not be reached.' });
  });
});

describe('the settings the core records', () => {
  it('are exactly the keys the backend accepts, with values its schema allows', () => {
    const settings = creationSettings({
      engine: 'redis',
      name: 'cache',
      tag: '7.0',
      image: '127.0.0.1:5000/dockbase-test/redis',
      hostPort: 6379,
      password: 'never recorded',
      persistData: true,
      exposeOnNetwork: false,
      user: 'app',
      database: 'shop',
    });
    expect(Object.keys(settings).sort()).toEqual([...INSTANCE_SETTING_KEYS].sort());
    const { image, tag, user, database } = INSTANCE_SETTINGS_SCHEMA.properties;
    expect(settings.image).toMatch(new RegExp(image.pattern));
    expect(settings.tag).toMatch(new RegExp(tag.pattern));
    expect(settings.user).toMatch(new RegExp(user.pattern));
    expect(settings.database).toMatch(new RegExp(database.pattern));
    expect(JSON.stringify(settings)).not.toContain('never recorded');
  });
});

describe('jobs', () => {
  const job: Job = {
    id: 'j1',
    kind: 'upgrade',
    instanceId: 'abcdefabcdef',
    instanceName: 'orders',
    engine: 'postgres',
    title: 'Upgrade to PostgreSQL 17',
    by: 'tab',
    startedAt: '2026-12-06T12:03:00.000Z',
    state: 'running',
    progress: { step: 'pull' },
    cancellable: true,
  };

  it('starts a job as the tab, follows the list since a time, reads one, and cancels it, over the contract’s routes', async () => {
    const { client, calls } = clientWith(({ method, url }) => {
      if (method === 'post' && url === '/jobs') return { job };
      if (url.startsWith('/jobs?')) return { jobs: [job] };
      if (url === '/jobs/j1') return { job };
      return '';
    });
    expect(await client.startJob({ kind: 'upgrade', instanceId: 'abcdefabcdef', to: '17' })).toEqual(job);
    expect(await client.jobs('2026-12-06T12:00:00.000Z')).toEqual([job]);
    expect(await client.job('j1')).toEqual(job);
    await expect(client.cancelJob('j1')).resolves.toBeUndefined();
    expect(calls).toEqual([
      { method: 'post', url: '/jobs', data: { kind: 'upgrade', instanceId: 'abcdefabcdef', to: '17', by: 'tab' } },
      { method: 'get', url: '/jobs?since=2026-12-06T12%3A00%3A00.000Z' },
      { method: 'get', url: '/jobs/j1' },
      { method: 'post', url: '/jobs/j1/cancel', data: {} },
    ]);
  });

  it('lists without a time when none is given, and an empty answer is no job', async () => {
    const { client, calls } = clientWith(() => ({ jobs: [] }));
    expect(await client.jobs()).toEqual([]);
    expect(calls[0]!.url).toBe('/jobs');
    expect(await clientWith(() => '').client.jobs()).toEqual([]);
  });

  it('refuses a start on a busy instance with the core’s busy error, carrying the backend’s words as they are', async () => {
    const said = 'orders is being upgraded, started 12:03 from the command line. Wait until it ends, or cancel it there, then try again.';
    const { client } = clientWith(() => Promise.reject(httpError(409, { error: 'busy', message: said })));
    const error = await client.startJob({ kind: 'snapshot', instanceId: 'abcdefabcdef', name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockbaseError);
    expect(error).toMatchObject({ code: 'busy', message: said });
    expect(isDockbaseError(error, 'busy')).toBe(true);
  });

  it('passes on the other refusals as the core’s errors, with the field at fault', async () => {
    const refuse = (status: number, body: unknown) => clientWith(() => Promise.reject(httpError(status, body))).client;
    const request = { kind: 'edit', instanceId: 'abcdefabcdef', changes: { hostPort: 80 } } as const;
    await expect(refuse(400, { error: 'invalid-input', field: 'hostPort', message: 'Port: too low' }).startJob(request)).rejects.toMatchObject({
      name: 'DockbaseError',
      code: 'invalid-input',
      field: 'hostPort',
      message: 'Port: too low',
    });
    await expect(refuse(422, { error: 'incompatible-data', message: 'PostgreSQL 15 data' }).startJob(request)).rejects.toMatchObject({
      name: 'DockbaseError',
      code: 'incompatible-data',
    });
    await expect(refuse(404, { error: 'not-found', message: 'No instance abcdefabcdef.' }).startJob(request)).rejects.toMatchObject({
      name: 'DockbaseError',
      code: 'not-found',
    });
    // A status alone says enough: 409 on a start is busy.
    await expect(refuse(409, { message: 'orders is busy.' }).startJob(request)).rejects.toMatchObject({ name: 'DockbaseError', code: 'busy' });
    // The engine down is not the backend down: the core's error, not an unavailable backend.
    await expect(refuse(503, { error: 'engine-unavailable', message: 'The Docker engine is not reachable.' }).startJob(request)).rejects.toMatchObject({
      name: 'DockbaseError',
      code: 'engine-unavailable',
    });
  });

  it('says a cancel came too late or found nothing running, and a backend that is away stays a backend error', async () => {
    const late = clientWith(() =>
      Promise.reject(httpError(409, { error: 'conflict', message: '“Upgrade to 17” can no longer be cancelled: it is finishing.' })),
    );
    await expect(late.client.cancelJob('j1')).rejects.toMatchObject({ name: 'DockbaseError', code: 'invalid-input', message: /can no longer be cancelled/ });
    const gone = clientWith(() => Promise.reject(httpError(404, { error: 'not-found', message: 'That job is not running.' })));
    await expect(gone.client.cancelJob('j1')).rejects.toMatchObject({ name: 'DockbaseError', code: 'not-found' });
    const away = clientWith(() => Promise.reject(httpError(503, { error: 'unavailable', message: 'The Dockbase backend is not running right now.' })));
    await expect(away.client.startJob({ kind: 'snapshot', instanceId: 'abcdefabcdef', name: 'x' })).rejects.toBeInstanceOf(BackendError);
    await expect(away.client.jobs()).rejects.toMatchObject({ code: 'unavailable', statusCode: 503 });
  });

  it('answers undefined for a job the backend does not know', async () => {
    const { client } = clientWith(() => Promise.reject(httpError(404, { error: 'not-found', message: 'No such job.' })));
    expect(await client.job('nope')).toBeUndefined();
  });
});
