import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { clientInside, ok } from '../support/clients';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// Upgrade and Roll back through the UI, in Chromium, through the standalone host (its command policy and its
// ownership checks, which must let the upgrade's workers through), on REAL PostgreSQL 15 and 17 servers.
const { docker, dockbase, cleanup } = recordingDockbase();
const prefix = `e2e-upg-${process.pid}`;
const name = `${prefix}-shop`;
const password = HOSTILE_PASSWORD;

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  await cleanup(prefix);
  for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 900 }, deviceScaleFactor: 2 } });
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
});

const card = () => page.getByRole('region', { name });
const psql = async (sql: string) => (await docker('exec', name, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();
const rows = () => psql("SELECT string_agg(name, ',' ORDER BY id) FROM fruit");

describe('upgrade and roll back in the browser, end to end', () => {
  it('shows a PostgreSQL 15 instance holding data', async () => {
    const created = await dockbase.creation.create(
      { engine: 'postgres', name, tag: '15', image: POSTGRES_REAL_IMAGE, hostPort: await freePort(), password, persistData: true, exposeOnNetwork: false },
      { start: true },
    );
    await dockbase.readiness.waitUntilReady(created);
    await psql("CREATE TABLE fruit (id int PRIMARY KEY, name text); INSERT INTO fruit VALUES (1, 'apple'), (2, 'pear')");
    await card().getByText('Healthy', { exact: true }).waitFor({ timeout: 90_000 });
    await expect(card().textContent()).resolves.toMatch(/PostgreSQL 15/);
  });

  it('upgrades it to 17 from its card: the dialog explains, shows each step, and the data is there after', async () => {
    await card().getByRole('button', { name: 'Upgrade', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Upgrade ${name}` });
    const version = dialog.getByRole('combobox', { name: 'New version' });
    await version.fill('17');
    await dialog.getByText(/PostgreSQL 17 cannot open the data folder of 15/).waitFor();
    await dialog.getByRole('button', { name: 'Upgrade', exact: true }).click();
    await dialog.getByRole('list', { name: 'Steps of the upgrade to 17' }).waitFor();
    await dialog.getByText(new RegExp(`${name} now runs PostgreSQL 17 \\(1 table, 2 rows checked\\)`)).waitFor({ timeout: 120_000 });
    await session.screenshots('upgrade');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await card()
      .getByText(/PostgreSQL 17 .*upgraded from 15/)
      .waitFor({ timeout: 30_000 });
    expect(await psql('SHOW server_version_num')).toMatch(/^17/);
    expect(await rows()).toBe('apple,pear');
    // The same password opens it, with the server's own client over TCP.
    expect(await ok(clientInside('postgres', name, 5432, password, 'SELECT count(*) FROM fruit'))).toBe('2');
  });

  it('rolls back from its card after a confirmation: 15 again, with the data from before the upgrade', async () => {
    await psql("INSERT INTO fruit VALUES (3, 'plum')");
    await card().getByRole('button', { name: 'Roll back', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Roll back ${name}` });
    await expect(dialog.textContent()).resolves.toMatch(/returns to PostgreSQL 15 with its data as it was before the upgrade to 17/);
    await session.screenshots('rollback-confirm');
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await dialog.getByText(/runs PostgreSQL 15\.\d+.* again/).waitFor({ timeout: 120_000 });
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await card()
      .getByText(/PostgreSQL 15 \(.*· port/)
      .waitFor({ timeout: 30_000 });
    expect(await psql('SHOW server_version_num')).toMatch(/^15/);
    expect(await rows()).toBe('apple,pear');
    await expect.poll(() => card().getByRole('button', { name: 'Roll back', exact: true }).count(), { timeout: 15_000 }).toBe(0);
  });

  it('ran without page errors, never showing the password', async () => {
    expect(await page.content()).not.toContain(password);
    expect(session.errors).toEqual([]);
  });
});
