import { describe, expect, it } from 'vitest';
import { formatEnv, mergeEnv, parseValue } from './env-file';

const EXISTING = [
  '# app settings, kept by hand',
  'SECRET_KEY="s3cr3t # not a comment"',
  '',
  'export DATABASE_URL = postgres://old@127.0.0.1:5433/orders   # old one',
  "PEM='-----BEGIN",
  'DATABASE_URL=inside-a-multiline-value',
  "-----END'",
  'DEBUG=1',
].join('\r\n');

describe('mergeEnv', () => {
  it("changes only Dockbase's keys and keeps every other byte", () => {
    const { text, updated, added } = mergeEnv(EXISTING, [
      ['DATABASE_URL', 'postgresql://postgres:pw@127.0.0.1:5433/orders'],
      ['REDIS_URL', 'redis://:pw@127.0.0.1:6380'],
    ]);
    expect(updated).toEqual(['DATABASE_URL']);
    expect(added).toEqual(['REDIS_URL']);
    expect(text).toBe(
      [
        '# app settings, kept by hand',
        'SECRET_KEY="s3cr3t # not a comment"',
        '',
        'export DATABASE_URL = postgresql://postgres:pw@127.0.0.1:5433/orders',
        "PEM='-----BEGIN",
        'DATABASE_URL=inside-a-multiline-value',
        "-----END'",
        'DEBUG=1',
        'REDIS_URL=redis://:pw@127.0.0.1:6380',
        '',
      ].join('\r\n'),
    );
  });

  it('leaves a file already up to date exactly as it is', () => {
    const text = 'A=1\nDATABASE_URL=postgresql://u:p@127.0.0.1:5432/x\n# end';
    const merged = mergeEnv(text, [['DATABASE_URL', 'postgresql://u:p@127.0.0.1:5432/x']]);
    expect(merged.text).toBe(text);
    expect(merged.updated).toEqual([]);
  });

  it('makes a new file', () => {
    expect(mergeEnv('', [['A', 'x y']]).text).toBe("A='x y'\n");
  });

  it('replaces a multi-line value of its own, with its lines', () => {
    const merged = mergeEnv('X="a\nb"\nY=2\n', [['X', 'c']]);
    expect(merged.text).toBe('X=c\nY=2\n');
  });

  it('writes values that read back the same', () => {
    for (const v of ['plain', 'with space', "it's", 'a"b\\c$d', '']) expect(parseValue(formatEnv([['K', v]]).slice(2, -1))).toBe(v);
  });
});
