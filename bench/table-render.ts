/**
 * The first render of a long instance list, alone: the UI's production build in headless Chromium, its
 * `window.ddClient` replaced by a stub that answers the list's `docker ps` with N made-up instances (and
 * every other docker command with nothing), so the engine's speed is not in the figure.
 *
 * One run is one page load. The stub holds the list's answer until the page shows "Loading instances…"
 * (React is up and waiting), then hands it over: that moment is "data in hand". The render is done when
 * the first screenful is painted: the rows (table) or cards in the page reach the bottom of the window, or
 * all N are there, and a frame has been drawn with them (a task posted from the frame's requestAnimationFrame
 * runs after its paint). A list that renders every instance meets this only once all of them are in; one
 * that renders what is on screen meets it with a screenful. The figure is the median of `runs` loads after
 * one unmeasured warm-up, for each view and count.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { containerLabels, ENGINES, LABEL } from '@dockbase/core';
import { dockerThemes } from '@dockbase/host/docker-themes';
import { ensureBuilt, REPO_ROOT } from '../scripts/ensure-built.mjs';
import { launchChromium } from '../test/support/chromium';
import { median, round } from './stats';

export type ListView = 'table' | 'cards';

export interface TableRenderRun {
  view: ListView;
  instances: number;
  /** Data in hand → first screenful painted, each measured load (ms). */
  runsMs: number[];
  medianMs: number;
  /** How many rows (or cards) the page held when the first screenful was painted (the last load). */
  rendered: number;
}

export interface TableRenderRow {
  viewport: { width: number; height: number };
  /** The machine's load average (1 minute) before and after: the times are wall-clock on a shared machine. */
  loadAverage: [number, number];
  results: TableRenderRun[];
}

const VIEWPORT = { width: 1280, height: 900 };
/** What counts as one instance on screen, in each view. */
const ITEM: Record<ListView, string> = { table: 'tr[data-instance]', cards: 'section.MuiCard-root' };

/**
 * `docker ps --format '{{json .}}'` lines for `count` instances as Dockbase creates them (the core's own
 * labels): every engine in turn, most running and healthy, some stopped, a few paused.
 */
