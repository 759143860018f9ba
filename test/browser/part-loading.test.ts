import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';

// The tab in Chromium when a part it loads on first use does not arrive. This happens: Chromium drops the
// connections it has open whenever the machine's network changes, which docker does at every container start
// and stop, and it then keeps that module's failure for its address. Here the host's answer for the new-instance
// form's code is cut off as such a drop would cut it.
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await openBrowserSession();
  page = session.page;
});

afterAll(async () => {
  await session?.close();
});

const isFormCode = (url: URL) => /^\/assets\/CreateInstanceDialog-[^/]+\.js$/.test(url.pathname);

/** Cuts off the first `drops` downloads of the form's code; returns the addresses asked for. */
async function dropFormCode(drops: number): Promise<string[]> {
  const asked: string[] = [];
  await page.route(isFormCode, (route: Route) => {
    asked.push(route.request().url());
    return asked.length <= drops ? route.abort('internetdisconnected') : route.continue();
  });
  return asked;
}

const openForm = () =>
  page
    .getByRole('button', { name: /^(New instance|Create your first instance)$/ })
    .first()
    .click();
const form = () => page.getByRole('dialog', { name: 'New instance' });

describe('a dialog whose code is cut off on the way', () => {
  it('opens anyway when the first download fails: the second asks at a fresh address', async () => {
    const asked = await dropFormCode(1);
    await openForm();
    await form().waitFor({ timeout: 15_000 });
    expect(asked).toHaveLength(2);
    expect(asked[1]).toBe(`${asked[0]}?retry=${new URL(asked[1]!).searchParams.get('retry')}`);
    await page.unroute(isFormCode);
    await page.keyboard.press('Escape');
    await form().waitFor({ state: 'hidden' });
    // The user never knew.
    expect(session.errors).toEqual([]);
  });

  it('says which part failed where it failed, keeps the list and the buttons, and opens on Try again', async () => {
    await page.reload(); // a new page: the form's code is not loaded yet
    await page.getByRole('heading', { name: 'Dockbase', exact: true }).waitFor();
    const asked = await dropFormCode(2);
    await openForm();
    const failure = page.getByRole('alert').filter({ hasText: 'Could not show the new-instance form' });
    await failure.waitFor({ timeout: 15_000 });
    expect(asked).toHaveLength(2);
    await expect(
      page
        .getByRole('button', { name: /^(New instance|Create your first instance)$/ })
        .first()
        .isEnabled(),
    ).resolves.toBe(true);

    await failure.getByRole('button', { name: 'Try again' }).click();
    await form().waitFor({ timeout: 15_000 });
    await expect(failure.count()).resolves.toBe(0);
    await page.unroute(isFormCode);
  });

  it('reported no page error but the failed download it showed', () => {
    // React may report an error it rendered a boundary for (reportError, when it rendered twice to recover):
    // that one only, or none.
    for (const error of session.errors)
      expect(error).toMatch(/^Failed to fetch dynamically imported module: http:\/\/127\.0\.0\.1:\d+\/assets\/CreateInstanceDialog-[^/]+\.js\?retry=\d+$/);
  });
});

// The same drop while the page itself loads (docker starting containers as the tab opens, as under-load.test.ts
// does): a module the tab needs to start does not arrive, and the browser remembers its failure for the page.
describe('the tab whose code is cut off while the page loads', () => {
  /** Cuts off the first `drops` downloads of the assets `pattern` names; returns how many were asked for. */
  async function drop(pattern: RegExp, drops: number): Promise<{ asked: number }> {
    const seen = { asked: 0 };
    await page.route(
      (url) => pattern.test(url.pathname),
      (route: Route) => (++seen.asked <= drops ? route.abort('internetdisconnected') : route.continue()),
    );
    return seen;
  }
  // The tab's own button: the sign-in step before it has a heading "Dockbase" too.
  const opened = () =>
    page
      .getByRole('button', { name: /^(New instance|Create your first instance)$/ })
      .first()
      .waitFor({ timeout: 15_000 });

  it('loads the page again by itself, as often as it takes, when the entry does not arrive', async () => {
    const entry = await drop(/^\/assets\/index-[^/]+\.js$/, 2);
    await page.reload();
    await opened();
    expect(entry.asked).toBe(3);
    await page.unrouteAll();
  });

  it('loads the page again by itself when the start the entry imports does not arrive twice', async () => {
    const startCode = await drop(/^\/assets\/start-[^/]+\.js$/, 2);
    await page.reload();
    await opened();
    expect(startCode.asked).toBe(3);
    await page.unrouteAll();
  });

  it('says so after about 15 s, and opens on Load again', async () => {
    const startCode = await drop(/^\/assets\/start-[^/]+\.js$/, Infinity);
    await page.reload();
    // It names the part: the start's file, or "the tab's start" when the import said so first.
    const said = page.getByText(/^Dockbase could not load its code \((start-[\w-]+\.js|the tab's start) did not arrive\)/);
    await said.waitFor({ timeout: 30_000 });
    // The first load and five more, 0.5 to 8 s apart: then it stops asking.
    expect(startCode.asked).toBe(6);
    await page.unrouteAll();
    await page.getByRole('button', { name: 'Load again' }).click();
    await opened();
  });
});
