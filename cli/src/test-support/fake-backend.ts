import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** One request the fake backend received: its method, its URL and its JSON body. */
export interface BackendRequest {
  method: string;
  url: string;
  body?: unknown;
}

/** A route's answer: its status and JSON. */
export type BackendReply = { status: number; json?: unknown } | ((request: BackendRequest) => { status: number; json?: unknown });

/**
 * A stand-in for the standalone host's backend on a unix socket, as the CLI reaches it: it answers the
 * routes it is given (`METHOD /path`, the longest prefix wins; records and history are taken by default) and
 * keeps every request, in order. `close` ends it and removes its folder.
 */
export async function fakeBackend(routes: Record<string, BackendReply> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-cli-backend-'));
  const socket = path.join(dir, 'backend.sock');
  const requests: BackendRequest[] = [];
  const all: Record<string, BackendReply> = {
    'GET /health': { status: 200, json: { status: 'ok', jobs: { running: 0 } } },
    'PUT /instances/': (r) => ({ status: 201, json: { id: r.url.split('/')[2], ...(r.body as object) } }),
    'POST /instances/': { status: 201, json: {} },
    'DELETE /instances/': { status: 204 },
    ...routes,
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (c: string) => (text += c));
    req.on('end', () => {
      const request: BackendRequest = { method: req.method ?? '', url: req.url ?? '', ...(text ? { body: JSON.parse(text) as unknown } : {}) };
      requests.push(request);
      const key = `${request.method} ${request.url}`;
      const route = Object.keys(all)
        .filter((k) => key.startsWith(k))
        .sort((a, b) => b.length - a.length)[0];
      const reply = route ? all[route] : { status: 404, json: { message: 'no such route' } };
      const { status, json } = typeof reply === 'function' ? reply(request) : (reply ?? { status: 500 });
      res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    requests,
    /** The requests that wrote notes or history (not the health check, not jobs). */
    records: () => requests.filter((r) => r.url.startsWith('/instances/')),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
