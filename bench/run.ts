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
import { benchPackage } from './package-benchmarks';
import { BENCH_PREFIX, benchCreateToReady, benchListRefresh, countingDocker, ensureInstances, removeBenchContainers } from './engine-benchmarks';
import { IDLE_WINDOW_SECONDS, benchIdleCost, type IdleCostRow } from './idle-benchmarks';
import { benchReadiness } from './readiness-benchmarks';
import { benchImage } from './image-benchmarks';
import { benchUi } from './ui-benchmarks';
import { benchUpgrade } from './upgrade-benchmarks';
import { benchBranch } from './branch-benchmarks';
import { benchTableRender } from './table-render';
import { foreignDockbaseEvents, openWithInstances } from './open-spawns';
import { POSTGRES_REAL_IMAGE } from '../test/support/data-safety';

const ROOT = path.resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
/**
 * `--only=image`, `--only=package`, `--only=upgrade` or `--only=idle`: measures the extension image, the npm
 * package, PostgreSQL's upgrade, or what idle instances and the open tab cost (with readiness) alone (its
 * ratios within that run) and keeps the other figures of results.json. `--only=readiness`: create → ready and
 * restart → ready alone, for Redis and PostgreSQL.
 */
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
  if (only === 'package') {
    const previous = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results;
    console.log('• npm package (the other figures are kept from their run)…');
    writeResults({ ...previous, npmPackage: await benchPackage(quick ? 5 : 15) });
    return;
  }
  if (only === 'upgrade') {
    const previous = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results;
    console.log('• upgrade: PostgreSQL 15 → 17 of a ~1 GB database (the other figures are kept from their run)…');
    writeResults({ ...previous, upgrade: { ...(await benchUpgrade(quick ? 1 : 6, quick ? 100_000 : 500_000)), measuredAt: new Date().toISOString() } });
    return;
  }
  if (only === 'branch') {
    const previous = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results;
    console.log(
      '• branch databases: `dockbase branch` of a ~1 GB PostgreSQL vs a bare cp -a of its volume; `branch switch` until the server answers (the other figures are kept from their run)…',
    );
    writeResults({ ...previous, branch: await benchBranch(quick ? 1 : 6, quick ? 200_000 : 1_000_000) });
    return;
  }
  if (only === 'branch-cow') {
    const previous = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results;
    console.log(
      '• branch databases on copy-on-write: the same on a Docker engine of its own whose data root is XFS with reflinks (the other figures are kept from their run)…',
    );
    writeResults({ ...previous, branchCopyOnWrite: await benchBranch(quick ? 1 : 6, quick ? 200_000 : 1_000_000, { filesystem: 'xfs' }) });
    return;
  }
  if (only === 'readme') {
    // The README's table again from results.json, nothing measured (after a change to how a row reads).
    writeResults(JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results);
    return;
  }
  if (only === 'readiness') {
    const previous = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results;
    console.log('• create → ready and restart → ready, Redis and PostgreSQL, against docker run + a login loop (the other figures are kept from their run)…');
    const createToReady = await benchCreateToReady(quick ? 3 : 9);
    const readiness = [];
    for (const engine of ['redis', 'postgres'] as const) readiness.push(await benchReadiness(engine, quick ? 2 : 9));
    writeResults({ ...previous, createToReady, readiness });
    return;
  }
  if (only === 'open') {
    await benchOpen(JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results);
    return;
  }
  if (only !== undefined && only !== 'idle')
    throw new Error(
      `--only=${only}: only --only=image, --only=package, --only=upgrade, --only=open, --only=branch, --only=branch-cow, --only=readiness, --only=readme and --only=idle are supported`,
    );
  const { cli } = countingDocker();
  const info = machine();
  console.log(`Dockbase benchmarks on ${info.cpu}, ${info.memoryGb} GB, Docker ${info.dockerEngine}, Node ${info.node}${quick ? ' (quick)' : ''}\n`);

  const previousResults = only === 'idle' ? (JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Results) : undefined;
  if (previousResults) {
    console.log('• (--only=idle: the other figures are kept from their run; 100 instances for the open UI…)');
    await removeBenchContainers(cli);
    await ensureInstances(countingDocker().core, 100);
  }
  const list = previousResults
    ? previousResults.listRefresh
    : (console.log('• list refresh at 1, 25, 100 instances…'), await benchListRefresh([1, 25, 100], quick ? 5 : 15));

  console.log('• the open UI: first render, idle spawns, outside stop…');
  const running = `${BENCH_PREFIX}-000`;
  const docker = async (...args: string[]) => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  };
  // One instance runs and serves before the tab opens: the idle tab runs nothing but its watch's probes of
  // it (one every 40 s; docker's own probe comes every 20 minutes and is not the tab's).
  await docker('start', running);
  const core = countingDocker().core;
  const runningInstance = (await core.lifecycle.list()).find((i) => i.name === running);
  if (runningInstance) await core.readiness.waitUntilReady(runningInstance);
  const ui = await benchUi({
    expectInstances: 100,
    runningInstance: running,
    idleSeconds: quick ? 15 : 120,
    stopRuns: quick ? 3 : 7,
    restart: (name) => docker('start', name),
    stop: (name) => docker('stop', '--time', '10', name),
    longJob: longUpgrade(core),
  });
  // Other Dockbase instances on a shared engine (other people's tests) show in the tab too: their events
  // make it list again, their starts make it probe. Counted, to tell them from the tab's own doing.
  const foreignIdleEvents = await foreignDockbaseEvents(cli, ui.idleWindow);
  // Readiness probes the tab ran for the benchmark's own instances while it sat idle.
  const benchIds = new Set((await cli.run(['ps', '--all', '--quiet', '--no-trunc', '--filter', `name=^${BENCH_PREFIX}-`])).stdout.split('\n').filter(Boolean));
  const ownIdleExecs = ui.idleSpawnedCommands.filter((c) => c.startsWith('exec ') && benchIds.has(c.slice(5))).length;
  await removeBenchContainers(cli);

  const ready = previousResults ? previousResults.createToReady : (console.log('• create to ready (Redis)…'), await benchCreateToReady(quick ? 3 : 9));
  await removeBenchContainers(cli);

  /** `--engines=postgres`: the idle cost of these engines only (with --only=idle, the others' rows are kept). */
  const chosen = process.argv
    .find((a) => a.startsWith('--engines='))
    ?.slice('--engines='.length)
    .split(',');
  const engines = (['redis', 'postgres'] as const).filter((e) => !chosen || chosen.includes(e));
  console.log(`• create / restart → Healthy (${engines.join(', ')})…`);
  const readiness = [];
  for (const engine of engines) readiness.push(await benchReadiness(engine, quick ? 2 : 5));
  await removeBenchContainers(cli);

  const window = quick ? 15 : IDLE_WINDOW_SECONDS;
  console.log(
    `• idle cost of 5 instances (${engines.join(', ')}) beside the same servers without healthcheck, one ${window} s window (one probe cycle of docker's), and with the tab's watch…`,
  );
  const idle: IdleCostRow[] = await benchIdleCost(engines, { instances: 5, windowSeconds: window, watchedSeconds: quick ? 15 : 120, previous: ['redis'] });
  await removeBenchContainers(cli);
  if (previousResults) {
    const kept = previousResults.idle.filter((row) => !engines.some((e) => e === row.engine));
    const idleRows = [...kept, ...idle].sort((a, b) => (a.engine === 'redis' ? -1 : 1) - (b.engine === 'redis' ? -1 : 1));
    const readinessRows = [...previousResults.readiness.filter((row) => !engines.some((e) => e === row.engine)), ...readiness].sort(
      (a, b) => (a.engine === 'redis' ? -1 : 1) - (b.engine === 'redis' ? -1 : 1),
    );
    writeResults({
      ...previousResults,
      machine: { ...info, date: previousResults.machine.date },
      ui: { ...ui, foreignIdleEvents, ownIdleExecs },
      readiness: readinessRows,
      idle: idleRows,
      idleMeasuredAt: info.date,
    });
    return;
  }
  console.log('• data safety: snapshot, restore and export of a ~1 GB PostgreSQL data folder…');
  const dataSafety = await benchDataSafety(quick ? 1 : 3, quick ? 100_000 : 500_000);

  console.log('• upgrade: PostgreSQL 15 → 17 of a ~1 GB database, Dockbase vs the same dump and restore by hand…');
  const upgrade = { ...(await benchUpgrade(quick ? 1 : 6, quick ? 100_000 : 500_000)), measuredAt: info.date };

  console.log('• UI bundle and backend…');
  const bundle = benchBundle();
  const backend = await benchBackend(200, quick ? 5 : 15);

  console.log('• extension image…');
  const image = { ...benchImage(), measuredAt: info.date };

  console.log('• npm package…');
  const npmPackage = await benchPackage(quick ? 5 : 15);

  writeResults({
    machine: info,
    listRefresh: list,
    ui: { ...ui, foreignIdleEvents, ownIdleExecs },
    createToReady: ready,
    readiness,
    idle,
    dataSafety,
    upgrade,
    bundle,
    backend,
    image,
    npmPackage,
  });
}

