import { describe, expect, it } from 'vitest';
import { DESKTOP_SOCKET, readConfig } from './config.js';

describe('readConfig', () => {
  it('uses Docker Desktop’s socket by default', () => {
    expect(readConfig([], {})).toEqual({ socket: DESKTOP_SOCKET });
  });
  it('takes the socket from the arguments before the environment', () => {
    expect(readConfig(['--socket', '/tmp/a.sock'], { DOCKBASE_SOCKET: '/tmp/b.sock' })).toEqual({ socket: '/tmp/a.sock' });
    expect(readConfig([], { DOCKBASE_SOCKET: '/tmp/b.sock' })).toEqual({ socket: '/tmp/b.sock' });
  });
  it('accepts a loopback port and refuses a bad one', () => {
    expect(readConfig(['--port=8123'], {})).toEqual({ port: 8123 });
    expect(() => readConfig(['--port', '70000'], {})).toThrow(/Invalid port "70000"/);
  });
});
