import { describe, expect, it } from 'vitest';
import { commandFailed, redact, stderrExcerpt } from './errors';

describe('errors', () => {
  it('redacts a secret and its URI-encoded form', () => {
    expect(redact('pw=a b/c uri=x:a%20b%2Fc@h', ['a b/c'])).toBe('pw=******** uri=x:********@h');
  });
  it('keeps docker’s first words, without the daemon prefix, bounded', () => {
    expect(stderrExcerpt('Error response from daemon: No such container: x\n\n')).toBe('No such container: x');
    expect(stderrExcerpt('x'.repeat(500)).length).toBe(300);
  });
  it('maps a failed command to a message that never holds the password', () => {
    const e = commandFailed('create db', 'Error response from daemon: invalid env POSTGRES_PASSWORD=s3cr3t pw', ['s3cr3t pw']);
    expect(e).toMatchObject({ code: 'command-failed', message: 'Could not create db: invalid env POSTGRES_PASSWORD=********' });
  });
  it('recognises an engine that is down', () => {
    expect(commandFailed('list', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?').code).toBe(
      'engine-unavailable',
    );
  });
});
