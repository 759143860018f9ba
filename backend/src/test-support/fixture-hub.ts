import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the test wants the fake Docker Hub to answer to one request. */
export type HubReply =
  | { status?: number; headers?: Record<string, string>; body: unknown }
  | { status?: number; headers?: Record<string, string>; raw: string }
  | 'hang'
  /** A 200 whose body never ends: 64 KiB of JSON-ish bytes every millisecond until the client goes away. */
  | 'endless';

export interface FixtureHub {
  url: string;
  /** Every request it received, in order. */
  requests: URL[];
  /** Bytes of endless bodies written so far, and whether every endless reply has been closed by the client. */
  endless: { bytes: number; open: number };
  close(): Promise<void>;
}

/** A stand-in for hub.docker.com on 127.0.0.1, answering from `reply`. */
export async function startFixtureHub(reply: (url: URL) => HubReply): Promise<FixtureHub> {
  const requests: URL[] = [];
  const endless = { bytes: 0, open: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    const answer = reply(url);
    if (answer === 'hang') return; // never answers: the backend's timeout has to end the wait
    if (answer === 'endless') {
      // Paced (about 64 MB/s at most), so that a client that does read it all fills its memory slowly.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"count":1,"results":[');
      const chunk = Buffer.alloc(64 * 1024, ' ');
      endless.open++;
      const timer = setInterval(() => {
        if (res.writableNeedDrain) return;
        res.write(chunk);
        endless.bytes += chunk.length;
      }, 1);
      res.on('close', () => {
        clearInterval(timer);
        endless.open--;
      });
      return;
    }
    const text = 'raw' in answer ? answer.raw : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    endless,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A page in the shape of Docker Hub's `GET /v2/repositories/library/<image>/tags` answer. */
export function hubTagsPage(names: string[], options: { next?: boolean; image?: string } = {}) {
  const image = options.image ?? 'postgres';
  return {
    count: names.length + (options.next ? 100 : 0),
    next: options.next ? `https://hub.docker.com/v2/repositories/library/${image}/tags?page=2&page_size=${names.length}` : null,
    previous: null,
    results: names.map((name, i) => ({
      creator: 7,
      id: 1000 + i,
      images: [
        {
          architecture: 'amd64',
          features: '',
          variant: null,
          digest: `sha256:${'a'.repeat(64)}`,
          os: 'linux',
          os_features: '',
          os_version: null,
          size: 158_000_000 + i,
          status: 'active',
          last_pulled: '2025-06-01T10:00:00.000000Z',
          last_pushed: '2025-05-30T10:00:00.000000Z',
        },
        {
          architecture: 'arm64',
          features: '',
          variant: 'v8',
          digest: `sha256:${'b'.repeat(64)}`,
          os: 'linux',
          os_features: '',
          os_version: null,
          size: 152_000_000 + i,
          status: 'active',
          last_pulled: '2025-06-01T10:00:00.000000Z',
          last_pushed: '2025-05-30T10:00:00.000000Z',
        },
        {
          architecture: 'unknown',
          features: '',
          variant: null,
          digest: `sha256:${'c'.repeat(64)}`,
          os: 'unknown',
          os_features: '',
          os_version: null,
          size: 12_000,
          status: 'active',
          last_pulled: null,
          last_pushed: '2025-05-30T10:00:00.000000Z',
        },
      ],
      last_updated: `2025-05-${String(30 - i).padStart(2, '0')}T10:00:00.123456Z`,
      last_updater: 1156886,
      last_updater_username: 'doijanky',
      name,
      repository: 35,
      full_size: 158_000_000 + i,
      v2: true,
      tag_status: 'active',
      tag_last_pulled: '2025-06-01T10:00:00.000000Z',
      tag_last_pushed: `2025-05-${String(30 - i).padStart(2, '0')}T10:00:00.123456Z`,
      media_type: 'application/vnd.oci.image.index.v1+json',
      content_type: 'image',
      digest: `sha256:${'d'.repeat(64)}`,
    })),
  };
}
