import { describe, expect, it } from 'vitest';
import type { DockerAccess } from './docker-access.js';
import { DockerStatus } from './docker-status.js';

/** A check the test answers by hand: each call waits until `answer` is called. */
function manualCheck() {
  const pending: Array<(a: DockerAccess) => void> = [];
  return {
    calls: () => pending.length,
    check: () => new Promise<DockerAccess>((resolve) => pending.push(resolve)),
    answer: (a: DockerAccess) => pending.at(-1)!(a),
  };
}

describe('DockerStatus', () => {
  it('checks once at start-up and answers from that for 30 s, then checks again when asked', async () => {
    let clock = 0;
    let n = 0;
    const status = new DockerStatus({ check: async () => ({ ok: true, apiVersion: `1.4${n++}` }), now: () => clock });
    expect(await status.check()).toEqual({ ok: true, apiVersion: '1.40' });
    clock = 29_999;
    expect(await status.current()).toEqual({ ok: true, apiVersion: '1.40' });
    expect(n).toBe(1);
    clock = 30_000;
    expect(await status.current()).toEqual({ ok: true, apiVersion: '1.41' });
    expect(n).toBe(2);
  });

  it('runs one check at a time, and health does not wait long for one', async () => {
    const manual = manualCheck();
    const status = new DockerStatus({ check: manual.check, waitMs: 20 });
    const first = status.check();
    expect(status.check()).toBe(first);
    // Nothing known yet: health says so after a moment instead of waiting for docker.
    expect(await status.current()).toEqual({ ok: false, reason: expect.stringContaining('still checking') });
    expect(manual.calls()).toBe(1);
    manual.answer({ ok: false, reason: 'no engine' });
    expect(await first).toEqual({ ok: false, reason: 'no engine' });
    expect(await status.current()).toEqual({ ok: false, reason: 'no engine' });
  });

  it('says why when the check itself fails', async () => {
    const status = new DockerStatus({ check: () => Promise.reject(new Error('spawn EMFILE')) });
    expect(await status.check()).toEqual({ ok: false, reason: 'the docker check failed: spawn EMFILE' });
  });
});
