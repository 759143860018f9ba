import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DOCKER_SOCKET, dockerSocketGroup, dockerSocketPath, dropPrivileges, groupsFor } from './privileges.js';
import { removeDir, tempDir } from './test-support/http.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const privilegesModule = pathToFileURL(fileURLToPath(new URL('./privileges.ts', import.meta.url))).href;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const dirs: string[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  dirs.splice(0).forEach(removeDir);
});

function workDir(): string {
  const dir = tempDir('dockbase-privileges-');
  dirs.push(dir);
  return dir;
}

/** A listening unix socket at `socket`, like the engine's. */
async function listeningSocket(socket: string): Promise<void> {
  const server = net.createServer((c) => c.end());
  servers.push(server);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
}

describe('the docker socket the backend keeps', () => {
  it('is DOCKBASE_DOCKER_SOCKET, else /var/run/docker.sock where the compose file mounts it', () => {
    expect(DEFAULT_DOCKER_SOCKET).toBe('/var/run/docker.sock');
    expect(dockerSocketPath({})).toBe('/var/run/docker.sock');
    expect(dockerSocketPath({ DOCKBASE_DOCKER_SOCKET: '' })).toBe('/var/run/docker.sock');
    expect(dockerSocketPath({ DOCKBASE_DOCKER_SOCKET: '/run/engine.sock' })).toBe('/run/engine.sock');
  });

  it('has its owning group read from a socket, and none from a missing path, a file or a folder', async () => {
    const dir = workDir();
    const socket = path.join(dir, 'docker.sock');
    await listeningSocket(socket);
    expect(dockerSocketGroup(socket)).toBe(fs.statSync(socket).gid);
    expect(dockerSocketGroup(path.join(dir, 'missing.sock'))).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'file.sock'), '');
    expect(dockerSocketGroup(path.join(dir, 'file.sock'))).toBeUndefined();
    // A bind mount of a missing source leaves a folder where the socket should be.
    fs.mkdirSync(path.join(dir, 'folder.sock'));
    expect(dockerSocketGroup(path.join(dir, 'folder.sock'))).toBeUndefined();
  });

  it("joins the user's group list, once", () => {
    expect(groupsFor({ uid: 1000, gid: 1000 }, 105)).toEqual([1000, 105]);
    expect(groupsFor({ uid: 1000, gid: 1000 }, 0)).toEqual([1000, 0]);
    expect(groupsFor({ uid: 1000, gid: 1000 }, 1000)).toEqual([1000]);
    expect(groupsFor({ uid: 1000, gid: 1000 }, undefined)).toEqual([1000]);
  });
});

describe('dropPrivileges', () => {
  it('does nothing without a user, or when not root', () => {
    const dir = workDir();
    expect(dropPrivileges(undefined, [dir], path.join(dir, 'docker.sock'))).toBeUndefined();
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    const setgroups = vi.spyOn(process, 'setgroups');
    expect(dropPrivileges({ uid: 1000, gid: 1000 }, [path.join(dir, 'data')], path.join(dir, 'docker.sock'))).toBeUndefined();
    expect(setgroups).not.toHaveBeenCalled();
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  // Dropping root is for good, so each case runs in its own process (as root: the extension image's start).
  interface Dropped {
    result: string;
    uid: number;
    gid: number;
    groups: number[];
    /** What connecting to the docker socket as the dropped user gave. */
    connect: string;
  }
  function dropInChild(dir: string, socket: string): Dropped {
    const code = `
      import net from 'node:net';
      const { dropPrivileges } = await import(${JSON.stringify(privilegesModule)});
      const result = dropPrivileges({ uid: 4321, gid: 4321 }, [${JSON.stringify(path.join(dir, 'run'))}, ${JSON.stringify(path.join(dir, 'data'))}]);
      const connect = await new Promise((resolve) => {
        const c = net.connect(${JSON.stringify(socket)});
        c.once('connect', () => { c.destroy(); resolve('connected'); });
        c.once('error', (e) => resolve(e.code));
      });
      console.log(JSON.stringify({ result, uid: process.getuid(), gid: process.getgid(), groups: process.getgroups().sort((a, b) => a - b), connect }));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: repoRoot,
      encoding: 'utf8',
      // The socket comes from the environment, as in the image (main.ts passes no socket).
      env: { ...process.env, DOCKBASE_DOCKER_SOCKET: socket },
      timeout: 30_000,
    });
    if (child.status !== 0) throw new Error(`the child failed (${child.status}): ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as Dropped;
  }

  /** A folder the dropped user can walk through, with the engine's socket stand-in owned by root:4242. */
  async function rootDir(mode: number): Promise<{ dir: string; socket: string }> {
    const dir = workDir();
    fs.chmodSync(dir, 0o755);
    const socket = path.join(dir, 'docker.sock');
    await listeningSocket(socket);
    fs.chownSync(socket, 0, 4242);
    fs.chmodSync(socket, mode);
    return { dir, socket };
  }

  it.runIf(isRoot)("keeps the docker socket's group: the unprivileged user can connect, and the socket is left as it was", async () => {
    const { dir, socket } = await rootDir(0o660);
    const dropped = dropInChild(dir, socket);
    expect(dropped).toEqual({
      result: 'running as 4321:4321, docker socket through group 4242',
      uid: 4321,
      gid: 4321,
      groups: [4242, 4321],
      connect: 'connected',
    });
    expect(fs.statSync(socket)).toMatchObject({ uid: 0, gid: 4242, mode: fs.constants.S_IFSOCK | 0o660 });
    expect(fs.statSync(path.join(dir, 'run'))).toMatchObject({ uid: 4321, gid: 4321 });
  });

  it.runIf(isRoot)('keeps root when only root may write the socket, so that jobs can run docker; says when there is no socket', async () => {
    const { dir, socket } = await rootDir(0o640);
    expect(dropInChild(dir, socket)).toMatchObject({
      result: `running as root: the docker socket ${socket} is writable by root only (mode 640), and jobs need it`,
      uid: 0,
      connect: 'connected',
    });
    const missing = path.join(dir, 'none.sock');
    expect(dropInChild(dir, missing)).toMatchObject({ result: `running as 4321:4321, no docker socket at ${missing}`, groups: [4321], connect: 'ENOENT' });
  });
});
