import { describe, expect, it } from 'vitest';
import { createDockbase, type Dockbase } from '../dockbase';
import { CANCEL_SCRIPT } from '../docker/data-scripts';
import type { Instance } from '../model/instance';
import { scripted } from '../test-support/scripted-cli';
import type { ExportDump } from '../use-cases/backups';
import type { Job, JobMark } from './job';
import { busyMessage, lockCreateArgs, readLockHolder } from './lock';
import { recoveryPlan } from './recovery';
import { MemoryJobStore } from './memory-store';
import { parseJobRequest } from './requests';
import { JobRunner } from './runner';

const at = '2026-12-06T12:03:00.000Z';

describe('recovery of an interrupted job', () => {
  // The marks of an edit interrupted once the new container was created (its swap's steps).
  const swapMarks: JobMark[] = [
    { at, phase: 'begin', step: 'stop', undo: [{ do: 'start', container: 'old', instanceId: 'i1' }] },
    { at, phase: 'end', step: 'stop' },
    { at, phase: 'begin', step: 'set-aside', undo: [{ do: 'rename', container: 'old', to: 'orders' }] },
    { at, phase: 'end', step: 'set-aside' },
    { at, phase: 'begin', step: 'create', undo: [{ do: 'remove-others', instanceId: 'i1', keep: 'old' }] },
    { at, phase: 'begin', step: 'set-password', undo: [{ do: 'reapply-password', instanceId: 'i1' }] },
  ];

  it('undoes every step begun, newest first, and starts what ran last of all', () => {
    const plan = recoveryPlan(swapMarks);
    expect(plan.how).toBe('undone');
    expect(plan.at).toBe('set-password');
    expect(plan.actions.map((a) => a.do)).toEqual(['remove-others', 'rename', 'start', 'reapply-password']);
  });

  it('finishes a job that committed: only the commit’s forward steps run', () => {
    const plan = recoveryPlan([
      ...swapMarks,
      {
        at,
        phase: 'commit',
        step: 'ready',
        forward: [
          { do: 'remove', containers: ['old'] },
          { do: 'start', container: 'new', instanceId: 'i1' },
        ],
      },
    ]);
    expect(plan).toEqual({
      how: 'completed',
      at: 'ready',
      actions: [
        { do: 'remove', containers: ['old'] },
        { do: 'start', container: 'new', instanceId: 'i1' },
      ],
    });
  });

  it('puts the data back before the server starts again (an in-place upgrade interrupted in its switch)', () => {
    const plan = recoveryPlan([
      { at, phase: 'begin', step: 'stop', undo: [{ do: 'start', container: 'old', instanceId: 'i1' }] },
      { at, phase: 'begin', step: 'switch', undo: [{ do: 'replace-data', image: 'mysql:8.0', volumes: [{ key: 'data', from: 'snap', to: 'live' }] }] },
      { at, phase: 'begin', step: 'set-aside', undo: [{ do: 'rename', container: 'old', to: 'orders' }] },
    ]);
    expect(plan.actions.map((a) => a.do)).toEqual(['rename', 'replace-data', 'start']);
  });

  it('removes an import’s file from the container once it runs again (an import interrupted while the server was stopped)', () => {
    const plan = recoveryPlan([
      { at, phase: 'begin', step: 'received', undo: [{ do: 'remove-temp', container: 'c', path: '/tmp/dockbase-import-0123456789ab' }] },
      {
        at,
        phase: 'begin',
        step: 'import',
        undo: [
          { do: 'stop', container: 'c', engine: 'postgres' },
          { do: 'replace-data', image: 'postgres:15', volumes: [] },
          { do: 'start', container: 'c', instanceId: 'i1' },
        ],
      },
    ]);
    expect(plan.actions.map((a) => a.do)).toEqual(['stop', 'replace-data', 'start', 'remove-temp']);
  });

  it('has nothing to do for a job interrupted before its first step', () => {
    expect(recoveryPlan([])).toEqual({ how: 'undone', actions: [], at: undefined });
  });
});