type Results = {
  machine: ReturnType<typeof machine>;
  listRefresh: Awaited<ReturnType<typeof benchListRefresh>>;
  ui: Awaited<ReturnType<typeof benchUi>> & { foreignIdleEvents: string[]; ownIdleExecs: number };
  createToReady: Awaited<ReturnType<typeof benchCreateToReady>>;
  readiness: Awaited<ReturnType<typeof benchReadiness>>[];
  idle: IdleCostRow[];
  /** When the UI, readiness and idle figures were measured, where that was not the rest's run (--only=idle). */
  idleMeasuredAt?: string;
  dataSafety: Awaited<ReturnType<typeof benchDataSafety>>;
  upgrade?: Awaited<ReturnType<typeof benchUpgrade>> & { measuredAt: string };
  bundle: ReturnType<typeof benchBundle>;
  backend: Awaited<ReturnType<typeof benchBackend>>;
  image: ReturnType<typeof benchImage> & { measuredAt: string };
  /** Absent from results written before the package existed. */
  npmPackage?: Awaited<ReturnType<typeof benchPackage>>;
  /** Opening the tab: the list's first render alone (100 and 1,000 instances), and one open's docker commands (--only=open). */
  open?: { render: Awaited<ReturnType<typeof benchTableRender>>; spawns: Awaited<ReturnType<typeof openWithInstances>>; measuredAt: string };
  /** Branch databases (--only=branch): `dockbase branch` vs a bare copy, and `branch switch` until the server answers. */
  branch?: Awaited<ReturnType<typeof benchBranch>>;
  /** The same on an engine whose volumes are on XFS with reflinks (--only=branch-cow). */
  branchCopyOnWrite?: Awaited<ReturnType<typeof benchBranch>>;
};

