// Builds the backend into backend/dist/main.js with the repository's Vite: one ES module for Node, with the
// workspace packages it uses (@dockbase/api) bundled in and its npm dependencies (fastify, better-sqlite3)
// left to node_modules, so the image and the standalone host run it with plain `node`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const backendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(backendDir, 'dist');
fs.rmSync(dist, { recursive: true, force: true });

await build({
  configFile: false,
  root: backendDir,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: dist,
    ssr: 'src/main.ts',
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { format: 'es', entryFileNames: 'main.js' } },
  },
});
