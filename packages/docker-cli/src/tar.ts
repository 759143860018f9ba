import { HostFileError } from './port';

/**
 * The tar format as far as `docker cp … -` needs it: one regular file in, one regular file out. Pure (no
 * Node API), so every host reads and writes the same bytes, and strict: what docker sends is whatever the
 * container holds, and anything but exactly one plain file (a link, a folder, a second entry, a damaged
 * stream) must stop the copy before a byte of it is trusted.
 */

const BLOCK = 512;
/** The largest number the 11 octal digits of a ustar header hold (8 GiB − 1); a larger size goes in base-256. */
const OCTAL_MAX = 0o77777777777;
/** PAX records and GNU long names are small; a larger one is a damaged or hostile stream, not kept in memory. */
const META_MAX = 1 << 20;
const NAME_MAX = 100;

/** The end of an archive: two zero blocks. */
export const TAR_END: Uint8Array = new Uint8Array(2 * BLOCK);

/** The zeros that fill a file's payload of `size` bytes up to a whole block. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/**
 * A ustar header for one regular file named `name` (mode 0644, owner 0:0). Followed by exactly `size` bytes,
 * tarPadding(size) and TAR_END it makes a whole archive. The name is one plain file name (printable ASCII,
 * at most 100 bytes, no `/`): the archive creates that file and nothing else, wherever it is extracted.
 */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Uint8Array {
  if (!/^[\x20-\x7e]+$/.test(name) || name.length > NAME_MAX || name.includes('/') || name === '.' || name === '..') {
    throw new Error(`"${name}" cannot name a file in an archive: use 1 to ${NAME_MAX} printable ASCII characters and no "/"`);
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`${size} is not a file size`);
  const h = new Uint8Array(BLOCK);
  ascii(h, 0, name);
  octal(h, 100, 8, 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  if (size <= OCTAL_MAX) octal(h, 124, 12, size);
  else base256(h, 124, 12, size);
  // A time before 1970 or past the field's reach does not matter enough to refuse a file: clamp it.
  const mtime = Number.isFinite(mtimeSeconds) ? Math.min(Math.max(Math.floor(mtimeSeconds), 0), OCTAL_MAX) : 0;
  octal(h, 136, 12, mtime);
  h[156] = 0x30; // '0': a regular file
  ascii(h, 257, 'ustar\0');
  ascii(h, 263, '00');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  ascii(h, 148, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** Where an archive's single file was declared: its name in the archive and its size. */
export interface TarEntry {
  name: string;
  size: number;
}

type State = 'header' | 'meta' | 'payload' | 'skip' | 'trailer';

/**
 * Reads a tar stream that must hold exactly one regular file and hands out that file's bytes as they
 * arrive: `push` each chunk and write what it returns (slices of the chunk, in order), then call `end` once
 * the stream is over. Both throw a HostFileError as soon as the stream is anything else; once one has thrown,
 * every later call throws the same error.
 */
export class SingleFileTarReader {
  private state: State = 'header';
  private readonly block = new Uint8Array(BLOCK);
  /** Bytes of the current header block (or metadata entry) collected so far. */
  private filled = 0;
  /** Bytes left in the current payload, metadata or padding. */
  private remaining = 0;
  private padAfter = 0;
  private meta: { kind: 'x' | 'L'; data: Uint8Array } | undefined;
  /** What a PAX header or a GNU long name said about the next entry. */
  private next: { size?: number; path?: string; longName?: string } = {};
  private file: TarEntry | undefined;
  private zeros = 0;
  private failure: unknown;

  /** The file's name and size, once its header has been read. */
  get entry(): TarEntry | undefined {
    return this.file;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure !== undefined) throw this.failure;
    try {
      return this.consume(chunk);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** Checks that the stream ended where an archive may end: after the file and its end-of-archive blocks. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (!this.file && this.state === 'header' && this.filled === 0 && !this.meta && Object.keys(this.next).length === 0) {
      this.failure = notRegular('Docker sent no file from the container.');
    } else if (this.state !== 'trailer' || this.zeros < TAR_END.length) {
      this.failure = damaged('it stops before its end');
    } else {
      return;
    }
    throw this.failure;
  }

  private consume(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      const n = Math.min(chunk.length - i, this.state === 'header' ? BLOCK - this.filled : this.remaining);
      const part = chunk.subarray(i, i + (this.state === 'trailer' ? chunk.length - i : n));
      i += part.length;
      switch (this.state) {
        case 'header':
          this.block.set(part, this.filled);
          this.filled += part.length;
          if (this.filled === BLOCK) {
            this.filled = 0;
            this.header();
          }
          break;
        case 'meta':
          this.meta?.data.set(part, this.filled);
          this.filled += part.length;
          this.remaining -= part.length;
          if (this.remaining === 0) this.endMeta();
          break;
        case 'payload':
          out.push(part);
          this.remaining -= part.length;
          if (this.remaining === 0) this.skip(this.padAfter);
          break;
        case 'skip':
          this.remaining -= part.length;
          if (this.remaining === 0) this.state = 'header';
          break;
        case 'trailer':
          // Docker pads an archive with zero blocks; anything else after the end is not one file.
          if (part.some((b) => b !== 0)) throw damaged('something follows its end');
          this.zeros += part.length;
          break;
      }
    }
    return out;
  }

  private header(): void {
    const h = this.block;
    if (h.every((b) => b === 0)) {
      if (!this.file)
        throw this.meta || Object.keys(this.next).length > 0 ? damaged('it ends inside an entry') : notRegular('Docker sent no file from the container.');
      this.state = 'trailer';
      this.zeros = BLOCK;
      return;
    }
    verifyChecksum(h);
    if (this.file) throw notRegular('The container holds more than one item there, not a single file.');
    const type = String.fromCharCode(h[156] ?? 0);
    const size = number(h, 124, 12);
    switch (type) {
      case 'x':
      case 'L':
        if (size > META_MAX) throw damaged('a metadata entry is too large');
        this.meta = { kind: type, data: new Uint8Array(size) };
        this.filled = 0;
        this.remaining = size;
        this.padAfter = tarPadding(size).length;
        this.state = 'meta';
        if (size === 0) this.endMeta();
        return;
      case '0':
      case '\0': {
        const fileSize = this.next.size ?? size;
        this.file = { name: this.next.path ?? this.next.longName ?? headerName(h), size: fileSize };
        this.next = {};
        this.remaining = fileSize;
        this.padAfter = tarPadding(fileSize).length;
        this.state = 'payload';
        if (fileSize === 0) this.skip(this.padAfter);
        return;
      }
      default:
        throw notRegular(`The container holds ${WHAT[type] ?? `something other than a file (tar type "${type}")`} there, not a file.`);
    }
  }

  private endMeta(): void {
    const meta = this.meta;
    this.meta = undefined;
    this.filled = 0;
    if (!meta) return;
    if (meta.kind === 'L') {
      const end = meta.data.indexOf(0);
      this.next.longName = new TextDecoder().decode(end < 0 ? meta.data : meta.data.subarray(0, end));
    } else {
      Object.assign(this.next, paxRecords(meta.data));
    }
    this.skip(this.padAfter);
  }

  private skip(bytes: number): void {
    this.remaining = bytes;
    this.state = bytes === 0 ? 'header' : 'skip';
  }
}

/** What each rejected entry type is, in the words the user reads. */
const WHAT: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a link',
  K: 'a link',
  '3': 'a character device',
  '4': 'a block device',
  '5': 'a folder',
  '6': 'a named pipe (FIFO)',
  '7': 'a contiguous file',
  S: 'a sparse file',
};

function notRegular(message: string): HostFileError {
  return new HostFileError('not-regular', message);
}

/** A stream that is not a well-formed archive comes from docker (or what carries its output), not the container. */
function damaged(why: string): HostFileError {
  return new HostFileError('docker', `Docker's copy of the file is damaged: ${why}.`);
}

function verifyChecksum(h: Uint8Array): void {
  const stored = number(h, 148, 8);
  // Old writers summed signed bytes; both sums are accepted, as GNU tar and Go do.
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
    unsigned += b;
    signed += b >= 0x80 ? b - 0x100 : b;
  }
  if (stored !== unsigned && stored !== signed) throw damaged('a header’s checksum is wrong');
}

