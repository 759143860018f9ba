/** The extension image as built by scripts/build-extension.sh (scripts/test-env.sh keeps one up to date). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { round } from './stats';

export interface ImageRow {
  image: string;
  nodeImage: string;
  platform: string;
  sizeMb: number;
  /** node and the libraries it links: the part the app cannot shrink. */
  nodeRuntimeMb: number;
  /** the backend, its production dependencies, the UI and the extension files. */
  appMb: number;
}

const STATE_DIR = process.env.DOCKBASE_TEST_STATE ?? '/var/tmp/dockbase-test-env';

export function benchImage(): ImageRow {
  const reportFile = `${STATE_DIR}/extension-image.json`;
  if (!fs.existsSync(reportFile)) throw new Error(`${reportFile} is missing: run \`npm run test-env\` (it builds the extension image)`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { image: string; nodeImage: string };
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
  const size = Number(docker('image', 'inspect', '--format', '{{.Size}}', report.image));
  const platform = docker('image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', report.image);
  // Layers, newest first: the largest is the Node runtime (COPY --from=runtime /out/ /).
  const layers = docker('history', '--no-trunc', '--format', '{{.Size}}\t{{.CreatedBy}}', report.image).split('\n');
  const bytes = (text: string) => {
    const m = /^([\d.]+)\s*([kMG]?B)$/.exec(text.trim());
    if (!m) return 0;
    return Number(m[1]) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[m[2]!]!;
  };
  const runtime = Math.max(...layers.map((l) => bytes(l.split('\t')[0]!)));
  return {
    image: report.image,
    nodeImage: report.nodeImage,
    platform,
    sizeMb: round(size / 1e6, 1),
    nodeRuntimeMb: round(runtime / 1e6, 1),
    appMb: round((size - runtime) / 1e6, 1),
  };
}
