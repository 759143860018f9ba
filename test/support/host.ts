import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { v1 } from '@docker/extension-api-client-types';
import { ensureBuilt } from '@dockbase/host/ensure-built';
import { startHost, type HostHandle, type HostOptions } from '@dockbase/host';

/**
 * The standalone host for browser tests: builds what is missing or out of date (UI, backend, host), then
 * starts the host programmatically on a free loopback port with a throwaway data directory.
 */
export interface TestHost extends HostHandle {
  /** The backend's and the host's own output, for diagnosing a failure. */
  readonly output: string[];
}

export async function startTestHost(options: HostOptions = {}): Promise<TestHost> {
  await ensureBuilt(options.backend === false ? ['ui', 'host'] : ['ui', 'backend', 'host'], { log: () => {} });
  const ownDataDir = options.dataDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-test-data-')) : undefined;
  const output: string[] = [];
  const host = await startHost({
    port: 0,
    dataDir: ownDataDir,
    log: (line) => output.push(`[host] ${line}`),
    backendOutput: (line) => output.push(`[backend] ${line}`),
    ...options,
  });
  return {
    ...host,
    output,
    close: async () => {
      await host.close();
      if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

export interface LoggedInPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page since it opened. */
  errors: string[];
  /** console.error messages since the page opened (the UI may log expected failures there). */
  consoleErrors: string[];
}

/**
 * Opens a fresh browser context, visits the host's one-time login link like a user would and waits until the
 * sign-in page has exchanged the code for the token and replaced itself with the UI's page (window.ddClient
 * installed, the code gone from the address). The host's link works once: use it for one tab per host, or
 * pass a link from `host.newLoginUrl()`.
 */
export async function openLoggedIn(
  browser: Browser,
  host: HostHandle,
  options: BrowserContextOptions & { view?: 'cards' | 'table' | null } = {},
  loginUrl = host.loginUrl,
): Promise<LoggedInPage> {
  const { view = 'cards', ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  // The engine is shared: other runs' instances can push the list past the handful after which the table is
  // the default. Suites that read cards get cards (unless they choose the table); `null` leaves the app's rule.
  if (view) await context.addInitScript((v) => window.localStorage.setItem('dockbase.viewMode', v), view);
  const page = await context.newPage();
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  const response = await page.goto(loginUrl);
  const signedIn = await page
    .waitForFunction(() => 'ddClient' in window, undefined, { timeout: 30_000 })
    .then(() => true, () => false);
  if (response?.status() !== 200 || !signedIn || page.url() !== host.url) {
    const text = await page.textContent('body').catch(() => '');
    throw new Error(`logging in failed: HTTP ${response?.status()} at ${page.url()}: ${text?.trim()}`);
  }
  return { context, page, errors, consoleErrors };
}

/** `window.ddClient` as the page sees it (for `page.evaluate`). */
export type PageWindow = Window & { ddClient: v1.DockerDesktopClient };