/**
 * `--only=open`: what opening the tab costs, and how soon it shows what runs: the list's first render alone
 * (table and cards, 100 and 1,000 instances), one open's docker commands with 100 instances (3 running, past
 * their first minute), the real-engine first screenful and a running job shown after a load (the open UI's
 * figures; its idle figures are kept from their run), and create / restart → ready for Redis and PostgreSQL.
 */
async function benchOpen(previous: Results): Promise<void> {
  const { cli } = countingDocker();
  const info = machine();
  console.log('• the list’s first render alone: table and cards, 100 and 1,000 instances…');
  const render = await benchTableRender({ counts: [100, 1000], views: ['table', 'cards'], runs: quick ? 3 : 7 });
  console.log('• one open of the tab with 100 instances: its docker commands…');
  const spawns = await openWithInstances(100, 3);
  console.log('• the open UI with 100 instances: first screenful, a running job shown after a load…');
  await ensureInstances(countingDocker().core, 100);
  const running = `${BENCH_PREFIX}-000`;
  const docker = async (...args: string[]) => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  };
  await docker('start', running);
  const core = countingDocker().core;
  const ui = await benchUi({
    expectInstances: 100,
    runningInstance: running,
    idleSeconds: 1,
    stopRuns: quick ? 3 : 7,
    restart: (name) => docker('start', name),
    stop: (name) => docker('stop', '--time', '10', name),
    longJob: longUpgrade(core),
  });
  await removeBenchContainers(cli);
  console.log('• create / restart → Healthy (redis, postgres)…');
  const readiness = [];
  for (const engine of ['redis', 'postgres'] as const) readiness.push(await benchReadiness(engine, quick ? 2 : 5));
  await removeBenchContainers(cli);
  writeResults({
    ...previous,
    ui: {
      ...previous.ui,
      firstRenderMs: ui.firstRenderMs,
      instancesRendered: ui.instancesRendered,
      firstScreenRows: ui.firstScreenRows,
      stopToUiMs: ui.stopToUiMs,
      stopToUiMedianMs: ui.stopToUiMedianMs,
      ...(ui.jobShownMs ? { jobShownMs: ui.jobShownMs, jobShownMedianMs: ui.jobShownMedianMs } : {}),
    },
    readiness,
    idleMeasuredAt: previous.idleMeasuredAt ?? previous.machine.date,
    open: { render, spawns, measuredAt: info.date },
  });
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function openRows(o: NonNullable<Results['open']>, runDate: string): string[] {
  const when = measuredNote(o.measuredAt, runDate);
  const target = (view: string, n: number) => (view !== 'table' ? '' : n <= 100 ? '≤ 150 ms' : '≤ 400 ms');
  return [
    ...o.render.results.map(
      (row) =>
        `| first render of ${row.instances.toLocaleString('en')} instances in the ${row.view === 'table' ? 'table' : 'card'} view alone: data in hand → first screenful painted (production UI in Chromium, a stub answering the list; median of ${row.runsMs.length}; load average ${o.render.loadAverage.map((l) => l.toFixed(1)).join(' → ')})${when} | ${row.medianMs} ms (${row.rendered} drawn) | ${target(row.view, row.instances)} |`,
    ),
    `| docker commands one open of the tab starts, 100 instances (3 running)${when} | ${o.spawns.count}: ${o.spawns.commands.join('; ')} (the backend's own check meanwhile: ${o.spawns.backendCommands.length ? o.spawns.backendCommands.join('; ') : 'none'}) | ≤ 3 |`,
  ];
}

