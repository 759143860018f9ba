import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { realDocker } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { withRedis } from '../support/redis';

// Everyday use in Chromium through the standalone host, on REAL servers: PostgreSQL 15 re-created on its
// kept data (the data's password asked for and checked by psql), edited (port, password, restart policy),
// and a table of 25+ Redis instances searched, filtered and stopped in bulk, with paused, killed and
// out-of-memory ones among them.
const POSTGRES_IMAGE = POSTGRES_TEST_IMAGE;
const POSTGRES_TAG = '15';
const { docker, dockbase, cleanup } = realDocker();
const PREFIX = `e2e-ev${process.pid}`;
const pg = `${PREFIX}-pg`;
const tableCount = 26;

let session: BrowserSession;
let page: Page;

/** Free ports on 127.0.0.1, as the kernel hands them out (no range shared with other test runs). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** psql inside the instance's container, over TCP with a password (as a client outside would connect). */
function psql(container: string, port: number, password: string, sql: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      [
        'exec',
        '--env',
        `PGPASSWORD=${password}`,
        container,
        'psql',
        '-X',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-tAc',
        sql,
      ],
      { timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}`.trim() }),
    );
  });
}

async function useView(mode: 'cards' | 'table') {
  await page.evaluate((m) => window.localStorage.setItem('dockbase.viewMode', m), mode);
  await page.reload();
  await page.getByRole('heading', { name: 'Dockbase', exact: true }).waitFor();
}

const card = (name: string) => page.getByRole('region', { name });
const row = (name: string) => page.locator(`tr[data-instance="${name}"]`);
/** How many instances the table holds (aria-rowcount: the header and one row each); it renders those on screen. */
const tableSize = async () =>
  (await page.locator('table[aria-rowcount]').count()) === 0 ? 0 : Number(await page.locator('table[aria-rowcount]').getAttribute('aria-rowcount')) - 1;
const chipIn = (where: Locator, text: string) => where.getByText(text, { exact: true });

async function openCreate() {
  await page
    .getByRole('button', { name: /^(New instance|Create your first instance)$/ })
    .first()
    .click();
  return page.getByRole('dialog', { name: 'New instance' });
}

beforeAll(async () => {
  await cleanup(PREFIX);
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 800 }, deviceScaleFactor: 2, view: null }, clipboard: true });
  page = session.page;
});

// A failed step leaves a picture of the page behind, for whoever reads the failure.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) {
    console.log('FAILED', ctx.task.name, page.url(), session.consoleErrors.slice(-5));
    await page
      .screenshot({ path: path.resolve(import.meta.dirname, '../../.test-results', `everyday-failure-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
  }
});

afterAll(async () => {
  await session?.close();
  await cleanup(PREFIX);
});

describe('a PostgreSQL 15 server re-created on its kept data', () => {
  const password = `first p@ss "w'rd" $HOME ;|& ü`;
  let port: number;

  it('is created, written to, and deleted keeping its data', async () => {
    [port] = (await freePorts(1)) as [number];
    await useView('cards');
    const dialog = await openCreate();
    await dialog.getByRole('radio', { name: 'PostgreSQL' }).check();
    await dialog.getByRole('combobox', { name: 'Version' }).fill(POSTGRES_TAG);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(pg);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(port));
    await dialog.getByLabel(/^Password/).fill(password);
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(POSTGRES_IMAGE);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    // The image may have to be pulled first (another run on the shared engine may have removed it).
    await dialog.waitFor({ state: 'detached', timeout: 300_000 });
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });
    expect(await psql(pg, 5432, password, "CREATE TABLE kept AS SELECT 'from the first life'::text AS v")).toEqual({ code: 0, out: 'SELECT 1' });

    await card(pg).getByRole('button', { name: 'Delete', exact: true }).click();
    const del = page.getByRole('dialog', { name: `Delete ${pg}?` });
    await del.getByText(/Its data stays in its volume/).waitFor({ timeout: 15_000 });
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    await card(pg).waitFor({ state: 'detached', timeout: 60_000 });
  });

  it('asks for the kept data’s password, says so on the row and in a toast when it is wrong, and shows no connection string', async () => {
    const dialog = await openCreate();
    await dialog.getByRole('radio', { name: 'PostgreSQL' }).check();
    await dialog.getByRole('combobox', { name: 'Version' }).fill(POSTGRES_TAG);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(pg);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(port));
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(POSTGRES_IMAGE);
    await dialog.getByText(`Kept data found for ${pg}: PostgreSQL ${POSTGRES_TAG} data created`).waitFor({ timeout: 30_000 });
    const kept = dialog.getByLabel(/^Password of the kept data/);
    await expect(kept.inputValue()).resolves.toBe('');
    await expect(dialog.getByRole('button', { name: 'Create', exact: true }).isDisabled()).resolves.toBe(true);
    await kept.fill('not the password it had');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 120_000 });

    const refused = new RegExp(`PostgreSQL refused ${pg}'s password: its data keeps another one`);
    await card(pg).getByText(refused).waitFor({ timeout: 120_000 });
    await page.getByRole('alert').filter({ hasText: refused }).first().waitFor({ timeout: 10_000 });
    await expect(card(pg).getByText('Connection string').count()).resolves.toBe(0);
    // psql agrees: the password in its configuration does not open the data.
    expect((await psql(pg, 5432, 'not the password it had', 'SELECT 1')).code).not.toBe(0);
  });

  it('opens the data with the password it had, checked by psql, and its connection string works', async () => {
    await card(pg).getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .getByRole('dialog', { name: `Delete ${pg}?` })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await card(pg).waitFor({ state: 'detached', timeout: 60_000 });

    const dialog = await openCreate();
    await dialog.getByRole('radio', { name: 'PostgreSQL' }).check();
    await dialog.getByRole('combobox', { name: 'Version' }).fill(POSTGRES_TAG);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(pg);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(port));
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(POSTGRES_IMAGE);
    await dialog.getByLabel(/^Password of the kept data/).fill(password);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 120_000 });
    await page
      .getByRole('status')
      .filter({ hasText: `${pg}: PostgreSQL accepted its password.` })
      .first()
      .waitFor({ timeout: 120_000 });

    await card(pg).getByRole('button', { name: 'Copy connection string' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^postgresql:\/\//);
    const url = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(await psql(pg, 5432, decodeURIComponent(url.password), 'SELECT v FROM kept')).toEqual({ code: 0, out: 'from the first life' });
  });
});

