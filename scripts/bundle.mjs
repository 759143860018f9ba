// Bundles a workspace's Node entry into <workspace>/dist/main.js with the repository's Vite: one ES module for
// Node 20, minified never, with a source map. The workspace packages it imports (@dockbase/*) are always
// inlined; its npm dependencies are inlined too for a self-contained bin, or else left to node_modules.
// The backend's, the host's and the CLI's build scripts call it; the image build copies this file for the backend's.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

/**
 * @param {object} options
 * @param {string} options.root the workspace folder (absolute); its dist/ is emptied first
 * @param {string} [options.entry] the entry module, relative to root
 * @param {boolean} [options.inlineDependencies] inline the npm dependencies as well (only Node's own modules stay imports)
 * @param {boolean} [options.bin] an executable: a `#!/usr/bin/env node` line and the executable bit
 */
export async function bundleForNode({ root: folder, entry = 'src/main.ts', inlineDependencies = false, bin = false }) {
  const root = path.resolve(folder);
  const dist = path.join(root, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });

  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    ...(inlineDependencies ? { ssr: { noExternal: true } } : {}),
    build: {
      outDir: dist,
      ssr: entry,
      target: 'node20',
      minify: false,
      sourcemap: true,
      rolldownOptions: { output: { format: 'es', entryFileNames: 'main.js', ...(bin ? { banner: '#!/usr/bin/env node' } : {}) } },
    },
  });
  if (bin) fs.chmodSync(path.join(dist, 'main.js'), 0o755);
}
