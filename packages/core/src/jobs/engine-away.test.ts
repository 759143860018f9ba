import { describe, expect, it } from 'vitest';
import type { DockerCli, RunResult } from '@dockbase/docker-cli';
import { createDockbase, type Dockbase } from '../dockbase';
import { CANCEL_SCRIPT } from '../docker/data-scripts';
import { DockerRunner } from '../docker/runner';
import { engineUnavailable } from '../model/errors';
import type { Instance } from '../model/instance';
import { scripted } from '../test-support/scripted-cli';
import { ENGINE_AWAY_STEP } from './engine-away';
import type { Job } from './job';
import { InstanceLocks } from './lock';
import { MemoryJobStore } from './memory-store';
import { recoverJob } from './recovery';
import { JobRunner } from './runner';

const DAEMON_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

const orders = {
  id: 'abcdefabcdef',
  name: 'orders',
  engine: 'postgres',
  image: 'postgres',
  tag: '16',
  status: 'running',
  containerId: 'c0ffee',
  volumes: ['dockbase-orders-data'],
} as unknown as Instance;

/**
 * An engine that can go away and come back (`away`), holding the lock containers as docker does: a second
 * lock of the same name is refused while the first is there. `work` answers everything else.
 */
function engine(work: (args: readonly string[]) => Partial<RunResult> = () => ({})) {
  const state = { away: false, locks: new Map<string, string>(), made: 0 };
  const base = scripted([
    [
      'container create --name dockbase-lock-',
      (args) => {
        const name = args[3] as string;
        if (state.locks.has(name)) return { code: 1, stderr: `Error response from daemon: Conflict. The container name "/${name}" is already in use` };
        const id = `lock${++state.made}`;
        state.locks.set(name, id);
        return { stdout: `${id}\n` };
      },
    ],
    [
      'rm --force --volumes',
      (args) => {
        for (const [name, id] of state.locks) if (args.includes(id)) state.locks.delete(name);
        return {};
      },
    ],
    ['', work],
  ]);
  const cli: DockerCli & { calls: string[][] } = {
    ...base,
    run: async (args, options) => (state.away ? (base.calls.push([...args]), { code: 1, stdout: '', stderr: DAEMON_DOWN }) : base.run(args, options)),
  };
  return { cli, state };
}

function runnerOver(cli: DockerCli, lifecycle: Partial<Dockbase['lifecycle']> = {}) {
  const core = createDockbase(cli);
  const dockbase = { ...core, lifecycle: { ...core.lifecycle, get: async () => orders, ...lifecycle } } as unknown as Dockbase;
  const runner = new JobRunner({ dockbase, cli, store: new MemoryJobStore(), door: 'tab' });
  const seen: Job[] = [];
  runner.subscribe((j) => seen.push(j));
  return { runner, seen };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
};

describe('a job whose Docker engine goes away under it', () => {
  it('waits for the engine, then puts back what it began, and ends interrupted saying so; its instance is held until then', async () => {
    const { cli, state } = engine((args) => {
      // The engine goes away while pg_dumpall writes the dump.
      if (args[0] !== 'exec' || args.includes(CANCEL_SCRIPT)) return {};
      state.away = true;
      return { code: 1, stderr: DAEMON_DOWN };
    });
    const { runner, seen } = runnerOver(cli);
    const job = await runner.start({ kind: 'export', instanceId: orders.id });
    await until(() => seen.some((j) => j.state === 'running' && j.progress.step === ENGINE_AWAY_STEP));
    // Only a running job says so: no end is told before recovery.
    expect(seen.filter((j) => j.state !== 'running')).toEqual([]);
    // Still running and holding orders: another job waits (here: refused as busy, naming the export).
    await expect(runner.start({ kind: 'stop', instanceId: orders.id })).rejects.toMatchObject({ code: 'busy' });
    const callsWhileAway = cli.calls.length;

    state.away = false;
    const end = (await runner.wait(job.id))!;
    expect(end).toMatchObject({ state: 'interrupted', recovered: 'undone' });
    expect(end.message).toBe('Export with pg_dumpall was interrupted at “dump” (the Docker engine went away). orders was put back as it was before.');
    // Recovery removed the half-written dump from the container, then the job let orders go.
    const cancel = cli.calls.findLastIndex((c) => c.includes(CANCEL_SCRIPT));
    expect(cancel).toBeGreaterThanOrEqual(callsWhileAway);
    const unlock = cli.calls.findLastIndex((c) => c[0] === 'rm' && c.includes('lock1'));
    expect(cancel).toBeGreaterThan(-1);
    expect(unlock).toBeGreaterThan(cancel);
    expect(state.locks.size).toBe(0);
  });

  it('ends at once when it began nothing to put back, and its lock is let go as soon as the engine answers: the next job is not refused', async () => {
    const { cli, state } = engine();
    let stops = 0;
    const { runner } = runnerOver(cli, {
      stop: async () => {
        if (stops++ > 0) return;
        state.away = true;
        throw engineUnavailable();
      },
    });
    const first = await runner.start({ kind: 'stop', instanceId: orders.id });
    const end = (await runner.wait(first.id))!;
    expect(end).toMatchObject({ state: 'interrupted', recovered: 'undone' });
    expect(end.message).toBe('Stop was interrupted at “stop” (the Docker engine went away). The list shows whether orders runs.');
    // docker could not remove the lock then: it is still there…
    expect([...state.locks.values()]).toEqual(['lock1']);

    // …and is no obstacle once the engine is back.
    state.away = false;
    const second = await runner.start({ kind: 'stop', instanceId: orders.id });
    expect(cli.calls.some((c) => c[0] === 'rm' && c.includes('lock1'))).toBe(true);
    expect((await runner.wait(second.id))?.state).toBe('succeeded');
    expect(state.locks.size).toBe(0);
  });
});

describe('the locks of jobs that ended while the engine was away', () => {
  it('are removed by themselves once docker answers again', async () => {
    const { cli, state } = engine();
    const locks = new InstanceLocks(new DockerRunner(cli), [5, 10]);
    const id = await locks.acquire(
      { id: 'j1', kind: 'stop', title: 'Stop', by: 'tab', startedAt: '', instanceId: orders.id, instanceName: 'orders' } as Job,
      'postgres:16',
      'me',
    );
    state.away = true;
    await locks.releaseOwn(id);
    await new Promise((r) => setTimeout(r, 40));
    expect(state.locks.size).toBe(1);
    state.away = false;
    await until(() => state.locks.size === 0);
  });
});

describe('what a job that the engine interrupted before its first step says', () => {
  it('that nothing was made, or changed', async () => {
    const cli = scripted([]);
    const core = createDockbase(cli);
    const ports = { docker: new DockerRunner(cli), lifecycle: core.lifecycle, readiness: core.readiness, credentials: core.credentials };
    const job = (kind: Job['kind'], title: string) => ({ id: 'j1', kind, title, instanceId: orders.id, instanceName: 'orders' }) as Job;
    const said = async (j: Job) => (await recoverJob(ports, { job: j, marks: [] }, 'the Docker engine went away')).message;
    expect(await said(job('create', 'Create PostgreSQL 16'))).toBe(
      'Create PostgreSQL 16 was interrupted before its first step (the Docker engine went away). orders was not made.',
    );
    expect(await said(job('upgrade', 'Upgrade to PostgreSQL 17'))).toBe(
      'Upgrade to PostgreSQL 17 was interrupted before its first step (the Docker engine went away). orders was not changed.',
    );
    expect(cli.calls).toEqual([]);
  });
});