describe('editing a real PostgreSQL server', () => {
  it('changes its port, password and restart policy by replacing its container on the same data', async () => {
    const [newPort] = (await freePorts(1)) as [number];
    const newPassword = `second "p@ss" 'two' $(id) ü`;
    const before = (await docker('inspect', '--format', '{{.Id}}', pg)).trim();
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });
    await card(pg).getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${pg}` });
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(newPort));
    await dialog.getByRole('checkbox', { name: 'Start with Docker' }).check();
    await dialog.getByRole('checkbox', { name: 'Change the password' }).check();
    await dialog.getByText(/Dockbase sets it inside PostgreSQL/).waitFor();
    await dialog.getByLabel(/^New password/).fill(newPassword);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 180_000 });
    await chipIn(card(pg), 'Healthy').waitFor({ timeout: 120_000 });

    const after = JSON.parse(await docker('inspect', pg)) as Array<{
      Id: string;
      HostConfig: { RestartPolicy: { Name: string }; PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
    }>;
    expect(after[0]?.Id).not.toBe(before);
    expect(after[0]?.HostConfig.RestartPolicy.Name).toBe('unless-stopped');
    expect(after[0]?.HostConfig.PortBindings['5432/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(newPort) }]);
    await expect(card(pg).textContent()).resolves.toContain(`port ${newPort} on 127.0.0.1`);
    // The data, its new password inside PostgreSQL, and only one container left.
    expect(await psql(pg, 5432, newPassword, 'SELECT v FROM kept')).toEqual({ code: 0, out: 'from the first life' });
    expect((await psql(pg, 5432, `first p@ss "w'rd" $HOME ;|& ü`, 'SELECT 1')).code).not.toBe(0);
    expect((await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n.startsWith(pg))).toEqual([pg]);
    await card(pg).getByRole('button', { name: 'Copy connection string' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(`:${newPort}/`);
    expect(decodeURIComponent(new URL(await page.evaluate(() => navigator.clipboard.readText())).password)).toBe(newPassword);
  });
});

describe('the table view with 25+ instances', () => {
  const names = Array.from({ length: tableCount }, (_, i) => `${PREFIX}-t-${i + 1}`);

  beforeAll(async () => {
    const ports = await freePorts(tableCount);
    for (const [i, name] of names.entries()) {
      await dockbase.creation.create(
        {
          engine: 'redis',
          name,
          tag: REDIS_TEST_TAG,
          image: REDIS_TEST_IMAGE,
          hostPort: ports[i] as number,
          password: `pw-${i}`,
          persistData: true,
          exposeOnNetwork: false,
        },
        { start: true },
      );
    }
  });

  it('lists them in a compact table by default, in natural order, searched and filtered', async () => {
    await page.evaluate(() => window.localStorage.removeItem('dockbase.viewMode'));
    await page.reload();
    await row(names[0] as string).waitFor({ timeout: 60_000 });
    const search = page.getByRole('searchbox', { name: 'Search by name' });
    await search.fill(`${PREFIX}-t-`);
    await expect.poll(tableSize, { timeout: 10_000 }).toBe(tableCount);
    const shown = await page.locator('tr[data-instance]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.instance));
    expect(shown.slice(0, 3)).toEqual([`${PREFIX}-t-1`, `${PREFIX}-t-2`, `${PREFIX}-t-3`]);
    expect(shown.indexOf(`${PREFIX}-t-9`)).toBeLessThan(shown.indexOf(`${PREFIX}-t-10`));
    await page.getByText(new RegExp(`${tableCount} of \\d+ instances shown`)).waitFor();

    await search.fill(`${PREFIX}-t-1`);
    await expect.poll(tableSize).toBe(11); // 1, 10–19
    await search.fill(`${PREFIX}-t-`);
    await page.getByRole('combobox', { name: 'Engine' }).click();
    await page.getByRole('option', { name: 'PostgreSQL' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(tableSize).toBe(0);
    await page.getByRole('combobox', { name: 'Engine' }).click();
    await page.getByRole('option', { name: 'PostgreSQL' }).click();
    await page.getByRole('option', { name: 'Redis' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(tableSize).toBe(tableCount);
  });

  it('shows paused, killed and out-of-memory instances as such, and unpauses', async () => {
    const [paused, killed, oom] = [names[3], names[4], names[5]] as [string, string, string];
    await docker('pause', paused);
    await docker('kill', killed);
    // A real OOM kill: no swap, 64 MiB, then more data than that.
    await docker('update', '--memory', '64m', '--memory-swap', '64m', oom);
    const oomPort = Number((await docker('inspect', '--format', '{{(index (index .NetworkSettings.Ports "6379/tcp") 0).HostPort}}', oom)).trim());
    await withRedis(oomPort, `pw-5`, async (r) => {
      for (let i = 0; i < 20; i++) {
        const reply = await r.command('SET', `big:${i}`, 'x'.repeat(8 * 1024 * 1024)).catch(() => undefined);
        if (!reply) break;
      }
    }).catch(() => undefined);
    await expect.poll(async () => (await docker('inspect', '--format', '{{.State.OOMKilled}}', oom)).trim(), { timeout: 30_000 }).toBe('true');

    await chipIn(row(paused), 'Paused').waitFor({ timeout: 15_000 });
    await chipIn(row(killed), 'Killed').waitFor({ timeout: 15_000 });
    await chipIn(row(oom), 'Out of memory').waitFor({ timeout: 15_000 });
    await row(oom)
      .getByText(/ran out of memory/)
      .waitFor();
    await session.screenshots('table');

    await row(paused).getByRole('button', { name: 'Unpause' }).click();
    await chipIn(row(paused), 'Healthy').waitFor({ timeout: 30_000 });
  });

  it('stops the selected instances in bulk, then every instance shown', async () => {
    const [a, b] = [names[0], names[1]] as [string, string];
    await row(a)
      .getByRole('checkbox', { name: `Select ${a}` })
      .check();
    await row(b)
      .getByRole('checkbox', { name: `Select ${b}` })
      .check();
    await page.getByRole('button', { name: 'Stop selected (2)' }).click();
    await page.getByRole('status').filter({ hasText: 'Stopped 2 instances.' }).waitFor({ timeout: 60_000 });
    await chipIn(row(a), 'Stopped').waitFor({ timeout: 60_000 });
    await chipIn(row(b), 'Stopped').waitFor({ timeout: 60_000 });
    expect((await docker('inspect', '--format', '{{.State.Running}}', names[2] as string)).trim()).toBe('true');

    await page.getByRole('checkbox', { name: 'Select all shown' }).check();
    await page.getByRole('checkbox', { name: 'Select all shown' }).uncheck();
    const label = (await page.getByRole('button', { name: /^Stop shown \(\d+\)$/ }).textContent()) ?? '';
    const count = Number(/\((\d+)\)/.exec(label)?.[1]);
    expect(count).toBeGreaterThanOrEqual(tableCount - 4);
    await page.getByRole('button', { name: /^Stop shown \(\d+\)$/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Stopped ${count} instances.` })
      .waitFor({ timeout: 120_000 });
    await expect
      .poll(async () => (await docker('ps', '--filter', `name=^${PREFIX}-t-`, '--format', '{{.Names}}')).split('\n').filter(Boolean).length, {
        timeout: 120_000,
      })
      .toBe(0);
    // No row says Healthy any more, on the first screen nor on the last (the table renders the rows on screen).
    await expect.poll(() => page.locator('tr[data-instance]').filter({ hasText: 'Healthy' }).count(), { timeout: 30_000 }).toBe(0);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => page.locator('tr[data-instance]').filter({ hasText: 'Healthy' }).count(), { timeout: 30_000 }).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('ran without page errors', () => {
    expect(session.errors).toEqual([]);
  });
});

describe('when the standalone host stops', () => {
  it('names the host, not the engine, and keeps the last list, marked as such', async () => {
    await row(`${PREFIX}-t-1`).waitFor();
    await session.host.close();
    const banner = page.getByRole('alert').filter({ hasText: 'Dockbase host unreachable' });
    await banner.waitFor({ timeout: 30_000 });
    await expect(banner.textContent()).resolves.toMatch(/last one known/);
    await expect(page.getByText('Docker engine unavailable').count()).resolves.toBe(0);
    await row(`${PREFIX}-t-1`).waitFor({ timeout: 15_000 });
  });
});
