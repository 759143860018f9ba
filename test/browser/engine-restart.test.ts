import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createDockbase } from '@dockbase/core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { freePort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine';
import { withRedis } from '../support/redis';

// The Docker engine restarts under an open tab (Docker Desktop restarting, `systemctl restart docker`): the tab
// says the engine is away and keeps its last list, greyed, while the jobs that were under way (a create and an
// upgrade, both pulling) end with a message; the engine comes back and so does the tab, by itself; the instance
// that starts with Docker runs again, the other stays stopped until started, each still one container on its
// data, nothing of the interrupted create is left, and the interrupted upgrade holds its instance no longer.
// The engine is the test's own dockerd (the machine's binary, its own socket, data root and bridge), so the
// machine's main engine, which other runs share, is never stopped.

let engine: PrivateEngine;
let stall: StallRegistry;
let session: BrowserSession;
let page: Page;

const PREFIX = `rs${process.pid}`;
const keep = `${PREFIX}-keep`;
const plain = `${PREFIX}-plain`;
const late = `${PREFIX}-late`;
const password = { [keep]: 'keep-pw-1', [plain]: 'plain-pw-2' } as Record<string, string>;
const ports: Record<string, number> = {};

const card = (name: string) => page.getByRole('region', { name });
const chip = (where: Locator, text: RegExp) => where.getByText(text).first();
const RUNNING = /^(Running|Healthy)$/;
const STALE_LIST = '[aria-label="Last known instances (may be out of date)"]';

/** A registry that answers docker's version check and never answers a manifest: a pull that stays under way. */
interface StallRegistry {
  port: number;
  /** Resolves once docker has asked for `n` manifests in all (that many pulls are waiting on one). */
  asked(n: number): Promise<void>;
  close(): Promise<void>;
}

async function startStallRegistry(): Promise<StallRegistry> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const waiting: Array<{ n: number; resolve(): void }> = [];
  const onAsked = () => {
    count++;
    for (const w of waiting.filter((w) => w.n <= count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/v2/' || req.url === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' });
      res.end('{}');
      return;
    }
    if (/\/manifests\//.test(req.url ?? '')) onAsked();
    // No answer: the pull waits.
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    asked: (n) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function openCreate(name: string, image: string) {
  await page
    .getByRole('button', { name: /^(New instance|Create your first instance)$/ })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: 'New instance' });
  await dialog.getByRole('radio', { name: 'Redis' }).check();
  await dialog.getByRole('combobox', { name: 'Version' }).fill(REDIS_TEST_TAG);
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
  ports[name] = await freePort();
  await dialog.getByRole('textbox', { name: 'Port' }).fill(String(ports[name]));
  if (password[name]) await dialog.getByLabel(/^Password/).fill(password[name]);
  await dialog.getByRole('button', { name: 'Advanced' }).click();
  await dialog.getByRole('textbox', { name: 'Image' }).fill(image);
  return dialog;
}

/** The containers of each instance name on the engine (instances, not Dockbase's locks). */
async function containersOf(name: string): Promise<string[]> {
  const out = await engine.docker('ps', '--all', '--filter', `name=^/${name}`, '--format', '{{.Names}} {{.State}}');
  return out.split('\n').filter(Boolean);
}

const redisGet = (name: string, key: string) => withRedis(ports[name] as number, password[name] as string, (r) => r.command('GET', key));