export function psLines(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const facts = ENGINES[i % ENGINES.length] as (typeof ENGINES)[number];
    const engine = facts.id;
    const tag = facts.defaultTag;
    const id = `bench${String(i).padStart(6, '0')}`;
    const name = `db-${i + 1}`;
    const hostPort = 20000 + i;
    const labels = containerLabels({
      id,
      name,
      engine,
      image: facts.image,
      tag,
      hostPort,
      bindAddress: '127.0.0.1',
      volumes: [`dockbase-${id}-data`],
      dataId: id,
    });
    const state = i % 10 === 7 ? 'exited' : i % 10 === 9 ? 'paused' : 'running';
    const status = state === 'exited' ? 'Exited (0) 2 hours ago' : state === 'paused' ? 'Up 3 hours (Paused)' : `Up ${(i % 50) + 2} minutes (healthy)`;
    lines.push(
      JSON.stringify({
        Command: '"docker-entrypoint.s…"',
        CreatedAt: '2025-01-01 10:00:00 +0000 UTC',
        ID: `${id}${'0'.repeat(64 - id.length)}`,
        Image: `${facts.image}:${tag}`,
        Labels: Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        LocalVolumes: '1',
        Mounts: `dockbase-${id}-data`,
        Names: name,
        Networks: 'bridge',
        Ports: state === 'exited' ? '' : `127.0.0.1:${hostPort}->${facts.containerPort}/tcp`,
        RunningFor: '3 hours ago',
        Size: '0B',
        State: state,
        Status: status,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A build of the UI (ui/dist), served as files on 127.0.0.1. */
async function serveUi(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
    '.json': 'application/json',
  };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(root, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface StubConfig {
  ps: string;
  listFilter: string;
  item: string;
  count: number;
  themes: unknown;
}

/** Runs in the page before its scripts: the stub ddClient, and the measurement (window.__tableRender). */
function installStub(config: StubConfig): void {
  type Stream = { onOutput(d: { stdout?: string; stderr?: string }): void; onClose(code: number): void };
  const w = window as unknown as Record<string, unknown>;
  w.__ddMuiV6Themes = config.themes;
  let pendingList: Stream[] = [];
  let released = false;
  let measured: (r: { ms: number; rendered: number }) => void = () => undefined;
  w.__tableRender = new Promise((resolve) => (measured = resolve));

  const release = () => {
    released = true;
    const t0 = performance.now();
    for (const s of pendingList) {
      s.onOutput({ stdout: config.ps });
      s.onClose(0);
    }
    pendingList = [];
    const done = () => {
      const items = document.querySelectorAll(config.item);
      const n = items.length;
      if (n === 0) return false;
      if (n >= config.count) return true;
      return (items[n - 1] as Element).getBoundingClientRect().bottom >= window.innerHeight;
    };
    const frame = () => {
      if (!done()) {
        requestAnimationFrame(frame);
        return;
      }
      // A task posted from this frame's callbacks runs once the frame is drawn.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        measured({ ms: performance.now() - t0, rendered: document.querySelectorAll(config.item).length });
      };
      channel.port2.postMessage(null);
    };
    requestAnimationFrame(frame);
  };

  // The list's answer waits for the page to wait for it ("Loading instances…").
  const observer = new MutationObserver(() => {
    if (!released && pendingList.length > 0 && document.body?.textContent?.includes('Loading instances')) {
      observer.disconnect();
      release();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });

  const exec = (cmd: string, args: string[], options?: { stream?: Stream }) => {
    const stream = options?.stream;
    if (!stream) return Promise.resolve({ cmd, stdout: '', stderr: '', code: 0, lines: () => [], parseJsonLines: () => [], parseJsonObject: () => ({}) });
    let closed = false;
    const close = (code: number) => {
      if (!closed) {
        closed = true;
        stream.onClose(code);
      }
    };
    if (cmd === 'ps' && args.includes(config.listFilter) && !args.includes('--quiet')) {
      if (released) setTimeout(() => (stream.onOutput({ stdout: config.ps }), close(0)), 0);
      else pendingList.push(stream);
    } else if (cmd === 'events') {
      // The event stream stays open, quiet: nothing changes.
    } else {
      setTimeout(() => close(0), 0);
    }
    return { close: () => close(130) };
  };
  const unavailable = () => Promise.reject(new Error('not in this benchmark'));
  w.ddClient = {
    docker: { cli: { exec }, listContainers: unavailable, listImages: unavailable },
    extension: { image: 'dockbase-bench' },
    desktopUI: {
      toast: { success: () => undefined, warning: () => undefined, error: () => undefined },
      navigate: new Proxy({}, { get: () => unavailable }),
    },
    host: { openExternal: () => undefined, platform: 'linux', arch: 'x64', hostname: 'bench' },
  };
}

async function measureOnce(page: Page, url: string): Promise<{ ms: number; rendered: number }> {
  for (let attempt = 1; ; attempt++) {
    await page.goto(url);
    try {
      // Awaited in the page (no polling while it renders).
      return await page.evaluate(() => (window as unknown as { __tableRender: Promise<{ ms: number; rendered: number }> }).__tableRender);
    } catch (e) {
      // The page loaded itself again (the UI reloads once when a part of its code did not arrive): once more.
      if (attempt >= 2 || !String(e).includes('Execution context was destroyed')) throw e;
    }
  }
}

/** First render of `counts` stubbed instances in each of `views`: median of `runs` page loads each. */
export async function benchTableRender(
  options: {
    counts?: number[];
    views?: ListView[];
    runs?: number;
    /** Another build of the UI (to compare); ui/dist, built if older than its sources, by default. */ uiDist?: string;
  } = {},
): Promise<TableRenderRow> {
  const counts = options.counts ?? [100, 1000];
  const views = options.views ?? ['table', 'cards'];
  const runs = options.runs ?? 5;
  const loadBefore = os.loadavg()[0] as number;
  if (!options.uiDist) await ensureBuilt(['ui'], { log: () => {} });
  const server = await serveUi(options.uiDist ?? path.join(REPO_ROOT, 'ui', 'dist'));
  let browser: Browser | undefined;
  const results: TableRenderRun[] = [];
  try {
    browser = await launchChromium();
    for (const view of views) {
      for (const count of counts) {
        const context = await browser.newContext({ viewport: VIEWPORT });
        try {
          const config: StubConfig = { ps: psLines(count), listFilter: `label=${LABEL.instance}`, item: ITEM[view], count, themes: dockerThemes };
          // As source text: tsx's helper for function names (__name) does not exist in the page.
          await context.addInitScript({
            content: `var __name = (f) => f; localStorage.setItem('dockbase.viewMode', ${JSON.stringify(view)}); (${installStub.toString()})(${JSON.stringify(config)});`,
          });
          const page = await context.newPage();
          await measureOnce(page, server.url);
          const runsMs: number[] = [];
          let rendered = 0;
          for (let i = 0; i < runs; i++) {
            const r = await measureOnce(page, server.url);
            runsMs.push(round(r.ms));
            rendered = r.rendered;
          }
          results.push({ view, instances: count, runsMs, medianMs: round(median(runsMs)), rendered });
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await browser?.close();
    await server.close();
  }
  return { viewport: VIEWPORT, loadAverage: [round(loadBefore, 2), round(os.loadavg()[0] as number, 2)], results };
}
