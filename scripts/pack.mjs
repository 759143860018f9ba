// Assembles the published npm package `dockbase` in dist/npm/ and packs it into dist/dockbase-VERSION.tgz:
//
//   cli/dist/main.js              the bin (`dockbase`): the CLI with the core, the Node adapter and the host inlined
//   host/dist/page/dd-client.js   the host's page script
//   backend/dist/main.js          the backend (its npm dependencies, optional ones included, are the package's only ones)
//   ui/dist/                      the UI's production build, the same files Docker Desktop loads
//   package.json, README.md       written here: name, bin, engines, runtime dependencies, files
//
// The layout is the repository's (host/src/paths.ts), so the host finds the UI build and the backend the same
// way in both. Source maps stay out. Every bare import of the shipped JavaScript must be a Node built-in or a
// declared dependency: no development dependency is needed at run time, or packing fails.
//
//   node scripts/pack.mjs            build what is missing or out of date, assemble, pack; a summary on stdout
//   node scripts/pack.mjs --json     the same, the summary as JSON (tarball, sizes, files)
//   node scripts/pack.mjs --no-pack  assemble dist/npm/ only
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { REPO_ROOT, ensureBuilt } from './ensure-built.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const pack = !args.includes('--no-pack');
const log = (line) => console.error(line);

const OUT = path.join(REPO_ROOT, 'dist', 'npm');
const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8'));

/** What the package ships, from the repository's builds, at the same relative paths. */
const SHIPPED = ['cli/dist/main.js', 'host/dist/page/dd-client.js', 'backend/dist/main.js', 'ui/dist'];

await ensureBuilt(['ui', 'backend', 'host', 'cli'], { log });

fs.rmSync(OUT, { recursive: true, force: true });
for (const rel of SHIPPED) {
  fs.cpSync(path.join(REPO_ROOT, rel), path.join(OUT, rel), { recursive: true, filter: (src) => !src.endsWith('.map') });
}
fs.chmodSync(path.join(OUT, 'cli/dist/main.js'), 0o755);

const root = readJson('package.json');
const backend = readJson('backend/package.json');
const manifest = {
  name: 'dockbase',
  version: root.version,
  description:
    'Local PostgreSQL, MySQL, MariaDB, MongoDB and Redis instances as Docker containers: a UI in your browser (npx dockbase) and a command line for scripts.',
  license: root.license,
  type: 'module',
  bin: { dockbase: 'cli/dist/main.js' },
  engines: root.engines,
  // The bin inlines everything it imports; the backend leaves its own npm dependencies to node_modules
  // (better-sqlite3 is optional: only Node 20 needs it, later Node has node:sqlite).
  dependencies: backend.dependencies ?? {},
  ...(backend.optionalDependencies ? { optionalDependencies: backend.optionalDependencies } : {}),
  files: SHIPPED,
  keywords: ['database', 'docker', 'postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'cli', 'local-development'],
  homepage: 'https://github.com/dockbase/dockbase#readme',
  repository: { type: 'git', url: 'git+https://github.com/dockbase/dockbase.git' },
  bugs: { url: 'https://github.com/dockbase/dockbase/issues' },
};
fs.writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
fs.copyFileSync(path.join(REPO_ROOT, 'cli', 'README.md'), path.join(OUT, 'README.md'));

// No import the package cannot satisfy: Node's own modules and the declared dependencies only.
const allowed = new Set([...builtinModules, ...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies ?? {})]);
const problems = [];
for (const rel of SHIPPED.filter((f) => f.endsWith('.js'))) {
  for (const specifier of bareImports(fs.readFileSync(path.join(OUT, rel), 'utf8'))) {
    const name = specifier
      .replace(/^node:/, '')
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/');
    if (!specifier.startsWith('node:') && !allowed.has(name)) problems.push(`${rel} imports ${specifier}, which is neither built in nor a dependency`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

const summary = {
  folder: path.relative(REPO_ROOT, OUT),
  name: manifest.name,
  version: manifest.version,
  dependencies: manifest.dependencies,
  optionalDependencies: manifest.optionalDependencies ?? {},
};
if (pack) {
  const npm = process.env.npm_execpath && /\.[cm]?js$/.test(process.env.npm_execpath) ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const r = spawnSync(npm[0], [...npm[1], 'pack', '--json', '--pack-destination', '..'], { cwd: OUT, encoding: 'utf8', shell: false });
  if (r.status !== 0) {
    console.error(r.stderr || r.stdout);
    process.exit(1);
  }
  const [packed] = JSON.parse(r.stdout);
  Object.assign(summary, {
    tarball: path.join('dist', packed.filename),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map((f) => f.path).sort(),
  });
}

if (json) console.log(JSON.stringify(summary, null, 2));
else if (pack) console.log(`${summary.tarball}: ${kb(summary.size)} packed, ${kb(summary.unpackedSize)} unpacked, ${summary.files.length} files`);
else console.log(`assembled ${summary.folder}`);

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * The bare module specifiers the code loads: static imports and re-exports (a bundle has them at the start of
 * a line), dynamic imports and require calls. Only what looks like a module name counts, so text in strings
 * ("restored from "…"") is not taken for an import.
 */
function bareImports(code) {
  const found = new Set();
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /require\(\s*["']([^"']+)["']\s*\)/g,
  ];
  const moduleName = /^(?:node:)?(?:@[\w.-]+\/)?[\w.-]+(?:\/[\w.@/-]*)?$/;
  for (const re of patterns) for (const m of code.matchAll(re)) if (!m[1].startsWith('.') && moduleName.test(m[1])) found.add(m[1]);
  return found;
}
