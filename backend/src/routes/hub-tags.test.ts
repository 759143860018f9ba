import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixtureHub, hubTagsPage, type FixtureHub, type HubReply } from '../test-support/fixture-hub.js';
import { TESTED_DRIVERS } from '../test-support/drivers.js';
import { removeDir, tempDir } from '../test-support/http.js';
import { startBackend, type RunningBackend } from '../test-support/server.js';

const TTL = 600_000;
describe.each(TESTED_DRIVERS)('on %s', (driver) => {
  let dir: string;
  let hub: FixtureHub;
  let backend: RunningBackend;
  /** The backend's clock, moved by hand so that cache expiry needs no waiting. */
  let clock: number;
  /** What the fixture Hub answers next; tests swap it. */
  let reply: (url: URL) => HubReply;

  beforeEach(async () => {
    dir = tempDir();
    clock = Date.parse('2025-06-01T12:00:00Z');
    reply = () => ({ body: hubTagsPage(['17.5', '17.5-bookworm', '17']) });
    hub = await startFixtureHub((url) => reply(url));
    backend = await startBackend(dir, { hubUrl: hub.url, ttlMs: TTL, timeoutMs: 1000, now: () => clock }, driver);
  });
  afterEach(async () => {
    await backend.app.close();
    await hub.close();
    removeDir(dir);
  });

  const rateLimited = (retryAtSeconds: number): HubReply => ({
    status: 429,
    headers: { 'x-retry-after': String(retryAtSeconds) },
    body: { message: 'Too Many Requests' },
  });

  describe('GET /hub/tags/:image', () => {
    it('answers with the tags Docker Hub lists, in the backend’s own shape', async () => {
      reply = () => ({ body: hubTagsPage(['17.5', '17'], { next: true }) });
      const answer = await backend.call('GET', '/hub/tags/postgres?name=17&page=2&pageSize=50');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        image: 'postgres',
        page: 2,
        hasMore: true,
        stale: false,
        tags: [
          { name: '17.5', lastUpdated: '2025-05-30T10:00:00.123Z', architectures: ['amd64', 'arm64'], size: 158_000_000 },
          { name: '17', lastUpdated: '2025-05-29T10:00:00.123Z', architectures: ['amd64', 'arm64'], size: 158_000_001 },
        ],
      });
      const asked = hub.requests[0]!;
      expect(asked.pathname).toBe('/v2/repositories/library/postgres/tags');
      expect(Object.fromEntries(asked.searchParams)).toEqual({ page_size: '50', page: '2', ordering: 'last_updated', name: '17' });
    });

    it('asks for Valkey’s tags in its own repository (valkey/valkey), not library/', async () => {
      const answer = await backend.call('GET', '/hub/tags/valkey?name=8');
      expect(answer.json).toMatchObject({ image: 'valkey', stale: false, tags: [{ name: '17.5' }, { name: '17.5-bookworm' }, { name: '17' }] });
      expect(hub.requests[0]!.pathname).toBe('/v2/repositories/valkey/valkey/tags');
    });

    it('lists a flavour’s tags from its own repository (PostGIS: postgis/postgis); an unknown name is refused', async () => {
      reply = () => ({ body: hubTagsPage(['17-3.5', '16-3.5']) });
      const answer = await backend.call('GET', '/hub/tags/postgis');
      expect(answer.json).toMatchObject({ image: 'postgis', tags: [{ name: '17-3.5' }, { name: '16-3.5' }] });
      expect(hub.requests[0]!.pathname).toBe('/v2/repositories/postgis/postgis/tags');
      expect((await backend.call('GET', '/hub/tags/pgvector')).status).toBe(200);
      expect(hub.requests[1]!.pathname).toBe('/v2/repositories/pgvector/pgvector/tags');
      expect((await backend.call('GET', '/hub/tags/evil')).status).toBe(400);
      expect(hub.requests).toHaveLength(2);
    });

    it('uses page 1 and 25 tags per page when the UI does not say', async () => {
      const answer = await backend.call('GET', '/hub/tags/redis');
      expect(answer.json).toMatchObject({ image: 'redis', page: 1, hasMore: false, stale: false });
      expect(Object.fromEntries(hub.requests[0]!.searchParams)).toEqual({ page_size: '25', page: '1', ordering: 'last_updated' });
    });

    it('serves a repeated query from the cache until the TTL has passed', async () => {
      await backend.call('GET', '/hub/tags/mysql?name=8.4');
      clock += TTL - 1;
      const cached = await backend.call('GET', '/hub/tags/mysql?name=8.4');
      expect(cached.json).toMatchObject({ stale: false, tags: [{ name: '17.5' }, { name: '17.5-bookworm' }, { name: '17' }] });
      expect(hub.requests).toHaveLength(1);

      reply = () => ({ body: hubTagsPage(['9.3']) });
      clock += 1;
      const refreshed = await backend.call('GET', '/hub/tags/mysql?name=8.4');
      expect(refreshed.json).toMatchObject({ stale: false, tags: [{ name: '9.3' }] });
      expect(hub.requests).toHaveLength(2);
    });

    it('keeps different filters, pages and images apart in the cache', async () => {
      await backend.call('GET', '/hub/tags/mysql?name=8');
      await backend.call('GET', '/hub/tags/mysql?name=9');
      await backend.call('GET', '/hub/tags/mysql?name=9&page=2');
      await backend.call('GET', '/hub/tags/mariadb?name=9');
      expect(hub.requests.map((u) => u.pathname + u.search)).toHaveLength(4);
    });

    it('answers an empty last page when Hub says the page does not exist', async () => {
      reply = () => ({ status: 404, body: { message: 'httperror 404: object not found', errinfo: {} } });
      const answer = await backend.call('GET', '/hub/tags/mongo?page=10');
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ image: 'mongo', page: 10, tags: [], hasMore: false, stale: false });
    });

    it('never offers a page past the 10th', async () => {
      reply = () => ({ body: hubTagsPage(['7.0'], { next: true }) });
      expect((await backend.call('GET', '/hub/tags/mongo?page=9')).json).toMatchObject({ hasMore: true });
      expect((await backend.call('GET', '/hub/tags/mongo?page=10')).json).toMatchObject({ hasMore: false });
    });
  });

  describe('when Docker Hub rate-limits (429 with X-Retry-After)', () => {
    it('serves the cached answer marked stale, with the time Hub gave', async () => {
      await backend.call('GET', '/hub/tags/postgres?name=17');
      clock += TTL;
      const retryAt = Math.floor(clock / 1000) + 120;
      reply = () => rateLimited(retryAt);
      const answer = await backend.call('GET', '/hub/tags/postgres?name=17');
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        stale: true,
        retryAt: new Date(retryAt * 1000).toISOString(),
        tags: [{ name: '17.5' }, { name: '17.5-bookworm' }, { name: '17' }],
      });
    });

    it('answers 503 rate-limited with retryAt when nothing is cached, and leaves Hub alone until then', async () => {
      const retryAt = Math.floor(clock / 1000) + 300;
      reply = () => rateLimited(retryAt);
      const answer = await backend.call('GET', '/hub/tags/postgres');
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ error: 'rate-limited', message: expect.stringMatching(/rate limit/), retryAt: new Date(retryAt * 1000).toISOString() });

      reply = () => ({ body: hubTagsPage(['17']) });
      expect((await backend.call('GET', '/hub/tags/redis')).status).toBe(503);
      expect(hub.requests).toHaveLength(1);

      clock = retryAt * 1000;
      const later = await backend.call('GET', '/hub/tags/redis');
      expect(later.status).toBe(200);
      expect(later.json).toMatchObject({ stale: false, tags: [{ name: '17' }] });
    });
  });

  describe('when Docker Hub cannot be reached', () => {
    it('answers 503 hub-unavailable for a closed port, and serves the cache stale once it has one', async () => {
      const first = await backend.call('GET', '/hub/tags/mariadb');
      expect(first.status).toBe(200);
      await backend.app.close();
      const closedPort = await startFixtureHub(() => ({ body: {} }));
      await closedPort.close(); // a port that was just listening and now refuses connections
      backend = await startBackend(dir, { hubUrl: closedPort.url, ttlMs: TTL, now: () => clock }, driver); // a fresh cache

      const answer = await backend.call('GET', '/hub/tags/mariadb');
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ error: 'hub-unavailable', message: expect.stringMatching(/could not be reached/), retryAt: expect.any(String) });
    });

    it('marks the cached answer stale when a refresh fails on the network', async () => {
      await backend.call('GET', '/hub/tags/mariadb?name=11');
      await hub.close();
      clock += TTL;
      const answer = await backend.call('GET', '/hub/tags/mariadb?name=11');
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ stale: true, retryAt: expect.any(String), tags: [{ name: '17.5' }, { name: '17.5-bookworm' }, { name: '17' }] });
      expect(Date.parse((answer.json as { retryAt: string }).retryAt)).toBeGreaterThan(clock);
    });

    it('gives up on a Hub that never answers (request timeout) with 503', async () => {
      reply = () => 'hang';
      const answer = await backend.call('GET', '/hub/tags/postgres');
      expect(answer.status).toBe(503);
      expect(answer.json).toMatchObject({ error: 'hub-unavailable' });
    });

    it('answers 503 for a Hub server error', async () => {
      reply = () => ({ status: 502, raw: '<html>Bad Gateway</html>' });
      expect((await backend.call('GET', '/hub/tags/postgres')).json).toMatchObject({ error: 'hub-unavailable', message: expect.stringContaining('502') });
    });
  });

  describe('when Docker Hub sends a malformed answer', () => {
    const entry = hubTagsPage(['17']).results[0]!;
    const malformed: Array<[string, HubReply]> = [
      ['not JSON at all', { raw: '<html>maintenance</html>' }],
      ['truncated JSON', { raw: '{"count": 3, "results": [' }],
      ['JSON null', { body: null }],
      ['no results array', { body: { count: 1, results: 'none' } }],
      ['an entry without a name', { body: { next: null, results: [{ ...entry, name: undefined }] } }],
      ['an entry whose name is not a tag', { body: { next: null, results: [{ ...entry, name: '17; rm -rf /' }] } }],
      ['an entry without a date', { body: { next: null, results: [{ ...entry, last_updated: 'yesterday', tag_last_pushed: null }] } }],
      ['images that are not a list', { body: { next: null, results: [{ ...entry, images: 'amd64' }] } }],
      ['a next link that is not a string', { body: { next: 2, results: [entry] } }],
    ];

    it.each(malformed)('answers 503 instead of passing on %s', async (_what, bad) => {
      reply = () => bad;
      const answer = await backend.call('GET', '/hub/tags/postgres');
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ error: 'hub-unavailable', message: expect.stringMatching(/could not read/), retryAt: expect.any(String) });
    });

    it('keeps serving the last good answer (stale) and the backend stays up', async () => {
      await backend.call('GET', '/hub/tags/postgres');
      clock += TTL;
      reply = () => ({ raw: '{"results": [{"name": {"$gt": ""}}]}' });
      const answer = await backend.call('GET', '/hub/tags/postgres');
      expect(answer.json).toMatchObject({ stale: true, tags: [{ name: '17.5' }, { name: '17.5-bookworm' }, { name: '17' }] });
      expect((await backend.call('GET', '/health')).status).toBe(200);
    });

    it('falls back to the newest push date and the largest image when Hub leaves fields out', async () => {
      reply = () => ({
        body: {
          next: null,
          results: [
            {
              name: '7.4',
              last_updated: null,
              tag_last_pushed: '2025-01-02T03:04:05Z',
              images: [
                { architecture: 'amd64', size: 40 },
                { architecture: 's390x', size: 50 },
              ],
            },
          ],
        },
      });
      expect((await backend.call('GET', '/hub/tags/redis')).json).toMatchObject({
        tags: [{ name: '7.4', lastUpdated: '2025-01-02T03:04:05.000Z', architectures: ['amd64', 's390x'], size: 50 }],
      });
    });
  });

  describe('input validation', () => {
    const cases: Array<[string, string, string]> = [
      ['an image that is not one of the five official ones', '/hub/tags/nginx', 'image'],
      ['a page past 10', '/hub/tags/postgres?page=11', 'page'],
      ['page 0', '/hub/tags/postgres?page=0', 'page'],
      ['a page that is not a number', '/hub/tags/postgres?page=two', 'page'],
      ['a page size over 100', '/hub/tags/postgres?pageSize=101', 'pageSize'],
      ['a filter with characters no tag has', '/hub/tags/postgres?name=17%26page_size%3D1000', 'name'],
    ];
    it.each(cases)('answers 400 for %s, naming the field, without asking Hub', async (_what, url, field) => {
      const answer = await backend.call('GET', url);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: 'invalid-input', field, message: expect.stringContaining(`"${field}"`) });
      expect(hub.requests).toHaveLength(0);
    });
  });

  describe('what Docker Hub sends is bounded', () => {
    it('stops reading a body that never ends, and says so', async () => {
      reply = () => 'endless';
      const started = Date.now();
      const answer = await backend.call('GET', '/hub/tags/postgres');
      expect(answer.status).toBe(503);
      expect(answer.json).toMatchObject({ error: 'hub-unavailable', message: 'Docker Hub sent an answer larger than 8 MB; Dockbase stopped reading it.' });
      expect(Date.now() - started).toBeLessThan(5000);
      // The connection was closed: nothing more is sent.
      await expect.poll(() => hub.endless.open).toBe(0);
      expect(hub.endless.bytes).toBeLessThan(64 * 1024 * 1024);
    });

    it('refuses a body that declares itself too big without reading it', async () => {
      reply = () => ({ headers: { 'content-length': String(9 * 1024 * 1024) }, raw: ' '.repeat(9 * 1024 * 1024) });
      expect((await backend.call('GET', '/hub/tags/postgres')).json).toMatchObject({
        error: 'hub-unavailable',
        message: expect.stringMatching(/larger than 8 MB/),
      });
    });

    it('does not follow a redirect off Docker Hub’s origin', async () => {
      const elsewhere = await startFixtureHub(() => ({ body: hubTagsPage(['evil']) }));
      try {
        reply = (url) => ({ status: 302, headers: { location: `${elsewhere.url}${url.pathname}${url.search}` }, body: {} });
        const answer = await backend.call('GET', '/hub/tags/redis');
        expect(answer.status).toBe(503);
        expect(answer.json).toMatchObject({ error: 'hub-unavailable', message: 'Docker Hub redirected to another site; Dockbase does not follow that.' });
        expect(elsewhere.requests).toEqual([]);
      } finally {
        await elsewhere.close();
      }
    });

    it('follows a redirect within Docker Hub’s origin', async () => {
      reply = (url) =>
        url.searchParams.has('moved')
          ? { body: hubTagsPage(['8.2']) }
          : { status: 301, headers: { location: `${url.pathname}${url.search}&moved=1` }, body: {} };
      const answer = await backend.call('GET', '/hub/tags/redis');
      expect(answer.json).toMatchObject({ stale: false, tags: [{ name: '8.2' }] });
      expect(hub.requests).toHaveLength(2);
    });
  });
});
