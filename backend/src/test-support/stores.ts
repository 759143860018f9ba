import { afterEach } from 'vitest';
import type { SqliteDriver } from '../store/sqlite.js';
import { Store } from '../store/store.js';
import { removeDir, tempDir } from './http.js';

/**
 * Data folders and stores a test file opens, closed and removed after each test (call at the top level of a
 * test file: it registers the afterEach).
 */
export function storesForEachTest(prefix: string): { dataDir(): string; open(dir: string, driver: SqliteDriver): Store } {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    stores.splice(0).forEach((s) => s.close());
    dirs.splice(0).forEach(removeDir);
  });
  return {
    dataDir() {
      const dir = tempDir(prefix);
      dirs.push(dir);
      return dir;
    },
    open(dir, driver) {
      const store = Store.open(dir, driver);
      stores.push(store);
      return store;
    },
  };
}
