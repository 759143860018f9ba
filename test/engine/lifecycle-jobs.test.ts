import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '@dockbase/core';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { dockbase as runCli, dockbaseJson, ensureCliBuilt, type CliResult } from '../support/cli';
import { ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { socketRequest } from '../support/extension-image';
import { POSTGRES_TEST_IMAGE, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { REPO_ROOT } from '../support/npm-package';

// Create, clone, start, stop, restart and delete run as jobs (the core's JobRunner, in the CLI or the backend),
// on real servers and real processes: one job per instance across two `dockbase` processes, and a process
// killed (SIGKILL, the fault hook DOCKBASE_FAULT_AT) right after a journal mark is durable leaves nothing
// half-made once the next one starts: a create or a clone is undone to nothing, a delete says what is left.
const { dockbase: core, docker, cleanup } = recordingDockbase();
const prefix = `dbt-ljobs-${process.pid}`;
const password = 'lifecycle jobs pw';
const state = tempDir('dockbase-ljobs-state-');
// No standalone host of this machine takes these jobs: the CLI runs them itself, with its journal here.
const env = { DOCKBASE_STATE_DIR: state, DOCKBASE_DATA_DIR: tempDir('dockbase-ljobs-data-') };
/** Another `dockbase`'s journal (a second terminal's, with its own jobs): it recovers nothing of this one's. */
const otherState = tempDir('dockbase-ljobs-other-');
const redis = ['--image', REDIS_TEST_IMAGE, '--version', REDIS_TEST_TAG];
const src = `${prefix}-src`;

const cli = (args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
  runCli(args, { env: { ...env, ...options.env }, stdin: password, timeoutMs: 180_000 });

/** `dockbase create redis NAME` (a fresh port, the password on stdin), which must succeed. */
async function createRedis(name: string): Promise<void> {
  const r = await cli(['create', 'redis', '--name', name, '--port', String(await freePort()), ...redis, '--password-stdin']);
  expect(r.code, r.stderr).toBe(0);
}

/** A Redis command in the instance's container, once its server answers (redis-cli takes the password from its env). */
async function redisCli(name: string, ...args: string[]): Promise<string> {
  const instance = (await core.lifecycle.list()).find((i) => i.name === name);
  if (!instance) throw new Error(`no instance ${name}`);
  await core.readiness.waitUntilReady(instance, { timeoutMs: 60_000 });
  return (await docker('exec', name, 'redis-cli', ...args)).trim();
}

/** What is left of an instance on the engine: its container, its lock, its data volumes. */
async function leftOf(name: string): Promise<{ containers: string[]; volumes: string[] }> {
  const containers = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n === name || n === `dockbase-lock-${name}`);
  const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n').filter((v) => v.startsWith(`dockbase-${name}-`));
  return { containers, volumes };
}

/** Runs the CLI with the fault hook: it must die by SIGKILL at that mark. */
async function killedAt(args: string[], at: string): Promise<CliResult> {
  const r = await cli(args, { env: { DOCKBASE_FAULT_AT: at } });
  expect(r.code, `dockbase ${args.join(' ')} with the fault at ${at}: ${r.stderr}`).toBe(null);
  return r;
}

/** The next run of any command recovers: what it said on stderr. */
async function recover(): Promise<string> {
  const r = await cli(['list']);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface SnapshotJson {
  id: string;
  name: string;
  instance: string;
  volumes: string[];
}

beforeAll(async () => {
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  await ensureTestImage(`${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);
  await ensureTestImage(`${POSTGRES_TEST_IMAGE}:17`);
  await ensureCliBuilt();
  await ensureBuilt(['backend'], { log: () => {} });
  await createRedis(src);
  await redisCli(src, 'SET', 'kept', 'from the source');
}, 300_000);

afterAll(async () => {
  // Snapshots' volumes are named by their id, not the instance: deleted as a user would.
  const snapshots = await dockbaseJson<SnapshotJson[]>(['snapshot', 'list'], { env }).catch(() => []);
  for (const s of snapshots.filter((s) => s.instance.startsWith(prefix))) await cli(['snapshot', 'rm', s.id, '--yes']);
  await cleanup(prefix);
  await cleanup(`dockbase-lock-${prefix}`);
  for (const d of [state, otherState, env.DOCKBASE_DATA_DIR]) fs.rmSync(d, { recursive: true, force: true });
}, 120_000);

describe('one job per instance, across two dockbase processes', () => {
  it('while a snapshot of it runs in one, stop and rm from another exit 5 naming it, and change nothing; then they run', async () => {
    // A docker on the first one's PATH that holds its snapshot at the stop (its lock taken) until told to go on.
    const gate = tempDir('dockbase-ljobs-gate-');
    const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(
      path.join(gate, 'docker'),
      `#!/bin/sh\nif [ "$1" = stop ]; then : > '${gate}/reached'; while [ ! -e '${gate}/go' ]; do sleep 0.05; done; fi\nexec '${realDocker}' "$@"\n`,
      { mode: 0o755 },
    );
    try {
      const snapshot = cli(['snapshot', src, '--as', 'held'], { env: { PATH: `${gate}:${process.env.PATH}` } });
      const first: { ended?: CliResult } = {};
      void snapshot.then((r) => (first.ended = r));
      while (!fs.existsSync(path.join(gate, 'reached'))) {
        if (first.ended) throw new Error(`the snapshot ended before its stop: ${first.ended.stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const containerId = (await docker('inspect', '--format', '{{.Id}}', src)).trim();
      for (const args of [
        ['stop', src],
        ['rm', src, '--yes'],
        ['restart', src],
      ]) {
        const refused = await cli(args);
        expect(refused.code, `${args.join(' ')}: ${refused.stderr}`).toBe(5);
        expect(refused.stderr).toMatch(
          new RegExp(`^Error: ${escape(src)} is being snapshotted, started \\d\\d:\\d\\d from the command line\\. Wait until it ends`, 'm'),
        );
      }
      expect((await docker('inspect', '--format', '{{.Id}} {{.State.Status}}', src)).trim()).toBe(`${containerId} running`);

      fs.writeFileSync(path.join(gate, 'go'), '');
      const done = await snapshot;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(new RegExp(`^Snapshot "held" of ${escape(src)}: `));
      // The instance is free again: the next job on it runs.
      expect(await cli(['stop', src])).toMatchObject({ code: 0, stdout: `${src}: stopped\n` });
      expect(await cli(['start', src])).toMatchObject({ code: 0, stdout: `${src}: ready\n` });
      expect(await redisCli(src, 'GET', 'kept')).toBe('from the source');
      expect((await leftOf(src)).containers).toEqual([src]);
    } finally {
      fs.writeFileSync(path.join(gate, 'go'), '');
      fs.rmSync(gate, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('a create killed mid-way', () => {
  const cases = [
    { engine: 'redis', title: `Create Redis ${REDIS_TEST_TAG}`, args: redis, step: 'begin' },
    { engine: 'redis', title: `Create Redis ${REDIS_TEST_TAG}`, args: redis, step: 'end' },
    { engine: 'postgres', title: 'Create PostgreSQL 17', args: ['--image', POSTGRES_TEST_IMAGE, '--version', '17'], step: 'end' },
  ] as const;
  for (const [i, c] of cases.entries()) {
    it(`is undone to nothing by the next command (${c.engine}, killed at create:${c.step}); the name can be created again`, async () => {
      const name = `${prefix}-new${i}`;
      const create = async () => ['create', c.engine, '--name', name, '--port', String(await freePort()), ...c.args, '--password-stdin'];
      await killedAt(await create(), `create:create:${c.step}`);
      // Killed before its container was made, nothing is there yet; after, its container and new data volume
      // are, until the next command: what recovery removes.
      expect(await leftOf(name)).toEqual(c.step === 'end' ? { containers: [name], volumes: [`dockbase-${name}-data`] } : { containers: [], volumes: [] });
      const said = await recover();
      expect(said).toContain(`${c.title} was interrupted at “create” (Dockbase stopped). ${name} was not made: what the job had made was removed.`);
      expect(await leftOf(name)).toEqual({ containers: [], volumes: [] });
      // Said once.
      expect(await recover()).toBe('');

      const again = await cli(await create());
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^${escape(name)}: ${escape(c.title.replace('Create ', ''))}, ready, on 127\\.0\\.0\\.1:\\d+$`, 'm'));
      expect(again.stdout).toContain('(kept when the instance is deleted)');
      expect(await cli(['rm', name, '--with-data', '--yes'])).toMatchObject({ code: 0, stdout: `Deleted ${name} and its data.\n` });
      expect(await leftOf(name)).toEqual({ containers: [], volumes: [] });
    }, 180_000);
  }
});

describe('a delete with its data killed before it deleted anything', () => {
  const name = `${prefix}-del`;
  it('is said by the next command: the instance and its data are all there, and rm again finishes', async () => {
    await createRedis(name);
    await redisCli(name, 'SET', 'k', 'still here');
    const before = await leftOf(name);
    expect(before).toEqual({ containers: [name], volumes: [`dockbase-${name}-data`] });
    await killedAt(['rm', name, '--with-data', '--yes'], 'delete:delete:begin');
    // Held meanwhile: another dockbase (its own journal) is refused, naming the delete.
    const other = await cli(['stop', name], { env: { DOCKBASE_STATE_DIR: otherState } });
    expect(other.code).toBe(5);
    expect(other.stderr).toMatch(new RegExp(`Error: ${escape(name)} is being deleted, started \\d\\d:\\d\\d from the command line\\.`));

    const said = await recover();
    expect(said).toContain(
      `Delete with its data was interrupted at “delete” (Dockbase stopped). What was not deleted of ${name} yet is still there (the instance, or its data under Kept data): delete it again to finish.`,
    );
    expect(await leftOf(name)).toEqual(before);
    expect((await docker('inspect', '--format', '{{.State.Status}}', name)).trim()).toBe('running');
    expect(await redisCli(name, 'GET', 'k')).toBe('still here');

    expect(await cli(['rm', name, '--with-data', '--yes'])).toMatchObject({ code: 0, stdout: `Deleted ${name} and its data.\n` });
    expect(await leftOf(name)).toEqual({ containers: [], volumes: [] });
  }, 180_000);
});

// The command line has no clone (the tab's only): the tab's door, the backend, runs it as a job, with the
// same fault hook and its recovery on its next start.
describe('a clone killed in the backend once its copy is made', () => {
  const dir = tempDir('dockbase-ljobs-backend-');
  const socket = path.join(dir, 'b.sock');
  const MAIN = path.join(REPO_ROOT, 'backend', 'dist', 'main.js');
  let backend: ChildProcess | undefined;
  let output = '';

  function startBackend(extra: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
    fs.rmSync(socket, { force: true });
    const child = spawn(process.execPath, [MAIN, '--socket', socket, '--data-dir', path.join(dir, 'data')], {
      env: { ...process.env, ...extra },
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

  async function jobUntilEnded(id: string): Promise<Job> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await socketRequest(socket, 'GET', `/jobs/${id}`).catch(() => undefined);
      const job = (r?.json as { job?: Job } | undefined)?.job;
      if (job && job.state !== 'running') return job;
      if (Date.now() > deadline) throw new Error(`job ${id} is ${job?.state ?? 'unknown'}: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  afterAll(() => {
    backend?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is undone to nothing when the backend starts again; the snapshot and its source are untouched, and the clone can be made', async () => {
    const taken = await cli(['snapshot', src, '--as', 'to clone', '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const snapshot = JSON.parse(taken.stdout) as SnapshotJson;
    const source = (await docker('inspect', '--format', '{{.Id}}', src)).trim();
    const clone = `${prefix}-clone`;
    const request = { kind: 'clone', snapshotId: snapshot.id, input: { name: clone, hostPort: await freePort(), password, exposeOnNetwork: false } };

    backend = await startBackend({ DOCKBASE_FAULT_AT: 'clone:copy:end' });
    const started = await socketRequest(socket, 'POST', '/jobs', request);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const job = (started.json as { job: Job }).job;
    await new Promise<void>((resolve) => (backend!.exitCode !== null || backend!.signalCode !== null ? resolve() : backend!.once('exit', () => resolve())));
    expect(backend.signalCode).toBe('SIGKILL');
    // Killed once the copy was made: the clone's data volume is there, its container not yet.
    expect(await leftOf(clone)).toEqual({ containers: [], volumes: [`dockbase-${clone}-data`] });

    backend = await startBackend();
    const ended = await jobUntilEnded(job.id);
    expect(ended).toMatchObject({ state: 'interrupted', recovered: 'undone' });
    expect(ended.message).toBe(`Clone “to clone” was interrupted at “copy” (Dockbase stopped). ${clone} was not made: what the job had made was removed.`);
    expect(await leftOf(clone)).toEqual({ containers: [], volumes: [] });
    // The snapshot is whole, and its source runs as it did with its data.
    const listed = (await dockbaseJson<SnapshotJson[]>(['snapshot', 'list', src], { env })).find((s) => s.id === snapshot.id);
    expect(listed).toMatchObject({ name: 'to clone', volumes: snapshot.volumes });
    for (const v of snapshot.volumes) await docker('volume', 'inspect', v);
    expect((await docker('inspect', '--format', '{{.Id}} {{.State.Status}}', src)).trim()).toBe(`${source} running`);
    expect(await redisCli(src, 'GET', 'kept')).toBe('from the source');

    // Nothing of the interrupted clone is in the way of the next one.
    const again = await socketRequest(socket, 'POST', '/jobs', request);
    expect(again.status, JSON.stringify(again.json)).toBe(202);
    const made = await jobUntilEnded((again.json as { job: Job }).job.id);
    expect(made.state, made.message).toBe('succeeded');
    expect(await redisCli(clone, 'GET', 'kept')).toBe('from the source');
    expect(await cli(['rm', clone, '--with-data', '--yes'])).toMatchObject({ code: 0, stdout: `Deleted ${clone} and its data.\n` });
    expect(await leftOf(clone)).toEqual({ containers: [], volumes: [] });
  }, 180_000);
});
