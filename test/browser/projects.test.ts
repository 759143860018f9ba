import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockbase, ensureCliBuilt } from '../support/cli';
import { ensureTestImage, tempDir } from '../support/data-safety';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { realDocker, testPort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';

// A project made by `dockbase up` (and a git branch's copy of it by `dockbase branch`), seen in the tab: grouped
// under its name and folder, each instance with the branch it serves, Up and Down; an instance of no project
// stays in the list only.
const { docker, cleanup } = realDocker();
const prefix = `dbt-projui-${process.pid}`;
const project = prefix;
const loner = `${prefix}-loner`;
const dir = tempDir('dockbase-project-ui-');
const run = (args: string[]) => dockbase(args, { cwd: dir, timeoutMs: 240_000 });
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const state = async (name: string) => (await docker('inspect', '--format', '{{.State.Status}}', name)).trim();

let session: BrowserSession;

beforeAll(async () => {
  await cleanup(prefix);
  await Promise.all([ensureCliBuilt(), ensureTestImage(`${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`)]);
  const redis = (port: number) => `    engine: redis\n    version: "${REDIS_TEST_TAG}"\n    image: ${REDIS_TEST_IMAGE}\n    port: ${port}\n`;
  fs.writeFileSync(
    path.join(dir, 'dockbase.yaml'),
    `version: 1\nproject: ${project}\ninstances:\n  cache:\n${redis(testPort(3))}  queue:\n${redis(testPort(4))}env:\n  REDIS_URL: "{{cache.url}}"\n`,
  );
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'project');
  for (const args of [['up'], ['create', 'redis', '--name', loner, '--port', String(testPort(5)), '--image', REDIS_TEST_IMAGE, '--version', REDIS_TEST_TAG]]) {
    const r = await run(args);
    if (r.code !== 0) throw new Error(`dockbase ${args.join(' ')} failed: ${r.stderr}`);
  }
  // A branch's own copy of the cache... and of the queue: `dockbase branch` copies every instance.
  git('checkout', '-q', '-b', 'feature/login');
  const branched = await run(['branch']);
  if (branched.code !== 0) throw new Error(`dockbase branch failed: ${branched.stderr}`);
  session = await openBrowserSession({ host: { backend: false } });
}, 600_000);

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('projects in the tab', () => {
  it('groups the project with its folder and branch; Down stops it and Up starts what the branch uses again', async () => {
    const { page } = session;
    const card = page.getByRole('region', { name: `Project ${project}` });
    await card.waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toContain(fs.realpathSync(dir));
    expect(await card.textContent()).toContain('serves branch feature/login');
    const chips = card.getByRole('list', { name: `Instances of ${project}` }).getByRole('listitem');
    expect(await chips.allTextContents()).toEqual(['cache: branch feature/login, running', 'queue: branch feature/login, running']);
    // The instance of no project has no project card, and its own card names none.
    expect(await page.getByRole('region', { name: `Project ${loner}` }).count()).toBe(0);
    await page.getByRole('region', { name: loner, exact: true }).waitFor();
    expect(await page.getByRole('region', { name: loner, exact: true }).textContent()).not.toContain('project');
    await session.screenshots('projects');

    await card.getByRole('button', { name: `Down ${project}` }).click();
    await expect.poll(async () => chips.allTextContents(), { timeout: 60_000 }).toEqual(['cache: stopped (2 copies)', 'queue: stopped (2 copies)']);
    const copies = (await docker('ps', '--all', '--filter', `label=io.dockbase.project=${project}`, '--format', '{{.Names}}')).trim().split('\n').sort();
    expect(copies).toHaveLength(4);
    for (const name of copies) expect(await state(name)).toBe('exited');
    expect(await state(loner)).toBe('running');

    // Nothing runs: Up starts the project's own instances (the tab cannot see which branch git has checked out).
    await card.getByRole('button', { name: `Up ${project}` }).click();
    await expect.poll(async () => chips.allTextContents(), { timeout: 60_000 }).toEqual(['cache: running', 'queue: running']);
    expect(await state(`${project}-cache`)).toBe('running');
    expect(await state(`${project}-queue`)).toBe('running');
    await session.screenshots('projects-up');
    expect(session.errors).toEqual([]);
  });
});
