import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that forwards to a local port at a limited rate, like a slow link to a
 * registry: a real pull through it takes seconds, long enough to see (and photograph) its progress.
 */
export interface SlowProxy {
  port: number;
  close(): Promise<void>;
}

export async function startSlowProxy(targetPort: number, bytesPerSecond: number): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.createConnection({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    // Registry → engine: at most bytesPerSecond, in 50 ms slices.
    const slice = Math.max(1024, Math.floor(bytesPerSecond / 20));
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      let offset = 0;
      const send = () => {
        if (client.destroyed) return;
        client.write(chunk.subarray(offset, offset + slice));
        offset += slice;
        if (offset < chunk.length) setTimeout(send, 50);
        else setTimeout(() => upstream.resume(), 50);
      };
      send();
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
