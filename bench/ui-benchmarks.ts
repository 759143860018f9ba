/**
 * The open UI in headless Chromium through the standalone host, against the real engine: docker processes
 * it spawns while nothing changes, how fast an outside `docker stop` shows, and the first render with many
 * instances. The host runs docker through a counting wrapper, so every spawn is seen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/chromium';
import { openLoggedIn, startInProcessHost } from '../test/support/host';
import { median, round } from './stats';

export interface UiRow {
  firstRenderMs: number;
  /** The instances in the table; `firstScreenRows` of them were rendered (those on screen, a few more). */
  instancesRendered: number;
  firstScreenRows: number;
  idleSeconds: number;
  idleSpawnsPerMinute: number;
  idleSpawnedCommands: string[];
  /** When the idle window was (Unix seconds): what else happened on the shared engine meanwhile. */
  idleWindow: { from: number; until: number };
  loadSpawns: number;
  stopToUiMs: number[];
  stopToUiMedianMs: number;
  /** Page load → a running job (an upgrade started elsewhere, run by the backend) shown on its row, each of 3 loads. */
  jobShownMs?: number[];
  jobShownMedianMs?: number;
}

/**
 * A docker wrapper that appends each subcommand and its first argument (exec: the container) to a file, then
 * runs the real docker. `words`: how many of its first arguments each line shows (2 by default).
 */
