import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD_CHECKS_KEPT } from '../store/password-checks.js';
import { Store } from '../store/store.js';
import { TESTED_DRIVERS } from '../test-support/drivers.js';
import { removeDir, tempDir } from '../test-support/http.js';
import { startBackend, type RunningBackend } from '../test-support/server.js';

const C1 = 'c0ffee0000000000000000000000000000000000000000000000000000000001';
const C2 = 'c0ffee0000000000000000000000000000000000000000000000000000000002';
const ID = 'a1b2c3d4e5f6';

describe.each(TESTED_DRIVERS)('on %s', (driver) => {
  let dir: string;
  let backend: RunningBackend;
  beforeEach(async () => {
    dir = tempDir();
    backend = await startBackend(dir, {}, driver);
  });
  afterEach(async () => {
    await backend.app.close();
    removeDir(dir);
  });

  describe('password checks', () => {
    it('remembers the last verdict on each container’s password, across a restart of the backend', async () => {
      expect((await backend.call('PUT', `/password-checks/${C1}`, { instanceId: ID, status: 'ok' })).status).toBe(200);
      await backend.call('PUT', `/password-checks/${C1}`, { instanceId: ID, status: 'rejected', message: 'PostgreSQL refused orders’s password.' });
      await backend.call('PUT', `/password-checks/${C2}`, { instanceId: ID, status: 'ok' });
      await backend.app.close();
      backend = await startBackend(dir, {}, driver);
      const { checks } = (await backend.call('GET', '/password-checks')).json as { checks: unknown[] };
      expect(checks).toEqual(
        expect.arrayContaining([
          { containerId: C1, instanceId: ID, status: 'rejected', message: 'PostgreSQL refused orders’s password.', at: expect.any(String) },
          { containerId: C2, instanceId: ID, status: 'ok', at: expect.any(String) },
        ]),
      );
      expect(checks).toHaveLength(2);
    });

    it('refuses a body with anything else (a password under any name), and what is not a container id', async () => {
      expect((await backend.call('PUT', `/password-checks/${C1}`, { instanceId: ID, status: 'ok', password: 'hunter2' })).status).toBe(400);
      expect((await backend.call('PUT', `/password-checks/${C1}`, { instanceId: ID, status: 'maybe' })).status).toBe(400);
      expect((await backend.call('PUT', '/password-checks/..%2Fetc', { instanceId: ID, status: 'ok' })).status).toBe(400);
      expect((await backend.call('GET', '/password-checks')).json).toEqual({ checks: [] });
    });
  });

  it('keeps the newest checks only', () => {
    const store = Store.open(tempDir(), driver);
    try {
      for (let n = 0; n < PASSWORD_CHECKS_KEPT + 5; n++)
        store.passwordChecks.put({ containerId: n.toString(16).padStart(12, '0'), instanceId: ID, status: 'ok' });
      const kept = store.passwordChecks.list();
      expect(kept).toHaveLength(PASSWORD_CHECKS_KEPT);
      expect(kept.some((c) => c.containerId === (PASSWORD_CHECKS_KEPT + 4).toString(16).padStart(12, '0'))).toBe(true);
    } finally {
      store.close();
    }
  });
});
