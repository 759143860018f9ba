import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEngineReads, unixPath } from './node-engine';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-engine-reads-'));
const socket = path.join(dir, 'engine.sock');
const seen: Array<{ method: string; url: string }> = [];
let server: http.Server;

beforeAll(async () => {
  // A stand-in engine on a unix socket: it records each request and answers JSON (404 for unknown paths).
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    const body = req.url === '/containers/json?all=1' ? [{ Names: ['/a'] }] : { message: 'No such image' };
    res.writeHead(req.url === '/containers/json?all=1' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fake docker whose `context inspect` prints `endpoint` (and fails for anything else). */
function fakeDocker(endpoint: string): string {
  const binary = path.join(dir, `docker-${seen.length}-${Math.random().toString(16).slice(2)}`);
  fs.writeFileSync(
    binary,
    `#!${process.execPath}\nif (process.argv[2] === 'context' && process.argv[3] === 'inspect') console.log(${JSON.stringify(endpoint)}); else process.exit(1);\n`,
    { mode: 0o755 },
  );
  return binary;
}

describe('reads from the engine’s API (node-engine.ts)', () => {
  it('GETs from the socket DOCKER_HOST names, with the status and the JSON body', async () => {
    const reads = nodeEngineReads('docker-not-needed', { DOCKER_HOST: `unix://${socket}` });
    expect(await reads.get('/containers/json?all=1')).toEqual({ status: 200, body: [{ Names: ['/a'] }] });
    expect(await reads.get('/images/redis:7/json')).toEqual({ status: 404, body: { message: 'No such image' } });
    expect(seen.slice(-2).map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('without DOCKER_HOST, uses the endpoint of the CLI’s current context (asked once)', async () => {
    const reads = nodeEngineReads(fakeDocker(`unix://${socket}`), { PATH: process.env.PATH });
    expect((await reads.get('/containers/json?all=1')).status).toBe(200);
    expect((await reads.get('/containers/json?all=1')).status).toBe(200);
  });

  it('gives no reads for an engine over TCP or SSH, or a CLI that cannot say: the caller asks the CLI', async () => {
    const before = seen.length;
    await expect(nodeEngineReads('docker', { DOCKER_HOST: 'tcp://127.0.0.1:2375' }).get('/containers/json?all=1')).rejects.toThrow(/unix socket/);
    await expect(nodeEngineReads(fakeDocker('ssh://me@box'), {}).get('/containers/json?all=1')).rejects.toThrow(/unix socket/);
    await expect(nodeEngineReads(path.join(dir, 'no-such-docker'), {}).get('/containers/json?all=1')).rejects.toThrow(/unix socket/);
    expect(seen.length).toBe(before);
  });

  it('refuses what is not a plain API path', async () => {
    const reads = nodeEngineReads('docker', { DOCKER_HOST: `unix://${socket}` });
    await expect(reads.get('http://elsewhere/containers/json')).rejects.toThrow(/Not an engine API path/);
    await expect(reads.get('/containers/json HTTP/1.1\r\nX: y')).rejects.toThrow(/Not an engine API path/);
  });

  it('reads unix endpoints only', () => {
    expect(unixPath('unix:///var/run/docker.sock')).toBe('/var/run/docker.sock');
    expect(unixPath('tcp://127.0.0.1:2375')).toBeUndefined();
    expect(unixPath('unix://')).toBeUndefined();
  });
});
