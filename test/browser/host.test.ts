import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainerArgs, type CreatePlan } from '@dockbase/core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { testPort } from '../support/dockbase';
import { openLoggedIn, startTestHost, type PageWindow } from '../support/host';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// The UI's production build (the files Docker Desktop loads) served by the standalone host, in headless
// Chromium, with the real backend and the real Docker engine behind window.ddClient.
let session: BrowserSession;
const run = crypto.randomBytes(4).toString('hex');
const plan: CreatePlan = {
  id: crypto.randomBytes(6).toString('hex'),
  name: `host-test-${run}`,
  engine: 'redis',
  image: REDIS_TEST_IMAGE,
  tag: REDIS_TEST_TAG,
  hostPort: testPort(50),
  bindAddress: '127.0.0.1',
  password: 'a=b c "d" $e',
  volumes: [],
};
const volume = `dockbase-host-test-${run}-data`;
plan.volumes = [{ name: volume, mount: { key: 'data', path: '/data' } }];
plan.dataId = plan.id;
let containerId = '';

beforeAll(async () => {
  // Another suite may have removed the local copy (the e2e test pulls it through a slow proxy instead).
  execFileSync('docker', ['pull', '--quiet', `${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`], { stdio: 'ignore' });
  session = await openBrowserSession();
});

afterAll(async () => {
  execFileSync('docker', ['rm', '--force', '--volumes', plan.name], { stdio: 'ignore' });
  execFileSync('docker', ['volume', 'rm', '--force', volume], { stdio: 'ignore' });
  await session?.close();
});

