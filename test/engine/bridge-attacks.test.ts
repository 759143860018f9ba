import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainerArgs, createContainerEnv, getEngine, probeArgs, volumeName, type CreatePlan } from '@dockbase/core';
import { startBridgeHost, type BridgeHost } from '../support/bridge';
import { realDocker, testPort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// The standalone host's bridge is a boundary: with a valid token, an attacker (or a future XSS in the page)
// can run only the argv shapes the core builds, on Dockbase's own containers and volumes. Each attack below
// goes over HTTP to the real host, on the real engine, and must be refused with 403 before docker runs.
const { docker, cleanup } = realDocker();
const run = `sec-${crypto.randomBytes(3).toString('hex')}`;
const IMAGE = `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`;
const EVIL_IMAGE = `dockbase-sec-test/evil:${run}`;
const victimVolume = `${run}-victim-vol`;
const handMadeDockbaseVolume = `dockbase-${run}-data`;
const cidFiles = [path.join(os.tmpdir(), `${run}-cid`), path.join(os.tmpdir(), `${run}-cid2`)];
const port = testPort(60);

let bridge: BridgeHost;
let victim = '';
let evil = '';
let victimStartedAt = '';

const plan: CreatePlan = {
  id: '0123456789ab',
  dataId: '0123456789ab',
  name: `${run}-x`,
  engine: 'redis',
  image: REDIS_TEST_IMAGE,
  tag: REDIS_TEST_TAG,
  hostPort: port,
  bindAddress: '127.0.0.1',
  password: 'attack-password',
  volumes: getEngine('redis')
    .dataMounts(REDIS_TEST_TAG)
    .map((mount) => ({ name: volumeName(`${run}-x`, mount.key), mount })),
};
/** A create the core would build: every attack below is a variation of it, or another command. */
const base = createContainerArgs(plan, { start: true });
/** `base` with `extra` among its options (after `--pull never`). */
const withOptions = (...extra: string[]) => [...base.slice(0, 4), ...extra, ...base.slice(4)];
const replaced = (from: string, to: string) => base.map((a) => (a === from ? to : a));
const mountAt = base.findIndex((a) => a.startsWith('type=volume,'));
const image = base.indexOf(`${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);

beforeAll(async () => {
  await cleanup(run);
  // Not Dockbase's: a container run by hand, and one run from an image that carries Dockbase's labels.
  victim = (await docker('run', '--detach', '--name', `${run}-victim`, IMAGE)).trim();
  victimStartedAt = (await docker('inspect', '--format', '{{.State.StartedAt}}', victim)).trim();
  await docker('volume', 'create', victimVolume);
  await docker('volume', 'create', handMadeDockbaseVolume);
  const context = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-evil-`));
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    `FROM ${IMAGE}\nLABEL io.dockbase.instance=x io.dockbase.engine=redis io.dockbase.volumes=${victimVolume}\n`,
  );
  const built = await realDocker().cli.run(['build', '--quiet', '--tag', EVIL_IMAGE, context]);
  fs.rmSync(context, { recursive: true, force: true });
  if (built.code !== 0) throw new Error(`docker build failed: ${built.stderr}`);
  evil = (await docker('run', '--detach', '--name', `${run}-evil`, EVIL_IMAGE)).trim();
  bridge = await startBridgeHost();
});

afterAll(async () => {
  await bridge?.close();
  await cleanup(run);
  await docker('volume', 'rm', '--force', victimVolume, handMadeDockbaseVolume).catch(() => undefined);
  await docker('image', 'rm', '--force', EVIL_IMAGE).catch(() => undefined);
  for (const f of cidFiles) fs.rmSync(f, { force: true });
});

