import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryJobStore, cancelledDetail, getEngine, snapshotManifestLabels, type Snapshot } from '@dockbase/core';
import { scripted, type Reply } from '@dockbase/core/test-support';
import type { JobsConfig } from './jobs';
import { fakeBackend } from './test-support/fake-backend';
import { psLine, run } from './test-support/fakes';

const CREATED_ID = 'f'.repeat(64);

/** Docker with one Redis instance, cache (id a1), whose state follows the start, stop and restart it is sent. */
function withCache(first: Array<[string, Reply]> = [], initial = 'running') {
  let state = initial;
  const ps = () => ({
    stdout: `${psLine({ id: 'a1', name: 'cache', state, status: state === 'running' ? 'Up 1 second (healthy)' : 'Exited (0) 1 second ago' })}\n`,
  });
  return scripted([
    ...first,
    ['start cid-a1', () => ((state = 'running'), {})],
    ['stop --time', () => ((state = 'exited'), {})],
    ['restart --time', () => ((state = 'running'), {})],
    ['ps --all --no-trunc --filter label=io.dockbase.instance', ps],
    ['ps --all --no-trunc --format', ps],
    [
      'container inspect',
      {
        stdout: JSON.stringify([
          {
            Id: 'cid-a1',
            Image: 'sha256:img',
            Config: {
              Env: [],
              Cmd: ['redis-server', '--requirepass', 'pw'],
              Labels: { 'io.dockbase.instance': 'a1', 'io.dockbase.engine': 'redis', 'io.dockbase.name': 'cache', 'io.dockbase.tag': '7.4' },
            },
            State: {},
          },
        ]),
      },
    ],
    ['image inspect', { stdout: 'null\n' }],
  ]);
}

let backend: Awaited<ReturnType<typeof fakeBackend>> | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

/** The CLI's jobs in memory, with a host's backend that keeps the history (and, with `remote`, runs the jobs). */
function jobsWith(socket: string | undefined, options: { remote?: boolean } = {}): JobsConfig {
  return {
    store: () => new MemoryJobStore(),
    engineLock: false,
    history: async () => socket,
    ...(options.remote ? { remote: async () => socket } : {}),
  };
}

