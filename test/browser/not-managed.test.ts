import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { realDocker } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// The security review's finding: an image built with Dockbase's labels, run by hand, shows up as an instance
// and "Delete with data" removed the volume its labels named. In the UI now: the delete is refused, the user
// reads why, and the volume is still there.
const { docker, cleanup } = realDocker();
const run = `ui-own-${crypto.randomBytes(3).toString('hex')}`;
const victimVolume = `${run}-victim`;
const EVIL_IMAGE = `dockbase-sec-test/evil-ui:${run}`;
const handRun = `${run}-by-hand`;

let session: BrowserSession;

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
  session = await openBrowserSession({ host: { backend: false } });
});

afterAll(async () => {
  await session?.close();
  await cleanup(run);
  await docker('volume', 'rm', '--force', victimVolume).catch(() => undefined);
  await docker('image', 'rm', '--force', EVIL_IMAGE).catch(() => undefined);
});

describe('a container that only looks like an instance, in the UI', () => {
  it('Delete with data is refused with the reason, and the volume survives', async () => {
    const { page } = session;
    const card = page.getByRole('region', { name: handRun });
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${handRun}?` });
    await dialog.getByRole('checkbox', { name: /Also delete its data/ }).check();
    await dialog.getByRole('textbox', { name: `Type ${handRun} to confirm` }).fill(handRun);
    await dialog.getByRole('button', { name: 'Delete instance and data' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'is not managed by Dockbase' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain(
      `${handRun} is not managed by Dockbase: its Dockbase labels come from its image, so it was not created by Dockbase.`,
    );
    expect((await docker('volume', 'ls', '--quiet', '--filter', `name=${victimVolume}`)).trim()).toBe(victimVolume);
    expect((await docker('inspect', '--format', '{{.State.Running}}', handRun)).trim()).toBe('true');
    expect(session.errors).toEqual([]);
  });
});