const attacks: Array<[string, () => string[], (() => Record<string, string>)?]> = [
  // The reproductions.
  [
    'run --detach --pid host -v /:/host … reads /etc/shadow',
    () => ['run', '--detach', '--pid', 'host', '-v', '/:/host', '--name', `${run}-shadow`, IMAGE, 'cat', '/host/etc/shadow'],
  ],
  ['create --env-file reads a host file', () => ['create', '--env-file', '/etc/os-release', '--name', `${run}-envfile`, IMAGE]],
  ['create --cidfile writes a host file', () => ['create', '--cidfile', cidFiles[0]!, '--name', `${run}-cid`, IMAGE]],
  ['volume create --opt binds /etc', () => ['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/etc', `${run}-bind`]],
  ['run --detach --detach=false runs attached', () => ['run', '--detach', '--detach=false', '--name', `${run}-attached`, IMAGE]],
  // Dockbase's own create, with one more option.
  ['-v', () => withOptions('-v', '/:/host')],
  ['--volume=', () => withOptions('--volume=/:/host')],
  ['a bind --mount', () => withOptions('--mount', 'type=bind,source=/,target=/host')],
  ['a tmpfs --mount', () => withOptions('--mount', 'type=tmpfs,target=/host')],
  ['--volumes-from', () => withOptions('--volumes-from', `${run}-victim`)],
  ['--privileged', () => withOptions('--privileged')],
  ['--pid host', () => withOptions('--pid', 'host')],
  ['--pid=host', () => withOptions('--pid=host')],
  ['--ipc host', () => withOptions('--ipc', 'host')],
  ['--network host', () => withOptions('--network', 'host')],
  ['--net=host', () => withOptions('--net=host')],
  ['--userns host', () => withOptions('--userns', 'host')],
  ['--cap-add', () => withOptions('--cap-add', 'SYS_ADMIN')],
  ['--cap-add=ALL', () => withOptions('--cap-add=ALL')],
  ['--device', () => withOptions('--device', '/dev/sda')],
  ['--security-opt', () => withOptions('--security-opt', 'seccomp=unconfined')],
  ['--env-file', () => withOptions('--env-file', '/etc/os-release')],
  ['--cidfile', () => withOptions('--cidfile', cidFiles[1]!)],
  ['--entrypoint', () => withOptions('--entrypoint', '/bin/sh')],
  ['--user 0', () => withOptions('--user', '0')],
  ['-it', () => withOptions('-it')],
  ['--rm', () => withOptions('--rm')],
  ['--restart always', () => withOptions('--restart', 'always')],
  ['-d instead of --detach', () => replaced('--detach', '-d')],
  ['--detach=false instead of --detach', () => replaced('--detach', '--detach=false')],
  ['an abbreviated option', () => replaced('--publish', '--pub')],
  ['-e instead of --env', () => replaced('--env', '-e')],
  ['an =-joined option', () => [...base.slice(0, 4), `--name=${plan.name}`, ...base.slice(6)]],
  ['a repeated --name', () => withOptions('--name', `${run}-other`)],
  ['a repeated --label', () => withOptions('--label', 'io.dockbase.instance=ffffffffffff')],
  ['arguments after --', () => [...base.slice(0, image), '--', ...base.slice(image)]],
  ['another command for the container', () => [...base.slice(0, image + 1), 'sh', '-c', 'cat /etc/shadow']],
  ['an option after the command', () => [...base, '--privileged']],
  ['another health command', () => base.map((a, i) => (base[i - 1] === '--health-cmd' ? 'cat /etc/shadow' : a))],
  ['a mount of a volume that is not the instance’s', () => base.map((a, i) => (i === mountAt ? a.replace(/source=[^,]+/, `source=${victimVolume}`) : a))],
  [
    'a mount with volume options (a bind in disguise)',
    () => base.map((a, i) => (i === mountAt ? `${a},volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc` : a)),
  ],
  ['a publish the labels do not record', () => base.map((a) => a.replace(`127.0.0.1:${port}:6379`, `0.0.0.0:${port}:6379`))],
  ['a global option', () => ['--host', 'tcp://127.0.0.1:2375', 'ps']],
  ['--context on a subcommand', () => ['ps', '--context=evil']],
  ['an environment docker itself reads', () => ['version', '--format', '{{json .}}'], () => ({ DOCKER_HOST: 'tcp://127.0.0.1:1' })],
  [
    'a create’s secrets plus DOCKER_CONFIG',
    () => createContainerArgs(plan, { start: true, secretEnv: true }),
    () => ({ ...createContainerEnv(plan), DOCKER_CONFIG: '/tmp' }),
  ],
  // Lifecycle, logs, inspect and rm on containers Dockbase did not create.
  ['stop of a container by name', () => ['stop', '--time', '1', `${run}-victim`]],
  ['stop of a container by id prefix', () => ['stop', '--time', '1', victim.slice(0, 12)]],
  ['stop of a hand-made container', () => ['stop', '--time', '1', victim]],
  ['restart of a hand-made container', () => ['restart', '--time', '1', victim]],
  ['rm of a hand-made container', () => ['rm', '--force', '--volumes', victim]],
  ['logs of a hand-made container', () => ['logs', '--tail', '10', victim]],
  ['inspect of a hand-made container', () => ['container', 'inspect', victim]],
  ['a probe exec in a hand-made container', () => probeArgs(victim, 'redis')],
  ['stop of a container with image-inherited labels', () => ['stop', '--time', '1', evil]],
  ['rm of a container with image-inherited labels', () => ['rm', '--force', '--volumes', evil]],
  ['logs of a container with image-inherited labels', () => ['logs', '--tail', '10', evil]],
  ['inspect of a container with image-inherited labels', () => ['container', 'inspect', evil]],
  ['top-level inspect', () => ['inspect', victim]],
  ['volume rm of a foreign volume', () => ['volume', 'rm', victimVolume]],
  ['volume rm of a dockbase-* volume without Dockbase’s labels', () => ['volume', 'rm', handMadeDockbaseVolume]],
  ['volume rm --force', () => ['volume', 'rm', '--force', handMadeDockbaseVolume]],
  ['events of every container', () => ['events']],
  ['cp out of a container', () => ['cp', `${victim}:/etc/passwd`, '/tmp/x']],
  ['system prune', () => ['system', 'prune', '--force']],
  ['image rm', () => ['image', 'rm', IMAGE]],
];