describe('what the CLI does lands in the history of a running host’s backend', () => {
  it('a job the CLI ran itself: its outcome, as the backend records its own', async () => {
    backend = await fakeBackend();
    const r = await run(['stop', 'cache'], withCache(), { jobs: jobsWith(backend.socket) });
    expect(r).toMatchObject({ code: 0, stdout: 'cache: stopped\n', stderr: 'Stopping cache…\n' });
    expect(backend.records()).toEqual([{ method: 'POST', url: '/instances/a1/history', body: { action: 'stop', outcome: 'ok' } }]);
  });

  it('a job that failed: its error', async () => {
    backend = await fakeBackend();
    const docker = withCache([['stop --time', { code: 1, stderr: 'Error response from daemon: cannot stop container: it is dead' }]]);
    const r = await run(['stop', 'cache'], docker, { jobs: jobsWith(backend.socket) });
    expect(r.code).toBe(1);
    expect(backend.records()).toEqual([
      {
        method: 'POST',
        url: '/instances/a1/history',
        body: { action: 'stop', outcome: 'failed', detail: expect.stringContaining('cannot stop container: it is dead') },
      },
    ]);
  });

  it('a job handed to the backend is recorded there, not again by the CLI', async () => {
    const job = {
      id: 'j1',
      kind: 'stop',
      instanceId: 'a1',
      instanceName: 'cache',
      engine: 'redis',
      title: 'Stop',
      by: 'cli',
      state: 'succeeded',
      progress: {},
    };
    backend = await fakeBackend({ 'POST /jobs': { status: 202, json: { job } } });
    // The backend stopped it (as docker then says): the CLI only followed the job.
    const docker = withCache([], 'exited');
    const r = await run(['stop', 'cache'], docker, { jobs: jobsWith(backend.socket, { remote: true }) });
    expect(r).toMatchObject({ code: 0, stdout: 'cache: stopped\n' });
    expect(docker.calls.some((c) => c[0] === 'stop')).toBe(false);
    expect(backend.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['POST /jobs']);
    expect(backend.requests[0]?.body).toEqual({ kind: 'stop', instanceId: 'a1', by: 'cli' });
  });

  it('create --no-start (no job): the instance’s record, with its settings and no password, then "create"', async () => {
    backend = await fakeBackend();
    const docker = scripted([
      ['ps --all --no-trunc --format', { stdout: '' }],
      ['image inspect', { stdout: 'sha256:abc\n' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['create ', { stdout: `${CREATED_ID}\n` }],
    ]);
    const r = await run(['create', 'postgres', '--no-start', '--user', 'app', '--json'], docker, { jobs: jobsWith(backend.socket) });
    expect(r.code, r.stderr).toBe(0);
    const { id } = JSON.parse(r.stdout) as { id: string };
    expect(backend.records()).toEqual([
      {
        method: 'PUT',
        url: `/instances/${id}`,
        body: {
          name: 'postgres-1',
          engine: 'postgres',
          settings: { image: 'postgres', tag: getEngine('postgres').defaultTag, hostPort: 5432, persistData: true, exposeOnNetwork: false, user: 'app' },
        },
      },
      { method: 'POST', url: `/instances/${id}/history`, body: { action: 'create', outcome: 'ok' } },
    ]);
  });

  it('start --no-wait (no job): started, or the error it failed with', async () => {
    backend = await fakeBackend();
    const r = await run(['start', 'cache', '--no-wait'], withCache([], 'exited'), { jobs: jobsWith(backend.socket) });
    expect(r).toMatchObject({ code: 0, stdout: 'cache: healthy\n' });
    const refused = withCache([['start cid-a1', { code: 1, stderr: 'Error response from daemon: driver failed programming external connectivity' }]], 'exited');
    const failed = await run(['start', 'cache', '--no-wait'], refused, { jobs: jobsWith(backend.socket) });
    expect(failed.code).toBe(1);
    expect(backend.records()).toEqual([
      {
        method: 'POST',
        url: '/instances/a1/history',
        body: { action: 'start', outcome: 'ok', detail: 'Started without waiting for the server (--no-wait)' },
      },
      { method: 'POST', url: '/instances/a1/history', body: { action: 'start', outcome: 'failed', detail: expect.stringMatching(/.+/) } },
    ]);
  });

  it('snapshot rm (no job): in the history of the instance it was taken of, with its name and size', async () => {
    const snapshot: Snapshot = {
      id: 'snap1',
      name: 'before migration',
      instanceId: 'a1',
      instanceName: 'cache',
      engine: 'redis',
      image: 'redis',
      tag: '7.4',
      createdAt: '2026-11-25T18:00:00.000Z',
      sizeBytes: 2048 * 1024,
      reason: 'manual',
      manifestVolume: 'dockbase-snapshot-snap1',
      volumes: [{ key: 'data', volume: 'dockbase-snapshot-snap1-data', path: '/data' }],
    };
    backend = await fakeBackend();
    const docker = withCache([
      ['volume ls --quiet', { stdout: `${snapshot.manifestVolume}\n` }],
      ['volume inspect', { stdout: JSON.stringify([{ Name: snapshot.manifestVolume, Labels: snapshotManifestLabels(snapshot) }]) }],
    ]);
    const r = await run(['snapshot', 'rm', 'snap1', '--yes'], docker, { jobs: jobsWith(backend.socket) });
    expect(r).toMatchObject({ code: 0, stdout: 'Deleted snapshot "before migration" of cache.\n' });
    expect(backend.records()).toEqual([
      { method: 'POST', url: '/instances/a1/history', body: { action: 'delete-snapshot', outcome: 'ok', detail: 'before migration', size: 2097152 } },
    ]);
  });

  it('export: the dump (a job the CLI ran) and the save of its file (not a job), as the tab records both', async () => {
    backend = await fakeBackend();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-cli-export-'));
    try {
      const r = await run(['export', 'cache', '--to', dir], withCache(), { jobs: jobsWith(backend.socket) });
      expect(r.code, r.stderr).toBe(0);
      const file = r.stdout.trim();
      expect(file.startsWith(`${dir}/cache-`)).toBe(true);
      expect(backend.records()).toEqual([
        { method: 'POST', url: '/instances/a1/history', body: { action: 'export', outcome: 'ok', detail: 'Export with redis-cli --rdb', size: 0 } },
        { method: 'POST', url: '/instances/a1/history', body: { action: 'export', outcome: 'ok', detail: `redis-cli --rdb → ${file}`, size: 0 } },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never fails a command: a backend that refuses, or one that is gone, changes nothing the user sees', async () => {
    backend = await fakeBackend({ 'POST /instances/': { status: 500, json: { message: 'disk full' } } });
    expect(await run(['stop', 'cache'], withCache(), { jobs: jobsWith(backend.socket) })).toEqual({
      code: 0,
      stdout: 'cache: stopped\n',
      stderr: 'Stopping cache…\n',
    });
    expect(backend.records()).toHaveLength(1);
    const gone = path.join(os.tmpdir(), `dockbase-no-backend-${process.pid}.sock`);
    expect(await run(['start', 'cache', '--no-wait'], withCache([], 'exited'), { jobs: jobsWith(gone) })).toEqual({
      code: 0,
      stdout: 'cache: healthy\n',
      stderr: 'Starting cache…\n',
    });
  });

  it('without a backend, nothing is recorded and docker is asked nothing more', async () => {
    const recorded = withCache();
    const plain = withCache();
    await run(['stop', 'cache'], recorded, { jobs: jobsWith(undefined) });
    await run(['stop', 'cache'], plain);
    expect(recorded.calls).toEqual(plain.calls);
  });

  it('Ctrl-C during an upgrade the CLI runs: exit 130, and the history says it was cancelled (its outcome is only ok or failed)', async () => {
    backend = await fakeBackend();
    const base = withCache([
      ['image inspect --format {{.Id}} redis:8.0', { code: 1, stderr: 'Error: No such image: redis:8.0' }],
      [
        'volume inspect',
        { stdout: JSON.stringify([{ Name: 'dockbase-cache-data', Labels: { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'redis' } }]) },
      ],
    ]);
    let pullCancelled = false;
    const docker = {
      ...base,
      stream(args: readonly string[], handlers: Parameters<typeof base.stream>[1]) {
        if (args[0] !== 'pull') return base.stream(args, handlers);
        base.calls.push([...args]);
        let end: (code: number) => void = () => undefined;
        const done = new Promise<number>((resolve) => (end = resolve));
        handlers.onLine('a3ed95caeb02: Pulling fs layer', 'stdout');
        return {
          cancel: () => {
            pullCancelled = true;
            end(143);
          },
          done,
        };
      },
    };
    const r = await run(['upgrade', 'cache', '8.0', '--yes'], docker, { jobs: jobsWith(backend.socket), interrupt: (press) => setTimeout(press, 50) });
    expect(r.code, r.stderr).toBe(130);
    expect(pullCancelled).toBe(true);
    expect(r.stderr).toContain('Cancelling the upgrade (possible until the switch-over)…');
    expect(r.stderr).toContain('Error: Upgrade cancelled. Nothing was changed: cache runs Redis 7.4 as before.');
    expect(backend.records()).toEqual([
      {
        method: 'POST',
        url: '/instances/a1/history',
        body: { action: 'upgrade', outcome: 'failed', detail: 'Cancelled: Upgrade to Redis 8.0. Nothing was changed: cache runs Redis 7.4 as before.' },
      },
    ]);
    expect(base.calls.some((c) => c[0] === 'stop' || c[0] === 'rm')).toBe(false);
  });
});

describe('a cancelled job, in words', () => {
  it.each([
    [
      'Upgrade cancelled. Nothing was changed: cache runs Redis 7.4 as before.',
      'Cancelled: Upgrade to Redis 8.0. Nothing was changed: cache runs Redis 7.4 as before.',
    ],
    ['Cancelled: nothing was changed.', 'Cancelled: Upgrade to Redis 8.0. Nothing was changed.'],
    ['Cancelled.', 'Cancelled: Upgrade to Redis 8.0.'],
    [undefined, 'Cancelled: Upgrade to Redis 8.0.'],
    ['Pulling redis:8.0 was cancelled.', 'Cancelled: Upgrade to Redis 8.0. Pulling redis:8.0 was cancelled.'],
  ])('%j → %j', (message, detail) => {
    expect(cancelledDetail({ title: 'Upgrade to Redis 8.0', ...(message === undefined ? {} : { message }) })).toBe(detail);
  });
});
