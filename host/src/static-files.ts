import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { HttpError } from './http-helpers';
import { CLIENT_SCRIPT_PATH, CONFIG_ELEMENT_ID, type HostConfig } from './protocol';

/**
 * What the browser loads: the UI's index.html with the host's configuration and page script injected
 * (under a Content-Security-Policy), the page script itself, and the files of the UI build.
 */

/** The page's scripts come from this server only; styles may be inline (MUI/emotion injects <style>). */
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
  /**
   * Serves GET/HEAD `pathname`: `/` and `/index.html` (the UI's index.html with `config` injected), the page
   * script, and the UI build's files.
   */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, config: HostConfig): void;
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

  return {
    serve(req, res, pathname, config) {
      if (pathname === '/' || pathname === '/index.html') {
        // Read on every visit: the UI may have been rebuilt (new asset names) while the host runs.
        const html = injectIntoHtml(readIndex(), config);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
        res.end(req.method === 'HEAD' ? undefined : html);
        return;
      }
      if (pathname === CLIENT_SCRIPT_PATH) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : clientScript);
        return;
      }
      if (pathname === '/favicon.ico' && !fs.existsSync(path.join(uiDist, 'favicon.ico'))) {
        res.writeHead(204).end(); // the browser asks for one; the UI build has none
        return;
      }
      serveFile(req, res, uiDist, pathname);
    },
  };
}

/** Puts the configuration and the page script before the UI's first script, so they run before it. */
export function injectIntoHtml(indexHtml: string, config: HostConfig): string {
  // JSON inside a <script> element: "<" escaped so that no "</script" or "<!--" can end or confuse it.
  const json = JSON.stringify(config).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const snippet =
    `<script type="application/json" id="${CONFIG_ELEMENT_ID}">${json}</script>\n` +
    `    <script src="${CLIENT_SCRIPT_PATH}"></script>\n    `;
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

/** A file inside `root` (404 for anything outside it, a directory or a missing file). */
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
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
