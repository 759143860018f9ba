import fs from 'node:fs';
import path from 'node:path';
import type { RunAs } from './config.js';

/** Where the compose file mounts the engine's socket (Docker Desktop's /var/run/docker.sock.raw). */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** The docker socket the backend keeps access to: DOCKBASE_DOCKER_SOCKET, else the compose file's. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKBASE_DOCKER_SOCKET || DEFAULT_DOCKER_SOCKET;
}

/**
 * The group owning the docker socket, or undefined when there is no socket at that path (nothing mounted,
 * or a folder that a bind mount of a missing source left).
 */
export function dockerSocketGroup(socket: string): number | undefined {
  try {
    const stat = fs.statSync(socket);
    return stat.isSocket() ? stat.gid : undefined;
  } catch {
    return undefined;
  }
}

/** The supplementary groups of the unprivileged user: its own group, and the docker socket's if any. */
export function groupsFor(user: RunAs, socketGid: number | undefined): number[] {
  return socketGid === undefined || socketGid === user.gid ? [user.gid] : [user.gid, socketGid];
}

/**
 * In the extension image the backend is PID 1 and starts as root, because Docker Desktop mounts
 * /run/guest-services (where the backend creates its socket) owned by root, and the data volume may be too.
 * Before it opens anything else, it hands those folders (and the database files already in the data folder)
 * to the unprivileged user, then drops root for good: group list, group, user. Nothing happens when the
 * process is not root (the standalone host, tests) or no user is configured.
 *
 * The backend runs docker against the engine through the docker socket (the compose file mounts it): the
 * socket's owning group joins the group list, so the unprivileged user can still connect. A socket that only
 * root may write keeps the backend root (its jobs need docker; docker's socket is root-equivalent anyway).
 * The socket itself is never changed (no chown, no chmod): it is the engine's.
 *
 * Returns what it did, for the start-up log line.
 */
export function dropPrivileges(user: RunAs | undefined, folders: readonly string[], dockerSocket: string = dockerSocketPath()): string | undefined {
  if (!user || typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const folder of folders) {
    fs.mkdirSync(folder, { recursive: true });
    fs.chownSync(folder, user.uid, user.gid);
  }
  // Files an older image may have written as another user (the database, its WAL and shared memory).
  for (const folder of folders) {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.isFile()) fs.chownSync(path.join(folder, entry.name), user.uid, user.gid);
    }
  }
  const socketGid = dockerSocketGroup(dockerSocket);
  // A socket only root can write (Docker Desktop's docker.sock.raw may be): the jobs need docker, and whoever
  // can use the docker socket is root-equivalent anyway, so root is kept rather than losing every job.
  const rootOnly = rootOnlySocket(dockerSocket);
  if (rootOnly) return `running as root: the docker socket ${dockerSocket} is writable by root only (mode ${rootOnly}), and jobs need it`;
  const groups = groupsFor(user, socketGid);
  process.setgroups!(groups);
  process.setgid!(user.gid);
  process.setuid!(user.uid);
  if (process.getuid() !== user.uid || process.geteuid!() !== user.uid || process.getgid!() !== user.gid) {
    throw new Error(`could not drop root to ${user.uid}:${user.gid}`);
  }
  // Root is gone for good: getting it back must fail.
  try {
    process.setuid!(0);
  } catch {
    return `running as ${user.uid}:${user.gid}, ${dockerAccess(dockerSocket, socketGid)}`;
  }
  throw new Error('root could be regained after dropping it');
}

/** The socket's mode when it exists, is root's, and neither its group nor others may write it; else undefined. */
function rootOnlySocket(socket: string): string | undefined {
  try {
    const stat = fs.statSync(socket);
    if (!stat.isSocket() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) return undefined;
    return (stat.mode & 0o777).toString(8).padStart(3, '0');
  } catch {
    return undefined;
  }
}

/** What the unprivileged user can do with the docker socket, for the log line (checked as that user). */
function dockerAccess(socket: string, gid: number | undefined): string {
  if (gid === undefined) return `no docker socket at ${socket}`;
  try {
    // Connecting to a unix socket takes write permission on it.
    fs.accessSync(socket, fs.constants.W_OK);
    return `docker socket through group ${gid}`;
  } catch {
    const mode = (fs.statSync(socket).mode & 0o777).toString(8).padStart(3, '0');
    return `docker socket ${socket} not writable by group ${gid} (mode ${mode}): docker commands will fail`;
  }
}
