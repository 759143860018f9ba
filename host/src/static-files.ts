import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { HttpError } from './http-helpers';
import { CLIENT_SCRIPT_PATH, CONFIG_ELEMENT_ID, LOGIN_PATH, SIGN_IN_ELEMENT_ID, SIGN_IN_STYLE_PATH, type PageConfig } from './protocol';

/**
 * What the browser loads. None of it is secret, and none of it needs (or could use) a credential: a
 * navigation or a <script src> cannot carry the token, and a cookie would reach other loopback ports.
 *
 * - `/`, `/index.html`, `/login`: the sign-in page (401, except 200 for the login link's /login). Its script
 *   signs in with the code from the login link, or finds the token in the tab's sessionStorage, and then
 *   replaces the page with the app's HTML from PAGE_PATH (served behind the token, see serveApp).
 * - The page script, the sign-in stylesheet and the files of the UI build (not its index.html): to anyone.
 */

/**
 * The CSP of the sign-in page, which becomes the app's page. Scripts come from this server only; styles may
 * be inline (MUI/emotion injects <style>), the sign-in page itself uses its stylesheet.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface StaticFiles {
  /** Serves GET/HEAD `pathname`: the sign-in page, the page script and stylesheet, the UI build's files. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void;
  /** The UI's index.html with `config` and the page script injected (PAGE_PATH, behind the token). */
  serveApp(req: http.IncomingMessage, res: http.ServerResponse, config: PageConfig): void;
}

/** Reads the UI's index.html and the page script now (throws when either is missing). */
export function createStaticFiles(uiDist: string, clientScriptFile: string): StaticFiles {
  let indexHtml = readRequired(path.join(uiDist, 'index.html'), 'the UI build (run `npm run build -w ui`)');
  const readIndex = () => {
    try {
      indexHtml = fs.readFileSync(path.join(uiDist, 'index.html'), 'utf8');
    } catch {
      // in the middle of a rebuild: the last version read
    }
    return indexHtml;
  };
  const clientScript = readRequired(clientScriptFile, 'the host page script (run `npm run build -w host`)');
  const send = (req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: string) => {
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    serve(req, res, pathname) {
      if (pathname === '/' || pathname === '/index.html' || pathname === LOGIN_PATH) {
        const status = pathname === LOGIN_PATH ? 200 : 401;
        send(req, res, status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP }, SIGN_IN_HTML);
        return;
      }
      if (pathname === CLIENT_SCRIPT_PATH) return send(req, res, 200, { 'content-type': 'text/javascript; charset=utf-8' }, clientScript);
      if (pathname === SIGN_IN_STYLE_PATH) return send(req, res, 200, { 'content-type': 'text/css; charset=utf-8' }, SIGN_IN_CSS);
      if (pathname === '/favicon.ico' && !fs.existsSync(path.join(uiDist, 'favicon.ico'))) {
        res.writeHead(204).end(); // the browser asks for one; the UI build has none
        return;
      }
      serveFile(req, res, uiDist, pathname);
    },
    serveApp(req, res, config) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET');
      // Read on every request: the UI may have been rebuilt (new asset names) while the host runs.
      send(req, res, 200, { 'content-type': 'text/html; charset=utf-8' }, injectIntoHtml(readIndex(), config));
    },
  };
}

const SIGN_IN_TEXT =
  'Open Dockbase with a one-time login link from the terminal where <code>npx dockbase</code> (or <code>npm start</code>) runs: it prints one when it ' +
  'starts, and a new one each time you press Enter there. Each link works once, in one browser tab; reloading that ' +
  'tab keeps you signed in.';

/** Static: no secret, no inline script or style. The page script fills in #SIGN_IN_ELEMENT_ID as it signs in. */
const SIGN_IN_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Dockbase</title>
<link rel="stylesheet" href="${SIGN_IN_STYLE_PATH}">
<script src="${CLIENT_SCRIPT_PATH}"></script>
</head>
<body>
<main id="${SIGN_IN_ELEMENT_ID}">
<h1>Sign in to Dockbase</h1>
<p>${SIGN_IN_TEXT}</p>
</main>
</body>
</html>
`;

const SIGN_IN_CSS = `body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }
`;

/** Puts the configuration and the page script before the UI's first script, so they run before it. */
export function injectIntoHtml(indexHtml: string, config: PageConfig): string {
  // Only PageConfig's fields, whatever else the object has: the token must never end up in the HTML.
  const { backend, platform, arch, hostname } = config;
  // JSON inside a <script> element: "<" escaped so that no "</script" or "<!--" can end or confuse it.
  const json = JSON.stringify({ backend, platform, arch, hostname })
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const snippet = `<script type="application/json" id="${CONFIG_ELEMENT_ID}">${json}</script>\n` + `    <script src="${CLIENT_SCRIPT_PATH}"></script>\n    `;
  const firstScript = indexHtml.search(/<script\b/i);
  if (firstScript >= 0) return indexHtml.slice(0, firstScript) + snippet + indexHtml.slice(firstScript);
  const headEnd = indexHtml.search(/<\/head>/i);
  if (headEnd >= 0) return indexHtml.slice(0, headEnd) + snippet + indexHtml.slice(headEnd);
  return snippet + indexHtml;
}

function readRequired(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${what} is missing: ${file}`);
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file inside `root` (404 for anything outside it, its index.html, a directory or a missing file). */
function serveFile(req: http.IncomingMessage, res: http.ServerResponse, root: string, pathname: string) {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'bad path');
  }
  const file = path.resolve(root, `.${rel}`);
  const inside = path.relative(root, file);
  if (rel.includes('\0') || inside.startsWith('..') || path.isAbsolute(inside)) throw new HttpError(404, 'not found');
  // The app's HTML comes from PAGE_PATH only (e.g. not as /%69ndex.html).
  if (inside === 'index.html') throw new HttpError(404, 'not found');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new HttpError(404, 'not found');
  }
  if (!stat.isFile()) throw new HttpError(404, 'not found');
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stat.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
