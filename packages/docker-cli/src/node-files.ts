import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { cancelled, dockerFailure, errorCode, unreadable, unwritable } from './host-file-errors';
import { HostFileError, type HostFiles, type SaveTarget, type SavedFile, type SendSource } from './port';
import { SingleFileTarReader, TAR_END, tarHeader, tarPadding } from './tar';

export interface NodeHostFilesOptions {
  /** The docker binary; `docker` from PATH by default. */
  binary?: string;
  /** Environment for the CLI (DOCKER_HOST etc.); the process environment by default. */
  env?: NodeJS.ProcessEnv;
}

// Windows has neither flag: there a link is caught by lstat, and a FIFO cannot be a path.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
/** A file that did not exist: O_EXCL fails on any existing name, a link included, and never follows it. */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
const CHUNK = 1 << 16;
const MAX_NAMES = 99;
const STDERR_KEEP = 16 * 1024;
/** Why `link` fails on a filesystem without hard links (FAT, some network shares): publish by rename instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS']);

/** How docker ended: its code or signal, the tail of its stderr, or why it could not start. */
type Exit = { code: number | null; signal: NodeJS.Signals | null; stderr: string; error?: Error };

/** A running docker; `stop` sends SIGTERM if it still runs (idempotent). */
type Docker = { child: ChildProcess; exited: Promise<Exit>; stop(): void };

/**
 * HostFiles for Node: docker only ever sees a tar stream on its stdin or stdout, and this process creates or
 * opens the host file itself, with flags that refuse links, devices and existing names. A file saved from a
 * container is written to a hidden temporary file and published under its final name only once docker has
 * succeeded and the archive proved to hold exactly one regular file, so a failure leaves nothing behind.
 */
export class NodeHostFiles implements HostFiles {
  private readonly binary: string;
  private readonly env: NodeJS.ProcessEnv | undefined;

  constructor(options: NodeHostFilesOptions = {}) {
    this.binary = options.binary ?? 'docker';
    this.env = options.env;
  }

  async save(args: readonly string[], to: SaveTarget, options: { signal?: AbortSignal } = {}): Promise<SavedFile> {
    const { signal } = options;
    const dir = to.directory;
    if (!path.isAbsolute(dir)) throw new HostFileError('unwritable', `"${dir}" is not a full folder path.`);
    const name = `${to.stem}${to.extension}`;
    if (!to.stem || to.stem === '.' || to.stem === '..' || [...name].some((c) => c === '/' || c === path.sep || c === '\0')) {
      throw new HostFileError('unwritable', `"${name}" is not a file name.`);
    }
    if (signal?.aborted) throw cancelled();
    const temp = path.join(dir, `.${to.stem.slice(0, 64)}.dockbase-${randomBytes(6).toString('hex')}.part`);
    const fh = await fs.open(temp, NEW_FILE, 0o600).catch((e: unknown) => Promise.reject(unwritable(dir, e)));
    let open = true;
    try {
      const sizeBytes = await this.receive(args, fh, dir, signal);
      try {
        // On disk before it has a name: a crash never leaves a named file with missing bytes.
        await fh.sync();
        open = false;
        await fh.close();
      } catch (e) {
        throw unwritable(dir, e);
      }
      if (signal?.aborted) throw cancelled();
      return { path: await publish(temp, to), sizeBytes };
    } catch (e) {
      if (open) await fh.close().catch(() => undefined);
      await fs.unlink(temp).catch(() => undefined);
      throw e;
    }
  }

  async send(args: readonly string[], from: SendSource, options: { signal?: AbortSignal } = {}): Promise<{ sizeBytes: number }> {
    const { signal } = options;
    if (signal?.aborted) throw cancelled();
    const fh = await openSource(from.path);
    try {
      const stat = await fh.stat().catch((e: unknown) => Promise.reject(unreadable(from.path, e)));
      if (!stat.isFile()) throw new HostFileError('unreadable', `${from.path} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}; choose a file.`);
      let header: Uint8Array;
      try {
        header = tarHeader(from.name, stat.size, stat.mtimeMs / 1000);
      } catch (e) {
        throw new HostFileError('unreadable', `${from.path} cannot be sent: ${e instanceof Error ? e.message : String(e)}`);
      }
      await this.upload(args, fh, from.path, header, stat.size, signal);
      return { sizeBytes: stat.size };
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /** Runs docker, writes the archive's one file into `fh` and resolves with its size once both ended well. */
  private receive(args: readonly string[], fh: FileHandle, dir: string, signal: AbortSignal | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      const reader = new SingleFileTarReader();
      const docker = this.start(args, false);
      const stdout = docker.child.stdout as Readable;
      let settled = false;
      let writes: Promise<void> = Promise.resolve();
      let written = 0;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        docker.stop();
        stdout.destroy();
        // The caller closes and removes the temporary file: only once no write to it is under way.
        void writes.then(() => reject(e));
      };
      const onAbort = () => fail(cancelled());
      signal?.addEventListener('abort', onAbort, { once: true });
      stdout.on('error', () => undefined); // docker's exit says what went wrong
      stdout.on('data', (chunk: Buffer) => {
        if (settled) return;
        let pieces: Uint8Array[];
        try {
          pieces = reader.push(chunk);
        } catch (e) {
          return fail(e);
        }
        if (pieces.length === 0) return;
        // Backpressure: docker's output waits while the disk catches up.
        stdout.pause();
        const write = writes.then(async () => {
          for (const piece of pieces) {
            await writeAll(fh, piece);
            written += piece.length;
          }
        });
        writes = write.catch(() => undefined);
        write.then(
          () => void (settled || stdout.resume()),
          (e: unknown) => fail(unwritable(dir, e)),
        );
      });
      void docker.exited.then(async (exit) => {
        await writes;
        if (settled) return;
        if (exit.code !== 0 || exit.error) return fail(dockerFailure(this.binary, exit));
        try {
          reader.end();
        } catch (e) {
          return fail(e);
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(written);
      });
    });
  }

