import { DockbaseError, InvalidInputError, type Job, type JobDoor, type JobRequest } from '@dockbase/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerStatus } from '../docker-status.js';
import { removeDir, tempDir } from '../test-support/http.js';
import { startBackend, type RunningBackend } from '../test-support/server.js';
import type { JobsRunner } from './jobs.js';

const ID = 'a1b2c3d4e5f6';
const SECRET = 'hunter2-Pa55!';

function job(over: Partial<Job> = {}): Job {
  return {
    id: '0123456789ab',
    kind: 'snapshot',
    instanceId: ID,
    instanceName: 'orders',
    engine: 'postgres',
    title: 'Snapshot “nightly”',
    by: 'tab',
    startedAt: '2026-01-01T10:00:00.000Z',
    state: 'running',
    progress: { step: 'snapshot' },
    cancellable: false,
    ...over,
  };
}

/** A runner as the routes see it: records what it was asked, answers what the test says. */
class FakeRunner implements JobsRunner {
  started: Array<{ request: JobRequest; by: JobDoor | undefined }> = [];
  listed: Array<string | undefined> = [];
  cancelled: string[] = [];
  jobs: Job[] = [];
  refuse: Error | undefined;
  cancelRefusal: Error | undefined;

  async start(request: JobRequest, by?: JobDoor): Promise<Job> {
    this.started.push({ request, by });
    if (this.refuse) throw this.refuse;
    const started = job({ kind: request.kind, ...('instanceId' in request ? { instanceId: request.instanceId } : {}), by: by ?? 'tab' });
    this.jobs.unshift(started);
    return started;
  }

  async list(since?: string): Promise<Job[]> {
    this.listed.push(since);
    return this.jobs;
  }

  async cancel(id: string): Promise<void> {
    this.cancelled.push(id);
    if (this.cancelRefusal) throw this.cancelRefusal;
  }
}

let dir: string;
let runner: FakeRunner;
let logged: string;
let backend: RunningBackend;
beforeEach(async () => {
  dir = tempDir();
  runner = new FakeRunner();
  logged = '';
  // The most talkative logger there is: whatever it writes must still never hold a request's secret.
  const logger = { level: 'trace', stream: { write: (line: string) => void (logged += line) } };
  backend = await startBackend(dir, {}, undefined, { jobs: { runner }, logger });
});
afterEach(async () => {
  await backend.app.close();
  removeDir(dir);
});

