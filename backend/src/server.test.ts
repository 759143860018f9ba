import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HubTags } from './hub/tags.js';
import { buildServer, listen } from './server.js';
import { Store } from './store/store.js';
import { TESTED_DRIVERS } from './test-support/drivers.js';
import { removeDir, tempDir } from './test-support/http.js';
import { startBackend } from './test-support/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dir(): string {
  const d = tempDir();
  cleanups.push(() => removeDir(d));
  return d;
}

describe.each(TESTED_DRIVERS)('on %s', (driver) => {
  describe('backend on a unix socket', () => {
    it('answers GET /health, replacing a stale socket file left by a killed process', async () => {
      const d = dir();
      fs.writeFileSync(path.join(d, 'backend.sock'), 'stale');
      const backend = await startBackend(d, {}, driver);
      cleanups.push(() => backend.app.close());
      const res = await backend.call('GET', '/health');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'ok' });
    });

    it('answers an unknown route with 404 not-found in the API’s error shape', async () => {
      const backend = await startBackend(dir(), {}, driver);
      cleanups.push(() => backend.app.close());
      const res = await backend.call('GET', '/nothing-here?x=1');
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'not-found', message: 'There is no GET /nothing-here.' });
    });

    it('accepts a DELETE that says application/json but sends no body', async () => {
      const backend = await startBackend(dir(), {}, driver);
      cleanups.push(() => backend.app.close());
      await backend.call('PUT', '/instances/a', { name: 'a', engine: 'redis', settings: {} });
      expect((await backend.call('DELETE', '/instances/a', '')).status).toBe(204);
    });

    it('removes its socket file and closes the database when closed', async () => {
      const d = dir();
      const backend = await startBackend(d, {}, driver);
      await backend.call('PUT', '/instances/a', { name: 'a', engine: 'redis', settings: {} });
      await backend.app.close();
      expect(fs.existsSync(backend.socket)).toBe(false);
      // SQLite removes the WAL file when the last connection closes cleanly (and node-sqlite3-wasm its lock
      // folder, the store its owner file).
      expect(fs.readdirSync(path.join(d, 'data'))).toEqual(['dockbase.db']);
    });
  });

  describe('backend on a loopback port', () => {
    it('listens on 127.0.0.1 for the standalone host', async () => {
      const d = dir();
      const app = buildServer({ store: Store.open(d, driver), hub: new HubTags({ hubUrl: 'http://127.0.0.1:9', ttlMs: 0 }) });
      cleanups.push(() => app.close());
      const address = await listen(app, { port: 0 });
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${address}/health`);
      expect(await res.json()).toEqual({ status: 'ok' });
    });
  });
});
