// Builds the `dockbase` bin into cli/dist/main.js (scripts/bundle.mjs): one ES module for Node 20 with
// everything it imports inlined (the core, the Node adapter, the standalone host's server, commander), so
// the published package needs no dependency for it. Only Node's own modules stay imports.
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../scripts/bundle.mjs';

await bundleForNode({ root: fileURLToPath(new URL('..', import.meta.url)), inlineDependencies: true, bin: true });
