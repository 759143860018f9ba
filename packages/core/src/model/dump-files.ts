/**
 * Dump files: what a file holds, told from its first bytes (the engine's own tools write recognisable
 * headers), and the host paths files are read from and written to. Pure: the bytes come from SNIFF_SCRIPT.
 */
import { getEngine, rdbVersionOf, type DumpKind, type EngineId } from '../engines';

/** How many leading bytes identify a file (SNIFF_SCRIPT prints as many). */
export const HEAD_BYTES = 128;

export interface FileHead {
  sizeBytes: number;
  head: Uint8Array;
  /** The first bytes of the gunzipped content; empty when the file is not gzip (or its content is unreadable). */
  inner: Uint8Array;
}

/** Reads SNIFF_SCRIPT's output: the size, the head in hex, `--`, the gunzipped head in hex. */
export function parseSniff(stdout: string): FileHead {
  const [first = '', ...rest] = stdout.split('\n');
  const text = rest.join('\n');
  const [head = '', inner = ''] = text.split(/^--$/m);
  const bytes = (hex: string) => Uint8Array.from((hex.match(/[0-9a-f]{2}/gi) ?? []).map((h) => parseInt(h, 16)));
  return { sizeBytes: Number(first.trim()) || 0, head: bytes(head), inner: bytes(inner) };
}

export interface Identified {
  kind: DumpKind | 'empty' | 'unknown';
  gzip: boolean;
  /** The format version the file's header names (an RDB file's), when it names one. */
  formatVersion?: number;
}

const startsWith = (b: Uint8Array, prefix: readonly number[]) => prefix.every((v, i) => b[i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function identifyPlain(b: Uint8Array): Identified['kind'] {
  if (b.length === 0) return 'empty';
  if (startsWith(b, ascii('PGDMP'))) return 'postgres-custom';
  // Redis and Valkey 8 write `REDIS0011`; Valkey 9 writes `VALKEY080`.
  if (startsWith(b, ascii('REDIS')) || startsWith(b, ascii('VALKEY'))) return 'redis-rdb';
  // mongodump's archive magic number 0x8199e26d, little-endian.
  if (startsWith(b, [0x6d, 0xe2, 0x99, 0x81])) return 'mongo-archive';
  const text = String.fromCharCode(...b);
  if (/PostgreSQL database (cluster )?dump/.test(text)) return 'postgres-sql';
  if (/-- MariaDB dump|-- MySQL dump[^\n]*MariaDB/.test(text)) return 'mariadb-sql';
  if (/-- MySQL dump/.test(text)) return 'mysql-sql';
  // Text without control characters (UTF-8 bytes allowed): SQL written by hand or by another tool.
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? 'unknown' : 'sql';
}

/** What a file holds, from its head (and its gunzipped head when it is gzip). */
export function identifyDump(f: Pick<FileHead, 'head' | 'inner'>): Identified {
  if (startsWith(f.head, [0x1f, 0x8b])) return { kind: f.inner.length ? identifyPlain(f.inner) : 'unknown', gzip: true };
  const kind = identifyPlain(f.head);
  const formatVersion = kind === 'redis-rdb' ? rdbVersionOf(f.head) : undefined;
  return { kind, gzip: false, ...(formatVersion !== undefined ? { formatVersion } : {}) };
}

const KIND_NAMES: Record<DumpKind, string> = {
  'postgres-sql': 'a PostgreSQL SQL dump',
  'postgres-custom': 'a PostgreSQL custom-format dump (pg_dump -Fc)',
  'mysql-sql': 'a MySQL dump',
  'mariadb-sql': 'a MariaDB dump',
  sql: 'an SQL file',
  'mongo-archive': 'a MongoDB archive (mongodump)',
  'redis-rdb': 'an RDB file (Redis, Valkey)',
};

export function describeDumpKind(kind: DumpKind): string {
  return KIND_NAMES[kind];
}

/** Why `engine` (at version `tag`, when given) cannot import a file of this kind, or undefined when it can. */
export function importRefusal(engineId: EngineId, file: Identified, fileName: string, tag?: string): string | undefined {
  const engine = getEngine(engineId);
  if (file.kind === 'empty') return `${fileName} is empty.`;
  if (file.kind === 'unknown') {
    return file.gzip
      ? `${fileName} is compressed, but its content cannot be read: the file may be damaged.`
      : `${fileName} is not a file ${engine.displayName} can import (it accepts ${engine.transfer.importExtensions.join(', ')}).`;
  }
  if (!engine.transfer.importKinds.includes(file.kind)) {
    return `${fileName} is ${describeDumpKind(file.kind)}; ${engine.displayName} cannot import it.`;
  }
  if (file.kind === 'postgres-custom' && file.gzip) return `${fileName} is a compressed custom-format dump; pg_restore reads it uncompressed.`;
  if (tag !== undefined && file.formatVersion !== undefined) return engine.transfer.formatRefusal?.(tag, file.formatVersion, fileName);
  return undefined;
}

/** An absolute path on the machine the docker CLI runs on (POSIX, or Windows with a drive letter). */
export function isAbsoluteHostPath(p: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(p)) return false;
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

/** The last part of a host path. */
export function hostBaseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).pop() ?? p;
}

/** `20260131-235959`: a file-name friendly local time stamp. */
export function fileStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}
