import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeDockerCli } from './node';
import { NodeHostFiles } from './node-files';
import { HostFileError } from './port';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-host-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What the fake container holds: `docker cp db:/NAME -` streams GNU tar's archive of fixtures/NAME. */
const fixtures = path.join(dir, 'fixtures');
const victim = path.join(dir, 'victim.txt');
const dumpBytes = randomBytes(300_000);
const bigBytes = randomBytes(5 * 1024 * 1024 + 123);
fs.mkdirSync(fixtures);
fs.writeFileSync(victim, 'the victim');
fs.writeFileSync(path.join(fixtures, 'dump.sql'), dumpBytes);
fs.writeFileSync(path.join(fixtures, 'other.sql'), 'other');
fs.writeFileSync(path.join(fixtures, 'big.bin'), bigBytes);
fs.symlinkSync(victim, path.join(fixtures, 'link.sql'));
fs.mkdirSync(path.join(fixtures, 'folder'));
fs.writeFileSync(path.join(fixtures, 'folder', 'inside.sql'), 'inside');
execFileSync('mkfifo', [path.join(fixtures, 'pipe')]);

const log = path.join(dir, 'docker.log');
const received = path.join(dir, 'received.tar');
const pidFile = path.join(dir, 'docker.pid');

/**
 * A fake docker. `cp db:/A,B -` writes `tar -C fixtures -cf - A B` to stdout; `/missing` fails as docker
 * does, `/midway` fails after part of an archive, `/hang` sends part of one and waits. `cp - db:/DIR` saves
 * its stdin to received.tar; `/refuse` exits at once without reading, `/stall` never reads.
 */
const binary = path.join(dir, 'docker');
fs.writeFileSync(
  binary,
  `#!${process.execPath}
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const [cmd, from, to] = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
const fail = (m) => { process.stderr.write('Error response from daemon: ' + m + '\\n'); process.exit(1); };
if (cmd !== 'cp') fail('unknown command');
if (to === '-') {
  const p = from.slice(from.indexOf(':') + 1);
  const tar = (names) => execFileSync('tar', ['-C', ${JSON.stringify(fixtures)}, '-cf', '-', ...names], { maxBuffer: 1 << 30 });
  if (p === '/missing') fail('Could not find the file /missing in container db');
  if (p === '/midway') { process.stdout.write(tar(['big.bin']).subarray(0, 100000), () => fail('connection reset')); return; }
  if (p === '/hang') { process.stdout.write(tar(['big.bin']).subarray(0, 100000)); setInterval(() => {}, 1000); return; }
  const child = spawn('tar', ['-C', ${JSON.stringify(fixtures)}, '-cf', '-', ...p.slice(1).split(',')], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('close', (code) => process.exit(code));
} else {
  const p = to.slice(to.indexOf(':') + 1);
  if (p === '/refuse') fail('Could not find the file /refuse in container db');
  if (p === '/stall') { setInterval(() => {}, 1000); return; }
  const out = fs.createWriteStream(${JSON.stringify(received)});
  process.stdin.pipe(out).on('finish', () => process.exit(0));
}
`,
  { mode: 0o755 },
);

const files = new NodeHostFiles({ binary });
const runs = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').length : 0);

