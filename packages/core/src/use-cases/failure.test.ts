import { describe, expect, it } from 'vitest';
import { failureFromState } from './failure';
import { displayStatus, mayHaveFailed, uptimeOf } from '../model/instance';

const state = (over: Partial<Parameters<typeof failureFromState>[0]>) => ({ status: 'exited', oomKilled: false, exitCode: 0, error: '', ...over });

describe('why a run ended', () => {
  it('tells out of memory, killed, crashed and a failed start apart; a clean stop has no reason', () => {
    expect(failureFromState(state({ oomKilled: true, exitCode: 137 }))).toMatchObject({
      kind: 'out-of-memory',
      summary: expect.stringMatching(/out of memory/),
    });
    expect(failureFromState(state({ exitCode: 137 }))).toMatchObject({ kind: 'killed', exitCode: 137 });
    expect(failureFromState(state({ exitCode: 3 }))).toMatchObject({ kind: 'crashed', summary: expect.stringMatching(/exit code 3/) });
    expect(
      failureFromState(
        state({
          status: 'created',
          exitCode: 128,
          error: 'driver failed programming external connectivity on endpoint x (y): Bind for 127.0.0.1:5432 failed: port is already allocated',
        }),
      ),
    ).toMatchObject({ kind: 'start-failed', summary: 'Could not start: port 5432 is already in use on this machine.' });
    expect(failureFromState(state({ exitCode: 0 }))).toBeUndefined();
    expect(failureFromState(state({ exitCode: 143 }))).toBeUndefined();
    expect(failureFromState(state({ status: 'running' }))).toBeUndefined();
  });

  it('maps them to the chip: Paused, Killed, Out of memory, Error; a clean stop stays Stopped', () => {
    expect(displayStatus({ status: 'paused', health: 'healthy' })).toBe('paused');
    expect(displayStatus({ status: 'exited', health: 'none', exitCode: 137 })).toBe('killed');
    expect(displayStatus({ status: 'exited', health: 'none', exitCode: 137, failure: { kind: 'out-of-memory', summary: '' } })).toBe('out-of-memory');
    expect(displayStatus({ status: 'created', health: 'none', failure: { kind: 'start-failed', summary: '' } })).toBe('error');
    expect(displayStatus({ status: 'exited', health: 'none', exitCode: 143 })).toBe('stopped');
    // Docker's verdict from the frozen time gives way to Dockbase's newer probe after an unpause.
    expect(displayStatus({ status: 'running', health: 'unhealthy' }, { probedAnswer: true })).toBe('healthy');
    expect(displayStatus({ status: 'running', health: 'unhealthy' }, { serverAnswered: true })).toBe('unhealthy');
    expect(displayStatus({ status: 'exited', health: 'none', exitCode: 0 })).toBe('stopped');
  });

  it('asks docker why only for runs that may have ended badly', () => {
    expect(mayHaveFailed({ status: 'exited', exitCode: 0 })).toBe(false);
    expect(mayHaveFailed({ status: 'exited', exitCode: 137 })).toBe(true);
    expect(mayHaveFailed({ status: 'created' })).toBe(false);
    expect(mayHaveFailed({ status: 'exited', exitCode: 128 })).toBe(true);
    expect(mayHaveFailed({ status: 'running' })).toBe(false);
  });

  it('reads uptime from docker’s status text', () => {
    expect(uptimeOf({ status: 'running', statusText: 'Up 3 minutes (healthy)' })).toBe('3 minutes');
    expect(uptimeOf({ status: 'paused', statusText: 'Up 2 hours (Paused)' })).toBe('2 hours');
    expect(uptimeOf({ status: 'exited', statusText: 'Exited (0) 3 seconds ago' })).toBeUndefined();
  });
});