function renderTable(r: Results): string {
  const m = r.machine;
  const idleDate = r.idleMeasuredAt && r.idleMeasuredAt.slice(0, 10) !== m.date.slice(0, 10) ? ` (measured ${r.idleMeasuredAt.slice(0, 10)})` : '';
  const p = r.npmPackage;
  const packageDate = p && p.measuredAt.slice(0, 10) !== m.date.slice(0, 10) ? ` (measured ${p.measuredAt.slice(0, 10)})` : '';
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
    `| docker processes spawned per minute by the idle open UI, one of its ${r.ui.instancesRendered} instances running${idleDate} | ${r.ui.idleSpawnsPerMinute} (over ${r.ui.idleSeconds} s; ${r.ui.loadSpawns} at load${r.ui.idleSpawnedCommands.length ? `; ${summarize(r.ui.idleSpawnedCommands)}, of which ${r.ui.ownIdleExecs} probes of the running instance by the tab's watch (${round2((r.ui.ownIdleExecs * 60) / r.ui.idleSeconds)} per minute), while other people's Dockbase instances on this shared engine had ${r.ui.foreignIdleEvents.length} events` : ''}) | only the watch's probes: ≤ 1.5 per running instance-minute |`,
    `| outside \`docker stop\` → UI shows it (median of ${r.ui.stopToUiMs.length}) | ${r.ui.stopToUiMedianMs} ms | ≤ 1000 ms |`,
    `| first render of ${r.ui.instancesRendered} real instances in the table view, navigation start → first screenful (median of 3)${r.ui.firstScreenRows !== undefined ? `: ${r.ui.firstScreenRows} rows drawn` : ''} | ${r.ui.firstRenderMs} ms | ≤ 300 ms |`,
    ...(r.open ? openRows(r.open, m.date) : []),
    ...(r.ui.jobShownMedianMs !== undefined
      ? [
          `| page load → a running job (an upgrade the backend runs) shown on its row, 100 instances listed (median of 3) | ${r.ui.jobShownMedianMs} ms | ≤ 1000 ms |`,
        ]
      : []),
    `| Redis create + start + ready: Dockbase vs \`docker run\` + probe loop (median of ${r.createToReady.runs}) | ${r.createToReady.dockbaseMs} ms vs ${r.createToReady.handWrittenMs} ms = ${r.createToReady.ratio}× | ≤ 1.2× |`,
    ...r.idle.flatMap((row) => {
      const name = row.engine === 'redis' ? 'Redis' : 'PostgreSQL';
      const lines = [
        `| docker execs per instance-minute, ${row.instances} idle ${name} instances, nobody looking (from \`docker events\` exec_start over ${row.windowSeconds} s, one probe cycle)${idleDate} | ${row.execsPerInstanceMinute} (${row.health}) | ≤ 2 |`,
        `| CPU per minute of those ${row.instances} ${name} instances, nobody looking (containers, shims, dockerd, containerd; over ${row.windowSeconds} s) vs the same servers by plain \`docker run\` without healthcheck, side by side in the same window | ${row.dockbaseCpuMs} ms vs ${row.plainCpuMs} ms = ${row.cpuRatio}× (the daemons' idle ${row.daemonsIdleMs} ms on both sides; without it: ${row.cpuRatioWithoutDaemonsIdle}×; the daemons' work per probe: ${row.daemonsMsPerExec} ms; ${row.foreignExecs} execs of other containers in the window) | ≤ 1.15× |`,
        `| the same with the tab open (its watch probing each instance every 40 s; over ${row.watched.windowSeconds} s) | ${row.watched.execsPerInstanceMinute} execs per instance-minute, ${row.watched.cpuMs} ms per minute = ${row.watched.cpuRatio}× | ≤ 2 execs |`,
      ];
      if (row.previous) {
        lines.push(
          `| the same with the first version's healthcheck (every 2 s), 60 s | ${row.previous.execsPerInstanceMinute} execs per instance-minute, ${row.previous.cpuMs} ms per minute = ${row.previous.cpuRatio}× | |`,
        );
        lines.push(`| CPU of one docker exec probe (from that window: its CPU above the plain servers', per exec) | ${row.previous.cpuMsPerExec} ms | |`);
      }
      return lines;
    }),
    ...r.readiness.flatMap((row) => {
      const name = row.engine === 'redis' ? 'Redis' : 'PostgreSQL';
      return [
        `| ${name} create → Healthy in the tab: Dockbase vs \`docker run\` + login loop (median of ${row.runs}) | ${row.createMs} ms vs ${row.handCreateMs} ms = ${row.createRatio}×; Healthy ${row.createLagMs} ms after the first login | ≤ 1000 ms after the first login |`,
        `| ${name} restart → Healthy in the tab: Dockbase vs \`docker restart\` + login loop (median of ${row.runs}) | ${row.restartMs} ms vs ${row.handRestartMs} ms = ${row.restartRatio}×; Healthy ${row.restartLagMs} ms after the first login | ≤ 1000 ms after the first login |`,
      ];
    }),
    `| PostgreSQL snapshot, ${r.dataSafety.dataFolderMb} MB data folder (instance stopped; median of ${r.dataSafety.runs}): Dockbase vs bare \`docker run … cp -a\` | ${r.dataSafety.snapshotMs} ms vs ${r.dataSafety.floorCopyMs} ms = ${r.dataSafety.snapshotRatio}× | ≤ 1.2× |`,
    `| PostgreSQL restore, same folder: Dockbase (keeps the current data, then copies the snapshot in) vs the same two bare \`docker run\` copies | ${r.dataSafety.restoreMs} ms vs ${r.dataSafety.floorRestoreMs} ms = ${r.dataSafety.restoreRatio}× (${r.dataSafety.restoreVsOneCopy}× one bare copy) | ≤ 1.2× |`,
    `| PostgreSQL export, ${r.dataSafety.dumpMb} MB dump: Dockbase vs \`docker exec … pg_dumpall > file\` by hand | ${r.dataSafety.exportMs} ms vs ${r.dataSafety.handDumpMs} ms = ${r.dataSafety.exportRatio}× (${r.dataSafety.exportMbPerS} vs ${r.dataSafety.handMbPerS} MB/s); vs \`pg_dumpall -f\` + \`docker cp\` by hand: ${r.dataSafety.exportVsSameRoute}× | ≤ 1.1× |`,
    ...(r.upgrade ? [upgradeRow(r.upgrade, m.date)] : []),
    ...(r.branch ? branchRows(r.branch, m.date) : []),
    ...(r.branchCopyOnWrite ? branchCopyOnWriteRows(r.branchCopyOnWrite, m.date) : []),
    `| UI initial JS + CSS, gzip | ${r.bundle.totalGzipKb} KB (JS ${r.bundle.jsGzipKb}, CSS ${r.bundle.cssGzipKb}) | ≤ 250 KB |`,
    `| backend idle memory (RSS) | ${r.backend.idleRssMb} MB | |`,
    `| backend metadata read over its socket at ${r.backend.rate}/s (${r.backend.requests} requests) | p50 ${r.backend.p50Ms} ms, p99 ${r.backend.p99Ms} ms, ${r.backend.errors} errors | |`,
    `| extension image, ${r.image.platform}, uncompressed${measuredNote(r.image.measuredAt, m.date)} | ${r.image.sizeMb} MB (Node runtime ${r.image.nodeRuntimeMb} MB, app ${r.image.appMb} MB) | ≤ 200 MB |`,
    ...(p
      ? [
          `| npm package \`dockbase\` (what \`npx dockbase\` downloads, without its dependencies ${p.dependencies.join(', ')})${packageDate} | ${p.tarballKb} KB packed, ${p.unpackedKb} KB unpacked, ${p.files} files | |`,
          `| \`dockbase --version\` / \`dockbase list --json\`, Node start-up included (median of ${p.runs})${packageDate} | ${p.versionMs} ms / ${p.listMs} ms (bare \`node -e 0\`: ${p.nodeMs} ms) | |`,
        ]
      : []),
  ];
  return lines.join('\n');
}

