import { describe, expect, it } from 'vitest';
import { usageConflicts, validateCreateInput, validateImage, validateName, validatePort, validateTag, type CreateInstanceInput } from './validation';

const ok: CreateInstanceInput = { engine: 'postgres', name: 'app-db', tag: '17', hostPort: 5432, password: 'pw', persistData: true, exposeOnNetwork: false };

describe('validateCreateInput', () => {
  it('accepts a valid input', () => {
    expect(validateCreateInput(ok)).toEqual({});
  });
  it('names every field at fault at once', () => {
    expect(validateCreateInput({ ...ok, name: 'a b', tag: '', hostPort: 0, password: '', image: 'Bad Image' })).toEqual({
      name: expect.stringMatching(/letters, digits/),
      tag: 'Choose a version.',
      hostPort: 'Use a port from 1 to 65535.',
      password: 'A password is required.',
      image: expect.stringMatching(/Not a valid image/),
    });
  });
  it('refuses an unknown engine', () => {
    expect(validateCreateInput({ ...ok, engine: 'sqlite' as never })).toEqual({ engine: 'Choose an engine.' });
  });
});

describe('usageConflicts', () => {
  const usage = {
    names: new Set(['pg-15', 'web']),
    ports: new Map([
      [5432, { container: 'pg-15', running: true }],
      [5433, { container: 'pg-16', running: false }],
      [8080, { container: 'web', running: true }],
    ]),
  };
  it('names the running container that holds the port when asked (the create form), Dockbase’s or not', () => {
    expect(usageConflicts({ name: 'pg-17', hostPort: 5432 }, usage, undefined, { nameHolder: true })).toEqual({
      hostPort: 'Port 5432 is already used by another container. It is in use by pg-15 (running): stop it first, or choose another port.',
    });
    expect(usageConflicts({ name: 'api', hostPort: 8080 }, usage, undefined, { nameHolder: true }).hostPort).toMatch(/in use by web \(running\)/);
    // A stopped holder is no conflict; the container being edited holds its own port.
    expect(usageConflicts({ name: 'pg-17', hostPort: 5433 }, usage, undefined, { nameHolder: true })).toEqual({});
    expect(usageConflicts({ name: 'pg-15', hostPort: 5432 }, usage, 'pg-15', { nameHolder: true })).toEqual({});
  });
  it('keeps the short words without it (what a refused create says)', () => {
    expect(usageConflicts({ name: 'pg-17', hostPort: 5432 }, usage)).toEqual({ hostPort: 'Port 5432 is already used by another container.' });
  });
});

describe('fields', () => {
  it.each(['db', 'my_db.2', 'A-1', 'x'.repeat(63)])('name %s is valid', (n) => expect(validateName(n)).toBeUndefined());
  it.each(['', ' db', 'my db', '-db', '.db', 'db/x', 'x'.repeat(64), 'ü'])('name %j is refused', (n) => expect(validateName(n)).toBeDefined());
  it.each([1, 80, 5432, 65535])('port %d is valid', (p) => expect(validatePort(p)).toBeUndefined());
  it.each([0, -1, 65536, 1.5, Number.NaN])('port %d is refused', (p) => expect(validatePort(p)).toBeDefined());
  it.each(['17', '17.6-alpine', 'latest', '8.0.4_x'])('tag %s is valid', (t) => expect(validateTag(t)).toBeUndefined());
  it.each(['', '-x', 'a b', 'a:b', 'x'.repeat(129)])('tag %j is refused', (t) => expect(validateTag(t)).toBeDefined());
  it.each(['', 'postgres', 'library/postgres', '127.0.0.1:5000/dockbase-test/redis', 'registry.example.com/mirror/postgres'])('image %j is valid', (i) =>
    expect(validateImage(i)).toBeUndefined(),
  );
  it('asks for the repository without a tag', () => {
    expect(validateImage('postgres:17')).toMatch(/without a tag/);
    expect(validateImage('127.0.0.1:5000/redis:7')).toMatch(/without a tag/);
    expect(validateImage('postgres@sha256:abc')).toMatch(/without a tag/);
  });
  it.each(['Postgres', 'a b', 'http://x/y', '/x'])('image %j is refused', (i) => expect(validateImage(i)).toBeDefined());
});
