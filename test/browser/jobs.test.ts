import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// Work that outlives the page, in Chromium through the standalone host, on real PostgreSQL servers: an
// upgrade and an import are started from the tab, the user goes to another page and comes back 20 s later.
// Both jobs ran on in the host's backend meanwhile (closing the page ends none of them); coming back shows
// them running with their progress, or says once how they ended, and no stray container is left.
const { docker, dockbase, up, cleanup } = recordingDockbase();
const prefix = `e2e-jobs-${process.pid}`;
const orders = `${prefix}-orders`;
const shop = `${prefix}-shop`;
const folder = tempDir('dockbase-e2e-jobs-');

let session: BrowserSession;
let page: Page;

const card = (name: string) => page.getByRole('region', { name });
const psql = async (name: string, sql: string) => (await docker('exec', name, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();

beforeAll(async () => {
  await cleanup(prefix);
  for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
  const make = async (name: string) =>
    up({
      engine: 'postgres',
      name,
      tag: '15',
      image: POSTGRES_REAL_IMAGE,
      hostPort: await freePort(),
      password: 'jobs e2e',
      persistData: true,
      exposeOnNetwork: false,
    });
  await Promise.all([make(orders), make(shop)]);
  // Enough rows that the upgrade's copy is still running when the user leaves.
  await psql(orders, 'CREATE TABLE items AS SELECT g AS id, repeat(md5(g::text), 4) AS body FROM generate_series(1, 300000) g');
  await psql(shop, 'CREATE TABLE fruit AS SELECT g AS id, repeat(md5(g::text), 8) AS name FROM generate_series(1, 400000) g');
  // Dockbase's own export of it (what a user imports back), renamed to a name the test can wait for.
  const shopInstance = (await dockbase.lifecycle.list()).find((i) => i.name === shop)!;
  const exported = await dockbase.backups.export(shopInstance, { directory: folder });
  fs.renameSync(exported.file, path.join(folder, 'shop.sql'));
  await psql(shop, 'DELETE FROM fruit WHERE id > 10');
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 900 }, view: 'cards' } });
  page = session.page;
}, 300_000);

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('jobs outlive the page', () => {
  it('an upgrade and an import started from the tab go on while the user is away, and the tab shows them on return', async () => {
    await card(orders).getByText('Healthy', { exact: true }).waitFor({ timeout: 90_000 });
    await card(orders).getByRole('button', { name: 'Upgrade', exact: true }).click();
    const upgrade = page.getByRole('dialog', { name: `Upgrade ${orders}` });
    await upgrade.getByRole('combobox', { name: 'New version' }).fill('17');
    await upgrade.getByText(/PostgreSQL 17 cannot open the data folder of 15/).waitFor();
    await upgrade.getByRole('button', { name: 'Upgrade', exact: true }).click();
    await upgrade.getByRole('list', { name: 'Steps of the upgrade to 17' }).waitFor();
    await upgrade.getByRole('button', { name: 'Close', exact: true }).click();

    await card(shop).getByRole('button', { name: 'Import', exact: true }).click();
    const imp = page.getByRole('dialog', { name: `Import into ${shop}` });
    await imp.getByRole('textbox', { name: 'File' }).fill(path.join(folder, 'shop.sql'));
    await imp.getByRole('button', { name: 'Check file', exact: true }).click();
    await imp.getByRole('button', { name: 'Import', exact: true }).waitFor({ timeout: 60_000 });
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    // Once the file is in the container, the import is the backend's job: its dialog can close (a modal
    // dialog hides the rest of the page from assistive technology), and its card says so.
    await imp
      .getByText(/goes on if you close this dialog|^Imported /)
      .first()
      .waitFor({ timeout: 60_000 });
    await imp.getByRole('button', { name: 'Close', exact: true }).click();
    await card(shop).getByRole('status').filter({ hasText: 'Import shop.sql' }).waitFor({ timeout: 30_000 });
    await card(orders).getByRole('status').filter({ hasText: 'Upgrade to PostgreSQL 17' }).waitFor({ timeout: 30_000 });

    // The user goes elsewhere: the page is unloaded (its streams end), and comes back 20 s later.
    const url = page.url();
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 20_000));
    await page.goto(url);

    // Each job is shown running with its progress, or its end is said once; both end well.
    const upgraded = page.getByText(`${orders} now runs PostgreSQL 17. Its data from 15 is kept as the rollback point.`);
    const imported = page.getByText(new RegExp(`shop\\.sql was imported into ${shop}\\.`));
    await Promise.race([
      card(orders)
        .getByRole('status')
        .filter({ hasText: /Upgrade to PostgreSQL 17.*…/ })
        .waitFor({ timeout: 30_000 }),
      upgraded.first().waitFor({ timeout: 30_000 }),
    ]);
    await upgraded.first().waitFor({ timeout: 240_000 });
    await imported.first().waitFor({ timeout: 240_000 });
    expect(await upgraded.count()).toBe(1);
    expect(await imported.count()).toBe(1);

    const now = await dockbase.lifecycle.get((await dockbase.lifecycle.list()).find((i) => i.name === orders)!.id);
    expect(now).toMatchObject({ tag: '17', status: 'running' });
    expect(await psql(orders, 'SELECT count(*) FROM items')).toBe('300000');
    expect(await psql(shop, 'SELECT count(*) FROM fruit')).toBe('400000');
    const names = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n');
    expect(names.filter((n) => n.startsWith(`${orders}-`) || n.startsWith(`${shop}-`) || n.startsWith(`dockbase-lock-${prefix}`))).toEqual([]);
  }, 420_000);
});
