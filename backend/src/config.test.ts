import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, DEFAULT_HUB_URL, DESKTOP_SOCKET, readConfig } from './config.js';

describe('readConfig', () => {
  it('uses Docker Desktop’s socket, the volume’s data dir, Docker Hub and a 10-minute cache by default', () => {
    expect(readConfig([], {})).toEqual({
      socket: DESKTOP_SOCKET,
      dataDir: DEFAULT_DATA_DIR,
      hubUrl: DEFAULT_HUB_URL,
      hubCacheTtlSeconds: 600,
      dockerCli: 'docker',
    });
    expect(DEFAULT_DATA_DIR).toBe('/var/lib/dockbase');
    expect(DEFAULT_HUB_URL).toBe('https://hub.docker.com');
  });
  it('runs the docker client named by --docker-cli, else DOCKBASE_DOCKER_CLI, else docker from PATH', () => {
    expect(readConfig(['--docker-cli', '/opt/docker'], { DOCKBASE_DOCKER_CLI: '/env/docker' }).dockerCli).toBe('/opt/docker');
    expect(readConfig([], { DOCKBASE_DOCKER_CLI: '/env/docker' }).dockerCli).toBe('/env/docker');
    expect(readConfig([], { DOCKBASE_DOCKER_CLI: '' }).dockerCli).toBe('docker');
  });
  it('takes the socket from the arguments before the environment', () => {
    expect(readConfig(['--socket', '/tmp/a.sock'], { DOCKBASE_SOCKET: '/tmp/b.sock' }).socket).toBe('/tmp/a.sock');
    expect(readConfig([], { DOCKBASE_SOCKET: '/tmp/b.sock' }).socket).toBe('/tmp/b.sock');
  });
  it('accepts a loopback port and refuses a bad one', () => {
    const config = readConfig(['--port=8123'], {});
    expect(config.port).toBe(8123);
    expect(config.socket).toBeUndefined();
    expect(() => readConfig(['--port', '70000'], {})).toThrow(/Invalid port "70000"/);
  });
  it('reads the data dir, Hub URL and cache TTL from arguments, then the environment', () => {
    const env = { DOCKBASE_DATA_DIR: '/env/data', DOCKBASE_HUB_URL: 'http://env:1', DOCKBASE_HUB_CACHE_TTL: '5' };
    expect(readConfig(['--data-dir', '/arg/data', '--hub-url=http://127.0.0.1:9/', '--hub-cache-ttl', '0'], env)).toMatchObject({
      dataDir: '/arg/data',
      hubUrl: 'http://127.0.0.1:9', // no trailing slash: paths are appended to it
      hubCacheTtlSeconds: 0,
    });
    expect(readConfig([], env)).toMatchObject({ dataDir: '/env/data', hubUrl: 'http://env:1', hubCacheTtlSeconds: 5 });
  });
  it('refuses a Hub URL that is not http(s) and a TTL that is not a whole number of seconds', () => {
    expect(() => readConfig(['--hub-url', 'hub.docker.com'], {})).toThrow(/Invalid Docker Hub URL/);
    expect(() => readConfig(['--hub-url', 'file:///etc/passwd'], {})).toThrow(/Invalid Docker Hub URL/);
    expect(() => readConfig(['--hub-cache-ttl', '-1'], {})).toThrow(/Invalid Docker Hub cache TTL "-1"/);
    expect(() => readConfig(['--hub-cache-ttl', 'ten'], {})).toThrow(/Invalid Docker Hub cache TTL/);
    expect(() => readConfig(['--data-dir='], {})).toThrow(/Invalid data directory/);
  });
  it('reads the unprivileged user to drop to as UID:GID, and refuses root or a name', () => {
    expect(readConfig([], {}).user).toBeUndefined();
    expect(readConfig([], { DOCKBASE_USER: '1000:1000' }).user).toEqual({ uid: 1000, gid: 1000 });
    expect(readConfig(['--user', '1001:1002'], { DOCKBASE_USER: '1000:1000' }).user).toEqual({ uid: 1001, gid: 1002 });
    for (const bad of ['0:0', '1000:0', 'node', '1000', '-1:5']) {
      expect(() => readConfig(['--user', bad], {})).toThrow(/Invalid user/);
    }
  });
});
