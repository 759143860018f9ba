import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { engineIsLocal, nodeWireProbe } from './node-wire';

const question = (answer: string) => ({
  hello: Uint8Array.from('PING\r\n', (c) => c.charCodeAt(0)),
  answered: (reply: Uint8Array) => {
    const text = String.fromCharCode(...reply);
    return text.includes('\n') ? text.startsWith(answer) : undefined;
  },
});

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server that does `onSocket` with each connection; resolves with its port. */
function serve(onSocket: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.push(socket);
    onSocket(socket);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('nodeWireProbe: one question over TCP on 127.0.0.1', () => {
  it('is true when the server answers as asked, even in pieces, and sends the question first', async () => {
    const heard: string[] = [];
    const port = await serve((s) =>
      s.once('data', (b) => {
        heard.push(b.toString());
        s.write('+PO');
        setTimeout(() => s.write('NG\r\n'), 20);
      }),
    );
    await expect(nodeWireProbe(port, question('+PONG'))).resolves.toBe(true);
    expect(heard).toEqual(['PING\r\n']);
  });

  it('is false for another answer, a connection closed without one (docker’s proxy before the server listens), nothing listening, or silence', async () => {
    const other = await serve((s) => s.once('data', () => s.write('-LOADING\r\n')));
    await expect(nodeWireProbe(other, question('+PONG'))).resolves.toBe(false);
    const closes = await serve((s) => s.end());
    await expect(nodeWireProbe(closes, question('+PONG'))).resolves.toBe(false);
    const silent = await serve(() => undefined);
    await expect(nodeWireProbe(silent, question('+PONG'), { timeoutMs: 100 })).resolves.toBe(false);
    const nobody = await serve(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    await expect(nodeWireProbe(nobody, question('+PONG'))).resolves.toBe(false);
  });

  it('gives up at once when aborted', async () => {
    const silent = await serve(() => undefined);
    const abort = new AbortController();
    const asked = nodeWireProbe(silent, question('+PONG'), { timeoutMs: 60_000, signal: abort.signal });
    abort.abort();
    await expect(asked).resolves.toBe(false);
  });
});

describe('engineIsLocal: only an engine on this machine publishes its ports here', () => {
  it('is true for the default socket or a unix socket, false for a remote host or a chosen context', () => {
    expect(engineIsLocal({})).toBe(true);
    expect(engineIsLocal({ DOCKER_HOST: 'unix:///var/run/docker.sock' })).toBe(true);
    expect(engineIsLocal({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toBe(false);
    expect(engineIsLocal({ DOCKER_HOST: 'ssh://me@server' })).toBe(false);
    expect(engineIsLocal({ DOCKER_CONTEXT: 'remote' })).toBe(false);
  });
});