describe('the instance lock', () => {
  it('names the holder, what it does, since when and from which door', () => {
    const since = new Date(2026, 11, 6, 12, 3);
    expect(busyMessage('orders', { kind: 'upgrade', title: 'Upgrade to PostgreSQL 17', by: 'cli', since: since.toISOString() }, since)).toBe(
      'orders is being upgraded, started 12:03 from the command line. Wait until it ends, or cancel it there, then try again.',
    );
    expect(busyMessage('orders', { kind: 'restore', title: 'x', by: 'tab', since: since.toISOString() }, since)).toMatch(
      /^orders is being restored from a snapshot, started 12:03 from the Dockbase tab\./,
    );
  });

  it('is a container made from the instance’s image, never pulled, without network, labelled with its job', () => {
    const args = lockCreateArgs(
      { id: 'j1', kind: 'upgrade', title: 'Upgrade', by: 'tab', startedAt: at, instanceId: 'abcdefabcdef', instanceName: 'orders' },
      'postgres:15',
      'owner1',
    );
    expect(args.slice(0, 8)).toEqual(['container', 'create', '--name', 'dockbase-lock-orders', '--pull', 'never', '--network', 'none']);
    expect(args.at(-1)).toBe('postgres:15');
    expect(args).toContain('io.dockbase.lock.owner=owner1');
    expect(args).not.toContain('--label io.dockbase.instance');
    expect(args.some((a) => a.startsWith('io.dockbase.instance'))).toBe(false);
  });

  it('reads its holder back from docker inspect', () => {
    const labels = {
      'io.dockbase.lock.job': 'j1',
      'io.dockbase.lock.kind': 'edit',
      'io.dockbase.lock.title': 'Change settings',
      'io.dockbase.lock.by': 'tab',
      'io.dockbase.lock.since': at,
    };
    expect(readLockHolder(`c0ffee ${JSON.stringify(labels)}\n`)).toEqual({
      containerId: 'c0ffee',
      jobId: 'j1',
      kind: 'edit',
      title: 'Change settings',
      by: 'tab',
      since: at,
    });
    expect(readLockHolder('c0ffee null')).toBeUndefined();
  });
});

describe('job requests from outside', () => {
  it('takes each kind with its fields', () => {
    expect(parseJobRequest({ kind: 'upgrade', instanceId: 'abcdefabcdef', to: '17' })).toEqual({ kind: 'upgrade', instanceId: 'abcdefabcdef', to: '17' });
    expect(parseJobRequest({ kind: 'edit', instanceId: 'abcdefabcdef', changes: { hostPort: 5433, memoryBytes: null } })).toEqual({
      kind: 'edit',
      instanceId: 'abcdefabcdef',
      changes: { hostPort: 5433, memoryBytes: null },
    });
    // An export's request names only the instance: the folder is the door's, which saves the dump itself.
    expect(parseJobRequest({ kind: 'export', instanceId: 'abcdefabcdef', directory: '/etc' })).toEqual({ kind: 'export', instanceId: 'abcdefabcdef' });
  });

  it("takes a create's project, flavour and settings (dockbase up), each of its shape", () => {
    const input = {
      engine: 'postgres',
      name: 'shop-orders',
      tag: '17',
      hostPort: 5433,
      password: 'x',
      persistData: true,
      exposeOnNetwork: false,
      flavour: 'postgis',
      settings: { max_connections: '200' },
      project: { name: 'shop', path: '/home/me/shop', branch: 'feature/a' },
    };
    expect(parseJobRequest({ kind: 'create', input })).toEqual({ kind: 'create', input });
    expect(() => parseJobRequest({ kind: 'create', input: { ...input, project: { name: 'shop' } } })).toThrow(/project is \{ name, path, branch\? \}/);
    expect(() => parseJobRequest({ kind: 'create', input: { ...input, project: { ...input.project, extra: 'x' } } })).toThrow(/project is/);
    expect(() => parseJobRequest({ kind: 'create', input: { ...input, settings: { max_connections: 200 } } })).toThrow(/settings is an object of text values/);
    // A clone's flavour is its snapshot's.
    const { engine: _e, persistData: _p, flavour: _f, ...clone } = input;
    expect(parseJobRequest({ kind: 'clone', snapshotId: 'abcdefabcdef', input: clone })).toMatchObject({ input: { project: input.project } });
  });

  it('refuses an unknown kind, a bad id and unknown changes, naming the field', () => {
    expect(() => parseJobRequest({ kind: 'format-disk', instanceId: 'abcdefabcdef' })).toThrow(/kind must be one of/);
    expect(() => parseJobRequest({ kind: 'upgrade', instanceId: '../etc', to: '17' })).toThrow(/instanceId/);
    expect(() => parseJobRequest({ kind: 'edit', instanceId: 'abcdefabcdef', changes: { image: 'evil' } })).toThrow(/unknown change image/);
    expect(() => parseJobRequest({ kind: 'edit', instanceId: 'abcdefabcdef', changes: { restartPolicy: 'always' } })).toThrow(/restartPolicy/);
    expect(() => parseJobRequest([])).toThrow(/JSON object/);
  });
});

