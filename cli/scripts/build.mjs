// Builds the `dockbase` bin into cli/dist/main.js with the repository's Vite: one ES module for Node 20 with
// everything it imports inlined (the core, the Node adapter, the standalone host's server, commander), so
// the published package needs no dependency for it. Only Node's own modules stay imports.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(cliDir, 'dist');
fs.rmSync(dist, { recursive: true, force: true });

await build({
  configFile: false,
  root: cliDir,
  logLevel: 'warn',
  publicDir: false,
  ssr: { noExternal: true },
  build: {
    outDir: dist,
    ssr: 'src/main.ts',
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { format: 'es', entryFileNames: 'main.js', banner: '#!/usr/bin/env node' } },
  },
});
fs.chmodSync(path.join(dist, 'main.js'), 0o755);
