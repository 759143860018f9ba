import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import { dockbase, dockbaseJson } from '../support/cli';
import { ensureTestImage } from '../support/data-safety';
import { realDocker, testPort } from '../support/dockbase';
import { REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { REPO_ROOT } from '../support/npm-package';
import { withRedis } from '../support/redis';

// The published package as a new user gets it: packed by scripts/pack.mjs, installed from the tarball into an
// empty folder with npm (the browser suite's global setup), then run through its own bin. The host serves
// the UI in Chromium; an instance is created and deleted in the UI, another with the package's CLI, and each
// front door sees the other's. Part of the browser layer (it needs the engine, the registry and Chromium).
const installed = inject('dockbasePackage');
const { leftovers, cleanup } = realDocker();
const prefix = `dbt-npm-${process.pid}`;
const uiName = `${prefix}-ui`;
const cliName = `${prefix}-cli`;
const uiPort = testPort(70);
const cliPort = testPort(71);
const password = `npm p@ss "w'rd" $HOME ü`;
const inPackage = { bin: installed.bin, cwd: installed.dir };

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  await cleanup(prefix);
  await ensureTestImage(`${REDIS_TEST_IMAGE}:${REDIS_TEST_TAG}`);
  session = await openBrowserSession();
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await cleanup(prefix);
});

const card = (name: string) => page.getByRole('region', { name });

describe('the npm package', () => {
  it('packs only what runs: the bin, the page script, the backend, the UI build, its manifest and README', () => {
    const files = installed.packed.files;
    expect(files.filter((f) => !f.startsWith('ui/dist/assets/'))).toEqual(
      [
        'README.md',
        'backend/dist/main.js',
        'cli/dist/main.js',
        'host/dist/page/dd-client.js',
        'package.json',
        'ui/dist/index.html',
        'ui/dist/load-guard.js',
      ].sort(),
    );
    expect(files.filter((f) => f.startsWith('ui/dist/assets/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.endsWith('.map') || /(^|\/)src\//.test(f) || f.includes('.test.'))).toEqual([]);
    // The UI build is the repository's, file for file.
    for (const f of files.filter((f) => f.startsWith('ui/dist/'))) {
      expect(fs.readFileSync(path.join(installed.dir, 'node_modules/dockbase', f)).equals(fs.readFileSync(path.join(REPO_ROOT, f))), f).toBe(true);
    }
  });

  it('declares a bin, Node 20, and only the dependencies the backend needs at run time (optional ones as optional)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed.dir, 'node_modules/dockbase/package.json'), 'utf8')) as Record<string, unknown>;
    const backend = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'backend/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    expect(manifest).toMatchObject({ name: 'dockbase', bin: { dockbase: 'cli/dist/main.js' }, type: 'module', engines: { node: '>=20.19' } });
    expect(manifest.dependencies).toEqual(backend.dependencies);
    expect(manifest.optionalDependencies ?? {}).toEqual(backend.optionalDependencies ?? {});
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(manifest).not.toHaveProperty('private');
  });

  it('installs from its tarball into an empty folder, without anything from the workspace or its development tools', () => {
    if (process.env.DOCKBASE_REUSE_INSTALL !== '1') {
      expect(installed.before).toEqual([]);
      expect(installed.fresh).toBe(true);
    }
    const top = fs.readdirSync(path.join(installed.dir, 'node_modules'));
    const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const devOnly = [...Object.keys(root.devDependencies), 'commander', 'react', '@mui', '@dockbase', 'vite', 'typescript'];
    expect(top.filter((name) => devOnly.some((d) => name === d || name === d.split('/')[0]))).toEqual([]);
    expect(fs.realpathSync(installed.bin)).toBe(path.join(installed.dir, 'node_modules/dockbase/cli/dist/main.js'));
  });

  it('`npx dockbase --help` and `--version` work in that folder', async () => {
    const help = await dockbase(['dockbase', '--help'], { bin: 'npx', cwd: installed.dir });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: dockbase \[options\] \[command\]/);
    for (const command of ['list', 'create', 'start', 'stop', 'restart', 'rm', 'logs', 'url', 'ui']) expect(help.stdout).toContain(`  ${command}`);
    expect(await dockbase(['dockbase', '--version'], { bin: 'npx', cwd: installed.dir })).toMatchObject({ code: 0, stdout: `${installed.packed.version}\n` });
  });

  it('serves the UI from its bin with the backend running, and signs in with the one-time link', async () => {
    expect(session.host.backend, session.host.output.join('\n')).toBe(true);
    expect(session.host.output.join('\n')).toContain(`UI build:  ${fs.realpathSync(path.join(installed.dir, 'node_modules/dockbase'))}/ui/dist`);
    await page.getByRole('heading', { name: 'Dockbase', exact: true }).waitFor();
    expect(session.errors).toEqual([]);
  });

  it('creates an instance in the UI, which its CLI lists and connects to', async () => {
    await page.getByRole('button', { name: 'New instance', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New instance' });
    await dialog.getByRole('radio', { name: 'Redis' }).check();
    await dialog.getByRole('combobox', { name: 'Version' }).fill(REDIS_TEST_TAG);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(uiName);
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(uiPort));
    await dialog.getByLabel(/^Password/).fill(password);
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByRole('textbox', { name: 'Image' }).fill(REDIS_TEST_IMAGE);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await card(uiName).getByText('Healthy', { exact: true }).waitFor({ timeout: 30_000 });

    const listed = (await dockbaseJson<Array<{ name: string; port: number; state: string }>>(['list'], inPackage)).find((i) => i.name === uiName);
    expect(listed).toMatchObject({ port: uiPort, state: 'running' });
    const url = (await dockbase(['url', uiName, '--show-password'], inPackage)).stdout.trim();
    await withRedis(uiPort, decodeURIComponent(new URL(url).password), async (r) => expect(await r.command('PING')).toEqual({ ok: true, value: 'PONG' }));
  });

  it('shows an instance its CLI creates, and drops it when the CLI deletes it', async () => {
    const r = await dockbase(
      ['create', 'redis', '--name', cliName, '--port', String(cliPort), '--image', REDIS_TEST_IMAGE, '--version', REDIS_TEST_TAG],
      inPackage,
    );
    expect(r.code, r.stderr).toBe(0);
    await card(cliName).getByText('Healthy', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await dockbase(['rm', cliName, '--with-data', '--yes'], inPackage)).toMatchObject({ code: 0 });
    await card(cliName).waitFor({ state: 'detached', timeout: 30_000 });
    expect(await leftovers(cliName)).toEqual({ containers: [], volumes: [] }); // the CLI returned once both were gone
  });

  it('deletes the UI’s instance with its data in the UI, leaving nothing', async () => {
    await card(uiName).getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${uiName}?` });
    await dialog.getByRole('checkbox', { name: /Also delete its data/ }).check();
    await dialog.getByRole('textbox', { name: `Type ${uiName} to confirm` }).fill(uiName);
    await dialog.getByRole('button', { name: 'Delete instance and data' }).click();
    await card(uiName).waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => leftovers(uiName), { timeout: 30_000 }).toEqual({ containers: [], volumes: [] });
    expect((await dockbaseJson<Array<{ name: string }>>(['list'], inPackage)).map((i) => i.name)).not.toContain(uiName);
  });
});