describe('an export job', () => {
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

  /** A runner over a scripted docker whose export script answers `dump`; the instance is found as `orders`. */
  function runnerFor(dump: Parameters<typeof scripted>[0][number][1]) {
    const cli = scripted([['exec c0ffee sh -c', dump]]);
    const core = createDockbase(cli);
    const dockbase = { ...core, lifecycle: { ...core.lifecycle, get: async () => orders } } as unknown as Dockbase;
    const store = new MemoryJobStore();
    const marks: JobMark[] = [];
    const runner = new JobRunner({ dockbase, cli, store, door: 'tab', engineLock: false, onMark: (_j, m) => void marks.push(m) });
    return { cli, runner, marks, core };
  }

  it('dumps into a temporary file in the container, journaled with its removal, and ends with the dump to save', async () => {
    const { runner, marks, cli } = runnerFor({ stdout: 'dockbase-progress 10\ndockbase-size 20\n' });
    const seen: Job[] = [];
    runner.subscribe((j) => seen.push(j));
    const job = await runner.start({ kind: 'export', instanceId: orders.id });
    expect(job).toMatchObject({ kind: 'export', title: 'Export with pg_dumpall', cancellable: true });
    const end = (await runner.wait(job.id))!;
    expect(end.state).toBe('succeeded');
    const dump = end.result as ExportDump;
    expect(dump).toEqual({
      temp: expect.stringMatching(/^\/tmp\/dockbase-export-[0-9a-f]{12}$/),
      container: 'c0ffee',
      stem: expect.stringMatching(/^orders-\d{8}-\d{6}$/),
      extension: '.sql',
      sizeBytes: 20,
      tool: 'pg_dumpall',
    });
    expect(seen.some((j) => j.state === 'running' && j.progress.step === 'dump' && j.progress.bytes === 10 && j.cancellable)).toBe(true);
    // Interrupted while the tool writes, recovery removes the file; a finished dump is kept for the save.
    expect(marks.map(({ at: _at, ...m }) => m)).toEqual([
      { phase: 'begin', step: 'dump', undo: [{ do: 'remove-temp', container: 'c0ffee', path: dump.temp }] },
      { phase: 'end', step: 'dump' },
    ]);
    expect(cli.calls.some((c) => c.includes(CANCEL_SCRIPT))).toBe(false);
  });

  it('leaves nothing in the container when the tool fails', async () => {
    const { runner, cli } = runnerFor((args) => (args.includes(CANCEL_SCRIPT) ? {} : { code: 1, stderr: 'pg_dumpall: error: connection refused' }));
    const job = await runner.start({ kind: 'export', instanceId: orders.id });
    const end = (await runner.wait(job.id))!;
    expect(end).toMatchObject({ state: 'failed', code: 'command-failed' });
    expect(end.message).toMatch(/connection refused/);
    const temp = cli.calls[0]!.at(-1)!;
    // (After it, only the check that the engine still answers: the failure is the tool's.)
    expect(cli.calls.filter((c) => c[0] !== 'version').at(-1)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', temp]);
  });

  it('is saved into a folder by the door, and a failed save keeps the dump to be saved again or discarded', async () => {
    const { runner, cli, core } = runnerFor({ stdout: 'dockbase-size 20\n' });
    const job = await runner.start({ kind: 'export', instanceId: orders.id });
    const dump = (await runner.wait(job.id))!.result as ExportDump;
    const cp = scripted([['cp', { code: 1, stderr: 'no space left on device' }]]);
    await expect(createDockbase(cp).backups.saveExport(orders, dump, '/home/me/backups')).rejects.toMatchObject({ code: 'command-failed' });
    expect(cp.calls.map((c) => c[0])).toEqual(['cp']);
    const r = await core.backups.saveExport(orders, dump, '/home/me/backups');
    expect(r).toEqual({ file: `/home/me/backups/${dump.stem}.sql`, sizeBytes: 20, tool: 'pg_dumpall' });
    expect(cli.calls.slice(-2)).toEqual([
      ['cp', `c0ffee:${dump.temp}`, '-'],
      ['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', dump.temp],
    ]);
    await core.backups.discardExport(orders, dump);
    expect(cli.calls.at(-1)).toEqual(['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', dump.temp]);
  });

  it('refuses to save what is not a dump of this container, or under a name that is not a plain file name', async () => {
    const { core } = runnerFor({});
    const dump: ExportDump = { temp: '/tmp/dockbase-export-0123456789ab', container: 'c0ffee', stem: 'orders-1', extension: '.sql', sizeBytes: 1, tool: 'x' };
    await expect(core.backups.saveExport(orders, { ...dump, temp: '/etc/passwd' }, '/home')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(core.backups.saveExport(orders, { ...dump, stem: '../x' }, '/home')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(core.backups.saveExport(orders, { ...dump, container: 'other' }, '/home')).rejects.toMatchObject({ code: 'not-found' });
    await expect(core.backups.saveExport(orders, dump, 'relative')).rejects.toMatchObject({ code: 'invalid-input', field: 'directory' });
  });
});

describe('a create job', () => {
  const input = { engine: 'redis', name: 'cache', tag: '7', hostPort: 6379, password: 'top secret', persistData: true, exposeOnNetwork: false } as const;

  it('names its instance before it exists, journals what undoes it before docker runs, and commits once it runs', async () => {
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['run --detach', { stdout: 'c0ffee\n' }],
    ]);
    const marks: JobMark[] = [];
    const runner = new JobRunner({ dockbase: createDockbase(cli), cli, store: new MemoryJobStore(), door: 'tab', onMark: (_j, m) => void marks.push(m) });
    const job = await runner.start({ kind: 'create', input });
    expect(job).toMatchObject({ kind: 'create', instanceName: 'cache', engine: 'redis', title: 'Create Redis 7', cancellable: true });
    const end = (await runner.wait(job.id))!;
    expect(end.state).toBe('succeeded');
    expect(end.result).toMatchObject({ id: job.instanceId, name: 'cache', containerId: 'c0ffee' });
    // A create holds no lock: docker's unique container name is its lock.
    expect(cli.calls.some((c) => c.includes('dockbase-lock-cache'))).toBe(false);
    expect(marks.map(({ at: _at, ...m }) => m)).toEqual([
      {
        phase: 'begin',
        step: 'create',
        undo: [
          { do: 'remove-others', instanceId: job.instanceId, keep: '' },
          { do: 'remove-scratch-volumes', volumes: ['dockbase-cache-data'] },
        ],
      },
      { phase: 'end', step: 'create' },
      { phase: 'commit', step: 'create', forward: [] },
    ]);
  });

  it('keeps kept data out of what an interrupted create removes', async () => {
    const kept =
      '[{"Name":"dockbase-cache-data","Labels":{"io.dockbase.volume":"data","io.dockbase.engine":"redis","io.dockbase.tag":"7","io.dockbase.mount":"/data"}}]';
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { stdout: kept }],
      ['run --detach', { stdout: 'c0ffee\n' }],
    ]);
    const marks: JobMark[] = [];
    const runner = new JobRunner({ dockbase: createDockbase(cli), cli, store: new MemoryJobStore(), door: 'tab', onMark: (_j, m) => void marks.push(m) });
    const job = await runner.start({ kind: 'create', input });
    expect((await runner.wait(job.id))!.state).toBe('succeeded');
    expect(marks[0]).toMatchObject({ phase: 'begin', step: 'create', undo: [{ do: 'remove-others', instanceId: job.instanceId, keep: '' }] });
  });

  it('refuses a second create of the same name from the same door while the first runs', async () => {
    let release = () => undefined as void;
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1 }],
      ['run --detach', { stdout: 'c0ffee\n' }],
    ]);
    const slow = {
      ...cli,
      run: async (args: readonly string[], o?: unknown) =>
        args[0] === 'run' ? new Promise<void>((r) => (release = r)).then(() => cli.run(args)) : cli.run(args, o as never),
    };
    const runner = new JobRunner({ dockbase: createDockbase(slow), cli: slow, store: new MemoryJobStore(), door: 'tab' });
    const first = await runner.start({ kind: 'create', input });
    await expect(runner.start({ kind: 'create', input }, 'cli')).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/^cache is being created/),
    });
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect((await runner.wait(first.id))!.state).toBe('succeeded');
  });

  it('says an interrupted create left nothing, and a delete what is still there', async () => {
    const store = new MemoryJobStore();
    const base = { by: 'tab', startedAt: at, state: 'running', progress: {}, cancellable: false, engine: 'redis', instanceName: 'cache' } as const;
    await store.insert({ ...base, id: 'a00000000001', kind: 'create', instanceId: 'b00000000001', title: 'Create Redis 7' });
    await store.mark('a00000000001', { at, phase: 'begin', step: 'create', undo: [{ do: 'remove-others', instanceId: 'b00000000001', keep: '' }] });
    await store.insert({ ...base, id: 'a00000000002', kind: 'delete', instanceId: 'b00000000002', title: 'Delete with its data' });
    await store.mark('a00000000002', { at, phase: 'begin', step: 'delete', undo: [] });
    const cli = scripted([['ps --all --quiet', { stdout: 'dead01\n' }]]);
    const runner = new JobRunner({ dockbase: createDockbase(cli), cli, store, door: 'tab', engineLock: false });
    const recovered = await runner.recover();
    expect(recovered.map((j) => j.message)).toEqual([
      'Create Redis 7 was interrupted at “create” (Dockbase stopped). cache was not made: what the job had made was removed.',
      'Delete with its data was interrupted at “delete” (Dockbase stopped). What was not deleted of cache yet is still there (the instance, or its data under Kept data): delete it again to finish.',
    ]);
    expect(cli.calls).toContainEqual(['rm', '--force', '--volumes', 'dead01']);
  });

  it('says an interrupted migration left its instance as it was, running again, and removed what it made for the new one', async () => {
    const store = new MemoryJobStore();
    const base = { by: 'tab', startedAt: at, state: 'running', progress: {}, cancellable: false, engine: 'redis', instanceName: 'cache' } as const;
    await store.insert({ ...base, id: 'a00000000003', kind: 'migrate', instanceId: 'b00000000003', title: 'Migrate to Valkey 8.1 as “cache-valkey”' });
    await store.mark('a00000000003', { at, phase: 'begin', step: 'stop', undo: [{ do: 'start', container: 'src01', instanceId: 'b00000000003' }] });
    await store.mark('a00000000003', { at, phase: 'end', step: 'stop' });
    await store.mark('a00000000003', { at, phase: 'begin', step: 'copy', undo: [{ do: 'remove-scratch-volumes', volumes: ['dockbase-cache-valkey-data'] }] });
    await store.mark('a00000000003', { at, phase: 'end', step: 'copy' });
    const cli = scripted([]);
    const runner = new JobRunner({ dockbase: createDockbase(cli), cli, store, door: 'tab', engineLock: false });
    const [recovered] = await runner.recover();
    expect(recovered!.message).toBe(
      'Migrate to Valkey 8.1 as “cache-valkey” was interrupted at “copy” (Dockbase stopped). cache is as it was, and runs again; the new instance was not made: what the job had made for it was removed.',
    );
    expect(cli.calls).toContainEqual(['volume', 'rm', 'dockbase-cache-valkey-data']);
    expect(cli.calls).toContainEqual(['start', 'src01']);
  });
});

