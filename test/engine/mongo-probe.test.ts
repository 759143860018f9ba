import { execFile } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getEngine } from '@dockbase/core';

// MongoDB's health probe is a bash script speaking the wire protocol (no mongosh). No real MongoDB image
// exists in the test environment and the stand-in fakes bash, so the script itself runs here, with this
// machine's bash and coreutils (what the official, Ubuntu-based image has), against fake servers.
type Behaviour = 'answer' | 'silent' | 'wrong-opcode';
const servers: net.Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A server on every interface (the probe connects to `hostname -i`) that reads one message and behaves. */
async function fakeMongo(behaviour: Behaviour): Promise<{ port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 4 || data.length < data.readInt32LE(0)) return;
      received.push(data);
      if (behaviour === 'silent') return; // like a stopped server: connected by the kernel, never answered
      const body = Buffer.from([0, 0, 0, 0, 0, 5, 0, 0, 0, 0]); // flags, kind 0, an empty document
      const header = Buffer.alloc(16);
      header.writeInt32LE(16 + body.length, 0);
      header.writeInt32LE(77, 4);
      header.writeInt32LE(data.readInt32LE(4), 8);
      header.writeInt32LE(behaviour === 'answer' ? 2013 : 1, 12);
      socket.write(Buffer.concat([header, body]));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return { port: (server.address() as net.AddressInfo).port, received };
}

function probe(port: number): Promise<{ code: number; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    // As docker's CMD-SHELL runs it.
    execFile('/bin/sh', ['-c', getEngine('mongo').healthcheck(port).command], (error) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** The BSON document of an OP_MSG with one kind-0 section, as {name: value} for int32 and string fields. */
function opMsgDocument(msg: Buffer): Record<string, number | string> {
  expect(msg.readInt32LE(12)).toBe(2013);
  expect(msg[20]).toBe(0);
  const doc = msg.subarray(21);
  const out: Record<string, number | string> = {};
  for (let i = 4; doc[i] !== 0;) {
    const type = doc[i]!;
    const end = doc.indexOf(0, i + 1);
    const name = doc.toString('utf8', i + 1, end);
    if (type === 0x10) {
      out[name] = doc.readInt32LE(end + 1);
      i = end + 5;
    } else if (type === 0x02) {
      const len = doc.readInt32LE(end + 1);
      out[name] = doc.toString('utf8', end + 5, end + 4 + len);
      i = end + 5 + len;
    } else throw new Error(`unexpected BSON type ${type}`);
  }
  return out;
}

describe('MongoDB’s wire-level probe', () => {
  it('sends {hello: 1, $db: "admin"} and passes on the server’s OP_MSG reply', async () => {
    const server = await fakeMongo('answer');
    expect((await probe(server.port)).code).toBe(0);
    expect(server.received).toHaveLength(1);
    expect(opMsgDocument(server.received[0]!)).toEqual({ hello: 1, $db: 'admin' });
  });

  it('fails within its 5 s when the server accepts the connection but never answers (SIGSTOP)', async () => {
    const server = await fakeMongo('silent');
    const r = await probe(server.port);
    expect(r.code).not.toBe(0);
    expect(r.seconds).toBeGreaterThan(4);
    expect(r.seconds).toBeLessThan(8);
  });

  it('fails on a reply that is not an answer to it, and when nothing listens', async () => {
    const server = await fakeMongo('wrong-opcode');
    expect((await probe(server.port)).code).not.toBe(0);
    const closed = await fakeMongo('answer');
    servers.pop()!.close();
    expect((await probe(closed.port)).code).not.toBe(0);
  });
});
