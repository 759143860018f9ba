import { describe, expect, it } from 'vitest';
import { resplitLikeDesktop, splitCommandLine } from './desktop-argv';

describe('Docker Desktop’s non-stream argument handling (emulated)', () => {
  it('keeps Docker’s documented quoted format argument as one word', () => {
    expect(resplitLikeDesktop(['ps', '--format', '"{{json .}}"'])).toEqual(['ps', '--format', '{{json .}}']);
  });
  it('re-splits an element holding spaces, so values with spaces are not safe there', () => {
    expect(resplitLikeDesktop(['--label a=b', 'pass word'])).toEqual(['--label', 'a=b', 'pass', 'word']);
  });
  it('honours single quotes, double quotes and backslashes like a shell', () => {
    expect(splitCommandLine(`a 'b c' "d \\"e\\" $f" g\\ h`)).toEqual(['a', 'b c', 'd "e" $f', 'g h']);
    expect(splitCommandLine(`''  x`)).toEqual(['', 'x']);
  });
});