describe('starts and stops', () => {
  it('run four at a time; the others wait their turn, said as “queued”', async () => {
    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const instances = Array.from({ length: 6 }, (_, i) => ({ id: `a0000000000${i}`, name: `db${i}`, engine: 'redis', image: 'redis', tag: '7' }) as Instance);
    const core = createDockbase(scripted([]));
    const dockbase = {
      ...core,
      lifecycle: {
        ...core.lifecycle,
        get: async (id: string) => instances.find((i) => i.id === id)!,
        stop: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise<void>((r) => gates.push(r));
          inFlight--;
        },
      },
    } as unknown as Dockbase;
    const cli = scripted([]);
    const seen: Job[] = [];
    const runner = new JobRunner({ dockbase, cli, store: new MemoryJobStore(), door: 'tab', engineLock: false });
    runner.subscribe((j) => seen.push(j));
    const jobs = await Promise.all(instances.map((i) => runner.start({ kind: 'stop', instanceId: i.id })));
    await new Promise((r) => setTimeout(r, 10));
    expect(inFlight).toBe(4);
    expect([...new Set(seen.filter((j) => j.progress.step === 'queued').map((j) => j.instanceName))]).toEqual(['db4', 'db5']);
    for (let released = 0; released < 6;) {
      const gate = gates.shift();
      if (gate) {
        gate();
        released++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const ends = await Promise.all(jobs.map((j) => runner.wait(j.id)));
    expect(ends.every((j) => j?.state === 'succeeded')).toBe(true);
    expect(most).toBe(4);
  });
});

describe('job requests for the new kinds', () => {
  const input = { engine: 'postgres', name: 'app', tag: '17', hostPort: 5432, password: 'x', persistData: true, exposeOnNetwork: false };

  it('takes a create, a clone, a start and a delete', () => {
    expect(parseJobRequest({ kind: 'create', input, seedFiles: ['/home/me/seed.sql'] })).toEqual({ kind: 'create', input, seedFiles: ['/home/me/seed.sql'] });
    expect(
      parseJobRequest({ kind: 'clone', snapshotId: 'abcdefabcdef', input: { name: 'b', hostPort: 5433, password: 'x', exposeOnNetwork: false } }),
    ).toMatchObject({
      kind: 'clone',
    });
    expect(parseJobRequest({ kind: 'start', instanceId: 'abcdefabcdef' })).toEqual({ kind: 'start', instanceId: 'abcdefabcdef' });
    expect(parseJobRequest({ kind: 'delete', instanceId: 'abcdefabcdef', removeData: true })).toEqual({
      kind: 'delete',
      instanceId: 'abcdefabcdef',
      removeData: true,
    });
  });

  it('refuses what a create or a clone does not take, naming the field', () => {
    expect(() => parseJobRequest({ kind: 'create', input: { ...input, engine: 'oracle' } })).toThrow(/engine must be one of/);
    expect(() => parseJobRequest({ kind: 'create', input: { ...input, hostPort: '5432' } })).toThrow(/hostPort is a number/);
    expect(() => parseJobRequest({ kind: 'create', input: { ...input, privileged: true } })).toThrow(/unknown field privileged/);
    const { password: _p, ...noPassword } = input;
    expect(() => parseJobRequest({ kind: 'create', input: noPassword })).toThrow(/password is required/);
    expect(() => parseJobRequest({ kind: 'clone', snapshotId: 'abcdefabcdef', input: { ...input } })).toThrow(/unknown field engine/);
    expect(() => parseJobRequest({ kind: 'delete', instanceId: 'abcdefabcdef' })).toThrow(/removeData/);
  });
});

describe('a job’s lock', () => {
  it('goes with its anonymous volume when the job ends (a database image declares a VOLUME)', async () => {
    const orders = { id: 'abcdefabcdef', name: 'orders', engine: 'redis', image: 'redis', tag: '7', containerId: 'c0ffee', volumes: [] } as unknown as Instance;
    const cli = scripted([['container create --name dockbase-lock-orders', { stdout: 'lock1\n' }]]);
    const core = createDockbase(cli);
    const dockbase = { ...core, lifecycle: { ...core.lifecycle, get: async () => orders, stop: async () => undefined } } as unknown as Dockbase;
    const runner = new JobRunner({ dockbase, cli, store: new MemoryJobStore(), door: 'cli' });
    const job = await runner.start({ kind: 'stop', instanceId: orders.id });
    expect((await runner.wait(job.id))?.state).toBe('succeeded');
    expect(cli.calls.at(-1)).toEqual(['rm', '--force', '--volumes', 'lock1']);
  });
});
