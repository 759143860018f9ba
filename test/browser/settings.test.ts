import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { realDocker } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, POSTGRES_TEST_TAG } from '../support/images';

// Server settings and PostgreSQL's extensions in Chromium through the standalone host, on a REAL PostgreSQL 17:
// a refused setting said in the create form, settings given at create and shown on the card, an extension
// enabled from the card (its library preloaded first, after the user said yes), a setting changed in Edit, and
// one the server rejects: its own words shown, the previous settings back.
const { docker, cleanup } = realDocker();
const PREFIX = `e2e-settings${process.pid}`;
const pg = `${PREFIX}-pg`;

let session: BrowserSession;
let page: Page;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** SQL as the superuser over the container's trusted local socket. */
const psql = async (sql: string) => (await docker('exec', pg, 'psql', '-X', '-qtA', '-U', 'postgres', '-d', 'postgres', '-c', sql)).trim();
const card = (name: string) => page.getByRole('region', { name });
const chipIn = (where: Locator, text: string) => where.getByText(text, { exact: true });

beforeAll(async () => {
  await cleanup(PREFIX);
  // Cards (the suite reads the card), at twice the density for the screenshots.
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 800 }, deviceScaleFactor: 2 } });
  page = session.page;
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) {
    console.log('FAILED', ctx.task.name, page.url(), session.consoleErrors.slice(-5));
    await page
      .screenshot({ path: path.resolve(import.meta.dirname, '../../.test-results', `settings-failure-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
  }
});

afterAll(async () => {
  await session?.close();
  await cleanup(PREFIX);
});

describe('server settings and extensions in the tab', () => {
  it('the create form refuses a setting that breaks the contract, with the reason; the card shows the settings given', async () => {
    await page
      .getByRole('button', { name: /^(New instance|Create your first instance)$/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: 'New instance' });
    await dialog.getByRole('radio', { name: 'PostgreSQL' }).check();
    await dialog.getByRole('combobox', { name: 'Version' }).fill(POSTGRES_TEST_TAG);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(pg);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(await freePort()));
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(POSTGRES_TEST_IMAGE);
    const settings = dialog.getByRole('textbox', { name: 'Server settings' });
    await settings.fill('work_mem=24MB\ndata_directory=/tmp/elsewhere');
    await dialog.getByText(/Dockbase refuses data_directory: .*data folder/).waitFor();
    await expect(dialog.getByRole('button', { name: 'Create', exact: true }).isDisabled()).resolves.toBe(true);
    await settings.fill('work_mem=24MB');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 300_000 });
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });
    await expect(card(pg).getByLabel('Server settings').textContent()).resolves.toBe('Settings: work_mem=24MB');
    expect(await psql('SHOW work_mem')).toBe('24MB');
  });

  it('enables pg_stat_statements from the card: it says first that its library is preloaded and the server restarts', async () => {
    await card(pg).getByRole('button', { name: 'Extensions', exact: true }).click();
    const panel = card(pg).getByRole('group', { name: `Extensions of ${pg}` });
    const pss = panel.getByRole('listitem', { name: 'pg_stat_statements' });
    await pss.getByText('needs pg_stat_statements preloaded').waitFor({ timeout: 30_000 });
    await pss.getByRole('button', { name: 'Enable pg_stat_statements in postgres' }).click();
    const ask = page.getByRole('dialog', { name: `Preload pg_stat_statements and restart ${pg}?` });
    await ask.getByText(/adds pg_stat_statements to the server setting\s+shared_preload_libraries and restarts/).waitFor();
    await session.screenshots('extensions-preload');
    await ask.getByRole('button', { name: 'Add and restart' }).click();
    await card(pg).getByText('pg_stat_statements is enabled in postgres.').waitFor({ timeout: 180_000 });
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });
    await expect(card(pg).getByLabel('Server settings').textContent()).resolves.toBe('Settings: work_mem=24MB · shared_preload_libraries=pg_stat_statements');
    await card(pg)
      .getByRole('group', { name: `Extensions of ${pg}` })
      .getByRole('listitem', { name: 'pg_stat_statements' })
      .getByText('Enabled')
      .waitFor();
    await card(pg).getByRole('textbox', { name: 'Find an extension' }).fill('pg_');
    await session.screenshots('extensions');
    await card(pg).getByRole('textbox', { name: 'Find an extension' }).fill('');
    expect(Number(await psql('SELECT count(*) FROM pg_stat_statements'))).toBeGreaterThan(0);
    // Another extension, one without a library to preload: enabled at once.
    const hstore = card(pg)
      .getByRole('group', { name: `Extensions of ${pg}` })
      .getByRole('listitem', { name: 'hstore' });
    await hstore.getByRole('button', { name: 'Enable hstore in postgres' }).click();
    await card(pg).getByText('hstore is enabled in postgres.').waitFor({ timeout: 60_000 });
    expect(await psql("SELECT count(*) FROM pg_extension WHERE extname = 'hstore'")).toBe('1');
  });

  it('changes a setting in Edit; one the server rejects is said in its own words and the previous settings stay', async () => {
    await card(pg).getByRole('button', { name: 'Edit', exact: true }).click();
    let dialog = page.getByRole('dialog', { name: `Edit ${pg}` });
    const settings = dialog.getByRole('textbox', { name: 'Server settings' });
    await expect(settings.inputValue()).resolves.toBe('work_mem=24MB\nshared_preload_libraries=pg_stat_statements');
    await settings.fill('work_mem=24MB\nshared_preload_libraries=pg_stat_statements\nmax_connections=77');
    await dialog.getByText('Changes: setting max_connections=77.').waitFor();
    await session.screenshots('edit-settings');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 180_000 });
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });
    expect(await psql('SHOW max_connections')).toBe('77');
    await expect(card(pg).getByLabel('Server settings').textContent()).resolves.toContain('max_connections=77');

    await card(pg).getByRole('button', { name: 'Edit', exact: true }).click();
    dialog = page.getByRole('dialog', { name: `Edit ${pg}` });
    await dialog
      .getByRole('textbox', { name: 'Server settings' })
      .fill('work_mem=24MB\nshared_preload_libraries=pg_stat_statements,no_such_library\nmax_connections=77');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /could not access file "no_such_library"/ })
      .waitFor({ timeout: 180_000 });
    await expect(dialog.getByRole('alert').textContent()).resolves.toMatch(/Nothing was changed/);
    await session.screenshots('settings-rejected');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });
    expect(await psql('SHOW shared_preload_libraries')).toBe('pg_stat_statements');
    await expect(card(pg).getByLabel('Server settings').textContent()).resolves.toBe(
      'Settings: work_mem=24MB · shared_preload_libraries=pg_stat_statements · max_connections=77',
    );
  });
});
