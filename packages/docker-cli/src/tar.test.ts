import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostFileError } from './port';
import { SingleFileTarReader, TAR_END, tarHeader, tarPadding } from './tar';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-tar-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An archive made by GNU tar, as docker's would be made by Go: `tar -C src -cf - names…`. */
function gnuTar(files: Record<string, string | { link: string } | 'dir'>, names = Object.keys(files), format = 'gnu'): Uint8Array {
  const src = fs.mkdtempSync(path.join(dir, 'src-'));
  for (const [name, what] of Object.entries(files)) {
    const at = path.join(src, name);
    if (what === 'dir') fs.mkdirSync(at);
    else if (typeof what === 'string') fs.writeFileSync(at, what);
    else fs.symlinkSync(what.link, at);
  }
  return new Uint8Array(execFileSync('tar', [`--format=${format}`, '-C', src, '-cf', '-', ...names]));
}

/** Feeds `archive` in chunks of `size` bytes and returns the payload, or the error thrown. */
function read(archive: Uint8Array, size = archive.length): { bytes: Uint8Array; reader: SingleFileTarReader } {
  const reader = new SingleFileTarReader();
  const parts: Uint8Array[] = [];
  for (let i = 0; i < archive.length; i += size) parts.push(...reader.push(archive.subarray(i, i + size)).map((p) => p.slice()));
  reader.end();
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, reader };
}