describe('the UI in the standalone host', () => {
  it('renders the Dockbase heading after logging in with the one-time link, without page errors', async () => {
    expect(session.host.backend, session.host.output.join('\n')).toBe(true);
    const { page, errors, consoleErrors } = session;
    await page.getByRole('heading', { name: 'Dockbase', exact: true }).waitFor();
    expect(errors).toEqual([]);
    // Nothing failed to load and nothing broke the page's Content-Security-Policy (both are console errors):
    // the host's header, and the build's own meta element (the one Docker Desktop gets).
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toMatch(/^default-src 'self'; script-src 'self';/);
    // The configuration element is gone from the DOM once read.
    expect(await page.locator('#dockbase-host-config').count()).toBe(0);
    expect(await page.evaluate(() => typeof (window as unknown as PageWindow).ddClient.docker.cli.exec)).toBe('function');
    expect(await page.evaluate(() => 'vm' in (window as unknown as PageWindow).ddClient.extension)).toBe(true);
    expect(await page.evaluate(() => Object.keys((window as unknown as { __ddMuiV6Themes: object }).__ddMuiV6Themes).sort())).toEqual(['dark', 'light']);
  });

  it('resolves ddClient.docker.cli.exec("version", ["--format", "\\"{{json .}}\\""]) from the page', async () => {
    const version = await session.page.evaluate(async () => {
      const r = await (window as unknown as PageWindow).ddClient.docker.cli.exec('version', ['--format', '"{{json .}}"']);
      return { code: r.code, parsed: r.parseJsonObject() as { Client?: { Version?: string }; Server?: { Version?: string } } };
    });
    expect(version.code).toBe(0);
    expect(version.parsed.Client?.Version).toBeTruthy();
    expect(version.parsed.Server?.Version).toBeTruthy();
  });

  it('reaches the backend through extension.vm.service', async () => {
    const health = await session.page.evaluate(() => (window as unknown as PageWindow).ddClient.extension.vm?.service?.get('/health'));
    // The backend runs the tab's jobs: it says whether docker answers it and how many jobs run.
    expect(health).toMatchObject({ status: 'ok', jobs: { running: expect.any(Number) }, docker: { ok: true } });
  });

  it('delivers arguments to docker as Docker Desktop would: stream verbatim, non-stream re-split', async () => {
    const { page } = session;
    // Stream exec: a create the core builds, its hostile password ONE exact argv element (Docker Desktop's way).
    const argv = createContainerArgs(plan, { start: true });
    const created = await page.evaluate(
      ([cmd, ...args]) =>
        new Promise<{ code: number; out: string }>((resolve, reject) => {
          let out = '';
          (window as unknown as PageWindow).ddClient.docker.cli.exec(cmd!, args, {
            stream: { onOutput: (d) => (out += d.stdout ?? d.stderr ?? ''), onError: reject, onClose: (code) => resolve({ code, out }) },
          });
        }),
      argv,
    );
    expect(created.code, created.out).toBe(0);
    containerId = created.out.trim();
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);
    // The engine agrees, asked directly.
    expect(JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Config.Env}}', containerId], { encoding: 'utf8' }))).toContain(
      `REDISCLI_AUTH=${plan.password}`,
    );

    // Non-stream exec with Docker's documented "{{json .}}" quoting: the inner quotes are removed by the re-split.
    const found = await page.evaluate(
      async (id) =>
        (
          await (window as unknown as PageWindow).ddClient.docker.cli.exec('ps', [
            '--all',
            '--no-trunc',
            '--filter',
            `label=io.dockbase.instance=${id}`,
            '--format',
            '"{{json .}}"',
          ])
        ).parseJsonObject() as { ID: string },
      plan.id,
    );
    expect(found.ID).toBe(containerId);

    // ...and an unquoted value with a space is split in two, as in Docker Desktop: the argv is no longer one the
    // core builds, so the host refuses it and the exec REJECTS with {cmd, code, stdout, stderr}.
    const failure = await page.evaluate(() =>
      (window as unknown as PageWindow).ddClient.docker.cli.exec('version', ['--format', '{{json .}}']).then(
        () => 'resolved',
        (e: { cmd: string; code: number; stdout: string; stderr: string }) => ({ cmd: e.cmd, code: e.code, stderr: e.stderr }),
      ),
    );
    expect(failure).toMatchObject({ code: 127, cmd: 'docker version --format {{json .}}', stderr: expect.stringMatching(/refused.*not allowed/) });
  });

  it('kills the docker process when the page closes a stream', async () => {
    await session.page.evaluate((id) => {
      const w = window as unknown as PageWindow & { __proc?: { close(): void }; __closed?: number };
      w.__proc = w.ddClient.docker.cli.exec('logs', ['--tail', '0', '--follow', id], { stream: { onClose: (c) => (w.__closed = c) } });
    }, containerId);
    await waitFor(() => dockerProcesses(containerId).length === 1);
    await session.page.evaluate(() => (window as unknown as { __proc: { close(): void } }).__proc.close());
    await waitFor(() => dockerProcesses(containerId).length === 0);
    expect(await session.page.evaluate(() => (window as unknown as { __closed?: number }).__closed)).toBe(143);
    // Removing through the bridge as well.
    await session.page.evaluate((id) => (window as unknown as PageWindow).ddClient.docker.cli.exec('rm', ['--force', '--volumes', id]), containerId);
    await session.page.evaluate((v) => (window as unknown as PageWindow).ddClient.docker.cli.exec('volume', ['rm', v]), volume);
    expect(execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `name=${plan.name}`], { encoding: 'utf8' }).trim()).toBe('');
    expect(execFileSync('docker', ['volume', 'ls', '--quiet', '--filter', `name=${volume}`], { encoding: 'utf8' }).trim()).toBe('');
  });

  it('refuses commands outside the policy and rejects Docker Desktop navigation', async () => {
    const refused = await session.page.evaluate(() =>
      (window as unknown as PageWindow).ddClient.docker.cli.exec('cp', ['db:/etc/passwd', '/tmp/x']).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );
    // No docker cp through the bridge at all: files move through the host's file bridge (never a host path for docker).
    expect(refused).toMatch(/refused.*docker "cp" is not allowed: Dockbase never runs it/);
    const navigate = await session.page.evaluate(() =>
      (window as unknown as PageWindow).ddClient.desktopUI.navigate.viewContainerLogs('x').then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );
    expect(navigate).toMatch(/not available outside Docker Desktop/);
  });

  it('shows toasts in the page', async () => {
    await session.page.evaluate(() => (window as unknown as PageWindow).ddClient.desktopUI.toast.success('Volume created'));
    await session.page.getByRole('status').filter({ hasText: 'Volume created' }).waitFor({ timeout: 15_000 });
    await session.page.evaluate(() => (window as unknown as PageWindow).ddClient.desktopUI.toast.error('It failed'));
    await session.page.getByRole('alert').filter({ hasText: 'It failed' }).waitFor({ timeout: 15_000 });
  });

  it('keeps the tab signed in across a reload, without cookies; another tab needs a new link', async () => {
    const { page, context } = session;
    // Nothing but this tab's sessionStorage holds the sign-in: no cookie another loopback port could receive.
    expect(await context.cookies()).toEqual([]);
    await page.reload();
    await page.getByRole('heading', { name: 'Dockbase', exact: true }).waitFor();
    expect(page.url()).toBe(session.host.url);
    expect(await page.evaluate(() => (window as unknown as PageWindow).ddClient.extension.vm?.service?.get('/health'))).toMatchObject({ status: 'ok' });
    // The app's page keeps the sign-in page's Content-Security-Policy: an injected inline script does not run.
    const inlineRan = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);

    // A second tab of the same browser gets the sign-in page, then signs in with a new link from the host.
    const second = await context.newPage();
    try {
      expect((await second.goto(session.host.url))?.status()).toBe(401);
      await expect(second.textContent('body')).resolves.toContain('press Enter there');
      expect(await second.evaluate(() => 'ddClient' in window)).toBe(false);
      // The sign-in page's own stylesheet applies (its CSP allows it; it has no inline style).
      expect(await second.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('640px');
      await second.goto(await session.host.newLoginUrl());
      await second.waitForFunction(() => 'ddClient' in window);
      expect(second.url()).toBe(session.host.url);
      // A call the core makes (the bridge runs nothing else); non-stream calls re-split, hence the inner quotes.
      const code = await second.evaluate(
        async () => (await (window as unknown as PageWindow).ddClient.docker.cli.exec('version', ['--format', '"{{json .}}"'])).code,
      );
      expect(code).toBe(0);
    } finally {
      await second.close();
    }
    expect(await context.cookies()).toEqual([]);
  });

  it('lets nobody else in: a used link and a visit without a sign-in get nothing', async () => {
    const stranger = await session.browser.newContext();
    try {
      const page = await stranger.newPage();
      // The used link: the sign-in page, whose exchange of the code is refused.
      await page.goto(session.host.loginUrl);
      await page.getByText('works only once').waitFor();
      await expect(page.textContent('body')).resolves.toContain('npm start');
      expect(page.url()).toBe(session.host.url); // the code left the address bar all the same
      expect(await page.evaluate(() => ['ddClient' in window, sessionStorage.length])).toEqual([false, 0]);
      const root = await page.goto(session.host.url);
      expect(root?.status()).toBe(401);
      await expect(page.textContent('body')).resolves.toContain('npm start');
      expect(await page.evaluate(() => 'ddClient' in window)).toBe(false);
      expect(await page.content()).not.toContain(session.token);
    } finally {
      await stranger.close();
    }
  });
});

