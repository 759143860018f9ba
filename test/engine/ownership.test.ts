import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockbase, type Instance } from '@dockbase/core';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';
import { startBridgeHost, type BridgeHost } from '../support/bridge';
import { realDocker, testPort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// An image built with Dockbase's labels, run by hand, shows up in the list (docker merges image labels into
// the container's), but it is not an instance: Delete (with data) refuses and says why, and the volume its
// labels name survives. A container Dockbase itself creates from that same image is an instance.
const { dockbase, docker, cleanup } = realDocker();
const run = `own-${crypto.randomBytes(3).toString('hex')}`;
const victimVolume = `${run}-victim`;
const evilRepo = 'dockbase-sec-test/evil-labels';
const EVIL_IMAGE = `${evilRepo}:${run}`;
const handRun = `${run}-by-hand`;

let bridge: BridgeHost;

beforeAll(async () => {
  await cleanup(run);
  await docker('volume', 'create', victimVolume);
  const context = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-`));
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    `FROM ${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}\nLABEL io.dockbase.instance=x io.dockbase.engine=postgres io.dockbase.volumes=${victimVolume}\n`,
  );
  const built = await realDocker().cli.run(['build', '--quiet', '--tag', EVIL_IMAGE, context]);
  fs.rmSync(context, { recursive: true, force: true });
  if (built.code !== 0) throw new Error(`docker build failed: ${built.stderr}`);
  await docker('run', '--detach', '--name', handRun, EVIL_IMAGE);
  bridge = await startBridgeHost();
});

afterAll(async () => {
  await bridge?.close();
  await cleanup(run);
  await docker('volume', 'rm', '--force', victimVolume).catch(() => undefined);
  await docker('image', 'rm', '--force', EVIL_IMAGE).catch(() => undefined);
});

async function listed(): Promise<Instance> {
  const found = (await dockbase.lifecycle.list()).find((i) => i.name === handRun);
  if (!found) throw new Error('the hand-run container is not in the list');
  return found;
}

describe('a container whose Dockbase labels come from its image', () => {
  it('is listed from its labels (docker ps shows them merged), naming the victim volume as its data', async () => {
    expect(await listed()).toMatchObject({ engine: 'postgres', volumes: [victimVolume], status: 'running' });
  });

  it('Delete with data refuses and explains why it is not managed; the volume and the container survive', async () => {
    const instance = await listed();
    await expect(dockbase.lifecycle.remove(instance, { removeData: true })).rejects.toMatchObject({
      code: 'not-managed',
      message: `${handRun} is not managed by Dockbase: its Dockbase labels come from its image, so it was not created by Dockbase. Dockbase leaves it and its volumes alone; use docker itself if you want to change or remove it.`,
    });
    await expect(dockbase.lifecycle.stop(instance)).rejects.toMatchObject({ code: 'not-managed' });
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=${victimVolume}`)).trim()).toBe(victimVolume);
    expect((await docker('inspect', '--format', '{{.State.Running}}', handRun)).trim()).toBe('true');
  });

  it('through the standalone host, the bridge refuses it as well, and the UI gets the same explanation', async () => {
    const ui = createDockbase(new DesktopDockerCli(bridge.ddClient()));
    const instance = (await ui.lifecycle.list()).find((i) => i.name === handRun)!;
    await expect(ui.lifecycle.remove(instance, { removeData: true })).rejects.toMatchObject({
      code: 'not-managed',
      message: expect.stringMatching(/is not managed by Dockbase: its Dockbase labels come from its image, so it was not created by Dockbase\./),
    });
    // The bridge itself refuses the commands that would act on it.
    const refused = await bridge.exec(['rm', '--force', '--volumes', instance.containerId]);
    expect(refused).toMatchObject({ status: 403, body: { error: expect.stringMatching(/is not Dockbase's \(its Dockbase labels come from its image/) } });
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=${victimVolume}`)).trim()).toBe(victimVolume);
    expect((await docker('inspect', '--format', '{{.State.Running}}', handRun)).trim()).toBe('true');
  });

  it('created from that image by Dockbase, it is an instance: Delete with data removes its own volume only', async () => {
    const made = await dockbase.creation.create(
      {
        engine: 'redis',
        name: `${run}-made`,
        tag: run,
        image: evilRepo,
        hostPort: testPort(80),
        password: 'made-password',
        persistData: true,
        exposeOnNetwork: false,
      },
      { start: true },
    );
    expect(made.volumes).toEqual([`dockbase-${run}-made-data`]);
    const [instance] = (await dockbase.lifecycle.list()).filter((i) => i.id === made.id);
    expect(instance).toMatchObject({ volumes: [`dockbase-${run}-made-data`], dataId: made.id });
    await dockbase.lifecycle.remove(instance!, { removeData: true });
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=dockbase-${run}-made`)).trim()).toBe('');
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=${victimVolume}`)).trim()).toBe(victimVolume);
  });
});
