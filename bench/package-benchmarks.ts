/**
 * The published npm package: what `npx dockbase` downloads (the tarball npm pack makes, and its files
 * unpacked; its npm dependencies come on top), and how long the bin takes to start (`dockbase --version`,
 * Node's start-up included, beside a bare `node -e 0` of the same run) and to list the instances (one
 * `docker ps`).
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { median, round, timeRuns } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface PackageRow {
  measuredAt: string;
  tarball: string;
  tarballKb: number;
  unpackedKb: number;
  files: number;
  dependencies: string[];
  versionMs: number;
  listMs: number;
  /** `node -e 0`: Node's own start-up on this machine, now. */
  nodeMs: number;
  runs: number;
}

const node = (args: string[]) => new Promise<void>((resolve, reject) => execFile(process.execPath, args, (e) => (e ? reject(e) : resolve())));
const run = (args: string[]) => node([path.join(ROOT, 'cli/dist/main.js'), ...args]);

export async function benchPackage(runs: number): Promise<PackageRow> {
  const packed = JSON.parse(
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/pack.mjs'), '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as {
    tarball: string;
    size: number;
    unpackedSize: number;
    files: string[];
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const bare = await timeRuns(runs, () => node(['-e', '0']));
  const version = await timeRuns(runs, () => run(['--version']));
  const list = await timeRuns(runs, () => run(['list', '--json']));
  return {
    measuredAt: new Date().toISOString(),
    tarball: packed.tarball,
    tarballKb: round(packed.size / 1024),
    unpackedKb: round(packed.unpackedSize / 1024),
    files: packed.files.length,
    dependencies: [...Object.keys(packed.dependencies), ...Object.keys(packed.optionalDependencies ?? {}).map((d) => `${d} (optional)`)],
    versionMs: round(median(version)),
    listMs: round(median(list)),
    nodeMs: round(median(bare)),
    runs,
  };
}
