/**
 * A project on this machine: the folder holding its dockbase.yaml (this one or the nearest above, as git
 * finds .git), the file read and checked by the core, and the git branch checked out. Also the host files
 * Dockbase writes there (.env, dockbase.yaml, the git hook): written by this process itself, atomically
 * (a temporary file in the same folder, renamed), never through a symbolic link.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, parseManifest, projectNameFromFolder, type ProjectContext, type ProjectManifest } from '@dockbase/core/projects';
import { UsageError } from './exit-codes';

export interface Project extends ProjectContext {
  manifest: ProjectManifest;
  /** The folder dockbase.yaml is in. */
  root: string;
}

/** The nearest folder from `start` up that holds dockbase.yaml; undefined when none does. */
export async function findProjectRoot(start: string): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    if (await exists(path.join(dir, MANIFEST_FILE))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/** The project around `start`: its file read and checked (a problem says its line and column), its name, and its branch. */
export async function loadProject(start: string): Promise<Project> {
  const root = await findProjectRoot(start);
  if (!root) throw new UsageError(`No ${MANIFEST_FILE} in ${path.resolve(start)} or any folder above it: \`dockbase init\` writes one.`);
  const file = path.join(root, MANIFEST_FILE);
  const text = await readRegularFile(file);
  const manifest = parseManifest(text, path.relative(process.cwd(), file) || MANIFEST_FILE);
  const name = manifest.project ?? projectNameFromFolder(path.basename(root));
  if (!name) throw new UsageError(`The folder name ${path.basename(root)} makes no project name: add "project: <name>" to ${MANIFEST_FILE}.`);
  const branch = await gitBranch(root);
  return { manifest, root, name, path: root, ...(branch ? { branch } : {}) };
}

/** A file's text; a link, a folder or a device is refused (Dockbase reads what the repository holds). */
export async function readRegularFile(file: string): Promise<string> {
  const fh = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ELOOP') throw new UsageError(`${file} is a symbolic link: Dockbase reads only a regular file there.`);
    throw new UsageError(`Cannot read ${file} (${e.code ?? e.message}).`);
  });
  try {
    if (!(await fh.stat()).isFile()) throw new UsageError(`${file} is not a regular file.`);
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/** A file's text, or undefined when there is none (a link is refused, as above). */
export async function readIfThere(file: string): Promise<string | undefined> {
  try {
    await fs.lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return readRegularFile(file);
}

/**
 * Writes `text` to `file` atomically: a new temporary file beside it (O_EXCL, never following a link),
 * synced, then renamed over it. A symbolic link at `file` is refused, not followed. `exclusive`: refuse when
 * the file exists (dockbase.yaml is never overwritten). A new file gets `mode`; an existing one keeps its own.
 */
export async function writeFileAtomic(file: string, text: string, options: { mode?: number; exclusive?: boolean } = {}): Promise<void> {
  let mode = options.mode ?? 0o644;
  try {
    const st = await fs.lstat(file);
    if (st.isSymbolicLink()) throw new UsageError(`${file} is a symbolic link: Dockbase does not write through it. Replace it with a regular file.`);
    if (!st.isFile()) throw new UsageError(`${file} is not a regular file.`);
    if (options.exclusive) throw new UsageError(`${file} already exists: Dockbase does not overwrite it.`);
    mode = st.mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.dockbase-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    if (options.exclusive) {
      // link() fails on any existing name: the file cannot appear between the check above and here.
      await fs.link(temp, file).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') throw new UsageError(`${file} already exists: Dockbase does not overwrite it.`);
        throw e;
      });
      await fs.unlink(temp);
    } else {
      await fs.rename(temp, file);
    }
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw e;
  }
}

/** Runs git in `dir`; undefined when git is not there or the folder is not in a repository. */
export function git(dir: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code ?? 1) : 127) : 0;
      resolve({ code, stdout });
    });
  });
}

/** The branch checked out in `dir`'s repository; undefined outside git or on a detached HEAD. */
export async function gitBranch(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const branch = r.stdout.trim();
  return r.code === 0 && branch ? branch : undefined;
}

/** Every local branch of `dir`'s repository (empty outside git). */
export async function gitBranches(dir: string): Promise<string[]> {
  const r = await git(dir, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** Whether git would ignore `file` (undefined outside git). */
export async function gitIgnores(dir: string, file: string): Promise<boolean | undefined> {
  const r = await git(dir, ['check-ignore', '--quiet', '--', file]);
  return r.code === 0 ? true : r.code === 1 ? false : undefined;
}

/** The repository's hooks folder (core.hooksPath respected); undefined outside git. */
export async function gitHooksDir(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']);
  return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** Init and seed files of the project, as absolute paths, each checked to be a regular file inside the project. */
export async function projectFile(project: Project, relative: string, what: string): Promise<string> {
  const file = path.resolve(project.root, relative);
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch {
    throw new UsageError(`${what} ${relative} (in ${MANIFEST_FILE}) is not there: ${file}. Nothing was made.`);
  }
  const root = await fs.realpath(project.root);
  if (real !== root && !real.startsWith(`${root}${path.sep}`))
    throw new UsageError(`${what} ${relative} leads out of the project folder (${real}). Nothing was made.`);
  if (!(await fs.stat(real)).isFile()) throw new UsageError(`${what} ${relative} is not a file. Nothing was made.`);
  return real;
}