describe('the bridge refuses every attack with 403, before docker runs', () => {
  it('has the table the issue asks for', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
    // The legitimate create they vary is one the bridge accepts (proved at the end).
    expect(base.slice(0, 2)).toEqual(['run', '--detach']);
  });

  it.each(attacks)('refuses %s', async (_label, argv, env) => {
    const answer = await bridge.exec(argv(), env?.());
    expect(answer.status, JSON.stringify(answer.body)).toBe(403);
    expect(answer.body.error).toMatch(/not allowed/);
  });

  it('created, changed and wrote nothing', async () => {
    const names = (await docker('ps', '--all', '--format', '{{.Names}}', '--filter', `name=${run}`)).split('\n').filter(Boolean).sort();
    expect(names).toEqual([`${run}-evil`, `${run}-victim`]);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}'))
      .split('\n')
      .filter((v) => v.includes(run))
      .sort();
    expect(volumes).toEqual([handMadeDockbaseVolume, victimVolume].sort());
    expect((await docker('inspect', '--format', '{{.State.Running}} {{.State.StartedAt}}', victim)).trim()).toBe(`true ${victimStartedAt}`);
    expect((await docker('inspect', '--format', '{{.State.Running}}', evil)).trim()).toBe('true');
    for (const f of cidFiles) expect(fs.existsSync(f), f).toBe(false);
  });

  it('still runs what Dockbase builds: the very create the attacks varied', async () => {
    const answer = await bridge.exec(base);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.code, answer.body.stderr).toBe(0);
    const id = (answer.body.stdout ?? '').trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await bridge.exec(['stop', '--time', '1', id])).status).toBe(200);
    expect((await bridge.exec(['rm', '--force', '--volumes', id])).status).toBe(200);
    expect((await bridge.exec(['volume', 'rm', `dockbase-${run}-x-data`])).status).toBe(200);
  });
});
