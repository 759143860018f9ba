import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, startAttacker, type Attacker } from '../support/attacker';
import { openBrowserSession, type BrowserSession } from '../support/browser-session';
import type { PageWindow } from '../support/host';

// The security issue's "session theft across loopback ports", replayed: the user signs in to the host in
// Chromium, then the same browser loads one page served by another process on another 127.0.0.1 port.
// Browsers do not scope cookies by port, so that process receives whatever cookies the browser holds for
// 127.0.0.1. It replays everything it collected (with every header a browser would send, forged) against
// the host: nothing may be granted, and the bridge token must not come back.
let session: BrowserSession;
let attacker: Attacker;

beforeAll(async () => {
  session = await openBrowserSession();
  attacker = await startAttacker();
});

afterAll(async () => {
  await session?.close();
  await attacker?.close();
});

/** Every route the host serves with something worth having, as the attacker would call it. */
const ROUTES: Array<{ method: string; path: string; body?: string }> = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/index.html' },
  { method: 'POST', path: '/api/session', body: '{}' },
  { method: 'GET', path: '/api/page' },
  { method: 'POST', path: '/api/exec', body: JSON.stringify({ cmd: 'version', args: ['--format', '{{.Server.Version}}'] }) },
  { method: 'POST', path: '/api/exec-stream', body: JSON.stringify({ cmd: 'version', args: ['--format', '{{.Server.Version}}'] }) },
  { method: 'GET', path: '/api/vm/health' },
  { method: 'GET', path: '/api/vm/instances' },
  { method: 'PUT', path: '/api/vm/instances/stolen', body: '{}' },
];

/** What a response would hand the attacker: a bridge token in any JSON it contains. */
const tokenIn = (body: string) => /"token"\s*:\s*"([^"]+)"/.exec(body)?.[1];

describe('a page on another loopback port', () => {
  it('collects nothing from the browser that replays into access to the host', async () => {
    const tab = await session.context.newPage();
    await tab.goto(attacker.url);
    await attacker.reported();
    await tab.close();

    // The attacker's process replays what it collected, forging the headers a same-origin request has.
    const cookie = attacker.cookies().join('; ');
    let stolenToken: string | undefined;
    const granted: Array<{ route: string; status: number; tokenInAnswer: boolean }> = [];
    for (const route of ROUTES) {
      const headers: Record<string, string> = {
        host: `127.0.0.1:${session.host.port}`,
        origin: `http://127.0.0.1:${session.host.port}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      };
      if (cookie) headers.cookie = cookie;
      // A token lifted from an earlier answer goes along, as it would in a real attack.
      if (stolenToken) headers['x-dockbase-token'] = stolenToken;
      const res = await replay(session.host.port, { ...route, headers });
      stolenToken ??= tokenIn(res.body);
      const tokenInAnswer = res.body.includes(session.token) || JSON.stringify(res.headers).includes(session.token);
      if (![401, 403].includes(res.status) || tokenInAnswer) granted.push({ route: `${route.method} ${route.path}`, status: res.status, tokenInAnswer });
    }

    // Every route refused (401/403), and no answer carried the token.
    expect(granted).toEqual([]);
    expect(stolenToken).toBeUndefined();
    // Nothing the attacker's server saw contains the token either.
    expect(JSON.stringify(attacker.seen)).not.toContain(session.token);
  });

  it('leaves the user signed in, in their own tab', async () => {
    const version = await session.page.evaluate(async () => {
      const r = await (window as unknown as PageWindow).ddClient.docker.cli.exec('version', ['--format', '"{{json .}}"']);
      return r.code;
    });
    expect(version).toBe(0);
  });
});
