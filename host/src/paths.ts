import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the host finds what it serves and runs, below one root. The repository and the published `dockbase`
 * npm package (scripts/pack.mjs) share this layout:
 *
 *   <root>/ui/dist/                     the UI's production build
 *   <root>/host/dist/page/dd-client.js  the page script
 *   <root>/backend/dist/main.js         the backend
 *   <root>/<workspace>/dist/main.js     every bundle that contains the host: host/dist/main.js (`npm start`)
 *                                       and cli/dist/main.js (the `dockbase` bin)
 *
 * so the root is two folders above the running module, whether that is host/src/paths.ts (tests, tsx) or a
 * bundle in `<workspace>/dist/`.
 */
export interface AppPaths {
  uiDist: string;
  clientScript: string;
  backendMain: string;
}

export function appPaths(root: string): AppPaths {
  return {
    uiDist: path.join(root, 'ui', 'dist'),
    clientScript: path.join(root, 'host', 'dist', 'page', 'dd-client.js'),
    backendMain: path.join(root, 'backend', 'dist', 'main.js'),
  };
}

/** The repository root, or the installed package's folder. */
export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_PATHS: AppPaths = appPaths(APP_ROOT);
