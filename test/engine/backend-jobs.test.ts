import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance, Job } from '@dockbase/core';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { dockbase as runCli, ensureCliBuilt } from '../support/cli';
import { POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { socketRequest } from '../support/extension-image';
import { REPO_ROOT } from '../support/npm-package';
import { startInProcessHost } from '../support/host';

// The backend runs the tab's jobs (what Docker Desktop's VM service and the standalone host's backend do): one
// job per instance across every door (a second tab, the command line), and a backend killed mid-upgrade
// recovers the instance by itself when it starts again, recording what happened in the job and the history.
const { dockbase, docker, up, cleanup } = recordingDockbase();
const prefix = `dbt-bjobs-${process.pid}`;
const dir = tempDir('dockbase-backend-jobs-');
const socket = path.join(dir, 'b.sock');
const dataDir = path.join(dir, 'data');
const MAIN = path.join(REPO_ROOT, 'backend', 'dist', 'main.js');
let backend: ChildProcess | undefined;
let output = '';

function startBackend(env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  fs.rmSync(socket, { force: true });
  const child = spawn(process.execPath, [MAIN, '--socket', socket, '--data-dir', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = () => {
      if (child.exitCode !== null) return reject(new Error(`the backend exited: ${output}`));
      if (fs.existsSync(socket)) return resolve(child);
      if (Date.now() > deadline) return reject(new Error(`the backend did not listen: ${output}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

const api = (method: string, url: string, body?: unknown) => socketRequest(socket, method, url, body);

async function jobUntil(id: string, done: (j: Job) => boolean, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/jobs/${id}`).catch(() => undefined);
    const job = (r?.json as { job?: Job } | undefined)?.job;
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${job?.state ?? 'unknown'}: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const psql = async (i: Instance, sql: string, db = 'postgres') =>
  (await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', db, '-c', sql)).trim();

let instance: Instance;

beforeAll(async () => {
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
  await ensureBuilt(['backend'], { log: () => {} });
  await ensureCliBuilt();
  instance = await up({
    engine: 'postgres',
    name: `${prefix}-orders`,
    tag: '15',
    image: POSTGRES_REAL_IMAGE,
    hostPort: await freePort(),
    password: 'backend jobs pw',
    persistData: true,
    exposeOnNetwork: false,
  });
  await psql(instance, 'CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 5000)');
  backend = await startBackend();
}, 300_000);

afterAll(async () => {
  backend?.kill('SIGKILL');
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('one job per instance, across every door', () => {
  it('refuses a second job from the tab, and the command line exits 5, while the tab’s upgrade runs; then the upgrade completes', async () => {
    const started = await api('POST', '/jobs', { kind: 'upgrade', instanceId: instance.id, to: '17' });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const job = (started.json as { job: Job }).job;
    expect(job).toMatchObject({ kind: 'upgrade', by: 'tab', state: 'running', title: 'Upgrade to PostgreSQL 17' });

    const second = await api('POST', '/jobs', { kind: 'snapshot', instanceId: instance.id, name: 'meanwhile' });
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({
      error: 'busy',
      message: expect.stringMatching(new RegExp(`^${instance.name} is being upgraded, started \\d\\d:\\d\\d from the Dockbase tab\\.`)),
    });

    const cli = await runCli(['upgrade', instance.name, '17', '--yes'], { env: { DOCKBASE_STATE_DIR: tempDir('dockbase-cli-state-') } });
    expect(cli.code).toBe(5);
    expect(cli.stderr).toMatch(new RegExp(`Error: ${instance.name} is being upgraded, started \\d\\d:\\d\\d from the Dockbase tab\\.`));

    const ended = await jobUntil(job.id, (j) => j.state !== 'running', 240_000);
    expect(ended.state, ended.message).toBe('succeeded');
    const now = await dockbase.lifecycle.get(instance.id);
    expect(now.tag).toBe('17');
    expect(await psql(await dockbase.readiness.waitUntilReady(now), 'SELECT count(*) FROM items')).toBe('5000');
    // The lock went with the job: the next one starts.
    expect((await docker('ps', '--all', '--format', '{{.Names}}')).split('\n')).not.toContain(`dockbase-lock-${instance.name}`);
    instance = now;
  }, 300_000);

  it('refuses the tab while the command line holds the instance, naming the command line', async () => {
    const state = tempDir('dockbase-cli-state-');
    // A CLI snapshot of a stopped-for-copy instance takes a few seconds: long enough to ask meanwhile.
    const cli = runCli(['snapshot', instance.name, '--as', 'from the cli'], { env: { DOCKBASE_STATE_DIR: state } });
    // Asked once the command line holds the instance (its lock exists).
    for (let i = 0; i < 200; i++) {
      if ((await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').includes(`dockbase-lock-${instance.name}`)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    let refused: { status: number; json: unknown } | undefined;
    for (let i = 0; i < 1 && !refused; i++) {
      const r = await api('POST', '/jobs', { kind: 'snapshot', instanceId: instance.id, name: 'from the tab' });
      if (r.status === 409) refused = r;
      else if (r.status === 202) {
        await jobUntil((r.json as { job: Job }).job.id, (j) => j.state !== 'running');
        break;
      }
    }
    expect((await cli).code).toBe(0);
    expect(refused?.json).toMatchObject({
      error: 'busy',
      message: expect.stringMatching(new RegExp(`${instance.name} is being snapshotted, started \\d\\d:\\d\\d from the command line`)),
    });
  }, 300_000);
});

describe('a backend killed mid-job', () => {
  it('recovers the instance when it starts again: the job says where it was interrupted and what was done, and so does the history', async () => {
    backend?.kill('SIGKILL');
    backend = await startBackend({ DOCKBASE_FAULT_AT: 'edit:set-aside:end' });
    const port = await freePort();
    const started = await api('POST', '/jobs', { kind: 'edit', instanceId: instance.id, changes: { hostPort: port } });
    expect(started.status).toBe(202);
    const job = (started.json as { job: Job }).job;
    await new Promise<void>((resolve) => (backend!.exitCode !== null || backend!.signalCode !== null ? resolve() : backend!.once('exit', () => resolve())));
    expect(backend.signalCode).toBe('SIGKILL');
    // Killed with the old container set aside: no container has the instance's name.
    expect((await docker('ps', '--all', '--format', '{{.Names}}')).split('\n')).not.toContain(instance.name);

    const t0 = Date.now();
    backend = await startBackend();
    const ended = await jobUntil(job.id, (j) => j.state !== 'running', 60_000);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(ended).toMatchObject({ state: 'interrupted', recovered: 'undone' });
    expect(ended.message).toMatch(
      new RegExp(`Change settings was interrupted at “set-aside” \\(Dockbase stopped\\)\\. ${instance.name} was put back as it was before, and runs again\\.`),
    );
    const now = await dockbase.lifecycle.get(instance.id);
    expect(now).toMatchObject({ containerId: instance.containerId, name: instance.name, hostPort: instance.hostPort, status: 'running' });
    expect(await psql(await dockbase.readiness.waitUntilReady(now), 'SELECT count(*) FROM items')).toBe('5000');
    // The tab lists it among the jobs that ended.
    const listed = (await api('GET', `/jobs?since=${encodeURIComponent(new Date(t0 - 60_000).toISOString())}`)).json as { jobs: Job[] };
    expect(listed.jobs.find((j) => j.id === job.id)?.state).toBe('interrupted');
  }, 300_000);
});

describe('the command line beside a running standalone host', () => {
  it('hands its job to the host’s backend: the job is the tab’s to see, marked as from the command line', async () => {
    const hostData = tempDir('dockbase-host-data-');
    const host = await startInProcessHost({ dataDir: hostData });
    try {
      expect(host.backend).toBe(true);
      const r = await runCli(['snapshot', instance.name, '--as', 'handed to the host'], {
        env: { DOCKBASE_DATA_DIR: hostData, DOCKBASE_STATE_DIR: tempDir('dockbase-cli-state-') },
      });
      expect(r.code, r.stderr).toBe(0);
      const { socket: hostSocket } = JSON.parse(fs.readFileSync(path.join(hostData, 'backend.json'), 'utf8')) as { socket: string };
      const { jobs } = (await socketRequest(hostSocket, 'GET', '/jobs')).json as { jobs: Job[] };
      expect(jobs.find((j) => j.title === 'Snapshot “handed to the host”')).toMatchObject({ by: 'cli', state: 'succeeded', instanceId: instance.id });
    } finally {
      await host.close();
    }
    // Once the host is gone, the command line runs its jobs itself again: it no longer finds the backend.
    expect(fs.existsSync(path.join(hostData, 'backend.json'))).toBe(false);
    fs.rmSync(hostData, { recursive: true, force: true });
  }, 300_000);
});
