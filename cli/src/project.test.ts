import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findProjectRoot, readRegularFile, writeFileAtomic } from './project';

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-project-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces a file in one rename, keeping its mode and leaving no temporary file', async () => {
    const d = temp();
    const file = path.join(d, '.env');
    fs.writeFileSync(file, 'A=1\n', { mode: 0o640 });
    await writeFileAtomic(file, 'A=2\n', { mode: 0o600 });
    expect(fs.readFileSync(file, 'utf8')).toBe('A=2\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(d)).toEqual(['.env']);
  });

  it('gives a new file the mode asked (a .env holds passwords: 0600)', async () => {
    const file = path.join(temp(), '.env');
    await writeFileAtomic(file, 'A=1\n', { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to write through a symbolic link, and the file it points to stays as it was', async () => {
    const d = temp();
    const target = path.join(d, 'elsewhere');
    fs.writeFileSync(target, 'precious\n');
    fs.symlinkSync(target, path.join(d, '.env'));
    await expect(writeFileAtomic(path.join(d, '.env'), 'A=1\n')).rejects.toThrow(/symbolic link/);
    expect(fs.readFileSync(target, 'utf8')).toBe('precious\n');
    expect(fs.lstatSync(path.join(d, '.env')).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(['.env', 'elsewhere']);
  });

  it('never overwrites when asked to make a new file', async () => {
    const file = path.join(temp(), 'dockbase.yaml');
    fs.writeFileSync(file, 'mine\n');
    await expect(writeFileAtomic(file, 'new\n', { exclusive: true })).rejects.toThrow(/already exists/);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
  });
});

describe('the project folder', () => {
  it('is the nearest folder up that holds dockbase.yaml', async () => {
    const d = temp();
    fs.mkdirSync(path.join(d, 'src', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(d, 'dockbase.yaml'), 'version: 1\n');
    expect(await findProjectRoot(path.join(d, 'src', 'deep'))).toBe(d);
  });

  it('reads no dockbase.yaml through a link', async () => {
    const d = temp();
    fs.writeFileSync(path.join(d, 'real.yaml'), 'version: 1\n');
    fs.symlinkSync(path.join(d, 'real.yaml'), path.join(d, 'dockbase.yaml'));
    await expect(readRegularFile(path.join(d, 'dockbase.yaml'))).rejects.toThrow(/symbolic link/);
  });
});
