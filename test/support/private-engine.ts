import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeDockerCli } from '@dockbase/docker-cli/node';

/**
 * A Docker engine of the test's own: the machine's dockerd binary, run as a second daemon with its own socket,
 * data root, exec root (and so its own containerd), and its own Linux bridge for the containers' network, so
 * that a test may stop and start it (as Docker Desktop's restart or `systemctl restart docker` would) while
 * everything else on this machine keeps using the main engine. No iptables rules: published ports go through
 * docker's userland proxy on 127.0.0.1, which reaches the containers over the bridge. Needs root, as dockerd
 * does; fails (never skips) without it.
 *
 * `filesystem: 'xfs'` puts the data root (and so every volume) on an XFS filesystem of its own, with reflinks
 * (a sparse file on a loop device, made with xfsprogs' mkfs.xfs): a filesystem that shares blocks between
 * copies, as Btrfs, XFS and Fedora's default do, where this machine's own is ext4.
 */
export interface PrivateEngine {
  /** unix:///…/docker.sock */
  readonly dockerHost: string;
  /** What a docker client needs to talk to this engine (DOCKER_HOST), to add to a process's environment. */
  readonly env: { DOCKER_HOST: string };
  /** A docker client of this engine. */
  readonly cli: NodeDockerCli;
  /** `docker …args` against this engine: stdout, or an error with stderr. */
  docker(...args: string[]): Promise<string>;
  /** Whether dockerd is running. */
  readonly running: boolean;
  /** SIGTERM, as `systemctl stop docker` and Docker Desktop's restart send: resolves once dockerd has exited. */
  stop(): Promise<void>;
  /** Starts dockerd again on the same data root: resolves once it answers. */
  start(): Promise<void>;
  /** The daemon's own log (for a failure's message). */
  log(): string;
  /** The folder the engine keeps its data in (on XFS with `filesystem: 'xfs'`). */
  readonly dataRoot: string;
  /** Stops the daemon and removes everything it made: its processes, mounts, folders and bridge. */
  close(): Promise<void>;
}

const READY_WITHIN_MS = 60_000;
const STOP_WITHIN_MS = 60_000;

export async function startPrivateEngine(options: { filesystem?: 'xfs' } = {}): Promise<PrivateEngine> {
  if (process.getuid?.() !== 0) throw new Error('A private Docker engine needs root (dockerd does): run the engine and browser suites as root, as CI does.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbr-'));
  const dataRoot = path.join(dir, 'root');
  const bridge = `dbr${process.pid % 1_000_000}`;
  const socket = path.join(dir, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  const env = { DOCKER_HOST: dockerHost };
  const logFile = path.join(dir, 'dockerd.log');
  const cli = new NodeDockerCli({ env: { ...process.env, ...env } });
  let daemon: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const docker = async (...args: string[]): Promise<string> => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const log = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  };
  const answers = () =>
    new Promise<boolean>((resolve) =>
      execFile('docker', ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, ...env }, timeout: 5000 }, (error) => resolve(!error)),
    );

  const start = async () => {
    if (daemon) throw new Error('the private engine is already running');
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      'dockerd',
      [
        '--config-file',
        path.join(dir, 'daemon.json'),
        '--host',
        dockerHost,
        '--data-root',
        dataRoot,
        '--exec-root',
        path.join(dir, 'exec'),
        '--pidfile',
        path.join(dir, 'dockerd.pid'),
        '--bridge',
        bridge,
        '--iptables=false',
        '--ip6tables=false',
        '--ip-masq=false',
      ],
      { stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    daemon = child;
    let gone = false;
    exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        gone = true;
        if (daemon === child) daemon = undefined;
        resolve();
      });
      child.once('error', () => {
        gone = true;
        if (daemon === child) daemon = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + READY_WITHIN_MS;
    while (!(await answers())) {
      if (gone) throw new Error(`the private dockerd exited while starting:\n${log()}`);
      if (Date.now() > deadline) throw new Error(`the private dockerd did not answer within ${READY_WITHIN_MS / 1000} s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const stop = async () => {
    const child = daemon;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WITHIN_MS);
    await exited;
    clearTimeout(timer);
  };

  const close = async () => {
    await stop().catch(() => undefined);
    // What the daemon started and left behind (its containerd, container shims), found by the folder their
    // command lines name: only this engine's processes name it.
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(dir)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // dockerd bind-mounts its data root and the containers' layers under it; a daemon that did not finish
    // its shutdown leaves them mounted. Deepest first.
    const mounts = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter((point) => point === dir || point.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const point of mounts) {
      try {
        execFileSync('umount', ['--lazy', point], { stdio: 'pipe' });
      } catch {
        // not mounted any more
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      execFileSync('ip', ['link', 'delete', bridge], { stdio: 'pipe' });
    } catch {
      // not there
    }
  };

  try {
    fs.writeFileSync(path.join(dir, 'daemon.json'), '{}\n');
    if (options.filesystem === 'xfs') {
      // Sparse: it takes only what the engine writes. mount -o loop frees its loop device when unmounted (close).
      const image = path.join(dir, 'root.img');
      fs.closeSync(fs.openSync(image, 'w'));
      fs.truncateSync(image, 32 * 2 ** 30);
      try {
        execFileSync('mkfs.xfs', ['-q', '-m', 'reflink=1', image], { stdio: 'pipe' });
      } catch (e) {
        throw new Error(`mkfs.xfs could not make the private engine's XFS (scripts/test-env.sh installs xfsprogs): ${String(e)}`);
      }
      fs.mkdirSync(dataRoot);
      execFileSync('mount', ['-o', 'loop', image, dataRoot], { stdio: 'pipe' });
    }
    // A bridge left by an earlier run of this pid (a killed run) goes first.
    try {
      execFileSync('ip', ['link', 'delete', bridge], { stdio: 'pipe' });
    } catch {
      // none
    }
    const cidr = freeSubnet();
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge'], { stdio: 'pipe' });
    execFileSync('ip', ['address', 'add', cidr, 'dev', bridge], { stdio: 'pipe' });
    execFileSync('ip', ['link', 'set', bridge, 'up'], { stdio: 'pipe' });
    await start();
  } catch (e) {
    await close();
    throw e;
  }

  return {
    dockerHost,
    env,
    cli,
    docker,
    get running() {
      return daemon !== undefined;
    },
    stop,
    start,
    log,
    close,
    dataRoot,
  };
}

/** A 10.213.N.1/24 that no route of this machine uses yet. */
function freeSubnet(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  const start = Math.floor(Math.random() * 250);
  for (let i = 0; i < 250; i++) {
    const n = ((start + i) % 250) + 1;
    if (!routes.includes(`10.213.${n}.`)) return `10.213.${n}.1/24`;
  }
  throw new Error('no free 10.213.N.0/24 for the private engine’s bridge');
}
