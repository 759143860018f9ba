import http from 'node:http';
import { HttpError, readBody, sendJson } from './http-helpers';

/**
 * `/api/vm/<target>` → the backend's `/<target>` on its unix socket. Forwards only the method, the body,
 * Content-Type and Accept (never the token or cookies), and answers with the backend's status, Content-Type
 * and body (never its other headers).
 */
export async function proxyToBackend(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  socketPath: string | undefined,
  target: string,
  /** Why the supervisor gave up on the backend, once it has: said instead of "starting it again". */
  failure?: string,
): Promise<void> {
  if (failure !== undefined) {
    sendJson(res, 503, {
      error: 'unavailable',
      message: `The Dockbase backend cannot start: ${failure}. Notes and history are off until the host is started again.`,
    });
    return;
  }
  if (!socketPath) throw new HttpError(404, 'this host runs without a backend');
  const method = req.method ?? 'GET';
  if (!['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw new HttpError(405, 'method not allowed');
  const body = await readBody(req);
  const headers: http.OutgoingHttpHeaders = {};
  const contentType = req.headers['content-type'];
  if (contentType && body.length > 0) headers['content-type'] = contentType;
  if (req.headers.accept) headers.accept = req.headers.accept;
  if (body.length > 0 || !['GET', 'HEAD', 'DELETE'].includes(method)) headers['content-length'] = body.length;
  await new Promise<void>((resolve) => {
    const upstream = http.request({ socketPath, path: `/${target}`, method, headers, timeout: 120_000 }, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      if (answer.headers['content-type']) out['content-type'] = answer.headers['content-type'];
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on('timeout', () => upstream.destroy(new Error('the backend did not answer in time')));
    upstream.on('error', (e) => {
      // Said for the page, without the host's internals (the socket's path): the host restarts a dead backend.
      const timedOut = /did not answer in time/.test(e.message);
      if (!res.headersSent) {
        sendJson(res, timedOut ? 504 : 503, {
          error: 'unavailable',
          message: timedOut ? 'The Dockbase backend did not answer in time.' : 'The Dockbase backend is not running right now; the host is starting it again.',
        });
      } else res.destroy();
      resolve();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  });
}
