/**
 * `npm run bench`: every figure measured against the real engine in ONE run, printed as a table, written
 * to bench/results.json and into the README's performance section. Ratios compare figures of this run
 * only: the machines are shared and noisy, absolute times are not comparable across runs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchBackend } from './backend-benchmarks';
import { benchBundle } from './bundle-benchmarks';
import { benchDataSafety } from './data-safety-benchmarks';
import { BENCH_PREFIX, benchCreateToReady, benchListRefresh, countingDocker, removeBenchContainers } from './engine-benchmarks';
import { benchImage } from './image-benchmarks';
import { benchUi } from './ui-benchmarks';

const ROOT = path.resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
/** `--only=image`: measures the extension image alone and keeps the other figures of results.json. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

function machine() {
  const docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}']).toString().trim();
  return {
    date: new Date().toISOString(),
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    dockerEngine: docker,
  };
}

function writeResults(results: Results) {
  fs.writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTable(results);
  console.log(`\n${table}`);
  updateReadme(table);
  console.log('\nWritten: bench/results.json and the README’s performance section.');
}

async function main() {
  if (only === 'image') {
    const previous = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results;
    console.log('• extension image (the other figures are kept from their run)…');
    writeResults({ ...previous, image: { ...benchImage(), measuredAt: new Date().toISOString() } });
    return;
  }
  if (only !== undefined) throw new Error(`--only=${only}: only --only=image is supported`);
  const { cli } = countingDocker();
  const info = machine();
  console.log(`Dockbase benchmarks on ${info.cpu}, ${info.memoryGb} GB, Docker ${info.dockerEngine}, Node ${info.node}${quick ? ' (quick)' : ''}\n`);

  console.log('• list refresh at 1, 25, 100 instances…');
  const list = await benchListRefresh([1, 25, 100], quick ? 5 : 15);

  console.log('• the open UI: first render, idle spawns, outside stop…');
  const running = `${BENCH_PREFIX}-000`;
  const docker = async (...args: string[]) => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  };
  const ui = await benchUi({
    expectInstances: 100,
    runningInstance: running,
    idleSeconds: quick ? 15 : 60,
    stopRuns: quick ? 3 : 7,
    restart: (name) => docker('start', name),
    stop: (name) => docker('stop', '--time', '10', name),
  });
  await removeBenchContainers(cli);

  console.log('• create to ready (Redis)…');
  const ready = await benchCreateToReady(quick ? 3 : 9);
  await removeBenchContainers(cli);

  console.log('• data safety: snapshot, restore and export of a ~1 GB PostgreSQL data folder…');
  const dataSafety = await benchDataSafety(quick ? 1 : 3, quick ? 100_000 : 500_000);

  console.log('• UI bundle and backend…');
  const bundle = benchBundle();
  const backend = await benchBackend(200, quick ? 5 : 15);

  console.log('• extension image…');
  const image = { ...benchImage(), measuredAt: info.date };

  writeResults({ machine: info, listRefresh: list, ui, createToReady: ready, dataSafety, bundle, backend, image });
}

type Results = {
  machine: ReturnType<typeof machine>;
  listRefresh: Awaited<ReturnType<typeof benchListRefresh>>;
  ui: Awaited<ReturnType<typeof benchUi>>;
  createToReady: Awaited<ReturnType<typeof benchCreateToReady>>;
  dataSafety: Awaited<ReturnType<typeof benchDataSafety>>;
  bundle: ReturnType<typeof benchBundle>;
  backend: Awaited<ReturnType<typeof benchBackend>>;
  image: ReturnType<typeof benchImage> & { measuredAt: string };
};

function renderTable(r: Results): string {
  const m = r.machine;
  const lines = [
    `Measured ${m.date.slice(0, 10)} on ${m.cpu}, ${m.memoryGb} GB RAM, ${m.os}, Docker Engine ${m.dockerEngine}, Node ${m.node}.`,
    '',
    '| List refresh | Dockbase (median) | docker invocations | bare `docker ps -a` | ps + inspect each | vs bare ps | vs naive |',
    '|---|---|---|---|---|---|---|',
    ...r.listRefresh.map(
      (row) =>
        `| ${row.instances} instance${row.instances === 1 ? '' : 's'} | ${row.dockbaseMs} ms | ${row.dockbaseInvocations} | ${row.barePsMs} ms | ${row.naiveMs} ms (${row.naiveInvocations} calls) | ${row.vsBarePs}× | ${row.vsNaive}× |`,
    ),
    '',
    '| Measure | Result | Target |',
    '|---|---|---|',
    `| docker processes spawned per minute by the idle open UI | ${r.ui.idleSpawnsPerMinute} (over ${r.ui.idleSeconds} s; ${r.ui.loadSpawns} at load) | 0 |`,
    `| outside \`docker stop\` → UI shows it (median of ${r.ui.stopToUiMs.length}) | ${r.ui.stopToUiMedianMs} ms | ≤ 1000 ms |`,
    `| first render of ${r.ui.instancesRendered} instances in the table view (median of 3) | ${r.ui.firstRenderMs} ms | ≤ 300 ms |`,
    `| Redis create + start + ready: Dockbase vs \`docker run\` + probe loop (median of ${r.createToReady.runs}) | ${r.createToReady.dockbaseMs} ms vs ${r.createToReady.handWrittenMs} ms = ${r.createToReady.ratio}× | ≤ 1.2× |`,
    `| PostgreSQL snapshot, ${r.dataSafety.dataFolderMb} MB data folder (instance stopped; median of ${r.dataSafety.runs}): Dockbase vs bare \`docker run … cp -a\` | ${r.dataSafety.snapshotMs} ms vs ${r.dataSafety.floorCopyMs} ms = ${r.dataSafety.snapshotRatio}× | ≤ 1.2× |`,
    `| PostgreSQL restore, same folder: Dockbase (keeps the current data, then copies the snapshot in) vs the same two bare \`docker run\` copies | ${r.dataSafety.restoreMs} ms vs ${r.dataSafety.floorRestoreMs} ms = ${r.dataSafety.restoreRatio}× (${r.dataSafety.restoreVsOneCopy}× one bare copy) | ≤ 1.2× |`,
    `| PostgreSQL export, ${r.dataSafety.dumpMb} MB dump: Dockbase vs \`docker exec … pg_dumpall > file\` by hand | ${r.dataSafety.exportMs} ms vs ${r.dataSafety.handDumpMs} ms = ${r.dataSafety.exportRatio}× (${r.dataSafety.exportMbPerS} vs ${r.dataSafety.handMbPerS} MB/s); vs \`pg_dumpall -f\` + \`docker cp\` by hand: ${r.dataSafety.exportVsSameRoute}× | ≤ 1.1× |`,
    `| UI initial JS + CSS, gzip | ${r.bundle.totalGzipKb} KB (JS ${r.bundle.jsGzipKb}, CSS ${r.bundle.cssGzipKb}) | ≤ 250 KB |`,
    `| backend idle memory (RSS) | ${r.backend.idleRssMb} MB | |`,
    `| backend metadata read over its socket at ${r.backend.rate}/s (${r.backend.requests} requests) | p50 ${r.backend.p50Ms} ms, p99 ${r.backend.p99Ms} ms, ${r.backend.errors} errors | |`,
    `| extension image, ${r.image.platform}, uncompressed${r.image.measuredAt.slice(0, 10) === m.date.slice(0, 10) ? '' : ` (measured ${r.image.measuredAt.slice(0, 10)})`} | ${r.image.sizeMb} MB (Node runtime ${r.image.nodeRuntimeMb} MB, app ${r.image.appMb} MB) | ≤ 200 MB |`,
  ];
  return lines.join('\n');
}

function updateReadme(table: string) {
  const file = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < 0) {
    console.warn('README has no bench markers: not updated');
    return;
  }
  fs.writeFileSync(file, `${readme.slice(0, i + start.length)}\n${table}\n${readme.slice(j)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
