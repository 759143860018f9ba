/**
 * How the command line finds the standalone host's backend, to hand it its jobs (so that they show in the
 * tab, and one journal and one lock serve both): the host writes `backend.json` (its pid and the backend's
 * socket) into its data folder (0700) once the backend answers, and removes it when it stops. The CLI reads
 * it, checks that the host still runs and that the backend answers, and otherwise runs the job itself.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const BACKEND_FILE = 'backend.json';

interface Published {
  pid: number;
  socket: string;
}

/** Says where this host's backend listens (written whole, private, replacing a stale one). */
export function publishBackend(dataDir: string, socket: string): void {
  const file = path.join(dataDir, BACKEND_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify({ pid: process.pid, socket } satisfies Published), { mode: 0o600, flag: 'w' });
  fs.renameSync(temp, file);
}

/** Removes the file when it is this process's own. */
export function withdrawBackend(dataDir: string): void {
  const file = path.join(dataDir, BACKEND_FILE);
  if (read(file)?.pid === process.pid) fs.rmSync(file, { force: true });
}

function read(file: string): Published | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Published>;
    return typeof o.pid === 'number' && typeof o.socket === 'string' ? { pid: o.pid, socket: o.socket } : undefined;
  } catch {
    return undefined;
  }
}

/** The socket of a running host's backend that runs jobs, or undefined (no host, a dead one, no jobs). */
export async function findRunningBackend(dataDir: string): Promise<string | undefined> {
  const published = read(path.join(dataDir, BACKEND_FILE));
  if (!published) return undefined;
  try {
    process.kill(published.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const health = await new Promise<unknown>((resolve) => {
    const req = http.get({ socketPath: published.socket, path: '/health', timeout: 1000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? JSON.parse(text) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
  return (health as { jobs?: unknown } | undefined)?.jobs !== undefined ? published.socket : undefined;
}