function upgradeRow(u: NonNullable<Results['upgrade']>, runDate: string): string {
  const when = measuredNote(u.measuredAt, runDate);
  return (
    `| PostgreSQL 15 → 17, ${u.dataFolderMb} MB data folder (${u.dumpMb} MB dump; median of ${u.runs})${when}: Dockbase's Upgrade (rows of every table checked, old volume kept) vs ` +
    `\`pg_dumpall > file\`, stop, \`docker run\` 17, \`psql < file\` by hand | ${u.dockbaseMs} ms vs ${u.handMs} ms = ${u.ratio}×; ` +
    `\`pg_upgrade --copy\` in an image with both versions: ${u.pgUpgradeCopyMs} ms = ${u.pgUpgradeVsHand}× by hand | ≤ 1.15× |` +
    (u.jobMs === undefined
      ? ''
      : `\n| The same upgrade run as a job (the instance's lock, each step journaled with fsync: what the backend and the CLI run) vs driven in-process as the page did, back to back in alternating order (medians; the ratio is the median of the runs' own ratios) | ${u.jobMs} ms vs ${u.dockbaseMs} ms = ${u.jobVsDirect}× | ≤ 1.02× |`)
  );
}

function branchRows(b: NonNullable<Results['branch']>, runDate: string): string[] {
  const when = measuredNote(b.measuredAt, runDate);
  return [
    `| branch creation, PostgreSQL with a ${b.databaseMb} MB database (${b.dataFolderMb} MB data folder, its WAL included): \`dockbase branch\` (source stopped, its volume copied once into the copy's${b.copyFolderMb ? `, leaving out the WAL PostgreSQL recycled: ${b.copyFolderMb} MB copied` : ''}, the copy started on the same port and answering) vs a bare \`docker run --rm -v src:/from -v dst:/to <image> cp -a /from/. /to/\` of the stopped volume, in alternating order after one unmeasured copy (medians of ${b.runs}; the ratio is the median of the pairs' own ratios; volumes on ext4, no copy-on-write; each run after \`sync\`, an idle disk and from the same memory state, see bench/branch-benchmarks.ts)${when} | ${b.branchMs} ms vs ${b.bareCopyMs} ms = ${b.ratio}× (pairs ${pairRange(b.each.branch, b.each.bareCopy)}); vs the whole of it by hand (\`docker stop\`, that copy, \`docker run\` on it, a login loop): ${b.handMs} ms = ${b.vsHand}× | ≤ 1.1× |`,
    `| branch switch until the server answers, PostgreSQL: \`dockbase branch switch\` (the other copy stopped, the branch's started) from the command's start to the first login on the port (median of ${b.runs} each way)${when} | ${round2(b.switchToMainMs / 1000)} s to the project's own, ${round2(b.switchToBranchMs / 1000)} s back to the branch's copy | ≤ 3 s |`,
  ];
}