function refusal(archive: Uint8Array, size?: number): HostFileError {
  try {
    read(archive, size);
  } catch (e) {
    expect(e).toBeInstanceOf(HostFileError);
    return e as HostFileError;
  }
  throw new Error('the archive was accepted');
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
const archiveOf = (name: string, payload: Uint8Array) => concat(tarHeader(name, payload.length, 1_700_000_000), payload, tarPadding(payload.length), TAR_END);

describe('tarHeader', () => {
  it('writes archives GNU tar lists and extracts byte for byte', () => {
    for (const size of [0, 1, 511, 512, 513, 5000]) {
      const payload = new Uint8Array(size).map((_, i) => (i * 7) % 251);
      const file = path.join(dir, `made-${size}.tar`);
      fs.writeFileSync(file, archiveOf('dump.sql', payload));
      expect(execFileSync('tar', ['-tvf', file], { encoding: 'utf8' })).toMatch(
        new RegExp(`^-rw-r--r-- 0/0 +${size} 2023-11-1[45] \\d\\d:\\d\\d dump\\.sql\\n$`),
      );
      expect(new Uint8Array(execFileSync('tar', ['-xOf', file]))).toEqual(payload);
      expect(read(archiveOf('dump.sql', payload)).bytes).toEqual(payload);
    }
  });

  it('encodes a size beyond 8 GiB − 1 in base-256, which the reader reads back', () => {
    const size = 2 ** 33 + 5;
    const h = tarHeader('big.bin', size, 0);
    expect(h[124]).toBe(0x80);
    const reader = new SingleFileTarReader();
    reader.push(h);
    expect(reader.entry).toEqual({ name: 'big.bin', size });
    expect(text(tarHeader('max.bin', 2 ** 33 - 1, 0).subarray(124, 136))).toBe('77777777777\0');
  });

  it('refuses a name that is long, empty, non-ASCII or a path', () => {
    for (const name of ['a'.repeat(101), '', 'é.sql', 'dir/file', '..', 'x\ny']) expect(() => tarHeader(name, 1, 0)).toThrow();
    expect(() => tarHeader('a'.repeat(100), 1, 0)).not.toThrow();
    expect(() => tarHeader('f', -1, 0)).toThrow();
  });

  it('pads to whole blocks and ends with two zero blocks', () => {
    expect([0, 1, 511, 512, 513].map((n) => tarPadding(n).length)).toEqual([0, 511, 1, 0, 511]);
    expect(TAR_END).toEqual(new Uint8Array(1024));
  });
});

describe('SingleFileTarReader on GNU tar’s archives', () => {
  const content = 'SELECT 1;\n'.repeat(100);

  it('hands out a regular file’s bytes, whatever the chunk boundaries', () => {
    const archive = gnuTar({ 'dump.sql': content });
    for (const size of [1, 7, 511, 512, 513, 1024, archive.length]) {
      const { bytes, reader } = read(archive, size);
      expect(text(bytes)).toBe(content);
      expect(reader.entry).toEqual({ name: 'dump.sql', size: content.length });
    }
  });

  it('reads an empty file, and ignores any number of trailing zeros', () => {
    expect(read(gnuTar({ empty: '' })).bytes.length).toBe(0);
    expect(text(read(concat(gnuTar({ 'a.txt': 'x' }), new Uint8Array(3000))).bytes)).toBe('x');
    expect(text(read(concat(archiveOf('a.txt', new TextEncoder().encode('y')), new Uint8Array(7)), 3).bytes)).toBe('y');
  });

  it('reads a long name from a GNU long-name entry and from a PAX header, one byte at a time', () => {
    const long = 'n'.repeat(120) + '.sql';
    for (const format of ['gnu', 'pax']) {
      const { bytes, reader } = read(gnuTar({ [long]: content }, [long], format), 1);
      expect(text(bytes)).toBe(content);
      expect(reader.entry?.name).toBe(long);
    }
  });

  it('lets a PAX size override the header’s', () => {
    const payload = new TextEncoder().encode('0123456789');
    const record = '11 size=10\n';
    const pax = concat(tarHeader('PaxHeader', record.length, 0), new TextEncoder().encode(record), tarPadding(record.length));
    pax[156] = 0x78; // 'x'
    fixChecksum(pax);
    const file = tarHeader('f', 3, 0);
    expect(text(read(concat(pax, file, payload, tarPadding(10), TAR_END)).bytes)).toBe('0123456789');
  });

  it.each([
    ['a link', { link: { link: '/etc/passwd' } }, /link there, not a file/],
    ['a folder', { folder: 'dir' as const }, /folder there, not a file/],
    ['a link with a long target', { link: { link: 'x'.repeat(150) } }, /link there, not a file/],
  ])('refuses %s as not-regular', (_, files, message) => {
    const e = refusal(gnuTar(files));
    expect(e.code).toBe('not-regular');
    expect(e.message).toMatch(message);
  });

  it('refuses two files, and a file inside a folder', () => {
    expect(refusal(gnuTar({ 'a.sql': 'a', 'b.sql': 'b' })).message).toMatch(/more than one item/);
    const nested = gnuTar({ d: 'dir', 'd/f': 'x' }, ['d']);
    expect(refusal(nested).code).toBe('not-regular');
  });

  it('refuses a FIFO and a hard link', () => {
    const src = fs.mkdtempSync(path.join(dir, 'special-'));
    execFileSync('mkfifo', [path.join(src, 'pipe')]);
    expect(refusal(new Uint8Array(execFileSync('tar', ['-C', src, '-cf', '-', 'pipe']))).message).toMatch(/named pipe/);
    fs.writeFileSync(path.join(src, 'a'), 'a');
    fs.linkSync(path.join(src, 'a'), path.join(src, 'b'));
    // The second name of the same file is a hard-link entry after the first: two items either way.
    expect(refusal(new Uint8Array(execFileSync('tar', ['-C', src, '-cf', '-', 'a', 'b']))).code).toBe('not-regular');
    const hard = tarHeader('b', 0, 0);
    hard[156] = 0x31; // '1'
    fixChecksum(hard);
    expect(refusal(concat(hard, TAR_END)).message).toMatch(/hard link/);
  });

  it('refuses a damaged header, a truncated archive, garbage and an empty stream', () => {
    const archive = gnuTar({ 'dump.sql': content });
    const corrupt = archive.slice();
    corrupt[10] = (corrupt[10] ?? 0) ^ 1;
    expect(refusal(corrupt).message).toMatch(/checksum/);
    for (const cut of [100, 512, 700, 512 + content.length, 1024 + 512]) expect(refusal(archive.subarray(0, cut), 64).message).toMatch(/stops before its end/);
    expect(refusal(new TextEncoder().encode('Error response from daemon: no such container\n'.repeat(20))).code).toBe('docker');
    expect(refusal(concat(archive.subarray(0, 2048), new Uint8Array([1]), new Uint8Array(2048))).message).toMatch(/follows its end/);
    expect(refusal(new Uint8Array(0)).code).toBe('not-regular');
    expect(refusal(new Uint8Array(1024)).code).toBe('not-regular');
  });

  it('keeps failing once it has failed', () => {
    const reader = new SingleFileTarReader();
    expect(() => reader.push(gnuTar({ l: { link: 'x' } }))).toThrow(HostFileError);
    expect(() => reader.push(new Uint8Array(512))).toThrow(/link/);
    expect(() => reader.end()).toThrow(/link/);
  });
});

function fixChecksum(h: Uint8Array): void {
  h.fill(0x20, 148, 156);
  const sum = h.subarray(0, 512).reduce((n, b) => n + b, 0);
  h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}
