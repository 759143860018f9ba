import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { HOSTILE_PASSWORD, ensureTestImage, recordingDockbase } from '../support/data-safety';
import { freePort } from '../support/dockbase';
import { REGISTRY } from '../support/images';

// A PostgreSQL flavour picked in the create form, in Chromium, through the standalone host, on a REAL server
// (Debian's postgresql-17-pgvector in an image tagged like pgvector/pgvector, given as the image repository):
// the version list becomes the flavour's, the card names the flavour, the extension is there. Then the image
// check before the pull: a PostGIS tag the registry does not have is refused in the form, naming the one it has.
const { docker, cleanup } = recordingDockbase();
const prefix = `e2e-flavour-${process.pid}`;
const name = `${prefix}-vec`;
const password = HOSTILE_PASSWORD;
const PGVECTOR = `${REGISTRY}/dockbase-test/pgvector-debian`;
const POSTGIS = `${REGISTRY}/dockbase-test/postgis-debian`;

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${PGVECTOR}:pg17`);
  session = await openBrowserSession({ tab: { viewport: { width: 1200, height: 900 }, deviceScaleFactor: 2 } });
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
});

const card = () => page.getByRole('region', { name });

async function openCreate(flavour: string) {
  await page.getByRole('button', { name: 'New instance', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New instance' });
  await dialog.getByRole('radio', { name: 'PostgreSQL' }).check();
  await dialog.getByRole('combobox', { name: 'Flavour' }).selectOption(flavour);
  return dialog;
}

describe('PostgreSQL flavours in the browser', () => {
  it('picks pgvector at create: the version becomes its tag, the card names the flavour, and vector is there', async () => {
    const dialog = await openCreate('pgvector');
    // The flavour's own default version (its image's tag form), and its words under the choice.
    await expect(dialog.getByRole('combobox', { name: 'Version' }).inputValue()).resolves.toBe('pg17');
    await dialog.getByText(/Vector similarity search: CREATE EXTENSION vector\. Image pgvector\/pgvector/).waitFor();
    await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(await freePort()));
    await dialog.getByLabel(/^Password/).fill(password);
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await expect(dialog.getByRole('textbox', { name: 'Image' }).getAttribute('placeholder')).resolves.toBe('pgvector/pgvector');
    await dialog.getByRole('textbox', { name: 'Image' }).fill(PGVECTOR);
    await dialog.getByRole('combobox', { name: 'Flavour' }).scrollIntoViewIfNeeded();
    await session.screenshots('create-flavour');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 120_000 });

    await card().getByText('Healthy', { exact: true }).waitFor({ timeout: 90_000 });
    await expect(card().textContent()).resolves.toMatch(/PostgreSQL \(pgvector\) pg17 \(127\.0\.0\.1:5000\/dockbase-test\/pgvector-debian\)/);
    // Only this card in the picture (the engine is shared with other suites' instances). The projects panel
    // lists every project whatever the search: its regions are not cards.
    const search = page.getByRole('searchbox', { name: 'Search by name' });
    await search.fill(name);
    await expect.poll(() => page.getByRole('region').evaluateAll((all) => all.filter((r) => !r.closest('[aria-label="Projects"]')).length)).toBe(1);
    await session.screenshots('flavour-card');
    await search.fill('');
    const labels = JSON.parse(await docker('inspect', '--format', '{{json .Config.Labels}}', name)) as Record<string, string>;
    expect(labels['io.dockbase.flavour']).toBe('pgvector');
    await docker('exec', name, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', 'CREATE EXTENSION vector');
    expect((await docker('exec', name, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', "SELECT '[3,4]'::vector <-> '[0,0]'")).trim()).toBe('5');
  });

  it('refuses a PostGIS tag the registry does not have before any pull, naming the nearest one it has; nothing is made', async () => {
    const other = `${prefix}-gis`;
    const dialog = await openCreate('postgis');
    await expect(dialog.getByRole('combobox', { name: 'Version' }).inputValue()).resolves.toBe('17-3.5');
    await dialog.getByRole('combobox', { name: 'Version' }).fill('18-3.6');
    await dialog.getByRole('textbox', { name: 'Name' }).fill(other);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(await freePort()));
    await dialog.getByLabel(/^Password/).fill(password);
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(POSTGIS);
    // Said in the form as soon as the version is chosen, before Create…
    await dialog.getByText(/postgis-debian:18-3\.6 was not found in its registry\. Nearest tags that do: 17-3\.5/).waitFor({ timeout: 30_000 });
    await session.screenshots('create-image-check');
    // …and Create, which asks again before its pull, refuses it the same way.
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByText(/postgis-debian:18-3\.6 was not found in its registry\. Nearest tags that do: 17-3\.5/).waitFor({ timeout: 60_000 });
    expect(await docker('ps', '--all', '--filter', `name=${other}`, '--format', '{{.Names}}')).toBe('');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  });

  it('ran without page errors, never showing the password', async () => {
    expect(await page.content()).not.toContain(password);
    expect(session.errors).toEqual([]);
  });
});