beforeAll(async () => {
  engine = await startPrivateEngine();
  await engine.docker('pull', '--quiet', `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);
  stall = await startStallRegistry();
  // An image of the stalled registry that is already here: its instance runs, and its upgrade's pull waits.
  await engine.docker('tag', `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`, `${stalledImage()}:${REDIS_TEST_TAG}`);
  session = await openBrowserSession({ host: { env: engine.env }, tab: { viewport: { width: 1200, height: 900 }, view: 'cards' } });
  page = session.page;
});

// A failed step leaves a picture of the page behind, for whoever reads the failure.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    console.log(
      'FAILED',
      ctx.task.name,
      session?.consoleErrors.slice(-5),
      '\n--- host:\n',
      session?.host.output.slice(-20).join('\n'),
      '\n--- dockerd:\n',
      engine?.log(),
    );
    await page
      ?.screenshot({
        path: path.resolve(import.meta.dirname, '../../.test-results', `engine-restart-failure-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`),
      })
      .catch(() => undefined);
  }
});

afterAll(async () => {
  await session?.close();
  await stall?.close();
  await engine?.close();
});

/** Keeps every toast the page shows (they go after a few seconds), for the test to read. */
async function recordToasts(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { toastsSeen: string[] }).toastsSeen = seen;
    new MutationObserver((changes) => {
      for (const change of changes)
        change.addedNodes.forEach((node) => {
          if (node instanceof HTMLElement && node.parentElement?.id === 'dockbase-toasts') seen.push(node.firstChild?.textContent ?? '');
        });
    }).observe(document.body, { childList: true, subtree: true });
  });
}
const toastsSeen = () => page.evaluate(() => (window as unknown as { toastsSeen: string[] }).toastsSeen);

const stalledImage = () => `127.0.0.1:${stall.port}/dockbase-test/redis-debian`;
/** Of the stalled registry, and not here: a create of it pulls. */
const unpulledImage = () => `127.0.0.1:${stall.port}/dockbase-test/redis-unpulled`;

describe('the Docker engine restarting under an open tab', () => {
  it('has an instance that starts with Docker and one that does not, each holding a key', async () => {
    // One made and set to start with Docker through the page, as a user does…
    const dialog = await openCreate(keep, REDIS_TEST_IMAGE);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await chip(card(keep), RUNNING).waitFor({ timeout: 60_000 });
    await card(keep).getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${keep}` });
    await edit.getByRole('checkbox', { name: 'Start with Docker' }).check();
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    await edit.waitFor({ state: 'detached', timeout: 60_000 });
    await chip(card(keep), RUNNING).waitFor({ timeout: 60_000 });
    // …and one by the core, as the command line does, left as created: it does not start with Docker.
    ports[plain] = await freePort();
    await createDockbase(engine.cli).creation.create(
      {
        engine: 'redis',
        name: plain,
        tag: REDIS_TEST_TAG,
        image: stalledImage(),
        hostPort: ports[plain],
        password: password[plain] as string,
        persistData: true,
        exposeOnNetwork: false,
      },
      { start: true },
    );
    await chip(card(plain), RUNNING).waitFor({ timeout: 60_000 });

    const policy = async (name: string) => (await engine.docker('inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}', name)).trim();
    expect(await policy(keep)).toBe('unless-stopped');
    expect(await policy(plain)).toBe('no');
    for (const name of [keep, plain]) {
      await expect
        .poll(
          () =>
            withRedis(ports[name] as number, password[name] as string, (r) => r.command('SET', 'before', `written to ${name}`)).catch((e: Error) => e.message),
          {
            timeout: 30_000,
          },
        )
        .toEqual({ ok: true, value: 'OK' });
    }
  });

  it('says the engine is away, keeps the last list greyed, and ends the jobs that were pulling with a message', async () => {
    // An upgrade of one (its dialog closed: the job goes on, on its card)…
    await card(plain).getByRole('button', { name: 'Upgrade', exact: true }).click();
    const upgrade = page.getByRole('dialog', { name: `Upgrade ${plain}` });
    await upgrade.getByRole('combobox', { name: 'New version' }).fill('8.0');
    await upgrade.getByRole('button', { name: 'Upgrade', exact: true }).click();
    await stall.asked(1);
    await upgrade.getByRole('button', { name: 'Close', exact: true }).click();
    await upgrade.waitFor({ state: 'detached', timeout: 10_000 });
    // …and a create, its dialog open: both pulls wait on the registry when the engine goes.
    const create = await openCreate(late, unpulledImage());
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await stall.asked(2);
    await recordToasts();
    await engine.stop();

    // Each ends, saying what the engine going away did to it: the create in its dialog…
    const failure = create.getByRole('alert');
    await failure.waitFor({ timeout: 60_000 });
    await expect(failure.textContent()).resolves.toBe(
      `Create Redis ${REDIS_TEST_TAG} was interrupted before its first step (the Docker engine went away). ${late} was not made.`,
    );
    await create.getByRole('button', { name: 'Cancel', exact: true }).click();
    await create.waitFor({ state: 'detached', timeout: 10_000 });
    // …the upgrade in a toast.
    await expect
      .poll(toastsSeen, { timeout: 30_000 })
      .toContain(`Upgrade to Redis 8.0 was interrupted before its first step (the Docker engine went away). ${plain} was not changed.`);

    const banner = page.getByRole('alert').filter({ hasText: 'Docker engine unavailable' });
    await banner.waitFor({ timeout: 30_000 });
    await expect(banner.textContent()).resolves.toMatch(/The list below is the last one known/);
    // The last list stays, greyed: both cards, still as they were.
    const stale = page.locator(STALE_LIST);
    await stale.waitFor({ timeout: 10_000 });
    expect(Number(await stale.evaluate((e) => getComputedStyle(e).opacity))).toBeLessThan(1);
    await card(keep).waitFor();
    await card(plain).waitFor();
    expect(await card(late).count()).toBe(0);
    // A probe that docker cannot run is no word from the server: never "Unhealthy" for that.
    expect(await page.getByText('Unhealthy', { exact: true }).count()).toBe(0);
  });

  it('comes back by itself once the engine is back: the instance that starts with Docker runs again, nothing is doubled or lost', async () => {
    const marker = await page.evaluate(() => ((window as unknown as { restartMarker: number }).restartMarker = Math.random()));
    await engine.start();

    const banner = page.getByRole('alert').filter({ hasText: 'Docker engine unavailable' });
    await banner.waitFor({ state: 'detached', timeout: 45_000 });
    await page.locator(STALE_LIST).waitFor({ state: 'detached', timeout: 10_000 });
    await chip(card(keep), RUNNING).waitFor({ timeout: 30_000 });
    await chip(card(plain), /^Stopped$/).waitFor({ timeout: 30_000 });
    // Without a reload: the same page.
    expect(await page.evaluate(() => (window as unknown as { restartMarker?: number }).restartMarker)).toBe(marker);

    // One container each, none of the create that was interrupted, nothing the upgrade made.
    expect(await containersOf(keep)).toEqual([`${keep} running`]);
    expect(await containersOf(plain)).toEqual([`${plain} exited`]);
    expect(await containersOf(late)).toEqual([]);
    expect((await engine.docker('volume', 'ls', '--format', '{{.Name}}')).split('\n').filter((v) => v.includes(late))).toEqual([]);
    // The data of the one that came back by itself.
    await expect.poll(() => redisGet(keep, 'before').catch((e: Error) => e.message), { timeout: 30_000 }).toEqual({ ok: true, value: `written to ${keep}` });

    // The other starts from the tab (the upgrade holds it no longer), on its data, still Redis 7.0.
    await card(plain).getByRole('button', { name: 'Start', exact: true }).click();
    await chip(card(plain), RUNNING).waitFor({ timeout: 60_000 });
    await expect.poll(() => redisGet(plain, 'before').catch((e: Error) => e.message), { timeout: 30_000 }).toEqual({ ok: true, value: `written to ${plain}` });
    expect(await containersOf(plain)).toEqual([`${plain} running`]);
    expect((await engine.docker('inspect', '--format', '{{.Config.Image}}', plain)).trim()).toBe(`${stalledImage()}:${REDIS_TEST_TAG}`);
    // Nothing else on the engine: no lock left by the upgrade the engine interrupted (nor by the start).
    const names = async () => (await engine.docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter(Boolean).sort();
    await expect.poll(names, { timeout: 15_000 }).toEqual([keep, plain].sort());
    expect(session.errors).toEqual([]);
  });

  it('creates the interrupted instance again, once', async () => {
    const dialog = await openCreate(late, REDIS_TEST_IMAGE);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await chip(card(late), RUNNING).waitFor({ timeout: 60_000 });
    expect(await containersOf(late)).toEqual([`${late} running`]);
  });
});
