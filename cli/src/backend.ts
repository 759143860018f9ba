/**
 * The standalone host's backend, as the command line reaches it: JSON requests on its unix socket (found by
 * `@dockbase/host/discovery`, see main.ts). Jobs are handed to it (jobs.ts) and what the CLI does itself is
 * recorded in its history (history.ts).
 */
import http from 'node:http';
import { DockbaseError } from '@dockbase/core';

export interface BackendAnswer {
  status: number;
  json: Record<string, unknown>;
}

/**
 * One JSON request to the backend on its unix socket. `timeoutMs`: a backend that does not answer within it
 * is taken as gone (a recording must never hold a command up); without it, it is waited for.
 */
export function callBackend(socket: string, method: string, url: string, body?: unknown, options: { timeoutMs?: number } = {}): Promise<BackendAnswer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath: socket,
        method,
        path: url,
        headers: data ? { 'content-type': 'application/json' } : {},
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
          } catch {
            reject(new DockbaseError('bridge-unavailable', 'The Dockbase backend gave an answer that is not JSON.'));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => reject(new DockbaseError('bridge-unavailable', 'The Dockbase backend stopped answering.')));
    req.end(data);
  });
}