describe('POST /jobs', () => {
  it('starts a job (202) from the tab unless the CLI says it is the CLI', async () => {
    const answer = await backend.call('POST', '/jobs', { kind: 'snapshot', instanceId: ID, name: 'nightly' });
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ job: job() });
    expect((await backend.call('POST', '/jobs', { kind: 'upgrade', instanceId: ID, to: '17', by: 'cli' })).status).toBe(202);
    expect(runner.started).toEqual([
      { request: { kind: 'snapshot', instanceId: ID, name: 'nightly' }, by: 'tab' },
      { request: { kind: 'upgrade', instanceId: ID, to: '17' }, by: 'cli' },
    ]);
  });

  it('hands an edit’s password to the runner, and never echoes or logs it', async () => {
    const answer = await backend.call('POST', '/jobs', { kind: 'edit', instanceId: ID, changes: { password: SECRET, hostPort: 5433 } });
    expect(answer.status).toBe(202);
    expect(runner.started[0]?.request).toEqual({ kind: 'edit', instanceId: ID, changes: { password: SECRET, hostPort: 5433 } });
    expect(answer.text).not.toContain(SECRET);

    // Refused, by the schema, the core's checks, or the runner: no answer repeats it either.
    const refusals = [
      await backend.call('POST', '/jobs', { kind: 'edit', instanceId: ID, changes: { password: SECRET, image: SECRET } }),
      await backend.call('POST', '/jobs', { kind: 'edit', instanceId: 'not-an-id', changes: { password: SECRET } }),
      await backend.call('POST', '/jobs', `{"kind":"edit","instanceId":"${ID}","changes":{"password":"${SECRET}"`),
    ];
    runner.refuse = new DockbaseError('busy', 'orders is busy.');
    refusals.push(await backend.call('POST', '/jobs', { kind: 'edit', instanceId: ID, changes: { password: SECRET } }));
    runner.refuse = new Error('a bug in the runner');
    refusals.push(await backend.call('POST', '/jobs', { kind: 'edit', instanceId: ID, changes: { password: SECRET } }));
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 409, 500]);
    for (const r of refusals) expect(r.text).not.toContain(SECRET);
    expect(logged).toContain('POST'); // the logger did write: request lines, and the bug
    expect(logged).toContain('a bug in the runner');
    expect(logged).not.toContain(SECRET);
  });

  it('takes a migration of an instance into a new one of another engine (Redis → Valkey), and never echoes or logs a password given for it', async () => {
    const input = { engine: 'valkey', name: 'cache-valkey', tag: '8.1', hostPort: 6380, exposeOnNetwork: false };
    const answer = await backend.call('POST', '/jobs', { kind: 'migrate', instanceId: ID, input });
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ job: job({ kind: 'migrate' }) });
    const withPassword = await backend.call('POST', '/jobs', { kind: 'migrate', instanceId: ID, input: { ...input, password: SECRET } });
    expect(withPassword.text).not.toContain(SECRET);
    expect(runner.started.map((s) => s.request)).toEqual([
      { kind: 'migrate', instanceId: ID, input },
      { kind: 'migrate', instanceId: ID, input: { ...input, password: SECRET } },
    ]);
    // What a migration does not take is refused before the runner sees it.
    const refused = await backend.call('POST', '/jobs', { kind: 'migrate', instanceId: ID, input: { ...input, persistData: false, password: SECRET } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('unknown field persistData');
    expect(refused.text).not.toContain(SECRET);
    expect(runner.started).toHaveLength(2);
    expect(logged).not.toContain(SECRET);
  });

  it('takes a create, which names no instance yet, and never echoes or logs its password', async () => {
    const input = { engine: 'postgres', name: 'orders', tag: '17', hostPort: 5432, password: SECRET, persistData: true, exposeOnNetwork: false };
    const answer = await backend.call('POST', '/jobs', { kind: 'create', input });
    expect(answer.status).toBe(202);
    expect(runner.started[0]?.request).toEqual({ kind: 'create', input });
    expect(answer.text).not.toContain(SECRET);
    const refused = await backend.call('POST', '/jobs', { kind: 'create', input: { ...input, engine: 'oracle' } });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain(SECRET);
    expect(logged).not.toContain(SECRET);
  });

  it('hands a restore’s data password to the runner, and never echoes or logs it', async () => {
    const restore = { kind: 'restore', instanceId: ID, snapshotId: '0123456789ab', dataPassword: SECRET };
    const answer = await backend.call('POST', '/jobs', restore);
    expect(answer.status).toBe(202);
    expect(runner.started[0]?.request).toEqual(restore);
    expect(answer.text).not.toContain(SECRET);
    const refused = await backend.call('POST', '/jobs', { ...restore, dataPassword: [SECRET] });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'invalid-input', field: 'dataPassword' });
    expect(refused.text).not.toContain(SECRET);
    expect(logged).not.toContain(SECRET);
  });

  it.each([
    ['an unknown kind', { kind: 'format-disk', instanceId: ID }, 'kind'],
    ['no instance', { kind: 'snapshot', name: 'x' }, 'instanceId'],
    ['an instance id that is not 12 hex characters', { kind: 'snapshot', instanceId: '../etc/passwd', name: 'x' }, 'instanceId'],
    ['an unknown door', { kind: 'snapshot', instanceId: ID, name: 'x', by: 'schedule' }, 'by'],
    ['an upgrade without its version', { kind: 'upgrade', instanceId: ID }, 'to'],
    ['an edit with an unknown change', { kind: 'edit', instanceId: ID, changes: { image: 'evil' } }, 'changes'],
    ['a body that is not an object', ['snapshot'], 'body'],
  ])('refuses %s (400), naming the field, without asking the runner', async (_what, body, field) => {
    const answer = await backend.call('POST', '/jobs', body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid-input', field, message: expect.any(String) });
    expect(runner.started).toEqual([]);
  });

  it.each([
    [
      'busy: another job holds the instance',
      new DockbaseError('busy', 'orders is being upgraded, started 12:03 from the command line.'),
      409,
      { error: 'busy' },
    ],
    ['checks the core made', new InvalidInputError({ name: 'name is already taken' }), 400, { error: 'invalid-input', field: 'name' }],
    ['an instance that is gone', new DockbaseError('not-found', 'This instance no longer exists.'), 404, { error: 'not-found' }],
    ['a container Dockbase does not manage', new DockbaseError('not-managed', 'orders is not a Dockbase instance.'), 404, { error: 'not-found' }],
    ['an engine that does not answer', new DockbaseError('engine-unavailable', 'The Docker engine is not reachable.'), 503, { error: 'engine-unavailable' }],
    [
      'any other refusal',
      new DockbaseError('port-in-use', 'Port 5433 is already in use on this machine.', 'hostPort'),
      422,
      { error: 'port-in-use', field: 'hostPort' },
    ],
  ])('answers a refusal of the core (%s) with its message', async (_what, refusal, status, shape) => {
    runner.refuse = refusal;
    const answer = await backend.call('POST', '/jobs', { kind: 'snapshot', instanceId: ID, name: 'nightly' });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ ...shape, message: refusal.message });
  });

  it('answers 500 without details when the runner fails unexpectedly', async () => {
    runner.refuse = new Error('SQLITE_FULL: /var/lib/dockbase/dockbase.db');
    const answer = await backend.call('POST', '/jobs', { kind: 'snapshot', instanceId: ID, name: 'nightly' });
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: 'internal', message: 'The Dockbase backend failed to handle the request.' });
  });
});