function branchCopyOnWriteRows(b: NonNullable<Results['branchCopyOnWrite']>, runDate: string): string[] {
  const when = measuredNote(b.measuredAt, runDate);
  return [
    `| branch creation on copy-on-write: the same ${b.databaseMb} MB database on a Docker engine whose volumes are on XFS with reflinks (as on Btrfs or XFS hosts): \`dockbase branch\` (the copy asks \`cp\` for reflinks) vs the bare \`cp -a\` of the stopped volume, which copies the bytes (medians of ${b.runs}, alternating; the ratio is the median of the pairs' own)${when} | ${b.branchMs} ms vs ${b.bareCopyMs} ms = ${b.ratio}× (pairs ${pairRange(b.each.branch, b.each.bareCopy)}); vs a bare \`cp -a --reflink=auto\` (the floor of any copy there): ${b.bareReflinkMs} ms, so ${b.vsReflink}× with the stop, start and wait included; vs the whole of it by hand: ${b.handMs} ms = ${b.vsHand}× | far below 1.1× |`,
    `| branch switch until the server answers, on the XFS engine (median of ${b.runs} each way)${when} | ${round2(b.switchToMainMs / 1000)} s to the project's own, ${round2(b.switchToBranchMs / 1000)} s back | ≤ 3 s |`,
  ];
}

