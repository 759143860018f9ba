import { describe, expect, it } from 'vitest';
import { BranchCopies, branchCopyRefusal, type BranchCopyInput } from './branch-copy';
import { DockerRunner } from '../docker/runner';
import { copyVolumesScript } from '../docker/data-scripts';
import { getEngine } from '../engines';
import { DockbaseError } from '../model/errors';
import type { Instance } from '../model/instance';
import type { CreateInstanceInput } from '../model/validation';
import type { JobMark, StepJournal } from '../jobs/job';
import { parseJobRequest } from '../jobs/requests';
import { recoverJob, recoveryPlan } from '../jobs/recovery';
import { jobHistoryEntry } from '../jobs/job-records';
import type { InstanceCreation } from './create';
import type { InstanceLifecycle } from './lifecycle';
import type { Readiness } from './readiness';
import { scripted } from '../test-support/scripted-cli';

const source = (over: Partial<Instance> = {}): Instance => ({
  id: 'a1b2c3d4e5f6',
  name: 'shop-orders',
  engine: 'postgres',
  image: '127.0.0.1:5000/dockbase-test/postgres-debian',
  tag: '17',
  hostPort: 55432,
  bindAddress: '127.0.0.1',
  status: 'running',
  health: 'healthy',
  createdAt: '2026-01-01T00:00:00Z',
  volumes: ['dockbase-shop-orders-data'],
  dataId: 'a1b2c3d4e5f6',
  containerId: 'c0ffee',
  statusText: 'Up',
  database: 'orders',
  settings: { max_connections: '50' },
  project: { name: 'shop', path: '/home/me/shop' },
  ...over,
});

const input: BranchCopyInput = { name: 'shop-orders--feature-a-1a2b3c', project: { name: 'shop', path: '/home/me/shop', branch: 'feature/a' } };

/**
 * The branch copy over fakes: docker answers by script (argv recorded), and the lifecycle, creation and
 * readiness each write what they were asked into one log, in order.
 */
function setup(options: { existingVolume?: boolean; copyFails?: boolean; createFails?: boolean; readyFails?: boolean } = {}) {
  const log: string[] = [];
  const created: CreateInstanceInput[] = [];
  const cli = scripted([
    ['volume inspect', () => (options.existingVolume ? { stdout: '[]' } : { code: 1, stderr: 'Error: No such volume' })],
    [
      'run --rm',
      (args) => {
        log.push(`copy ${args.filter((a) => a.startsWith('type=volume')).join(' ')}`);
        return options.copyFails ? { code: 1, stderr: 'cp: write error: No space left on device' } : {};
      },
    ],
    ['volume rm', (args) => (log.push(`volume rm ${args.slice(2).join(' ')}`), {})],
  ]);
  const lifecycle = {
    details: async () => ({ env: ['POSTGRES_PASSWORD=the app password', 'POSTGRES_DB=orders'], cmd: [] }),
    stop: async (i: Instance) => void log.push(`stop ${i.name}`),
    start: async (i: Instance) => void log.push(`start ${i.name}`),
    remove: async (i: Instance, o: { removeData?: boolean }) => void log.push(`remove ${i.name}${o.removeData ? ' with its data' : ''}`),
  } as unknown as InstanceLifecycle;
  const creation = {
    usage: async () => ({ names: new Set(['shop-orders']), ports: new Map([[55432, { container: 'shop-orders', running: true }]]) }),
    create: async (i: CreateInstanceInput, o: { start?: boolean; commit?: boolean; madeVolumes?: readonly string[] }) => {
      log.push(`create ${i.name} start=${o.start} commit=${o.commit}${o.madeVolumes ? ` made=${o.madeVolumes.join(',')}` : ''}`);
      created.push(i);
      if (options.createFails) throw new DockbaseError('command-failed', 'docker run failed');
      return { ...source(), id: 'f00df00df00d', name: i.name, containerId: 'beef', project: i.project, volumes: [`dockbase-${i.name}-data`] };
    },
  } as unknown as InstanceCreation;
  const readiness = {
    waitUntilReady: async (i: Instance) => {
      log.push(`ready? ${i.name}`);
      if (options.readyFails && i.name !== 'shop-orders') throw new DockbaseError('command-failed', 'the server did not answer within 120 s');
      return i;
    },
  } as unknown as Readiness;
  const marks: JobMark[] = [];
  const journal: StepJournal = {
    begin: async (step, undo = []) => void marks.push({ at: '', phase: 'begin', step, undo }),
    end: async (step) => void marks.push({ at: '', phase: 'end', step }),
    commit: async (step, forward = []) => void marks.push({ at: '', phase: 'commit', step, forward }),
  };
  const branches = new BranchCopies(new DockerRunner(cli), lifecycle, readiness, creation, async () => void log.push('capabilities'));
  return { branches, cli, log, created, marks, journal };
}