  /** Runs docker with the archive of `fh` (header, exactly `size` bytes, padding, end) on its stdin. */
  private upload(args: readonly string[], fh: FileHandle, file: string, header: Uint8Array, size: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const docker = this.start(args, true);
      const stdin = docker.child.stdin as Writable;
      let failure: unknown;
      let broken = false;
      let settled = false;
      // EPIPE: docker stopped reading (it failed, or was stopped); its exit code and stderr say why.
      stdin.on('error', () => (broken = true));
      const stopWith = (e: unknown) => {
        if (failure !== undefined) return;
        failure = e;
        docker.stop();
        stdin.destroy();
      };
      const finish = (e?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (e === undefined) resolve();
        else reject(e);
      };
      const onAbort = () => stopWith(cancelled());
      signal?.addEventListener('abort', onAbort, { once: true });
      const pump = async (): Promise<boolean> => {
        await feed(stdin, header);
        for (let sent = 0; sent < size;) {
          if (failure !== undefined || broken) return false;
          // A fresh buffer each time: the stream may still hold the previous one.
          const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size - sent));
          const { bytesRead } = await fh.read(buffer, 0, buffer.length, sent).catch((e: unknown) => Promise.reject(unreadable(file, e)));
          // Never end the archive short: docker would create a truncated file in the container.
          if (bytesRead === 0) throw new HostFileError('unreadable', `${file} got shorter while it was read; try again once nothing writes to it.`);
          await feed(stdin, buffer.subarray(0, bytesRead));
          sent += bytesRead;
        }
        if (failure !== undefined || broken) return false;
        await feed(stdin, tarPadding(size));
        await feed(stdin, TAR_END);
        stdin.end();
        return !broken;
      };
      const pumped = pump().catch((e: unknown) => {
        stopWith(e);
        return false;
      });
      // Our own failure (the file, an abort) does not wait for docker to go.
      void pumped.then(() => {
        if (failure !== undefined) finish(failure);
      });
      void Promise.all([docker.exited, pumped]).then(([exit, complete]) => {
        if (failure !== undefined) finish(failure);
        else if (exit.code !== 0 || exit.error) finish(dockerFailure(this.binary, exit));
        else if (!complete) finish(new HostFileError('docker', 'Docker stopped reading before the whole file was sent.'));
        else finish();
      });
    });
  }

  private start(args: readonly string[], withStdin: boolean): Docker {
    const child = spawn(this.binary, [...args], { shell: false, env: this.env, stdio: [withStdin ? 'pipe' : 'ignore', withStdin ? 'ignore' : 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-STDERR_KEEP)));
    const exited = new Promise<Exit>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, stderr, error }));
      child.once('close', (code, signal) => resolve({ code, signal, stderr }));
    });
    return {
      child,
      exited,
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
    };
  }
}

/**
 * Gives the finished temporary file its name: the first of `stem.ext`, `stem-2.ext` … that does not exist.
 * `link` creates a name only if nothing has it (a link there included) and never follows one, so nothing is
 * ever overwritten; where the filesystem has no hard links, an O_EXCL file reserves the name and rename
 * moves the data onto that reservation.
 */
async function publish(temp: string, to: SaveTarget): Promise<string> {
  let linkable = true;
  for (let n = 1; n <= MAX_NAMES; n++) {
    const final = path.join(to.directory, `${to.stem}${n === 1 ? '' : `-${n}`}${to.extension}`);
    try {
      if (linkable) {
        try {
          await fs.link(temp, final);
          await fs.unlink(temp).catch(() => undefined);
          return final;
        } catch (e) {
          if (!NO_LINKS.has(errorCode(e) ?? '')) throw e;
          linkable = false;
        }
      }
      await (await fs.open(final, NEW_FILE, 0o600)).close();
      try {
        await fs.rename(temp, final);
      } catch (e) {
        await fs.unlink(final).catch(() => undefined);
        throw e;
      }
      return final;
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw unwritable(to.directory, e);
    }
  }
  throw new HostFileError(
    'unwritable',
    `${to.directory} already holds ${to.stem}${to.extension} and ${MAX_NAMES - 1} numbered copies; make room or choose another folder.`,
  );
}

/** Opens a host file for reading, never through a link, and without blocking on a FIFO (fstat refuses it next). */
async function openSource(file: string): Promise<FileHandle> {
  try {
    if (NOFOLLOW === 0 && (await fs.lstat(file)).isSymbolicLink()) throw Object.assign(new Error('link'), { code: 'ELOOP' });
    return await fs.open(file, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    throw unreadable(file, e);
  }
}

/** Writes all of `bytes` (a file write may take only part of it). */
async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** Hands `chunk` to docker's stdin, waiting while its buffer is full (or until it is gone). */
function feed(stream: Writable, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded || chunk.length === 0 || stream.write(chunk)) {
      resolve();
      return;
    }
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}
