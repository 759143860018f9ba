// Builds the standalone host into host/dist with the repository's Vite (no extra dependencies):
//   dist/main.js          the Node server and CLI (ES module, Node 20; scripts/bundle.mjs),
//   dist/page/dd-client.js the page script that installs window.ddClient (classic script, IIFE).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { bundleForNode } from '../../scripts/bundle.mjs';

const hostDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(hostDir, 'dist');

// Empties dist/ first, then bundles the server; the page script goes in beside it.
await bundleForNode({ root: hostDir });

await build({
  configFile: false,
  root: hostDir,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: path.join(dist, 'page'),
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: { entry: 'src/page/main.ts', formats: ['iife'], name: 'DockbaseStandaloneHost', fileName: () => 'dd-client.js' },
  },
});

console.log(`host built: ${path.relative(process.cwd(), dist) || dist}`);
