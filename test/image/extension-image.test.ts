import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLabelValues, parseYaml, projectAt } from '../packaging/packaging-checks';
import { docker, ok } from '../support/clients';
import { realDocker } from '../support/dockbase';
import { extensionImage, socketRequest, type ExtensionImageReport } from '../support/extension-image';
import type { Instance, Job, UpgradeResult } from '@dockbase/core';
import { POSTGRES_REAL_IMAGE, ensureTestImage, recordingDockbase } from '../support/data-safety';
import { freePort } from '../support/dockbase';

// The REAL extension image, built from the Dockerfile by scripts/test-env.sh, run as Docker Desktop runs it:
// the compose file's service with its named volume and the engine's socket, a host folder mounted at
// /run/guest-services where the backend must create backend.sock, starting as root. Then the docker client
// it runs as its unprivileged user, the files metadata.json names, the labels the Marketplace reads, the
// Node it runs on, and its size.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const project = projectAt(repoRoot);
const { cleanup } = realDocker();
const prefix = `dbt-ext-${process.pid}`;
const metadata = JSON.parse(fs.readFileSync(path.join(repoRoot, 'metadata.json'), 'utf8')) as {
  icon: string;
  vm: { composefile: string; exposes: { socket: string } };
  ui: { 'dashboard-tab': { root: string; src: string } };
};
const nodeMajor = /^ARG NODE_IMAGE=node:(\d+)/m.exec(fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'))?.[1];
/** Docker Desktop offers extension backends this socket in its VM; this machine's engine socket stands in for it. */
const DESKTOP_DOCKER_SOCKET = '/var/run/docker.sock.raw';
const HOST_DOCKER_SOCKET = '/var/run/docker.sock';
/** The group owning this machine's engine socket, which the backend must keep when it drops root. */
const socketGid = () => {
  if (!fs.existsSync(HOST_DOCKER_SOCKET)) throw new Error(`no docker socket at ${HOST_DOCKER_SOCKET}: the image tests mount the engine's socket from there`);
  return fs.statSync(HOST_DOCKER_SOCKET).gid;
};

/** What scripts/build-extension.sh reports (the docker CLI image since the image has a docker client). */
let report: ExtensionImageReport & { dockerCliImage?: string };
const guestDirs: string[] = [];

beforeAll(async () => {
  report = extensionImage();
  await cleanup(prefix);
});
afterAll(async () => {
  await cleanup(prefix);
  for (const d of guestDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** `docker run` arguments for the compose file's first service, as Docker Desktop starts it. */
function composeRun(name: string, guestServices: string): string[] {
  const compose = parseYaml(fs.readFileSync(path.join(repoRoot, metadata.vm.composefile), 'utf8')) as {
    services: Record<string, { image: string; volumes?: string[] }>;
    volumes?: Record<string, unknown>;
  };
  const [service] = Object.values(compose.services);
  expect(service!.image).toBe('${DESKTOP_PLUGIN_IMAGE}');
  const volumes = (service!.volumes ?? []).flatMap((v) => {
    const [source, target] = v.split(':');
    // Compose names a declared volume <project>_<name>.
    const named = compose.volumes && Object.prototype.hasOwnProperty.call(compose.volumes, source!);
    const host = source === DESKTOP_DOCKER_SOCKET ? HOST_DOCKER_SOCKET : named ? `${prefix}_${source}` : source;
    return ['--volume', `${host}:${target}`];
  });
  return [
    'run',
    '--detach',
    '--name',
    name,
    '--label',
    `com.docker.compose.project=${prefix}`,
    '--volume',
    `${guestServices}:/run/guest-services`,
    ...volumes,
    report.image,
  ];
}

/** A host folder for /run/guest-services, owned by root like Docker Desktop's. */
function guestServicesDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-guest-services-'));
  fs.chmodSync(dir, 0o755);
  guestDirs.push(dir);
  return dir;
}

async function waitForSocket(socket: string, container: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (fs.existsSync(socket)) {
      const r = await socketRequest(socket, 'GET', '/health').catch(() => undefined);
      if (r?.status === 200) return;
    }
    const state = (await ok(docker(['inspect', '--format', '{{.State.Status}}', container]))).trim();
    if (state !== 'running') throw new Error(`the backend stopped: ${(await docker(['logs', container])).stderr}`);
    if (Date.now() > deadline) throw new Error(`no ${socket} after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the extension image, run as Docker Desktop runs it', () => {
  const guest = guestServicesDir();
  const socket = path.join(guest, metadata.vm.exposes.socket);
  const name = `${prefix}-backend`;

  it('answers /health on the socket metadata.json exposes, as the unprivileged user, on Node 24 with node:sqlite', async () => {
    expect(fs.statSync(guest).uid).toBe(0);
    await ok(docker(composeRun(name, guest)));
    await waitForSocket(socket, name);
    // It runs the jobs: it says whether docker answers it (through the mounted socket) and how many jobs run.
    expect(await socketRequest(socket, 'GET', '/health')).toMatchObject({
      status: 200,
      json: { status: 'ok', jobs: { running: 0 }, docker: { ok: true, apiVersion: expect.stringMatching(/^\d+\.\d+$/) } },
    });
    // PID 1 is the backend itself, running as uid/gid 1000; it took the socket folder.
    const top = (await ok(docker(['top', name, '-eo', 'pid,uid,gid,args']))).split('\n').slice(1);
    expect(top).toHaveLength(1);
    expect(top[0]!.trim().split(/\s+/).slice(1)).toEqual(['1000', '1000', 'node', '/backend/dist/main.js']);
    expect(fs.statSync(socket)).toMatchObject({ uid: 1000, gid: 1000 });
    expect(fs.statSync(guest).uid).toBe(1000);
    const logs = await docker(['logs', name]);
    expect(logs.stdout).toMatch(
      new RegExp(
        `listening on /run/guest-services/${metadata.vm.exposes.socket} \\(data in /var/lib/dockbase; Node ${nodeMajor}\\.\\d+\\.\\d+, SQLite via node:sqlite, running as 1000:1000, docker socket through group ${socketGid()}\\)`,
      ),
    );
    expect(logs.stderr).toBe('');
  });

  it('keeps its data in the compose volume across a restart and a new container, and stops cleanly', async () => {
    expect((await socketRequest(socket, 'PUT', '/instances/img-1', { name: 'orders', engine: 'postgres', settings: { tag: '17' } })).status).toBe(201);
    expect((await socketRequest(socket, 'PATCH', '/instances/img-1', { notes: 'kept in the volume' })).status).toBe(200);
    await ok(docker(['restart', '--time', '10', name]));
    await waitForSocket(socket, name);
    expect((await socketRequest(socket, 'GET', '/instances/img-1')).json).toMatchObject({ name: 'orders', notes: 'kept in the volume' });

    const started = Date.now();
    await ok(docker(['stop', '--time', '10', name]));
    expect(Date.now() - started).toBeLessThan(5000); // SIGTERM handled, not killed after the grace period
    expect(await ok(docker(['inspect', '--format', '{{.State.ExitCode}}', name]))).toBe('0');
    expect(fs.existsSync(socket)).toBe(false);
    // The database in the volume belongs to the backend's user.
    const owner = await ok(
      docker([
        'run',
        '--rm',
        '--volume',
        `${prefix}_dockbase-data:/data`,
        '--entrypoint',
        'node',
        report.image,
        '-e',
        'const s = require("fs").statSync("/data/dockbase.db"); console.log(`${s.uid}:${s.gid}`)',
      ]),
    );
    expect(owner).toBe('1000:1000');

    await ok(docker(['rm', name]));
    await ok(docker(composeRun(name, guest)));
    await waitForSocket(socket, name);
    expect((await socketRequest(socket, 'GET', '/instances/img-1')).json).toMatchObject({ notes: 'kept in the volume' });
    await ok(docker(['rm', '--force', name]));
  });
});

describe('the docker client in the extension image, for the backend’s long operations', () => {
  /** `docker version` with the image's client, on this machine's engine socket mounted where the compose file mounts it. */
  const imageDocker = (runArgs: string[]) =>
    docker([
      'run',
      '--rm',
      '--entrypoint',
      '/usr/local/bin/docker',
      ...runArgs,
      '--volume',
      `${HOST_DOCKER_SOCKET}:/var/run/docker.sock`,
      report.image,
      'version',
      '--format',
      '{{.Server.APIVersion}}',
    ]);

  it('reaches the engine as the backend’s user, 1000:1000 with the socket’s group', async () => {
    const engineApi = await ok(docker(['version', '--format', '{{.Server.APIVersion}}']));
    expect(engineApi).toMatch(/^\d+\.\d+$/);
    expect(await ok(imageDocker(['--user', '1000:1000', '--group-add', String(socketGid())]))).toBe(engineApi);
    // The group is what grants it (unless this machine's socket is open to everyone).
    if ((fs.statSync(HOST_DOCKER_SOCKET).mode & 0o002) === 0) {
      const refused = await imageDocker(['--user', '1000:1000']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/permission denied/);
    }
  });

  it('the backend, started as Docker Desktop starts it, holds the socket’s group after dropping root', async () => {
    const guest = guestServicesDir();
    const name = `${prefix}-docker`;
    await ok(docker(composeRun(name, guest)));
    await waitForSocket(path.join(guest, metadata.vm.exposes.socket), name);
    const status = await ok(docker(['exec', name, 'node', '-e', 'process.stdout.write(require("fs").readFileSync("/proc/1/status", "utf8"))']));
    const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim().split(/\s+/);
    expect(field('Uid')).toEqual(['1000', '1000', '1000', '1000']);
    expect(field('Gid')).toEqual(['1000', '1000', '1000', '1000']);
    expect(
      field('Groups')
        ?.map(Number)
        .sort((a, b) => a - b),
    ).toEqual([1000, socketGid()].sort((a, b) => a - b));
    // The engine's socket is mounted, and left as it was.
    expect(fs.statSync(HOST_DOCKER_SOCKET).gid).toBe(socketGid());
    await ok(docker(['rm', '--force', name]));
  });
});

describe('the extension image’s files and labels', () => {
  const nodeEval = (code: string) => ok(docker(['run', '--rm', '--entrypoint', 'node', report.image, '-e', code]));

  it('has the UI, the icon and the extension files where metadata.json says, the UI’s assets included', async () => {
    const tab = metadata.ui['dashboard-tab'];
    const files = JSON.parse(
      await nodeEval(`
        const fs = require('fs');
        const html = fs.readFileSync(${JSON.stringify(path.posix.join(tab.root, tab.src))}, 'utf8');
        const assets = [...html.matchAll(/(?:src|href)="\\.\\/([^"]+)"/g)].map((m) => ${JSON.stringify(tab.root)} + '/' + m[1]);
        const files = ['/' + ${JSON.stringify(metadata.icon)}, '/metadata.json', '/' + ${JSON.stringify(metadata.vm.composefile)}, ...assets];
        console.log(JSON.stringify({ html: html.length, assets: assets.length, missing: files.filter((f) => !fs.existsSync(f)), metadata: fs.readFileSync('/metadata.json', 'utf8') }));`),
    ) as { html: number; assets: number; missing: string[]; metadata: string };
    expect(files.html).toBeGreaterThan(0);
    expect(files.assets).toBeGreaterThan(0);
    expect(files.missing).toEqual([]);
    expect(files.metadata).toBe(fs.readFileSync(path.join(repoRoot, 'metadata.json'), 'utf8'));
  });

  it('carries valid Marketplace labels: every one present, JSON labels parse, screenshots and icon are files of the repository', async () => {
    const labels = JSON.parse(await ok(docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', report.image]))) as Record<string, string>;
    expect(checkLabelValues(new Map(Object.entries(labels)), project)).toEqual([]);
    const screenshots = JSON.parse(labels['com.docker.extension.screenshots']!) as Array<{ url: string }>;
    expect(screenshots.length).toBeGreaterThan(0);
  });

  it(`is lean and runs the Node LTS: Node ${nodeMajor} and a docker client, no shell, no npm, at most 200 MB (its size is recorded)`, async () => {
    expect(await nodeEval('console.log(process.versions.node)')).toMatch(new RegExp(`^${nodeMajor}\\.`));
    for (const tool of ['sh', 'npm', 'apt-get']) {
      const r = await docker(['run', '--rm', '--entrypoint', tool, report.image]);
      expect(r.code).not.toBe(0);
    }
    const size = Number(await ok(docker(['image', 'inspect', '--format', '{{.Size}}', report.image])));
    expect(size).toBe(report.sizeBytes);
    fs.mkdirSync(path.join(repoRoot, '.test-results'), { recursive: true });
    fs.writeFileSync(
      path.join(repoRoot, '.test-results/extension-image.json'),
      `${JSON.stringify({ ...report, sizeMb: Math.round(size / 1e5) / 10 }, null, 2)}\n`,
    );
    console.log(
      `extension image ${report.image}: ${(size / 1e6).toFixed(1)} MB (linux/amd64, uncompressed), built in ${report.buildSeconds} s on ${report.nodeImage}, docker client from ${report.dockerCliImage ?? '?'}`,
    );
    // Node's runtime (about 132 MB) and the docker client (about 40 to 46 MB, static or linking libc only).
    expect(size).toBeLessThanOrEqual(200e6);
  });
});

describe('a long operation in Docker Desktop: the backend runs it, the page only starts it', () => {
  // Docker Desktop unloads the page when the user looks elsewhere. The page starts an upgrade the way
  // ddClient.extension.vm.service.post does (a request on the backend's socket), then is gone: no client
  // follows the job. The backend, started as Docker Desktop starts the extension's VM service, runs it to
  // the end with the image's docker client, and a page that comes back finds it finished.
  const { dockbase, up, cleanup: cleanupInstances } = recordingDockbase();
  const name = `${prefix}-pg`;
  let instance: Instance;

  beforeAll(async () => {
    for (const tag of ['15', '17']) await ensureTestImage(`${POSTGRES_REAL_IMAGE}:${tag}`);
    instance = await up({
      engine: 'postgres',
      name,
      tag: '15',
      image: POSTGRES_REAL_IMAGE,
      hostPort: await freePort(),
      password: 'desktop jobs',
      persistData: true,
      exposeOnNetwork: false,
    });
    await ok(docker(['exec', instance.containerId, 'psql', '-X', '-qtA', '-U', 'postgres', '-c', 'CREATE TABLE t AS SELECT generate_series(1, 4242) AS id']));
  }, 300_000);
  afterAll(async () => {
    await cleanupInstances(name);
    await cleanupInstances(`dockbase-lock-${name}`);
  });

  it('upgrades PostgreSQL 15 → 17 with no page watching, and says so to the page that comes back', async () => {
    const guest = guestServicesDir();
    const backend = `${prefix}-jobs`;
    const socket = path.join(guest, metadata.vm.exposes.socket);
    await ok(docker(composeRun(backend, guest)));
    await waitForSocket(socket, backend);

    const started = await socketRequest(socket, 'POST', '/jobs', { kind: 'upgrade', instanceId: instance.id, to: '17' });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const { job } = started.json as { job: Job };
    // The page is gone now. Later, a page comes back and asks for the jobs.
    const deadline = Date.now() + 240_000;
    let seen: Job | undefined;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      seen = ((await socketRequest(socket, 'GET', '/jobs')).json as { jobs: Job[] }).jobs.find((j) => j.id === job.id);
      if (seen?.state !== 'running' || Date.now() > deadline) break;
    }
    expect(seen, (await docker(['logs', backend])).stderr).toMatchObject({ state: 'succeeded', kind: 'upgrade', by: 'tab' });
    expect((seen!.result as UpgradeResult).verified?.rows).toBe(4242);
    const now = await dockbase.lifecycle.get(instance.id);
    expect(now).toMatchObject({ tag: '17', status: 'running', name });
    expect((await socketRequest(socket, 'GET', '/health')).json).toMatchObject({ jobs: { running: 0 } });
    await ok(docker(['rm', '--force', backend]));
  }, 300_000);
});
