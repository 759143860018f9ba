import { describe, expect, it } from 'vitest';
import { failureFromState, initFailure, initFailureFromLogs } from './failure';
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

describe('an init file that failed', () => {
  const pgLog = [
    'PostgreSQL init process starting',
    '/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01-schema.sql',
    'CREATE TABLE',
    '/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/02-seed.sql',
    '2026-12-06 09:27:01.080 UTC [59] ERROR:  relation "customers" does not exist at character 13',
    'psql:/docker-entrypoint-initdb.d/02-seed.sql:3: ERROR:  relation "customers" does not exist',
    'LINE 1: INSERT INTO customers VALUES (1);',
  ];

  it('is the file named last with no "init process complete" after it, and its first error line', () => {
    // Dockbase's own position prefix (02-) is not the user's: the file is named as the user chose it.
    expect(initFailureFromLogs(pgLog)).toEqual({ file: 'seed.sql', error: 'line 3: ERROR: relation "customers" does not exist' });
    expect(
      initFailureFromLogs([
        '[Entrypoint]: /usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01-a.sql',
        'ERROR 1064 (42000) at line 2: You have an error in your SQL syntax',
      ]),
    ).toEqual({ file: 'a.sql', error: 'ERROR 1064 (42000) at line 2: You have an error in your SQL syntax' });
  });

  it('is none once the init completed, or without init files; stays readable after a later start skipped them', () => {
    expect(initFailureFromLogs([...pgLog.slice(0, 3), 'PostgreSQL init process complete; ready for start up.', 'database system is ready'])).toBeUndefined();
    expect(initFailureFromLogs(['database system is ready to accept connections'])).toBeUndefined();
    expect(initFailureFromLogs([...pgLog, 'PostgreSQL Database directory appears to contain a database; Skipping initialization'])?.file).toBe('seed.sql');
  });

  it('says the file and why, and that the data must be made again', () => {
    expect(initFailure({ file: '02-seed.sql', error: 'line 3: ERROR: boom' }, 3)).toEqual({
      kind: 'init-failed',
      exitCode: 3,
      summary:
        'Init failed: 02-seed.sql: line 3: ERROR: boom. Its data folder is only partly initialised, and a start would serve it as if it were complete: delete it with its data and create it again with a corrected file.',
    });
  });
});
