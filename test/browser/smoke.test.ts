import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';

// Loads the UI's production build (the files Docker Desktop loads) in headless Chromium.
const dist = path.resolve(__dirname, '../../ui/dist');
let server: http.Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('ui/dist is missing: run `npm run build -w ui`');
  server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dist, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(dist) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe('the UI build in Chromium', () => {
  it('boots with a window.ddClient and shows the tab', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.ddClient = { docker: { cli: {} }, desktopUI: {}, host: {}, extension: {} };
      w.__ddMuiV6Themes = { light: {}, dark: {} };
    });
    await page.goto(base);
    await expect(page.getByRole('heading', { name: 'Dockbase' }).textContent()).resolves.toBe('Dockbase');
    expect(errors).toEqual([]);
  });
});
