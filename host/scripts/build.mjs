// Builds the standalone host into host/dist with the repository's Vite (no extra dependencies):
//   dist/main.js          the Node server and CLI (ES module, Node 20),
//   dist/page/dd-client.js the page script that installs window.ddClient (classic script, IIFE).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const hostDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(hostDir, 'dist');
fs.rmSync(dist, { recursive: true, force: true });

await build({
  configFile: false,
  root: hostDir,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: dist,
    emptyOutDir: false,
    ssr: 'src/main.ts',
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { format: 'es', entryFileNames: 'main.js' } },
  },
});

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