describe('the UI build on its own, as Docker Desktop loads it (no host, no header)', () => {
  it('carries its own Content-Security-Policy: an injected inline script does not run', async () => {
    const context = await session.browser.newContext();
    try {
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(pathToFileURL(path.resolve(import.meta.dirname, '../../ui/dist/index.html')).href);
      const ran = await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.head.append(script);
        return (window as unknown as { __injected?: boolean }).__injected === true;
      });
      expect(ran).toBe(false);
      expect(violations.join('\n')).toMatch(/script-src 'self'/);
    } finally {
      await context.close();
    }
  });
});

describe('the standalone host without a backend', () => {
  it('has no extension.vm', async () => {
    const bare = await startTestHost({ backend: false });
    const visit = await openLoggedIn(session.browser, bare);
    try {
      await visit.page.getByRole('heading', { name: 'Dockbase', exact: true }).waitFor();
      expect(await visit.page.evaluate(() => 'vm' in (window as unknown as PageWindow).ddClient.extension)).toBe(false);
      expect(visit.errors).toEqual([]);
    } finally {
      await visit.context.close();
      await bare.close();
    }
  });
});

/** Running `docker logs` processes whose command line has an argument equal to `marker` (read from /proc). */
function dockerProcesses(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/(^|\/)docker$/.test(argv[0] ?? '') && argv[1] === 'logs' && argv.includes(marker)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 50));
  }
}