describe('a branch copy', () => {
  it('stops the source, copies its volumes ONCE straight into the copy’s, and starts the copy on its port with its password', async () => {
    const { branches, cli, log, created, marks, journal } = setup();
    const steps: string[] = [];
    const made = await branches.branch(source(), input, { journal, onStep: (s) => steps.push(s) });
    // The engine's capabilities (create reads them) are asked with the checks, before the source stops.
    expect(log).toEqual([
      'capabilities',
      'stop shop-orders',
      expect.stringMatching(
        /^copy type=volume,source=dockbase-shop-orders-data,target=\/from\/data,readonly type=volume,source=dockbase-shop-orders--feature-a-1a2b3c-data,target=\/to\/data,/,
      ),
      // The copy's volumes are named as made here: create looks for no snapshot holding them, no settings record beside them.
      'create shop-orders--feature-a-1a2b3c start=true commit=false made=dockbase-shop-orders--feature-a-1a2b3c-data',
      'ready? shop-orders--feature-a-1a2b3c',
    ]);
    expect(steps).toEqual(['stop', 'copy', 'start', 'ready']);
    // One helper copy: no snapshot volume is made, and nothing is deleted afterwards.
    const helpers = cli.calls.filter((c) => c[0] === 'run');
    expect(helpers).toHaveLength(1);
    expect(helpers[0]).toEqual(
      expect.arrayContaining(['--network', 'none', '--pull', 'never', `${source().image}:17`, copyVolumesScript(getEngine('postgres'))]),
    );
    expect(cli.calls.some((c) => c.join(' ').includes('snap'))).toBe(false);
    expect(cli.calls.some((c) => c[0] === 'volume' && c[1] === 'rm')).toBe(false);
    // The copy's labels make it the branch's: its data id is new, its user and database the source's.
    const to = helpers[0]!.find((a) => a.includes('target=/to/data'))!;
    expect(to).toContain('io.dockbase.name=shop-orders--feature-a-1a2b3c');
    expect(to).toContain('io.dockbase.database=orders');
    expect(to).not.toContain('a1b2c3d4e5f6');
    // Everything the source had, but its name: the app's .env works unchanged.
    expect(created[0]).toEqual({
      engine: 'postgres',
      name: 'shop-orders--feature-a-1a2b3c',
      tag: '17',
      image: source().image,
      hostPort: 55432,
      password: 'the app password',
      persistData: true,
      exposeOnNetwork: false,
      database: 'orders',
      settings: { max_connections: '50' },
      project: { name: 'shop', path: '/home/me/shop', branch: 'feature/a' },
    });
    // The password goes to create (in memory), never into an argv.
    expect(cli.calls.flat().join(' ')).not.toContain('the app password');
    expect(made).toMatchObject({ name: input.name, hostPort: 55432, branchedFrom: { id: source().id, name: 'shop-orders', wasRunning: true } });
    // Journaled: the stop undone by a start, the copy by removing the volumes it made; committed once it answers.
    expect(marks.map((m) => `${m.phase} ${m.step}`)).toEqual(['begin stop', 'end stop', 'begin copy', 'end copy', 'commit branched']);
    expect(recoveryPlan(marks.slice(0, 3)).actions).toEqual([
      { do: 'remove-scratch-volumes', volumes: ['dockbase-shop-orders--feature-a-1a2b3c-data'] },
      { do: 'start', container: 'c0ffee', instanceId: source().id },
    ]);
    expect(recoveryPlan(marks)).toMatchObject({ how: 'completed', actions: [] });
  });

  it('keeps its flavour and exposure; a stopped source is copied as it is and stays stopped', async () => {
    const { branches, log, created } = setup();
    await branches.branch(source({ status: 'exited', flavour: 'pgvector', tag: 'pg17', bindAddress: '0.0.0.0' }), input);
    expect(log[1]).toMatch(/^copy /);
    expect(log.filter((l) => l.startsWith('stop') || l.startsWith('start'))).toEqual([]);
    expect(created[0]).toMatchObject({ flavour: 'pgvector', exposeOnNetwork: true });
  });

  it('when the copy fails: the volumes it made go, the source runs again, nothing is created', async () => {
    const { branches, log } = setup({ copyFails: true });
    await expect(branches.branch(source(), input)).rejects.toThrow('Could not copy the data of shop-orders: Docker has run out of disk space');
    expect(log).toEqual([
      'capabilities',
      'stop shop-orders',
      expect.stringMatching(/^copy /),
      'volume rm dockbase-shop-orders--feature-a-1a2b3c-data',
      'start shop-orders',
      'ready? shop-orders',
    ]);
  });

  it('when the copy does not answer: it is removed with its data, and the source runs again', async () => {
    const { branches, log } = setup({ readyFails: true });
    const failure = branches.branch(source(), input);
    await expect(failure).rejects.toThrow(
      /shop-orders--feature-a-1a2b3c did not start on its copy of shop-orders's data, so it was removed again; shop-orders keeps its data as it was and runs again: the server did not answer/,
    );
    expect(log.slice(3)).toEqual([
      // The copy's volumes are named as made here: create looks for no snapshot holding them, no settings record beside them.
      'create shop-orders--feature-a-1a2b3c start=true commit=false made=dockbase-shop-orders--feature-a-1a2b3c-data',
      'ready? shop-orders--feature-a-1a2b3c',
      'remove shop-orders--feature-a-1a2b3c with its data',
      'volume rm dockbase-shop-orders--feature-a-1a2b3c-data',
      'start shop-orders',
      'ready? shop-orders',
    ]);
  });

  it('when create fails: its volumes go and the source runs again', async () => {
    const { branches, log } = setup({ createFails: true });
    await expect(branches.branch(source(), input)).rejects.toThrow('docker run failed');
    expect(log.slice(-3)).toEqual(['volume rm dockbase-shop-orders--feature-a-1a2b3c-data', 'start shop-orders', 'ready? shop-orders']);
  });

  it('refuses before anything stops: a volume of the copy’s name, a taken name, no data volume, no branch', async () => {
    const taken = setup({ existingVolume: true });
    await expect(taken.branches.branch(source(), input)).rejects.toThrow(
      'A volume named dockbase-shop-orders--feature-a-1a2b3c-data already exists. shop-orders was not changed.',
    );
    expect(taken.log).toEqual(['capabilities']);
    const name = setup();
    await expect(name.branches.branch(source(), { ...input, name: 'shop-orders' })).rejects.toMatchObject({ code: 'name-in-use' });
    expect(name.log).toEqual(['capabilities']);
    expect(branchCopyRefusal(source({ volumes: [] }), input)).toMatch(/keeps its data in no volume/);
    expect(branchCopyRefusal(source(), { ...input, project: { ...input.project, branch: '' } })).toMatch(/branch/);
  });

  it('is a job request of its own: a name and the project with its branch, nothing else', () => {
    const request = { kind: 'branch', instanceId: 'a1b2c3d4e5f6', input };
    expect(parseJobRequest(request)).toEqual(request);
    expect(() => parseJobRequest({ ...request, input: { ...input, hostPort: 1 } })).toThrow(/unknown field hostPort/);
    expect(() => parseJobRequest({ ...request, input: { ...input, project: { name: 'shop', path: '/p' } } })).toThrow(/project.branch is required/);
    expect(() => parseJobRequest({ ...request, input: { project: input.project } })).toThrow(/name/);
  });

  it('interrupted mid-copy (the process died), the next start removes the half-made copy and starts the source again', async () => {
    const { branches, marks, journal } = setup({ readyFails: true });
    await branches.branch(source(), input, { journal }).catch(() => undefined);
    // The journal as a process killed during the copy left it: the stop and the copy begun, nothing committed.
    const left = marks.slice(0, 3);
    const cli = scripted([]);
    const recovered = await recoverJob(
      {
        docker: new DockerRunner(cli),
        lifecycle: { get: async () => source({ status: 'running' }) },
        readiness: { waitUntilReady: async (i: Instance) => i },
        credentials: { apply: async () => undefined },
      } as unknown as Parameters<typeof recoverJob>[0],
      {
        job: {
          id: '0123456789ab',
          kind: 'branch',
          instanceId: source().id,
          instanceName: 'shop-orders',
          engine: 'postgres',
          title: 'Copy for the branch feature/a as “shop-orders--feature-a-1a2b3c”',
          by: 'cli',
          startedAt: '2026-12-06T10:00:00.000Z',
          state: 'running',
          progress: {},
          cancellable: true,
        },
        marks: left,
      },
    );
    expect(cli.calls.map((c) => c.slice(0, 3).join(' '))).toEqual(['volume rm dockbase-shop-orders--feature-a-1a2b3c-data', 'start c0ffee']);
    expect(recovered).toEqual({
      recovered: 'undone',
      message:
        'Copy for the branch feature/a as “shop-orders--feature-a-1a2b3c” was interrupted at “copy” (Dockbase stopped). shop-orders keeps its data as it was, and runs again; the branch copy was not made: what the job had made for it was removed.',
    });
  });

  it('is in the history as the copy it made', () => {
    const entry = jobHistoryEntry({
      id: '0123456789ab',
      kind: 'branch',
      instanceId: 'a1b2c3d4e5f6',
      instanceName: 'shop-orders',
      engine: 'postgres',
      title: 'Copy for the branch feature/a',
      by: 'cli',
      startedAt: '2026-12-06T10:00:00.000Z',
      state: 'succeeded',
      progress: {},
      cancellable: false,
      result: { ...source(), name: input.name, project: input.project, branchedFrom: { id: 'a1b2c3d4e5f6', name: 'shop-orders', wasRunning: true } },
    });
    expect(entry).toEqual({
      action: 'branch',
      outcome: 'ok',
      detail: '“shop-orders--feature-a-1a2b3c” made from “shop-orders” for the branch feature/a, on port 55432',
    });
  });
});
