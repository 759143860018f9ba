import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createContainerArgs,
  createContainerEnv,
  getEngine,
  inspectContainerArgs,
  listInstancesArgs,
  logsArgs,
  probeArgs,
  stopArgs,
  volumeName,
  volumeRemoveArgs,
  type CreatePlan,
} from '@dockbase/core';
import { ExecGuard, MAX_ENV, parseExecRequest, refusal } from './allowlist';
import { writeFakes, type Fakes } from './test-support/fakes';

const INSTANCE = 'a'.repeat(64);
const INHERITED = 'b'.repeat(64);
const STRANGER = 'c'.repeat(64);

const plan: CreatePlan = {
  id: '0123456789ab',
  dataId: '0123456789ab',
  name: 'db',
  engine: 'postgres',
  image: 'postgres',
  tag: '17',
  hostPort: 5432,
  bindAddress: '127.0.0.1',
  password: 'p w "$(id)"',
  volumes: getEngine('postgres')
    .dataMounts('17')
    .map((mount) => ({ name: volumeName('db', mount.key), mount })),
};

describe('refusal: the core’s command policy, as the host applies it', () => {
  it('lets through what the core builds, and only that', () => {
    expect(refusal('ps', listInstancesArgs().slice(1))).toBeUndefined();
    const [cmd, ...args] = createContainerArgs(plan, { start: true, secretEnv: true });
    expect(refusal(cmd!, args, createContainerEnv(plan))).toBeUndefined();
    for (const e of ['postgres', 'mysql', 'mariadb', 'mongo', 'redis'] as const) {
      const [c, ...a] = probeArgs(INSTANCE, e);
      expect(refusal(c!, a)).toBeUndefined();
    }
    expect(refusal('run', ['--detach', '--pull', 'never', '--name', 'db', 'redis:8.2'])).toMatch(/not allowed/);
    expect(refusal('create', ['--name', 'db', 'postgres:17'])).toMatch(/not allowed/);
    expect(refusal('volume', ['create', 'x'])).toMatch(/not allowed/);
  });

  it('does not echo argument values in its messages', () => {
    expect(refusal('ps', ['--host=tcp://secret-host:2375'])).not.toContain('secret');
  });
});

describe('parseExecRequest', () => {
  it('accepts {cmd, args} and an env of strings, nothing else', () => {
    const parse = (v: unknown) => parseExecRequest(Buffer.from(JSON.stringify(v)));
    expect(parse({ cmd: 'ps', args: [] })).toEqual({ cmd: 'ps', args: [] });
    expect(parse({ cmd: 'run', args: [], env: { POSTGRES_PASSWORD: 'x' } })).toEqual({ cmd: 'run', args: [], env: { POSTGRES_PASSWORD: 'x' } });
    expect(parse({ cmd: 'ps', args: [], cwd: '/' })).toMatch(/expected only/);
    expect(parse({ cmd: 'ps', args: [], env: { 'bad name': 'x' } })).toMatch(/variable names/);
    expect(parse({ cmd: 'ps', args: [], env: { A: 1 } })).toMatch(/variable names/);
    expect(parse({ cmd: 'ps', args: [], env: ['A=1'] })).toMatch(/object/);
    expect(parse({ cmd: 'ps', args: [], env: Object.fromEntries(Array.from({ length: MAX_ENV + 1 }, (_, i) => [`V${i}`, 'x'])) })).toMatch(/at most/);
    expect(parse({ cmd: 'ps', args: [], env: { A: 'x\0y' } })).toMatch(/NUL/);
    expect(parseExecRequest(Buffer.from('nope'))).toMatch(/not JSON/);
  });
});

describe('ExecGuard: what a call acts on must be Dockbase’s, asked of the engine', () => {
  let fakes: Fakes;
  let guard: ExecGuard;
  const body = (argv: string[], env?: Record<string, string>) => Buffer.from(JSON.stringify({ cmd: argv[0], args: argv.slice(1), ...(env ? { env } : {}) }));
  beforeAll(() => {
    fakes = writeFakes();
    fakes.setState({ instances: [INSTANCE], inherited: [INHERITED], volumes: ['dockbase-db-data'] });
    guard = new ExecGuard(fakes.docker);
  });
  afterAll(() => fakes.remove());

  it('allows the core’s commands on an instance, and remembers that it is one', async () => {
    expect(await guard.authorize(body(stopArgs(INSTANCE, 30)))).toMatchObject({ ok: true, request: { cmd: 'stop' } });
    const before = fakes.calls().length;
    expect(await guard.authorize(body(logsArgs(INSTANCE, { tail: 10 })))).toMatchObject({ ok: true });
    expect(fakes.calls().length).toBe(before);
  });

  it('refuses them on a container whose Dockbase labels come from its image', async () => {
    const answer = await guard.authorize(body(inspectContainerArgs(INHERITED)));
    expect(answer).toMatchObject({
      ok: false,
      status: 403,
      error: expect.stringMatching(/not allowed to inspect an instance: container bbbbbbbbbbbb is not Dockbase's \(its Dockbase labels come from its image/),
    });
  });

  it('answers like docker for a container that does not exist', async () => {
    expect(await guard.authorize(body(probeArgs(STRANGER, 'redis')))).toMatchObject({ ok: false, status: 404, error: `Error: No such container: ${STRANGER}` });
  });

  it('removes only Dockbase data volumes', async () => {
    expect(await guard.authorize(body(volumeRemoveArgs(['dockbase-db-data'])))).toMatchObject({ ok: true });
    expect(await guard.authorize(body(volumeRemoveArgs(['dockbase-db-configdb'])))).toMatchObject({ ok: false, status: 404 });
  });

  it('answers 503 when the engine cannot be asked', async () => {
    const broken = new ExecGuard('/nonexistent/docker');
    expect(await broken.authorize(body(stopArgs(INSTANCE, 30)))).toMatchObject({ ok: false, status: 503 });
  });

  it('takes a create’s secret from the env, and refuses any other variable', async () => {
    const argv = createContainerArgs(plan, { start: true, secretEnv: true });
    expect(await guard.authorize(body(argv, createContainerEnv(plan)))).toMatchObject({ ok: true, request: { env: { POSTGRES_PASSWORD: plan.password } } });
    expect(await guard.authorize(body(argv, { ...createContainerEnv(plan), DOCKER_HOST: 'tcp://evil:2375' }))).toMatchObject({ ok: false, status: 403 });
    expect(await guard.authorize(body(listInstancesArgs(), { DOCKER_HOST: 'tcp://evil:2375' }))).toMatchObject({ ok: false, status: 403 });
  });
});
