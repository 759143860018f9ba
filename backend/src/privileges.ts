import fs from 'node:fs';
import path from 'node:path';
import type { RunAs } from './config.js';

/**
 * In the extension image the backend is PID 1 and starts as root, because Docker Desktop mounts
 * /run/guest-services (where the backend creates its socket) owned by root, and the data volume may be too.
 * Before it opens anything else, it hands those folders (and the database files already in the data folder)
 * to the unprivileged user, then drops root for good: group list, group, user. Nothing happens when the
 * process is not root (the standalone host, tests) or no user is configured.
 *
 * Returns what it did, for the start-up log line.
 */
export function dropPrivileges(user: RunAs | undefined, folders: readonly string[]): string | undefined {
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
  process.setgroups!([user.gid]);
  process.setgid!(user.gid);
  process.setuid!(user.uid);
  if (process.getuid() !== user.uid || process.geteuid!() !== user.uid || process.getgid!() !== user.gid) {
    throw new Error(`could not drop root to ${user.uid}:${user.gid}`);
  }
  // Root is gone for good: getting it back must fail.
  try {
    process.setuid!(0);
  } catch {
    return `running as ${user.uid}:${user.gid}`;
  }
  throw new Error('root could be regained after dropping it');
}
