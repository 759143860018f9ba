import { describe, expect, it } from 'vitest';
import { parseCli } from './main';

describe('the command line', () => {
  it('has defaults: port 7600, a backend, docker from PATH', () => {
    expect(parseCli([])).toEqual({ port: 7600, backend: true, docker: 'docker', help: false });
  });

  it('reads --port, --no-backend and --docker', () => {
    expect(parseCli(['--port', '0', '--no-backend', '--docker', '/usr/local/bin/docker'])).toEqual({
      port: 0,
      backend: false,
      docker: '/usr/local/bin/docker',
      help: false,
    });
    expect(parseCli(['--port=8123']).port).toBe(8123);
  });

  it.each([
    [['--port', '-1']],
    [['--port', '65536']],
    [['--port', '80abc']],
    [['--port', '']],
    [['--host', '0.0.0.0']],
    [['--bind', '0.0.0.0']],
    [['--listen=0.0.0.0:7600']],
    [['extra']],
    [['--docker', '']],
  ])('refuses %j', (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });
});
