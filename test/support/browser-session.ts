import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { openLoggedIn, startTestHost, type LoggedInPage, type TabOptions, type TestHost, type TestHostOptions } from './host';

/**
 * Where the browser suites' screenshots go. Every run takes them; `DOCKBASE_UPDATE_SCREENSHOTS=1 npm run
 * test:browser` refreshes the README's copies in docs/screenshots, other runs leave them in
 * .test-results/screenshots.
 */
export const SCREENSHOTS = path.resolve(
  import.meta.dirname,
  process.env.DOCKBASE_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots' : '../../.test-results/screenshots',
);

/** A browser suite's session: the host, Chromium, and one tab signed in to the host. */
export interface BrowserSession extends LoggedInPage {
  host: TestHost;
  browser: Browser;
  /** Light and dark screenshots of what the tab shows now (`<base>-light.png`, `<base>-dark.png` in SCREENSHOTS). */
  screenshots(base: string): Promise<void>;
  /** Closes Chromium, then the host. */
  close(): Promise<void>;
}

export interface BrowserSessionOptions {
  /** How the host is started (without a backend, another docker, …). */
  host?: TestHostOptions;
  /** The tab's viewport, scale and view (see openLoggedIn). */
  tab?: TabOptions;
  /** Lets the tab read and write the clipboard (Copy connection string). */
  clipboard?: boolean;
}

/**
 * What every browser suite starts with: the host as a user starts it (startTestHost), headless Chromium and a
 * tab signed in through the one-time link (openLoggedIn). Should any of it fail, what was started is closed
 * again before the error is thrown; otherwise `close()` in the suite's afterAll does it.
 */
export async function openBrowserSession(options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  const host = await startTestHost(options.host);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const tab = await openLoggedIn(browser, host, options.tab);
    if (options.clipboard) await tab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
    const chromium = browser;
    return {
      ...tab,
      host,
      browser: chromium,
      screenshots: (base) => screenshots(tab.page, base),
      close: async () => {
        await chromium.close();
        await host.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await host.close();
    throw e;
  }
}

/** Light and dark screenshots of what the page shows now, at its device scale factor; the page is left light. */
async function screenshots(page: Page, base: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${base}-${scheme}.png`), scale: 'device' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
