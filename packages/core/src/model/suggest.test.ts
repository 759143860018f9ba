import { describe, expect, it } from 'vitest';
import { getEngine } from '../engines';
import { generatePassword, suggestName, suggestPort } from './suggest';

describe('suggestions', () => {
  it('suggests the first free engine-numbered name', () => {
    expect(suggestName(getEngine('postgres'), new Set())).toBe('postgres-1');
    expect(suggestName(getEngine('postgres'), new Set(['postgres-1', 'postgres-2']))).toBe('postgres-3');
  });
  it('suggests the engine’s port, or the next free one', () => {
    expect(suggestPort(getEngine('mysql'), new Set())).toBe(3306);
    expect(suggestPort(getEngine('mysql'), new Set([3306, 3307]))).toBe(3308);
  });
  it('generates strong, URI-safe, different passwords', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(a).not.toBe(b);
    expect(encodeURIComponent(a)).toBe(a);
  });
});
