import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { installDockbase, packDockbase, type InstalledPackage } from './npm-package';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The packed `dockbase` package, installed from its tarball: the browser tests run its bin. */
    dockbasePackage: InstalledPackage;
  }
}

/**
 * Global setup of the browser suite: packs the `dockbase` package and installs the tarball into an empty
 * folder, once per run; every browser test starts the host through that install's bin. Set
 * DOCKBASE_REUSE_INSTALL=1 to reuse an earlier install of the same dependencies (only the tarball is installed
 * again), which saves compiling better-sqlite3 while iterating; `npm test` always installs into an empty folder.
 */
export default function setup(project: TestProject): () => void {
  const installed = installDockbase(packDockbase(), { reuse: process.env.DOCKBASE_REUSE_INSTALL === '1' });
  project.provide('dockbasePackage', installed);
  return () => {
    if (installed.fresh) fs.rmSync(installed.dir, { recursive: true, force: true });
  };
}