/** A numeric field: octal digits (space or NUL terminated), or GNU base-256 when its first byte is 0x80. */
function number(h: Uint8Array, offset: number, length: number): number {
  const first = h[offset] ?? 0;
  if (first & 0x80) {
    if (first !== 0x80) throw damaged('a header holds a negative or oversized number');
    let v = 0;
    for (let i = 1; i < length; i++) {
      v = v * 256 + (h[offset + i] ?? 0);
      if (v > Number.MAX_SAFE_INTEGER) throw damaged('a header holds an oversized number');
    }
    return v;
  }
  let start = offset;
  let end = offset + length;
  while (start < end && h[start] === 0x20) start++;
  while (end > start && (h[end - 1] === 0 || h[end - 1] === 0x20)) end--;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = (h[i] ?? 0) - 0x30;
    if (d < 0 || d > 7) throw damaged('a header holds a malformed number');
    v = v * 8 + d;
  }
  return v;
}

/** The name in a header: ustar puts a long one's leading folders in `prefix` (GNU's format uses that space otherwise). */
function headerName(h: Uint8Array): string {
  const name = cString(h, 0, NAME_MAX);
  const ustar = cString(h, 257, 6) === 'ustar' && h[262] === 0;
  const prefix = ustar ? cString(h, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(h: Uint8Array, offset: number, length: number): string {
  const field = h.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/** PAX records (`<length> <key>=<value>\n`): the size and path that override the next header's. */
function paxRecords(data: Uint8Array): { size?: number; path?: string } {
  const found: { size?: number; path?: string } = {};
  const text = new TextDecoder();
  let p = 0;
  while (p < data.length && data[p] !== 0) {
    const space = data.indexOf(0x20, p);
    const digits = space < 0 ? '' : text.decode(data.subarray(p, space));
    const length = /^[1-9][0-9]{0,7}$/.test(digits) ? Number(digits) : 0;
    if (length === 0 || p + length > data.length || data[p + length - 1] !== 0x0a) throw damaged('a PAX record is malformed');
    const record = text.decode(data.subarray(space + 1, p + length - 1));
    p += length;
    const eq = record.indexOf('=');
    if (eq <= 0) throw damaged('a PAX record is malformed');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    // A sparse file's payload is a map plus fragments, not the file's bytes: copying it would corrupt it.
    if (key.startsWith('GNU.sparse.')) throw notRegular('The container holds a sparse file there, which Dockbase does not copy.');
    if (key === 'size') {
      if (value === '') delete found.size;
      else if (/^[0-9]{1,16}$/.test(value) && Number.isSafeInteger(Number(value))) found.size = Number(value);
      else throw damaged('a PAX size is malformed');
    } else if (key === 'path') {
      if (value === '') delete found.path;
      else found.path = value;
    }
  }
  return found;
}

function ascii(h: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) h[offset + i] = text.charCodeAt(i);
}

/** `width - 1` octal digits and a NUL. */
function octal(h: Uint8Array, offset: number, width: number, value: number): void {
  ascii(h, offset, value.toString(8).padStart(width - 1, '0') + '\0');
}

/** GNU base-256: 0x80, then the value big-endian in the rest of the field. */
function base256(h: Uint8Array, offset: number, width: number, value: number): void {
  h[offset] = 0x80;
  let v = value;
  for (let i = offset + width - 1; i > offset; i--) {
    h[i] = v % 256;
    v = Math.floor(v / 256);
  }
}
