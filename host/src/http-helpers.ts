import type http from 'node:http';

/** Small HTTP helpers shared by the host's parts (authentication, exec bridge, static files, backend proxy). */

/** Largest request body (exec requests and backend calls). */
export const MAX_BODY_BYTES = 64 * 1024;

/** A refusal with an HTTP status; the server answers it as JSON `{error}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Sent with every response. */
export const BASE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export function sendError(res: http.ServerResponse, status: number, error: string, closeConnection = false) {
  if (closeConnection) res.setHeader('connection', 'close');
  sendJson(res, status, { error });
}

/** The whole request body, refused with 413 beyond MAX_BODY_BYTES (declared or actual). */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    discard(req);
    return Promise.reject(new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.off('end', onEnd);
        discard(req);
        reject(new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Reads and drops the rest of an oversize body (so the client sees the 413), up to a hard limit. */
function discard(req: http.IncomingMessage) {
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > 16 * MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
}
