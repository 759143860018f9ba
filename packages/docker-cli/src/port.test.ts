import { describe, expect, it } from 'vitest';
import { LineSplitter } from './port';

describe('LineSplitter', () => {
  it('emits complete lines across chunk boundaries and flushes the tail', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('abc: Pulling fs');
    s.push(' layer\r\nabc: Pull complete\nStatus: ');
    expect(lines).toEqual(['abc: Pulling fs layer', 'abc: Pull complete']);
    s.push('done');
    s.flush();
    expect(lines).toEqual(['abc: Pulling fs layer', 'abc: Pull complete', 'Status: done']);
  });
});
