import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { v1 } from '@docker/extension-api-client-types';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { TOKEN_STORAGE_KEY, startHost, type HostOptions } from '@dockbase/host';

/** What the browser tests need of a running standalone host. */
export interface TestHost {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  /** The first one-time login link. */
  readonly loginUrl: string;
  /** A new one-time login link (an unused earlier one stops working). */
  newLoginUrl(): Promise<string>;
  /** Whether the backend runs. */
  readonly backend: boolean;
  /** The host's and the backend's output, for diagnosing a failure. */
  readonly output: string[];
  close(): Promise<void>;
}

export interface TestHostOptions {
  backend?: boolean;
  docker?: string;
  dataDir?: string;
  /** Added to the host's environment (e.g. DOCKER_HOST: another engine, for the host's docker and its backend's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The host as a user starts it: `dockbase ui --port 0` through the bin of the packed package installed from
 * its tarball (the browser suite's global setup, test/support/package-setup.ts, provides it), with a throwaway
 * data directory. The login links are read from its stdout; a new one is asked for with a line on its stdin,
 * like Enter in a terminal. `bin` runs another build of the bin (e.g. the repository's cli/dist/main.js).
 */
export async function startTestHost(options: TestHostOptions = {}, bin?: string): Promise<TestHost> {
  const command = bin ?? (await import('vitest')).inject('dockbasePackage').bin;
  const ownDataDir = options.dataDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-test-data-')) : undefined;
  const args = ['ui', '--port', '0', ...(options.backend === false ? ['--no-backend'] : []), ...(options.docker ? ['--docker', options.docker] : [])];
  const child = spawn(command, args, {
    cwd: path.dirname(path.dirname(path.dirname(command))),
    env: { ...process.env, ...options.env, DOCKBASE_DATA_DIR: options.dataDir ?? ownDataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const links: string[] = [];
  const waiting: Array<(link: string) => void> = [];
  let started: { url: string; port: number; backend: boolean } | undefined;
  let backend = false;
  const onLine = (line: string) => {
    output.push(line);
    const link = /^\s+(http:\/\/127\.0\.0\.1:\d+\/login\?code=\S+)$/.exec(line)?.[1];
    if (link) {
      const next = waiting.shift();
      if (next) next(link);
      else links.push(link);
    }
    if (/^\s+backend:\s+running/.test(line)) backend = true;
    const listening = /^\s+listening: (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(line);
    if (listening) started = { url: listening[1] as string, port: Number(listening[2]), backend };
  };
  lines(child, 'stdout', onLine);
  lines(child, 'stderr', (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const nextLink = () =>
    new Promise<string>((resolve, reject) => {
      const ready = links.shift();
      if (ready) return resolve(ready);
      const timer = setTimeout(() => reject(new Error(`no login link from ${command} in time:\n${output.join('\n')}`)), 60_000);
      waiting.push((link) => {
        clearTimeout(timer);
        resolve(link);
      });
      void exited.then((code) => reject(new Error(`${command} exited (${code}) before printing a login link:\n${output.join('\n')}`)));
    });

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
  };

  let loginUrl: string;
  try {
    loginUrl = await nextLink();
  } catch (e) {
    await close();
    throw e;
  }
  if (!started) throw new Error(`the host printed a login link but not where it listens:\n${output.join('\n')}`);
  const { url, port } = started;
  return {
    url,
    port,
    loginUrl,
    backend,
    output,
    newLoginUrl: () => {
      const link = nextLink();
      child.stdin.write('\n');
      return link;
    },
    close,
  };
}

function lines(child: ChildProcessWithoutNullStreams, stream: 'stdout' | 'stderr', onLine: (line: string) => void) {
  let rest = '';
  child[stream].setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    parts.forEach(onLine);
  });
}

/**
 * The host in this process (`startHost`), built from the repository: for the benchmarks, which run outside
 * vitest and measure the host, not its packaging.
 */
export async function startInProcessHost(options: HostOptions = {}): Promise<TestHost> {
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
    url: host.url,
    port: host.port,
    loginUrl: host.loginUrl,
    backend: host.backend,
    output,
    newLoginUrl: async () => host.newLoginUrl(),
    close: async () => {
      await host.close();
      if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

export interface LoggedInPage {
  context: BrowserContext;
  page: Page;
  /** The bridge token this tab holds (in its sessionStorage), to check that it leaks nowhere. */
  token: string;
  /** Uncaught errors in the page since it opened. */
  errors: string[];
  /** console.error messages since the page opened (the UI may log expected failures there). */
  consoleErrors: string[];
}

/** The tab's browser context (viewport, scale, …) and the instances' view it starts in. */
export type TabOptions = BrowserContextOptions & {
  /**
   * The engine is shared: other runs' instances can push the list past the handful after which the table is
   * the default. Suites that read cards get cards (the default) unless they choose the table; `null` leaves
   * the app's rule.
   */
  view?: 'cards' | 'table' | null;
};

/**
 * Opens a fresh browser context, visits the host's one-time login link like a user would and waits until the
 * sign-in page has exchanged the code for the token and replaced itself with the UI's page (window.ddClient
 * installed, the code gone from the address). The host's link works once: use it for one tab per host, or
 * pass a link from `host.newLoginUrl()`.
 */
export async function openLoggedIn(
  browser: Browser,
  host: Pick<TestHost, 'url' | 'loginUrl'>,
  options: TabOptions = {},
  loginUrl = host.loginUrl,
): Promise<LoggedInPage> {
  const { view = 'cards', ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
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
    .then(
      () => true,
      () => false,
    );
  if (response?.status() !== 200 || !signedIn || page.url() !== host.url) {
    const text = await page.textContent('body').catch(() => '');
    throw new Error(`logging in failed: HTTP ${response?.status()} at ${page.url()}: ${text?.trim()}`);
  }
  const token = await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_STORAGE_KEY);
  if (!token) throw new Error('signed in, but the tab holds no token');
  return { context, page, token, errors, consoleErrors };
}

/** `window.ddClient` as the page sees it (for `page.evaluate`). */
export type PageWindow = Window & { ddClient: v1.DockerDesktopClient };
