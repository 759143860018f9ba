import crypto from 'node:crypto';
import type http from 'node:http';
import { HttpError, readBody, sendJson } from './http-helpers';
import { TOKEN_HEADER, type SessionResponse } from './protocol';

/**
 * Who may use the host.
 *
 * - Every request: Host must be ours (DNS rebinding) and a present Origin must be ours (CSRF).
 * - Every /api/ request needs the per-run bridge token in TOKEN_HEADER; a browser's fetch must be same-origin.
 * - The one way to the token: POST SESSION_PATH with the one-time login code, from a page of our own
 *   origin (the sign-in page's script reads the code from the link `npm start` prints). The page keeps the
 *   token in sessionStorage, which browsers scope by origin, port included.
 *
 * There are no cookies: browsers send a cookie to every port of a host name, so any credential kept in one
 * would reach (and be replayable by) any other process listening on 127.0.0.1.
 */

export const random = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');
const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
/** Constant-time comparison of a presented secret against the digest of the real one. */
const matches = (presented: unknown, expected: Buffer) => typeof presented === 'string' && crypto.timingSafeEqual(digest(presented), expected);

export interface Auth {
  /** The per-run bridge token. */
  readonly token: string;
  /** The first one-time login code (in the link that `npm start` prints). */
  readonly loginCode: string;
  /** A fresh one-time login code; the previous one, if still unused, stops working. */
  newLoginCode(): string;
  /** Called once the port is known: the Host values accepted from then on. */
  listeningOn(port: number): void;
  /** DNS rebinding and CSRF: throws 403 unless Host is ours and a present Origin is ours. Returns Host. */
  checkHostAndOrigin(req: http.IncomingMessage): string;
  /** For /api/: throws 403 for a cross-site fetch, 401 without the right token. */
  requireToken(req: http.IncomingMessage): void;
  /** POST SESSION_PATH {code}: answers {token} once per code; 401 for a wrong or used code, 403 when not from our page. */
  exchangeCode(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export function createAuth(): Auth {
  const token = random();
  const tokenDigest = digest(token);
  let loginDigest: Buffer | undefined; // undefined once used
  const newLoginCode = () => {
    const code = random();
    loginDigest = digest(code);
    return code;
  };
  const loginCode = newLoginCode();
  let allowedHosts: string[] = [];

  return {
    token,
    loginCode,
    newLoginCode,
    listeningOn(port) {
      allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
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
      refuseCrossSite(req);
      if (!matches(req.headers[TOKEN_HEADER], tokenDigest)) throw new HttpError(401, 'missing or wrong bridge token');
    },
    async exchangeCode(req, res) {
      refuseCrossSite(req);
      // The sign-in page's fetch always carries an Origin, and checkHostAndOrigin has made sure it is ours.
      if (req.headers.origin === undefined) throw new HttpError(403, 'sign in through the login link');
      // Anything but the sign-in page's request is refused before the body is read (403, not 405: this
      // route grants nothing to anyone without a code).
      if (req.method !== 'POST' || !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        throw new HttpError(403, 'sign in through the login link');
      }
      const code = parseCode(await readBody(req));
      if (loginDigest === undefined || !matches(code, loginDigest)) {
        throw new HttpError(401, 'this login link is wrong or has been used already');
      }
      loginDigest = undefined;
      const body: SessionResponse = { token };
      sendJson(res, 200, body);
    },
  };
}

function refuseCrossSite(req: http.IncomingMessage) {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') throw new HttpError(403, 'cross-site requests are not allowed');
}

function parseCode(body: Buffer): string | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    const code = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