describe('GET /jobs', () => {
  it('lists the running jobs and those ended since a time, as the runner gives them', async () => {
    runner.jobs = [job(), job({ id: 'ffffffffffff', state: 'failed', endedAt: '2026-01-01T09:00:00.000Z', message: 'no space left' })];
    const all = await backend.call('GET', '/jobs');
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ jobs: runner.jobs });
    // Any ISO 8601 time, given to the store in the form it writes (UTC, milliseconds) so that strings compare as times.
    await backend.call('GET', '/jobs?since=2026-01-01T08:00:00Z');
    await backend.call('GET', `/jobs?since=${encodeURIComponent('2026-01-01T10:00:00.5+02:00')}`);
    expect(runner.listed).toEqual([undefined, '2026-01-01T08:00:00.000Z', '2026-01-01T08:00:00.500Z']);
  });

  it.each([['yesterday'], ['2026-13-01T00:00:00Z'], ['2026-01-01']])('refuses since=%s (400)', async (since) => {
    const answer = await backend.call('GET', `/jobs?since=${since}`);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid-input', field: 'since', message: expect.stringContaining('ISO 8601') });
    expect(runner.listed).toEqual([]);
  });
});

describe('GET /jobs/:id', () => {
  it('answers one job, running or ended', async () => {
    runner.jobs = [job(), job({ id: 'ffffffffffff', state: 'succeeded', endedAt: '2026-01-01T11:00:00.000Z', result: { name: 'nightly' } })];
    const answer = await backend.call('GET', '/jobs/ffffffffffff');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ job: runner.jobs[1] });
  });

  it('answers 404 for a job it does not have, 400 for what is not a job id', async () => {
    expect((await backend.call('GET', '/jobs/aaaaaaaaaaaa')).json).toEqual({ error: 'not-found', message: 'Job "aaaaaaaaaaaa" was not found.' });
    expect((await backend.call('GET', '/jobs/aaaaaaaaaaaa')).status).toBe(404);
    expect((await backend.call('GET', '/jobs/..%2Fetc')).status).toBe(400);
  });
});

describe('POST /jobs/:id/cancel', () => {
  it('asks the runner to cancel (202)', async () => {
    const answer = await backend.call('POST', '/jobs/0123456789ab/cancel');
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({});
    expect(runner.cancelled).toEqual(['0123456789ab']);
  });

  it('answers 404 for a job that is not running, 409 for one that can no longer be cancelled', async () => {
    runner.cancelRefusal = new DockbaseError('not-found', 'That job is not running here.');
    expect(await backend.call('POST', '/jobs/0123456789ab/cancel')).toMatchObject({
      status: 404,
      json: { error: 'not-found', message: 'That job is not running here.' },
    });
    runner.cancelRefusal = new DockbaseError('invalid-input', '“Upgrade to PostgreSQL 17” can no longer be cancelled: it is finishing.');
    expect(await backend.call('POST', '/jobs/0123456789ab/cancel')).toMatchObject({
      status: 409,
      json: { error: 'not-cancellable', message: '“Upgrade to PostgreSQL 17” can no longer be cancelled: it is finishing.' },
    });
  });
});

describe('GET /health with jobs', () => {
  it('says how many jobs run, and whether docker answers', async () => {
    await backend.app.close();
    let answers = 0;
    const docker = new DockerStatus({ check: async () => (answers++ === 0 ? { ok: true, apiVersion: '1.47' } : { ok: false, reason: 'no engine' }) });
    await docker.check();
    backend = await startBackend(dir, {}, undefined, { jobs: { runner }, docker });
    runner.jobs = [job(), job({ id: 'ffffffffffff' }), job({ id: 'eeeeeeeeeeee', state: 'succeeded', endedAt: new Date(Date.now() + 60_000).toISOString() })];
    const answer = await backend.call('GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok', jobs: { running: 2 }, docker: { ok: true, apiVersion: '1.47' } });
    expect(answers).toBe(1); // asked once at start, not again within 30 s
  });
});

describe('a server without jobs (tests without docker)', () => {
  it('has no /jobs routes, and its health says nothing of jobs', async () => {
    const plain = await startBackend(tempDir(), {}, undefined);
    try {
      expect((await plain.call('POST', '/jobs', { kind: 'snapshot', instanceId: ID, name: 'x' })).status).toBe(404);
      expect((await plain.call('GET', '/health')).json).toEqual({ status: 'ok' });
    } finally {
      await plain.app.close();
      removeDir(plain.socket.replace(/\/backend\.sock$/, ''));
    }
  });
});
