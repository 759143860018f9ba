import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CreateInstanceInput } from '@dockbase/core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase } from '../support/data-safety';
import { testPort } from '../support/dockbase';

// Data truth (issue 27) in Chromium, through the standalone host and its backend, on real PostgreSQL servers:
// a refused password is remembered across a reload, Restore offers only what the instance can read, and a
// snapshot's Delete asks first.
const { dockbase, docker, up, cleanup } = recordingDockbase();
const prefix = `e2e-truth-${process.pid}`;

let session: BrowserSession;
let page: Page;

const input = (name: string, tag: string, offset: number): CreateInstanceInput => ({
  engine: 'postgres',
  name: `${prefix}-${name}`,
  tag,
  image: POSTGRES_REAL_IMAGE,
  hostPort: testPort(offset),
  password: HOSTILE_PASSWORD,
  persistData: true,
  exposeOnNetwork: false,
});

beforeAll(async () => {
  await cleanup(prefix);
  for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 800 } } });
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
  for (const s of await dockbase.snapshots.list()) if (s.instanceName.startsWith(prefix)) await dockbase.snapshots.remove(s).catch(() => undefined);
});

const card = (name: string) => page.getByRole('region', { name });

describe('data truth in the browser', () => {
  it('says a refused password instead of a connection string, and still says it after a reload', async () => {
    const i = await up(input('refused', '17', 70));
    // The data's password changes behind Dockbase's back (as a dump or an old snapshot would do it).
    await docker('exec', i.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', "ALTER ROLE postgres PASSWORD 'someone else''s'");
    await card(i.name).waitFor({ timeout: 60_000 });
    // Revealing the password asks the server with the engine's own client.
    await card(i.name).getByRole('button', { name: 'Reveal password' }).click();
    const refused = card(i.name).getByText(/PostgreSQL refused .*'s password: its data keeps another one/);
    await refused.waitFor({ timeout: 30_000 });
    await page.reload();
    await card(i.name).waitFor({ timeout: 60_000 });
    // Nothing clicked: the backend remembered the verdict.
    await refused.waitFor({ timeout: 30_000 });
    await expect(card(i.name).getByText('Connection string').count()).resolves.toBe(0);
  });

  it('sets the rollback point of an upgraded instance apart from Restore, and asks before deleting a snapshot', async () => {
    const i = await up(input('upgraded', '15', 71));
    const { instance, rollbackPoint } = await dockbase.upgrades.upgrade(i, '17');
    await dockbase.snapshots.take(instance, { name: 'on seventeen' });
    await card(i.name).getByRole('button', { name: 'Snapshot', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Snapshots of ${i.name}` });
    const readable = dialog.getByRole('list', { name: `Snapshots of ${i.name}` });
    await readable.getByRole('listitem', { name: 'on seventeen' }).waitFor({ timeout: 30_000 });
    const apart = dialog.getByRole('list', { name: `Snapshots ${i.name} cannot read` });
    const point = apart.getByRole('listitem', { name: rollbackPoint.name });
    await point.waitFor();
    await expect(point.getByRole('button', { name: 'Restore' }).count()).resolves.toBe(0);
    await expect(point.textContent()).resolves.toContain('Roll back (on the card) returns to it.');
    // Delete asks first, naming the snapshot; Cancel keeps it.
    await readable.getByRole('listitem', { name: 'on seventeen' }).getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: /Delete snapshot “on seventeen”/ });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await dockbase.snapshots.list(instance)).map((s) => s.name)).toContain('on seventeen');
  });
});
