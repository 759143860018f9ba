import { describe, expect, it } from 'vitest';
import { PAGE_PATH, SESSION_PATH, TOKEN_HEADER, TOKEN_STORAGE_KEY } from '../protocol';
import { MESSAGES, signIn, type SignInDeps } from './sign-in';

interface World {
  deps: SignInDeps;
  /** Everything that happened, in order. */
  events: string[];
  storage: Map<string, string>;
  written: string[];
  shown: Array<[string, string]>;
}

/** The sign-in page at `href`, with a host that answers `respond`. */
function world(href: string, respond: (url: string, init: RequestInit) => Response, stored?: string): World {
  const events: string[] = [];
  const storage = new Map<string, string>(stored === undefined ? [] : [[TOKEN_STORAGE_KEY, stored]]);
  const written: string[] = [];
  const shown: Array<[string, string]> = [];
  const deps: SignInDeps = {
    href,
    replaceUrl: (url) => events.push(`replace ${url}`),
    fetch: (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      events.push(`${init.method ?? 'GET'} ${String(input)}`);
      return respond(String(input), init);
    }) as typeof fetch,
    storage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
      removeItem: (k) => void storage.delete(k),
    },
    show: (title, text) => void shown.push([title, text]),
    writeDocument: (html) => void written.push(html),
  };
  return { deps, events, storage, written, shown };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const html = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/html' } });

/** A host whose code is `code` (usable once) and token `token`. */
function host(code: string, token: string) {
  let used = false;
  const seen: Array<{ url: string; init: RequestInit }> = [];
  const respond = (url: string, init: RequestInit) => {
    seen.push({ url, init });
    if (url === SESSION_PATH) {
      const sent = (JSON.parse(String(init.body)) as { code: string }).code;
      if (used || sent !== code) return json({ error: 'used' }, 401);
      used = true;
      return json({ token });
    }
    if (url === PAGE_PATH) {
      const headers = init.headers as Record<string, string>;
      return headers[TOKEN_HEADER] === token ? html('<html>the app</html>') : json({ error: 'no' }, 401);
    }
    return json({ error: 'not found' }, 404);
  };
  return { respond, seen };
}

describe('signIn', () => {
  it('on the login link: drops the code from the address first, exchanges it, keeps the token, loads the app', async () => {
    const h = host('the-code', 'the-token');
    const w = world('http://127.0.0.1:7600/login?code=the-code', h.respond);
    await expect(signIn(w.deps)).resolves.toBe('app');
    expect(w.events).toEqual(['replace /', `POST ${SESSION_PATH}`, `GET ${PAGE_PATH}`]);
    expect(h.seen[0]?.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"the-code"}' });
    expect(w.storage.get(TOKEN_STORAGE_KEY)).toBe('the-token');
    expect((h.seen[1]?.init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('the-token');
    expect(w.written).toEqual(['<html>the app</html>']);
  });

  it('after a reload: the token from sessionStorage, no exchange', async () => {
    const h = host('the-code', 'the-token');
    const w = world('http://127.0.0.1:7600/', h.respond, 'the-token');
    await expect(signIn(w.deps)).resolves.toBe('app');
    expect(w.events).toEqual([`GET ${PAGE_PATH}`]);
    expect(w.written).toHaveLength(1);
  });

  it('without a token or a code: leaves the sign-in text, asks the host nothing', async () => {
    const w = world('http://127.0.0.1:7600/', () => {
      throw new Error('no request expected');
    });
    await expect(signIn(w.deps)).resolves.toBe('signed-out');
    expect(w.events).toEqual([]);
    expect(w.shown).toEqual([]);
    expect(w.written).toEqual([]);
  });

  it('a used or wrong link: says so and loads nothing', async () => {
    const h = host('the-code', 'the-token');
    const w = world('http://127.0.0.1:7600/login?code=old', h.respond);
    await expect(signIn(w.deps)).resolves.toBe('link-invalid');
    expect(w.events).toEqual(['replace /', `POST ${SESSION_PATH}`]);
    expect(w.shown).toEqual([MESSAGES.linkInvalid]);
    expect(w.shown[0]?.[1]).toContain('only once');
    expect(w.storage.size).toBe(0);
    expect(w.written).toEqual([]);
  });

  it('a used link opened again in a signed-in tab: keeps that tab signed in', async () => {
    const h = host('the-code', 'the-token');
    const w = world('http://127.0.0.1:7600/login?code=old', h.respond, 'the-token');
    await expect(signIn(w.deps)).resolves.toBe('app');
    expect(w.storage.get(TOKEN_STORAGE_KEY)).toBe('the-token');
  });

  it('a token the host no longer accepts (it was restarted): forgets it and says so', async () => {
    const h = host('the-code', 'new-token');
    const w = world('http://127.0.0.1:7600/', h.respond, 'old-token');
    await expect(signIn(w.deps)).resolves.toBe('expired');
    expect(w.storage.size).toBe(0);
    expect(w.shown.at(-1)).toEqual(MESSAGES.expired);
    expect(w.written).toEqual([]);
  });

  it('a code only counts on the login link', async () => {
    const h = host('the-code', 'the-token');
    const w = world('http://127.0.0.1:7600/?code=the-code', h.respond);
    await expect(signIn(w.deps)).resolves.toBe('signed-out');
    expect(w.events).toEqual([]);
  });

  it('an unreachable host: says so', async () => {
    const w = world(
      'http://127.0.0.1:7600/',
      () => {
        throw new TypeError('Failed to fetch');
      },
      'the-token',
    );
    await expect(signIn(w.deps)).resolves.toBe('failed');
    expect(w.shown.at(-1)?.[1]).toContain('Failed to fetch');
    expect(w.storage.get(TOKEN_STORAGE_KEY)).toBe('the-token');
  });
});
