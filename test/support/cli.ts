import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { REPO_ROOT } from './npm-package';

/** The repository's build of the `dockbase` bin (what scripts/pack.mjs ships as cli/dist/main.js). */
export const REPO_BIN = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');

/** Builds the bin when it is missing or older than its sources (the CLI, the host it bundles, the packages). */
export async function ensureCliBuilt(): Promise<string> {
  await ensureBuilt(['cli'], { log: () => {} });
  return REPO_BIN;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `dockbase ...args` as a script would: its own process, stdin from `stdin` (a pipe, closed after it;
 * nothing by default), stdout and stderr captured, the exit code as it is.
 */
export function dockbase(
  args: readonly string[],
  options: { bin?: string; stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.bin ?? REPO_BIN, [...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** `dockbase ... --json`'s stdout, parsed; throws with its stderr when it failed. */
export async function dockbaseJson<T>(args: readonly string[], options: Parameters<typeof dockbase>[1] = {}): Promise<T> {
  const r = await dockbase([...args, '--json'], options);
  if (r.code !== 0) throw new Error(`dockbase ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
