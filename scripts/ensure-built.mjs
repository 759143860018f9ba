// Builds what `npm start` (and the tests, and scripts/pack.mjs) need when it is missing or older than its
// sources: the UI's production build, the backend, the host itself and the `dockbase` CLI. Plain JavaScript,
// because it runs before anything is compiled.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TESTS = /\.test\.[cm]?[jt]sx?$/;

/** Each target: its npm workspace, the inputs whose changes call for a rebuild, and its outputs. */
export const TARGETS = {
  ui: {
    workspace: 'ui',
    inputs: ['ui/src', 'ui/public', 'ui/index.html', 'ui/vite.config.ts', 'ui/package.json', 'packages'],
    outputs: ['ui/dist/index.html'],
  },
  backend: {
    workspace: 'backend',
    inputs: ['backend/src', 'backend/scripts', 'scripts/bundle.mjs', 'backend/package.json', 'packages'],
    outputs: ['backend/dist/main.js'],
  },
  host: {
    workspace: 'host',
    inputs: ['host/src', 'host/scripts/build.mjs', 'scripts/bundle.mjs', 'host/package.json', 'packages'],
    outputs: ['host/dist/main.js', 'host/dist/page/dd-client.js'],
  },
  // The `dockbase` bin: it bundles the host's server, hence host/src among its inputs.
  cli: {
    workspace: 'cli',
    inputs: ['cli/src', 'cli/scripts/build.mjs', 'scripts/bundle.mjs', 'cli/package.json', 'host/src', 'packages', 'package.json'],
    outputs: ['cli/dist/main.js'],
  },
};

/** The newest modification time under `rel` (a file or a directory), ignoring test files; 0 when absent. */
function newest(rel) {
  const full = path.join(REPO_ROOT, rel);
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return TESTS.test(full) ? 0 : stat.mtimeMs;
  let max = 0;
  for (const entry of fs.readdirSync(full)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newest(path.join(rel, entry)));
  }
  return max;
}

/** Why `name` needs a build ('missing' or 'out of date'), or undefined when its outputs are current. */
export function buildReason(name) {
  const target = TARGETS[name];
  let oldest = Infinity;
  for (const out of target.outputs) {
    try {
      oldest = Math.min(oldest, fs.statSync(path.join(REPO_ROOT, out)).mtimeMs);
    } catch {
      return 'missing';
    }
  }
  const input = Math.max(...target.inputs.map(newest));
  return input > oldest ? 'out of date' : undefined;
}

function npmBuild(workspace) {
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli && /\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli, 'run', 'build', '-w', workspace]] : ['npm', ['run', 'build', '-w', workspace]];
  return new Promise((resolve, reject) => {
    // The build's output goes to stderr: stdout stays for the host's own messages.
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 2, 2], shell: false });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`npm run build -w ${workspace} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

/** Builds the named targets that are missing or out of date, one after the other. */
export async function ensureBuilt(names = Object.keys(TARGETS), options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  for (const name of names) {
    const reason = buildReason(name);
    if (!reason) continue;
    log(`[build] ${name}: ${reason}, running npm run build -w ${TARGETS[name].workspace}`);
    await npmBuild(TARGETS[name].workspace);
  }
}
