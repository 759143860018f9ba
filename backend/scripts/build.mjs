// Builds the backend into backend/dist/main.js (scripts/bundle.mjs): one ES module for Node, with the
// workspace packages it uses (@dockbase/api) bundled in and its npm dependencies (fastify, better-sqlite3)
// left to node_modules, so the image and the standalone host run it with plain `node`.
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../scripts/bundle.mjs';

await bundleForNode({ root: fileURLToPath(new URL('..', import.meta.url)) });
