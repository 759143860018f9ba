import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer, listen } from './server.js';

const servers: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function get(socketPath: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: url }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('backend on a unix socket', () => {
  it('answers GET /health, replacing a stale socket file left by a killed process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-backend-'));
    const socket = path.join(dir, 'backend.sock');
    fs.writeFileSync(socket, 'stale');
    const app = buildServer();
    servers.push(app);
    await listen(app, { socket });
    const res = await get(socket, '/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });
});