let out: string;
beforeEach(() => {
  out = fs.mkdtempSync(path.join(dir, 'out-'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const save = (p: string, options: { signal?: AbortSignal } = {}) =>
  files.save(['cp', `db:${p}`, '-'], { directory: out, stem: 'dump', extension: '.sql' }, options);

async function refusal(promise: Promise<unknown>): Promise<HostFileError> {
  const e = await promise.then(
    () => new Error('it succeeded'),
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(HostFileError);
  return e as HostFileError;
}

async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ready()).toBe(true);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('NodeHostFiles.save', () => {
  it('writes the container’s file, readable by its owner only, and nothing else', async () => {
    const saved = await save('/dump.sql');
    expect(saved).toEqual({ path: path.join(out, 'dump.sql'), sizeBytes: dumpBytes.length });
    expect(fs.readFileSync(saved.path).equals(dumpBytes)).toBe(true);
    expect(fs.statSync(saved.path).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(out)).toEqual(['dump.sql']);
  });

  it('writes a large file whole (docker waits while the disk catches up)', async () => {
    const saved = await save('/big.bin');
    expect(saved.sizeBytes).toBe(bigBytes.length);
    expect(fs.readFileSync(saved.path).equals(bigBytes)).toBe(true);
  });

  it('leaves an existing file and an existing link (and what it points at) alone, and takes the next free name', async () => {
    fs.writeFileSync(path.join(out, 'dump.sql'), 'mine');
    fs.symlinkSync(victim, path.join(out, 'dump-2.sql'));
    fs.symlinkSync(path.join(dir, 'would-be-created.sql'), path.join(out, 'dump-3.sql'));
    const saved = await save('/dump.sql');
    expect(saved.path).toBe(path.join(out, 'dump-4.sql'));
    expect(fs.readFileSync(saved.path).equals(dumpBytes)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'dump.sql'), 'utf8')).toBe('mine');
    expect(fs.lstatSync(path.join(out, 'dump-2.sql')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(victim, 'utf8')).toBe('the victim');
    expect(fs.existsSync(path.join(dir, 'would-be-created.sql'))).toBe(false);
    expect(fs.readdirSync(out).sort()).toEqual(['dump-2.sql', 'dump-3.sql', 'dump-4.sql', 'dump.sql']);
  });

  it('lands at stem-2 when a link has the name', async () => {
    fs.symlinkSync(victim, path.join(out, 'dump.sql'));
    expect((await save('/dump.sql')).path).toBe(path.join(out, 'dump-2.sql'));
    expect(fs.readFileSync(victim, 'utf8')).toBe('the victim');
  });

  it.each([
    ['a link', '/link.sql', /link there, not a file/],
    ['a folder', '/folder', /folder there, not a file/],
    ['two files', '/dump.sql,other.sql', /more than one item/],
    ['a FIFO', '/pipe', /named pipe/],
  ])('refuses %s in the container and leaves the folder as it was', async (_, p, message) => {
    fs.writeFileSync(path.join(out, 'kept.txt'), 'kept');
    const e = await refusal(save(p));
    expect(e.code).toBe('not-regular');
    expect(e.message).toMatch(message);
    expect(fs.readdirSync(out)).toEqual(['kept.txt']);
    expect(fs.readFileSync(victim, 'utf8')).toBe('the victim');
  });

  it('reports docker’s own words when it fails, before or midway, and leaves nothing', async () => {
    const missing = await refusal(save('/missing'));
    expect(missing.code).toBe('docker');
    expect(missing.message).toBe('Error response from daemon: Could not find the file /missing in container db');
    const midway = await refusal(save('/midway'));
    expect(midway).toMatchObject({ code: 'docker', message: 'Error response from daemon: connection reset' });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('on abort stops docker and leaves nothing', async () => {
    fs.rmSync(pidFile, { force: true });
    const controller = new AbortController();
    const saving = save('/hang', { signal: controller.signal });
    // Once the temporary file has some of the bytes, the copy is under way.
    await until(() => fs.existsSync(pidFile) && fs.readdirSync(out).some((n) => fs.statSync(path.join(out, n)).size > 0));
    controller.abort();
    expect((await refusal(saving)).code).toBe('cancelled');
    expect(fs.readdirSync(out)).toEqual([]);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await until(() => !alive(pid));
  });

  it('without hard links (FAT, some shares) reserves the name and renames onto it, still never reusing one', async () => {
    const link = vi.spyOn(fsp, 'link').mockRejectedValue(Object.assign(new Error('operation not permitted'), { code: 'EPERM' }));
    fs.writeFileSync(path.join(out, 'dump.sql'), 'mine');
    fs.symlinkSync(victim, path.join(out, 'dump-2.sql'));
    const saved = await save('/dump.sql');
    expect(link).toHaveBeenCalledTimes(1);
    expect(saved.path).toBe(path.join(out, 'dump-3.sql'));
    expect(fs.readFileSync(saved.path).equals(dumpBytes)).toBe(true);
    expect(fs.statSync(saved.path).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(out, 'dump.sql'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(victim, 'utf8')).toBe('the victim');
    expect(fs.readdirSync(out).sort()).toEqual(['dump-2.sql', 'dump-3.sql', 'dump.sql']);
  });

  it('on a full disk names the folder and the reason, and leaves nothing', async () => {
    const probe = await fsp.open(path.join(dir, 'probe'), 'w');
    const handle = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    vi.spyOn(handle, 'write').mockRejectedValue(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const e = await refusal(save('/big.bin'));
    expect(e).toMatchObject({ code: 'unwritable', message: `Cannot write a file in ${out}: the disk is full.` });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('reports a docker that cannot run, and leaves nothing', async () => {
    const e = await refusal(
      new NodeHostFiles({ binary: path.join(dir, 'no-docker') }).save(['cp', 'db:/dump.sql', '-'], { directory: out, stem: 'dump', extension: '.sql' }),
    );
    expect(e.code).toBe('docker');
    expect(e.message).toMatch(/^Cannot run .*no-docker: .*ENOENT/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('refuses a missing or relative folder without running docker', async () => {
    const before = runs();
    const missing = await refusal(files.save(['cp', 'db:/dump.sql', '-'], { directory: path.join(out, 'nope'), stem: 'dump', extension: '.sql' }));
    expect(missing).toMatchObject({ code: 'unwritable', message: `The folder ${path.join(out, 'nope')} does not exist.` });
    expect((await refusal(files.save(['cp', 'db:/dump.sql', '-'], { directory: 'relative', stem: 'dump', extension: '.sql' }))).code).toBe('unwritable');
    expect((await refusal(files.save(['cp', 'db:/dump.sql', '-'], { directory: out, stem: '../dump', extension: '.sql' }))).code).toBe('unwritable');
    expect(runs()).toBe(before);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('is what NodeDockerCli offers as its files, through the same binary', async () => {
    const saved = await new NodeDockerCli({ binary }).files.save(['cp', 'db:/dump.sql', '-'], { directory: out, stem: 'dump', extension: '.sql' });
    expect(fs.readFileSync(saved.path).equals(dumpBytes)).toBe(true);
  });
});

describe('NodeHostFiles.send', () => {
  const sendArgs = (p = '/seed') => ['cp', '-', `db:${p}`];

  it('delivers exactly the file’s bytes under its given name, as the only entry', async () => {
    fs.rmSync(received, { force: true });
    const source = path.join(out, 'local name.bin');
    fs.writeFileSync(source, bigBytes);
    expect(await files.send(sendArgs(), { path: source, name: 'seed.sql' })).toEqual({ sizeBytes: bigBytes.length });
    expect(execFileSync('tar', ['-tf', received], { encoding: 'utf8' })).toBe('seed.sql\n');
    const extracted = path.join(out, 'extracted');
    fs.mkdirSync(extracted);
    execFileSync('tar', ['-C', extracted, '-xf', received]);
    expect(fs.readFileSync(path.join(extracted, 'seed.sql')).equals(bigBytes)).toBe(true);
  });

  it('sends an empty file', async () => {
    fs.rmSync(received, { force: true });
    fs.writeFileSync(path.join(out, 'empty'), '');
    await files.send(sendArgs(), { path: path.join(out, 'empty'), name: 'empty.sql' });
    expect(execFileSync('tar', ['-tvf', received], { encoding: 'utf8' })).toMatch(/^-rw-r--r-- 0\/0 +0 .* empty\.sql\n$/);
  });

  it('refuses a link, a folder, a FIFO and a missing file without running docker', async () => {
    const before = runs();
    const link = await refusal(files.send(sendArgs(), { path: path.join(fixtures, 'link.sql'), name: 'seed.sql' }));
    expect(link).toMatchObject({ code: 'unreadable', message: `${path.join(fixtures, 'link.sql')} is a link; choose the file itself.` });
    for (const p of ['folder', 'pipe', 'missing'])
      expect((await refusal(files.send(sendArgs(), { path: path.join(fixtures, p), name: 'seed.sql' }))).code).toBe('unreadable');
    expect(runs()).toBe(before);
  });

  it('reports docker’s words when it stops reading early', async () => {
    fs.writeFileSync(path.join(out, 'big'), bigBytes);
    const e = await refusal(files.send(sendArgs('/refuse'), { path: path.join(out, 'big'), name: 'seed.sql' }));
    expect(e).toMatchObject({ code: 'docker', message: 'Error response from daemon: Could not find the file /refuse in container db' });
  });

  it('reports a docker that cannot run', async () => {
    fs.writeFileSync(path.join(out, 'big'), bigBytes);
    const e = await refusal(new NodeHostFiles({ binary: path.join(dir, 'no-docker') }).send(sendArgs(), { path: path.join(out, 'big'), name: 'seed.sql' }));
    expect(e.code).toBe('docker');
    expect(e.message).toMatch(/ENOENT/);
  });

  it('on abort stops docker', async () => {
    fs.rmSync(pidFile, { force: true });
    fs.writeFileSync(path.join(out, 'big'), bigBytes);
    const controller = new AbortController();
    const sending = files.send(sendArgs('/stall'), { path: path.join(out, 'big'), name: 'seed.sql' }, { signal: controller.signal });
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '');
    controller.abort();
    expect((await refusal(sending)).code).toBe('cancelled');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await until(() => !alive(pid));
  });
});
