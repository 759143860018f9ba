import crypto from 'node:crypto';
import type http from 'node:http';
import { TOKEN_HEADER } from './protocol';
import { HttpError } from './http-helpers';

/**
 * Who may use the host: the Host and Origin checks every request passes, the per-run bridge token that
 * every /api/ request needs, and the one-time login link that starts a browser session (a cookie) which
 * unlocks the HTML, the page script and the UI build.
 */

export const random = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');
const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
/** Constant-time comparison of a presented secret against the digest of the real one. */
const matches = (presented: unknown, expected: Buffer) =>
  typeof presented === 'string' && crypto.timingSafeEqual(digest(presented), expected);

export interface Auth {
  /** The per-run bridge token. */
  readonly token: string;
  /** The one-time login code (in the link that `npm start` prints). */
  readonly loginCode: string;
  /** Called once the port is known: the Host values accepted from then on, and the cookie's name. */
  listeningOn(port: number): void;
  /** DNS rebinding and CSRF: throws 403 unless Host is ours and a present Origin is ours. Returns Host. */
  checkHostAndOrigin(req: http.IncomingMessage): string;
  /** For /api/: throws 403 for a cross-site fetch, 401 without the right token. */
  requireToken(req: http.IncomingMessage): void;
  /** GET /login?code=…: uses the code up once, sets the session cookie and redirects to /. */
  login(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void;
  /** Whether the request carries a valid session cookie. */
  hasSession(req: http.IncomingMessage): boolean;
  /** The 401 page that points to the login link. */
  refuseWithoutSession(res: http.ServerResponse): void;
}

export function createAuth(): Auth {
  const token = random();
  const tokenDigest = digest(token);
  const loginCode = random();
  const loginDigest = digest(loginCode);
  let loginUsed = false;
  const sessions = new Set<string>(); // sha256 hex of session ids
  let allowedHosts: string[] = [];
  let cookieName = '';

  return {
    token,
    loginCode,
    listeningOn(port) {
      allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
      // Cookies are not isolated by port: a port-specific name keeps two hosts from overwriting each other.
      cookieName = `dockbase_session_${port}`;
    },
    checkHostAndOrigin(req) {
      // DNS rebinding: a foreign name resolving to 127.0.0.1 still says so in Host.
      const host = (req.headers.host ?? '').toLowerCase();
      if (!allowedHosts.includes(host)) throw new HttpError(403, 'unexpected Host header');
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) throw new HttpError(403, 'cross-origin requests are not allowed');
      return host;
    },
    requireToken(req) {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') throw new HttpError(403, 'cross-site requests are not allowed');
      if (!matches(req.headers[TOKEN_HEADER], tokenDigest)) throw new HttpError(401, 'missing or wrong bridge token');
    },
    login(req, res, url) {
      // GET only: a HEAD (a link preview, a prefetch) must not use the code up.
      if (req.method !== 'GET') throw new HttpError(405, 'use GET');
      const code = url.searchParams.get('code');
      if (loginUsed || !matches(code, loginDigest)) {
        sendPage(res, 401, 'This login link is not valid', LOGIN_USED_TEXT);
        return;
      }
      loginUsed = true;
      const session = random();
      sessions.add(digest(session).toString('hex'));
      res.setHeader('set-cookie', `${cookieName}=${session}; Path=/; HttpOnly; SameSite=Strict`);
      res.writeHead(303, { location: '/', 'content-length': 0 }).end();
    },
    hasSession(req) {
      const session = readCookie(req.headers.cookie, cookieName);
      return session !== undefined && sessions.has(digest(session).toString('hex'));
    },
    refuseWithoutSession(res) {
      sendPage(res, 401, 'Sign in to Dockbase', NO_SESSION_TEXT);
    },
  };
}

const NO_SESSION_TEXT =
  'Open Dockbase with the one-time login link printed by `npm start` in its terminal. ' +
  'The link works once; if it has been used already (or the browser lost its session), stop the host with Ctrl-C ' +
  'and run `npm start` again for a new link.';
const LOGIN_USED_TEXT =
  'This login link is wrong or has been used already: each link printed by `npm start` works only once. ' +
  'Stop the host with Ctrl-C and run `npm start` again for a new link.';

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sendPage(res: http.ServerResponse, status: number, title: string, text: string) {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" });
  res.end(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>\n` +
      `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">\n` +
      `<h1>${escape(title)}</h1>\n<p>${escape(text).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>\n</body></html>\n`,
  );
}
