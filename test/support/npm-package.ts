import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The published package as a user gets it: `scripts/pack.mjs` builds and packs dist/dockbase-VERSION.tgz, and
 * `npm install <tarball>` puts it into a folder that holds nothing else, as on a machine with only Node and
 * docker. The browser suite's global setup does both once per run and every browser test starts the host
 * through that install's own bin.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PackedPackage {
  /** Absolute path of the tarball. */
  tarball: string;
  name: string;
  version: string;
  /** Bytes of the tarball, and of its files unpacked (npm pack's own figures). */
  size: number;
  unpackedSize: number;
  files: string[];
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}

export interface InstalledPackage {
  packed: PackedPackage;
  /** The folder the tarball was installed into (its node_modules holds dockbase and its dependencies). */
  dir: string;
  /** `<dir>/node_modules/.bin/dockbase`: what `npx dockbase` runs there. */
  bin: string;
  /** Whether `dir` was empty before the install (false: a cached install of the same dependencies was reused). */
  fresh: boolean;
  /** Entries of `dir` before the install. */
  before: string[];
  installMs: number;
}

/** Builds what is out of date and packs the package (once per call: callers share the result). */
export function packDockbase(): PackedPackage {
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/pack.mjs'), '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const summary = JSON.parse(out) as Omit<PackedPackage, 'tarball'> & { tarball: string };
  return { ...summary, tarball: path.join(REPO_ROOT, summary.tarball) };
}

/**
 * Installs the tarball with npm into a new empty folder, as a user would (`npm install ./dockbase-X.tgz`).
 * Installing the dependencies from scratch compiles better-sqlite3 (minutes on two cores): with `reuse`, a
 * folder that already holds an install of the same dependencies (same Node and npm) is reused, and only the
 * tarball is installed again; `fresh` then says false.
 */
export function installDockbase(packed: PackedPackage, options: { reuse?: boolean } = {}): InstalledPackage {
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([packed.dependencies, packed.optionalDependencies, process.version, npmVersion()]))
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(REPO_ROOT, 'node_modules', '.cache', 'dockbase-npm-install', key);
  const reuse = options.reuse === true && fs.existsSync(path.join(cached, 'node_modules'));
  const dir = reuse ? cached : fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-npm-'));
  const before = fs.readdirSync(dir);
  const started = Date.now();
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', packed.tarball], {
    cwd: dir,
    encoding: 'utf8',
    shell: false,
    timeout: 15 * 60_000,
  });
  if (r.status !== 0) throw new Error(`npm install ${packed.tarball} failed in ${dir} (${r.signal ?? `exit code ${r.status}`}):\n${r.stderr}\n${r.stdout}`);
  const installMs = Date.now() - started;
  if (options.reuse && !reuse) {
    // Keep this install for the next run with the same dependencies.
    fs.rmSync(cached, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.cpSync(dir, cached, { recursive: true, verbatimSymlinks: true });
  }
  return { packed, dir, bin: path.join(dir, 'node_modules', '.bin', 'dockbase'), fresh: before.length === 0, before, installMs };
}

function npmVersion(): string {
  return execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
}