export function countingWrapper(dir: string, words = 2): { binary: string; spawns(): string[] } {
  const log = path.join(dir, 'spawns.log');
  const binary = path.join(dir, 'docker');
  const real = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => fs.existsSync(p)) ?? 'docker';
  const args = Array.from({ length: words }, (_, i) => `"\${${i + 1}}"`).join(' ');
  const format = Array.from({ length: words }, () => '%s').join(' ');
  fs.writeFileSync(log, '');
  fs.writeFileSync(binary, `#!/bin/sh\nprintf '${format}\\n' ${args} >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
  return { binary, spawns: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/**
 * In the page, `showRow(name)`: whether the instance's row is rendered; until it is, the page scrolls down a
 * screen (the table renders only the rows on screen). Plain script text: it is installed as it is.
 */
const SHOW_ROW = `window.showRow = (name) => {
  const row = document.querySelector('tr[data-instance="' + CSS.escape(name) + '"]');
  if (!row) window.scrollBy(0, window.innerHeight * 0.9);
  return Boolean(row);
};`;
type ShowRow = { showRow(name: string): boolean };

export async function benchUi(options: {
  expectInstances: number;
  runningInstance: string;
  idleSeconds: number;
  stopRuns: number;
  restart: (name: string) => Promise<void>;
  stop: (name: string) => Promise<void>;
  /** Makes a PostgreSQL instance whose upgrade runs for a while (resolves with its id and name), and removes it. */
  longJob?: { make(): Promise<{ id: string; name: string }>; remove(): Promise<void> };
}): Promise<UiRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-bench-ui-'));
  const counter = countingWrapper(dir);
  const host = await startInProcessHost({ docker: counter.binary });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const session = await openLoggedIn(browser, host, { view: null });
    const { page } = session;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.addInitScript({ content: SHOW_ROW });

    // First render: from navigation start to the first screenful of the table's rows, the default view past
    // a handful of instances (no view chosen: the first visit of a user). The table renders only the rows on
    // screen: done when it holds every instance (aria-rowcount: the header and one row each) and its rows
    // reach the window's bottom (or all of them are in).
    await page.evaluate(() => window.localStorage.removeItem('dockbase.viewMode'));
    const renders: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(host.url);
      const t = await page.waitForFunction(
        (n) => {
          const held = Number(document.querySelector('table[aria-rowcount]')?.getAttribute('aria-rowcount') ?? 1) - 1;
          const rows = document.querySelectorAll('tr[data-instance]');
          const last = rows[rows.length - 1];
          if (held < n || !last) return 0;
          return rows.length >= held || last.getBoundingClientRect().bottom >= window.innerHeight ? performance.now() : 0;
        },
        options.expectInstances,
        { timeout: 60_000, polling: 'raf' },
      );
      renders.push(Number(await t.jsonValue()));
    }
    const instancesRendered = await page.evaluate(() => Number(document.querySelector('table[aria-rowcount]')?.getAttribute('aria-rowcount') ?? 1) - 1);
    const firstScreenRows = await page.locator('tr[data-instance]').count();

    // Idle: after the load settles, nothing changes on the engine for `idleSeconds`.
    await page.waitForTimeout(3000);
    const loadSpawns = counter.spawns().length;
    const idleFrom = Date.now() / 1000;
    await page.waitForTimeout(options.idleSeconds * 1000);
    const idle = counter.spawns().slice(loadSpawns);
    const idleWindow = { from: idleFrom, until: Date.now() / 1000 };

    // An outside `docker stop`: time from the command's return to the instance's row saying so (scrolled to
    // first: the table renders the rows on screen).
    await page.waitForFunction((name) => (window as unknown as ShowRow).showRow(name), options.runningInstance, { timeout: 30_000, polling: 'raf' });
    const card = page.locator(`tr[data-instance="${options.runningInstance}"]`);
    const stopToUiMs: number[] = [];
    for (let i = 0; i < options.stopRuns; i++) {
      await options.restart(options.runningInstance);
      await card.getByText('Stopped', { exact: true }).waitFor({ state: 'detached', timeout: 30_000 });
      await options.stop(options.runningInstance);
      const t0 = performance.now();
      await card.getByText('Stopped', { exact: true }).waitFor({ timeout: 30_000 });
      stopToUiMs.push(round(performance.now() - t0));
    }
    // Coming back to the tab: from navigation start to the running job on its row (the upgrade is the
    // backend's, started through the page's own bridge, then the page is loaded again).
    const jobShownMs: number[] = [];
    if (options.longJob) {
      const target = await options.longJob.make();
      try {
        await page.goto(host.url);
        // The page script installs the client once the page is signed in (it may replace the document first).
        await page.waitForFunction(() => (window as unknown as { ddClient?: unknown }).ddClient !== undefined, undefined, { timeout: 30_000 });
        await page.evaluate(
          (id) =>
            (
              window as unknown as { ddClient: { extension: { vm: { service: { post(u: string, b: unknown): Promise<unknown> } } } } }
            ).ddClient.extension.vm.service.post('/jobs', { kind: 'upgrade', instanceId: id, to: '17' }),
          target.id,
        );
        for (let i = 0; i < 3; i++) {
          await page.goto(host.url);
          const t = await page.waitForFunction(
            // The page scrolls down to the row meanwhile, a screen a frame, as a user would look for it.
            (name) =>
              (window as unknown as ShowRow).showRow(name) &&
              document.querySelector(`[data-instance="${name}"] [role="status"]`)?.textContent?.includes('Upgrade to PostgreSQL 17')
                ? performance.now()
                : 0,
            target.name,
            { timeout: 30_000, polling: 'raf' },
          );
          jobShownMs.push(round(Number(await t.jsonValue())));
        }
      } finally {
        await options.longJob.remove();
      }
    }
    return {
      ...(jobShownMs.length ? { jobShownMs, jobShownMedianMs: round(median(jobShownMs)) } : {}),
      firstRenderMs: round(median(renders)),
      instancesRendered,
      firstScreenRows,
      idleSeconds: options.idleSeconds,
      idleSpawnsPerMinute: round((idle.length * 60) / options.idleSeconds, 2),
      idleSpawnedCommands: idle,
      idleWindow,
      loadSpawns,
      stopToUiMs,
      stopToUiMedianMs: round(median(stopToUiMs)),
    };
  } finally {
    await browser?.close();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