/**
 * A PostgreSQL 15 instance with enough rows that its upgrade to 17 runs for a while (the open-tab bench
 * starts it as a job and loads the page meanwhile), and its removal once the job let it go.
 */
function longUpgrade(core: ReturnType<typeof countingDocker>['core']) {
  const name = 'dockbase-benchjob';
  let id = '';
  return {
    async make() {
      const created = await core.creation.create(
        { engine: 'postgres', name, tag: '15', image: POSTGRES_REAL_IMAGE, hostPort: 47990, password: 'bench job', persistData: true, exposeOnNetwork: false },
        { start: true },
      );
      const ready = await core.readiness.waitUntilReady(created);
      id = ready.id;
      const cli = countingDocker().cli;
      await cli.run([
        'exec',
        ready.containerId,
        'psql',
        '-X',
        '-q',
        '-U',
        'postgres',
        '-c',
        'CREATE TABLE t AS SELECT g, repeat(md5(g::text), 8) AS b FROM generate_series(1, 600000) g',
      ]);
      return { id, name };
    },
    async remove() {
      const cli = countingDocker().cli;
      for (let i = 0; i < 600; i++) {
        const names = (await cli.run(['ps', '--all', '--format', '{{.Names}}'])).stdout.split('\n');
        if (!names.includes(`dockbase-lock-${name}`)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const instance = (await core.lifecycle.list()).find((i) => i.id === id);
      if (instance) await core.lifecycle.remove(instance, { removeData: true });
      for (const s of await core.snapshots.list(id)) await core.snapshots.remove(s).catch(() => undefined);
    },
  };
}

/** " (measured 2026-12-06)" for a figure kept from an earlier run than the table's, else nothing. */
function measuredNote(measuredAt: string, runDate: string): string {
  return measuredAt.slice(0, 10) === runDate.slice(0, 10) ? '' : ` (measured ${measuredAt.slice(0, 10)})`;
}

/** The smallest and largest of the pairs' own ratios, "0.64–1.32×". */
function pairRange(a: readonly number[], b: readonly number[]): string {
  const ratios = a.map((v, i) => v / (b[i] as number));
  return `${round2(Math.min(...ratios))}–${round2(Math.max(...ratios))}×`;
}

/** "ps --all" ×3, "exec <id>" ×2 → "3 ps, 2 exec". */
function summarize(commands: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const c of commands) counts.set(c.split(' ')[0]!, (counts.get(c.split(' ')[0]!) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
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
