/**
 * What ONE open of the tab costs in docker processes: the standalone host in this process runs docker through
 * the counting wrapper (ui-benchmarks.ts), the page is opened once in Chromium (the login link, which loads the
 * UI), and every command spawned from then until the list is shown and nothing more is spawned for a while is
 * returned: the page's (through the host's bridge, with the host's checks of what they act on) and, apart, the
 * backend's (its own wrapper: its check that docker answers, asked again by the page's health request when the
 * last is 30 s old). What both spawned by themselves before the page opened is returned apart too.
 *
 * `npx tsx bench/open-spawns.ts [instances=100] [running=3]` makes that many stopped Redis instances (the first
 * `running` started, and past their first minute when the tab opens, as instances that run are most of the
 * time), opens the tab once, prints the commands, and removes the instances (DOCKBASE_BENCH_PREFIX, the
 * bench's own prefix, on a shared engine). OPEN_AFTER_MS: how long after the host's start the page opens
 * (default: once the host is quiet for 3 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/chromium';
import { openLoggedIn, startInProcessHost } from '../test/support/host';
import { BENCH_PREFIX, countingDocker, ensureInstances, removeBenchContainers } from './engine-benchmarks';
import { countingWrapper } from './ui-benchmarks';

export interface OpenSpawns {
  /** Every docker command the open spawned through the host (its first words), in the order they were spawned. */
  commands: string[];
  count: number;
  /** What the backend spawned meanwhile. */
  backendCommands: string[];
  /** What the host and the backend spawned by themselves, from their start until the page was opened. */
  hostCommands: string[];
  /** Instances in the page's document when it settled (rows or cards; a long list renders those in sight). */
  shown: number;
  /** From the page's open to settled (Unix seconds): what else happened on the shared engine meanwhile. */
  window: { from: number; until: number };
}

/** Words of each command kept: enough to tell `ps --all --no-trunc --filter …` from `ps --all --no-trunc --format …`. */
const WORDS = 5;

/**
 * Opens the tab once and returns the docker commands it spawned. Settled: the list shows instances (at least
 * `expect`, or 10) and no docker process was spawned for `quietMs`. The page opens `openAfterMs` after the
 * host started, or once it was quiet for `quietMs`.
 */
export async function openSpawns(options: { expect: number; quietMs?: number; openAfterMs?: number }): Promise<OpenSpawns> {
  const quietMs = options.quietMs ?? 3000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-bench-open-'));
  const hostDocker = countingWrapper(fs.mkdtempSync(path.join(dir, 'host-')), WORDS);
  const backendDocker = countingWrapper(fs.mkdtempSync(path.join(dir, 'backend-')), WORDS);
  const read = (counter: { spawns(): string[] }) => () => counter.spawns().map((line) => line.trim().slice(0, 160));
  const [hostSpawns, backendSpawns] = [read(hostDocker), read(backendDocker)];
  const all = () => [...hostSpawns(), ...backendSpawns()];
  // The backend process runs the docker its environment names.
  const previousCli = process.env.DOCKBASE_DOCKER_CLI;
  process.env.DOCKBASE_DOCKER_CLI = backendDocker.binary;
  const started = Date.now();
  const host = await startInProcessHost({ docker: hostDocker.binary }).finally(() => {
    if (previousCli === undefined) delete process.env.DOCKBASE_DOCKER_CLI;
    else process.env.DOCKBASE_DOCKER_CLI = previousCli;
  });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    await quiet(all, quietMs);
    if (options.openAfterMs !== undefined) await new Promise((r) => setTimeout(r, Math.max(0, started + options.openAfterMs! - Date.now())));
    const [hostBefore, backendBefore] = [hostSpawns(), backendSpawns()];
    const from = Date.now() / 1000;
    const session = await openLoggedIn(browser, host, { view: null, viewport: { width: 1280, height: 900 } });
    await session.page.waitForFunction((n) => document.querySelectorAll('[data-instance]').length >= n, Math.min(options.expect, 10), {
      timeout: 60_000,
      polling: 100,
    });
    await quiet(all, quietMs);
    const shown = await session.page.locator('[data-instance]').count();
    const commands = hostSpawns().slice(hostBefore.length);
    return {
      commands,
      count: commands.length,
      backendCommands: backendSpawns().slice(backendBefore.length),
      hostCommands: [...hostBefore, ...backendBefore.map((c) => `(backend) ${c}`)],
      shown,
      window: { from, until: Date.now() / 1000 },
    };
  } finally {
    await browser?.close();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until nothing was spawned for `ms` (at most a minute). */
async function quiet(spawns: () => string[], ms: number): Promise<void> {
  const until = Date.now() + 60_000;
  let seen = spawns().length;
  let since = Date.now();
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    const now = spawns().length;
    if (now !== seen) {
      seen = now;
      since = Date.now();
    } else if (Date.now() - since >= ms) return;
  }
}

/**
 * Events of other people's Dockbase instances on a shared engine within `window` (Unix seconds): they make an
 * open tab list again, and their starts make it probe. Counted, to tell them from the tab's own doing.
 */
export async function foreignDockbaseEvents(
  cli: { run(args: readonly string[]): Promise<{ stdout: string }> },
  window: { from: number; until: number },
): Promise<string[]> {
  const events = await cli.run([
    'events',
    '--since',
    window.from.toFixed(3),
    '--until',
    window.until.toFixed(3),
    '--filter',
    'type=container',
    '--filter',
    'label=io.dockbase.instance',
    '--format',
    '{{.Actor.Attributes.name}} {{.Action}}',
  ]);
  return events.stdout.split('\n').filter((l) => l && !l.startsWith(`${BENCH_PREFIX}-`) && !l.includes(' exec_'));
}

/**
 * Makes `instances` stopped Redis instances (the first `running` started and past their first minute, as
 * instances that run are most of the time), opens the tab once (openSpawns), and removes them again; with the
 * events of other people's Dockbase instances on a shared engine meanwhile (they make the tab list again).
 */
export async function openWithInstances(instances = 100, running = 3): Promise<OpenSpawns & { foreignEvents: string[] }> {
  const { cli, core } = countingDocker();
  await removeBenchContainers(cli);
  try {
    await ensureInstances(core, instances);
    const names = Array.from({ length: running }, (_, n) => `${BENCH_PREFIX}-${String(n).padStart(3, '0')}`);
    if (names.length) {
      const r = await cli.run(['start', ...names]);
      if (r.code !== 0) throw new Error(`docker start: ${r.stderr}`);
      const since = Date.now();
      for (const instance of (await core.lifecycle.list()).filter((i) => names.includes(i.name))) await core.readiness.waitUntilReady(instance);
      // Past their first minute: a tab opened on a start of a few seconds ago waits for its server, one exec
      // each (see useServerAnswered).
      await new Promise((r) => setTimeout(r, Math.max(0, since + 61_000 - Date.now())));
    }
    const openAfterMs = process.env.OPEN_AFTER_MS ? Number(process.env.OPEN_AFTER_MS) : undefined;
    const result = await openSpawns({ expect: instances, ...(openAfterMs !== undefined ? { openAfterMs } : {}) });
    const foreignEvents = await foreignDockbaseEvents(cli, result.window);
    return { ...result, foreignEvents };
  } finally {
    await removeBenchContainers(cli);
  }
}

async function main() {
  console.log(JSON.stringify(await openWithInstances(Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 3)), null, 2));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
