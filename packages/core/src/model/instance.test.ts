import { describe, expect, it } from 'vitest';
import { displayStatus, startedLately } from './instance';

const running = (statusText: string) => ({ status: 'running', statusText }) as const;

describe('a server docker still calls "starting" as the view opens', () => {
  it('started less than a minute ago (as docker words it): a start someone may wait on', () => {
    for (const text of ['Up Less than a second (health: starting)', 'Up 1 second (health: starting)', 'Up 59 seconds (health: starting)']) {
      expect(startedLately(running(text)), text).toBe(true);
    }
    for (const text of ['Up About a minute (health: starting)', 'Up 12 minutes (health: starting)', 'Up 3 hours (health: starting)', 'Up 2 days']) {
      expect(startedLately(running(text)), text).toBe(false);
    }
    expect(startedLately({ status: 'paused', statusText: 'Up 2 seconds (Paused)' })).toBe(false);
    expect(startedLately({ status: 'exited', statusText: 'Exited (0) 3 seconds ago' })).toBe(false);
  });

  it('up for longer and not asked yet shows running (docker has only not probed it), until an answer says more', () => {
    const starting = { status: 'running', health: 'starting' } as const;
    expect(displayStatus(starting, { unprobed: true })).toBe('running');
    expect(displayStatus(starting, { unprobed: true, probedAnswer: true })).toBe('healthy');
    // No answer to the watch: still not serving, as for any server docker calls starting.
    expect(displayStatus(starting, { unprobed: true, probedAnswer: false })).toBe('starting');
    // Docker's own verdict, once it has one, is docker's.
    expect(displayStatus({ status: 'running', health: 'unhealthy' }, { unprobed: true })).toBe('unhealthy');
    expect(displayStatus({ status: 'running', health: 'healthy' }, { unprobed: true })).toBe('healthy');
    expect(displayStatus(starting)).toBe('starting');
  });
});
