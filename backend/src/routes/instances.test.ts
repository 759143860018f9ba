import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TESTED_DRIVERS } from '../test-support/drivers.js';
import { removeDir, tempDir } from '../test-support/http.js';
import { startBackend, type RunningBackend } from '../test-support/server.js';

describe.each(TESTED_DRIVERS)('on %s', (driver) => {
  let dir: string;
  let backend: RunningBackend;
  beforeEach(async () => {
    dir = tempDir();
    backend = await startBackend(dir, {}, driver);
  });
  afterEach(async () => {
    await backend.app.close();
    removeDir(dir);
  });

  const orders = { name: 'orders-db', engine: 'postgres', settings: { image: '', tag: '17', hostPort: 5432, persistData: true, exposeOnNetwork: false } };
  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  describe('instance metadata over the socket', () => {
    it('creates (201), replaces (200) and reads an instance', async () => {
      const created = await backend.call('PUT', '/instances/orders_1', orders);
      expect(created.status).toBe(201);
      expect(created.json).toEqual({
        id: 'orders_1',
        ...orders,
        notes: '',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
        history: [],
      });

      const replaced = await backend.call('PUT', '/instances/orders_1', { ...orders, settings: { tag: '18' } });
      expect(replaced.status).toBe(200);
      expect(replaced.json).toMatchObject({ settings: { tag: '18' } });

      expect((await backend.call('GET', '/instances/orders_1')).json).toEqual(replaced.json);
      await backend.call('PUT', '/instances/cache', { name: 'cache', engine: 'redis', settings: {} });
      expect((await backend.call('GET', '/instances/cache')).json).toMatchObject({ id: 'cache', engine: 'redis' });
      expect((await backend.call('GET', '/instances/orders_1')).json).toEqual(replaced.json);
    });

    it('saves notes and records operations, newest first', async () => {
      await backend.call('PUT', '/instances/a', orders);
      const notes = await backend.call('PATCH', '/instances/a', { notes: 'Staging copy — do not drop.' });
      expect(notes.status).toBe(200);
      expect(notes.json).toMatchObject({ id: 'a', notes: 'Staging copy — do not drop.' });

      const first = await backend.call('POST', '/instances/a/history', { action: 'create', outcome: 'ok' });
      expect(first.status).toBe(201);
      expect(first.json).toEqual({ at: expect.stringMatching(ISO), action: 'create', outcome: 'ok' });
      await backend.call('POST', '/instances/a/history', { action: 'start', outcome: 'failed', detail: 'port 5432 is taken' });

      const meta = (await backend.call('GET', '/instances/a')).json as { history: unknown[] };
      expect(meta.history).toEqual([
        { at: expect.stringMatching(ISO), action: 'start', outcome: 'failed', detail: 'port 5432 is taken' },
        { at: expect.stringMatching(ISO), action: 'create', outcome: 'ok' },
      ]);
    });

    it('deletes an instance (204), after which it is gone (404)', async () => {
      await backend.call('PUT', '/instances/a', orders);
      const deleted = await backend.call('DELETE', '/instances/a');
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await backend.call('GET', '/instances/a')).status).toBe(404);
    });

    it('answers 404 not-found for an unknown instance on every route', async () => {
      const answers = await Promise.all([
        backend.call('GET', '/instances/nope'),
        backend.call('PATCH', '/instances/nope', { notes: 'x' }),
        backend.call('POST', '/instances/nope/history', { action: 'start', outcome: 'ok' }),
        backend.call('DELETE', '/instances/nope'),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.json).toEqual({ error: 'not-found', message: expect.stringContaining('nope') });
      }
    });

    it.each([
      ['REDISCLI_AUTH', { REDISCLI_AUTH: 's3cret!' }, 'settings.REDISCLI_AUTH', /is not a known field/],
      ['pw', { pw: 's3cret!' }, 'settings.pw', /is not a known field/],
      ['a password under an ordinary name', { tag: '8.4', note: 's3cret!' }, 'settings.note', /is not a known field/],
      ['an env list', { env: ['MYSQL_ROOT_PASSWORD=s3cret!'] }, 'settings.env', /is not a known field/],
      ['an image URI with credentials', { image: 'https://user:s3cret!@registry.example.com/pg' }, 'settings.image', /without scheme, user or password/],
      ['an image with user info', { image: 'user:s3cret!@registry.example.com/pg' }, 'settings.image', /without scheme, user or password/],
      ['a tag carrying a URI', { tag: 'redis://:s3cret!@h:6379' }, 'settings.tag', /version tag/],
      ['a port that is text', { hostPort: '5432' }, 'settings.hostPort', /must be an integer/],
    ])('refuses settings with %s (400), storing nothing', async (_what, settings, field, message) => {
      const answer = await backend.call('PUT', '/instances/a', { name: 'users', engine: 'mysql', settings });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid-input', field, message: expect.stringMatching(message) });
      expect((await backend.call('GET', '/instances/a')).status).toBe(404);
    });

    it('stores the settings the UI sends when it creates an instance', async () => {
      const settings = { image: '127.0.0.1:5000/dockbase-test/redis', tag: '7.0', hostPort: 6379, persistData: true, exposeOnNetwork: false };
      expect((await backend.call('PUT', '/instances/a', { name: 'cache', engine: 'redis', settings })).json).toMatchObject({ settings });
    });

    it('keeps everything across a restart on the same data dir', async () => {
      await backend.call('PUT', '/instances/a', orders);
      await backend.call('PATCH', '/instances/a', { notes: 'kept' });
      await backend.call('POST', '/instances/a/history', { action: 'create', outcome: 'ok' });
      await backend.app.close();
      backend = await startBackend(dir, {}, driver);
      expect((await backend.call('GET', '/instances/a')).json).toMatchObject({ notes: 'kept', history: [{ action: 'create' }] });
    });
  });

  describe('input validation', () => {
    const cases: Array<[string, string, string, unknown, string]> = [
      ['an id with a character outside [A-Za-z0-9_-]', 'GET', '/instances/bad.id', undefined, 'id'],
      ['an id longer than 64 characters', 'PUT', `/instances/${'x'.repeat(65)}`, orders, 'id'],
      ['a missing name', 'PUT', '/instances/a', { engine: 'postgres', settings: {} }, 'name'],
      ['an empty name', 'PUT', '/instances/a', { ...orders, name: '' }, 'name'],
      ['an unknown engine', 'PUT', '/instances/a', { ...orders, engine: 'oracle' }, 'engine'],
      ['settings that are not an object', 'PUT', '/instances/a', { ...orders, settings: 'version=17' }, 'settings'],
      ['settings given as an array', 'PUT', '/instances/a', { ...orders, settings: ['17'] }, 'settings'],
      ['an unknown field', 'PUT', '/instances/a', { ...orders, password: 'x' }, 'password'],
      ['notes longer than 10000 characters', 'PATCH', '/instances/a', { notes: 'n'.repeat(10_001) }, 'notes'],
      ['notes that are a number (no coercion)', 'PATCH', '/instances/a', { notes: 5 }, 'notes'],
      ['a history entry without action', 'POST', '/instances/a/history', { outcome: 'ok' }, 'action'],
      ['an outcome other than ok/failed', 'POST', '/instances/a/history', { action: 'start', outcome: 'maybe' }, 'outcome'],
      ['a detail that is not text', 'POST', '/instances/a/history', { action: 'start', outcome: 'ok', detail: {} }, 'detail'],
      ['no body at all', 'PUT', '/instances/a', undefined, 'body'],
      ['a body that is not JSON', 'PATCH', '/instances/a', '{"notes": ', 'body'],
    ];
    it.each(cases)('answers 400 for %s, naming the field', async (_what, method, url, body, field) => {
      await backend.call('PUT', '/instances/a', orders);
      const answer = await backend.call(method, url, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: 'invalid-input', field, message: expect.stringContaining(field === 'body' ? 'body' : `"${field}"`) });
    });

    it('says what the rule is', async () => {
      await backend.call('PUT', '/instances/a', orders);
      expect((await backend.call('PATCH', '/instances/a', { notes: 'n'.repeat(10_001) })).json).toMatchObject({
        message: 'Field "notes" must be at most 10000 characters long.',
      });
      expect((await backend.call('PUT', '/instances/a', { ...orders, engine: 'oracle' })).json).toMatchObject({
        message: 'Field "engine" must be one of: postgres, mysql, mariadb, mongo, redis, valkey.',
      });
      expect((await backend.call('GET', '/instances/bad.id')).json).toMatchObject({
        message: 'Field "id" must be 1 to 64 letters, digits, "_" or "-".',
      });
    });

    it('accepts notes of exactly 10000 characters and a 64-character id', async () => {
      const id = 'x'.repeat(64);
      expect((await backend.call('PUT', `/instances/${id}`, orders)).status).toBe(201);
      expect((await backend.call('PATCH', `/instances/${id}`, { notes: 'n'.repeat(10_000) })).status).toBe(200);
    });

    it('leaves the stored instance untouched after a rejected write', async () => {
      await backend.call('PUT', '/instances/a', orders);
      await backend.call('PUT', '/instances/a', { ...orders, engine: 'oracle' });
      expect((await backend.call('GET', '/instances/a')).json).toMatchObject({ engine: 'postgres' });
    });
  });
});
