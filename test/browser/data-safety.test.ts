import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { HOSTILE_PASSWORD, POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase, tempDir } from '../support/data-safety';
import { getEngine, testPort } from '../support/dockbase';

// Snapshot, restore, clone, export, import and init files through the UI, in Chromium, through the
// standalone host (and its command policy), on a real PostgreSQL server.
const { docker, cleanup } = recordingDockbase();
const prefix = `e2e-data-${process.pid}`;
const name = `${prefix}-shop`;
const cloneName = `${prefix}-copy`;
const port = testPort(60);
const clonePort = testPort(61);
const password = HOSTILE_PASSWORD;
const folder = tempDir('dockbase-e2e-export-');

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${POSTGRES_REAL_IMAGE}:17`);
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 800 }, deviceScaleFactor: 2 } });
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
  fs.rmSync(folder, { recursive: true, force: true });
});

const card = (n = name) => page.getByRole('region', { name: n });
const healthy = (n = name) => card(n).getByText('Healthy', { exact: true }).waitFor({ timeout: 90_000 });
/** Docker's own health status (while a dialog is open, the cards behind it are hidden from the accessibility tree). */
/**
 * The server answers again (the snapshot stopped and started it), probed as the tab probes it. (While a
 * dialog is open, the cards behind it are hidden from the accessibility tree; docker's own verdict comes only
 * with its next probe, 20 minutes on where there is no start interval.)
 */
const serverAnswers = (n: string) =>
  expect
    .poll(
      async () =>
        docker('exec', n, 'sh', '-c', getEngine('postgres').healthcheck(5432).command).then(
          () => true,
          () => false,
        ),
      { timeout: 90_000, interval: 500 },
    )
    .toBe(true);
const psql = async (container: string, sql: string) => (await docker('exec', container, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', sql)).trim();
const rows = (container: string) => psql(container, "SELECT string_agg(name, ',' ORDER BY id) FROM fruit");

describe('data safety in the browser, end to end', () => {
  it('creates a PostgreSQL instance whose init file fills it on first start', async () => {
    const seed = path.join(folder, 'fruit.sql');
    fs.writeFileSync(seed, "CREATE TABLE fruit (id int PRIMARY KEY, name text);\nINSERT INTO fruit VALUES (1, 'apple'), (2, 'pear');\n");
    await page.getByRole('button', { name: 'New instance', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New instance' });
    await dialog.getByRole('radio', { name: 'PostgreSQL' }).check();
    await dialog.getByRole('combobox', { name: 'Version' }).fill('17');
    await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(port));
    await dialog.getByLabel(/^Password/).fill(password);
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(POSTGRES_REAL_IMAGE);
    await dialog.getByRole('textbox', { name: 'Init files' }).fill(seed);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await healthy();
    expect(await rows(name)).toBe('apple,pear');
  });

  it('takes a snapshot, then restores it after a confirmation that says what is kept', async () => {
    await card().getByRole('button', { name: 'Snapshot', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Snapshots of ${name}` });
    await expect(dialog.textContent()).resolves.toContain('is stopped for the copy');
    await dialog.getByRole('textbox', { name: 'Snapshot name' }).fill('two fruits');
    await dialog.getByRole('button', { name: 'Snapshot', exact: true }).click();
    const list = dialog.getByRole('list', { name: `Snapshots of ${name}` });
    const item = list.getByRole('listitem', { name: 'two fruits' });
    await item.waitFor({ timeout: 60_000 });
    await expect(item.textContent()).resolves.toMatch(/PostgreSQL 17/);
    await serverAnswers(name);

    await psql(name, "DELETE FROM fruit; INSERT INTO fruit VALUES (3, 'plum')");
    expect(await rows(name)).toBe('plum');
    await item.getByRole('button', { name: 'Restore', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Restore ${name} from “two fruits”?` });
    await expect(confirm.textContent()).resolves.toMatch(/keeps the current data in a “before restore” snapshot/);
    await session.screenshots('restore-confirm');
    await confirm.getByRole('button', { name: 'Restore', exact: true }).click();
    await list.getByRole('listitem', { name: /^before restore/ }).waitFor({ timeout: 90_000 });
    await dialog.getByRole('status').waitFor({ state: 'detached', timeout: 90_000 });
    expect(await rows(name)).toBe('apple,pear');
    await session.screenshots('snapshots');
  });

  it('clones the snapshot into a new instance with the same data', async () => {
    const dialog = page.getByRole('dialog', { name: `Snapshots of ${name}` });
    await dialog.getByRole('listitem', { name: 'two fruits' }).getByRole('button', { name: 'Clone', exact: true }).click();
    const clone = page.getByRole('dialog', { name: `Clone “two fruits” of ${name}` });
    await clone.getByRole('textbox', { name: 'Name' }).fill(cloneName);
    await clone.getByRole('textbox', { name: 'Port' }).fill(String(clonePort));
    // The source's password is filled in: the copied data keeps it.
    await expect.poll(() => clone.getByLabel('Password').inputValue()).toBe(password);
    await clone.getByRole('button', { name: 'Clone', exact: true }).click();
    await clone.waitFor({ state: 'detached', timeout: 90_000 });
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await healthy(cloneName);
    expect(await rows(cloneName)).toBe('apple,pear');
  });

  it('exports to a folder with pg_dumpall, then imports the file into the clone', async () => {
    await card().getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Export ${name}` });
    await dialog.getByRole('textbox', { name: 'Folder' }).fill(folder);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.getByText(/^Saved /).waitFor({ timeout: 60_000 });
    await session.screenshots('export');
    const file = fs.readdirSync(folder).find((f) => f.startsWith(name) && f.endsWith('.sql'));
    expect(file).toBeDefined();
    expect(fs.readFileSync(path.join(folder, file!), 'utf8')).toContain('PostgreSQL database cluster dump');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    await psql(cloneName, 'DELETE FROM fruit WHERE id = 1');
    await card(cloneName).getByRole('button', { name: 'Import', exact: true }).click();
    const imp = page.getByRole('dialog', { name: `Import into ${cloneName}` });
    await imp.getByRole('textbox', { name: 'File' }).fill(path.join(folder, file!));
    // The file is copied into the container and read first: its size is said before Import.
    await imp.getByRole('button', { name: 'Check file', exact: true }).click();
    await imp.getByRole('status', { name: 'The file to import' }).getByText(`${file!}: `).waitFor({ timeout: 60_000 });
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    await imp.getByText(/^Imported /).waitFor({ timeout: 120_000 });
    await session.screenshots('import');
    expect(await rows(cloneName)).toBe('apple,pear');
    await imp.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('refuses a file of another engine in the import dialog, changing nothing', async () => {
    const other = path.join(folder, 'other.sql');
    fs.writeFileSync(other, '-- MySQL dump 10.13  Distrib 8.4.0\n');
    await card(cloneName).getByRole('button', { name: 'Import', exact: true }).click();
    const imp = page.getByRole('dialog', { name: `Import into ${cloneName}` });
    await imp.getByRole('textbox', { name: 'File' }).fill(other);
    await imp.getByRole('button', { name: 'Check file', exact: true }).click();
    await imp.getByText(/is a MySQL dump; PostgreSQL cannot import it/).waitFor({ timeout: 30_000 });
    await imp.getByRole('button', { name: 'Close', exact: true }).click();
    expect(await rows(cloneName)).toBe('apple,pear');
  });

  it('records snapshot, restore, export and import in the history, with sizes and no secret', async () => {
    await card(cloneName).getByRole('button', { name: 'Notes and history' }).click();
    const history = card(cloneName);
    await history
      .getByText(/import/)
      .first()
      .waitFor({ timeout: 30_000 });
    await card().getByRole('button', { name: 'Notes and history' }).click();
    for (const action of ['snapshot', 'restore', 'export'])
      await card()
        .getByText(new RegExp(`^${action}`))
        .first()
        .waitFor({ timeout: 30_000 });
    expect(await page.content()).not.toContain(password);
  });

  it('ran without page errors', () => {
    expect(session.errors).toEqual([]);
  });
});
