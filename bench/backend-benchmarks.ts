/** The backend as Docker Desktop runs it: a separate Node process on a unix socket. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { quantile, round } from './stats';

const BACKEND_MAIN = path.resolve(import.meta.dirname, '../backend/dist/main.js');

export interface BackendRow {
  idleRssMb: number;
  rate: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function request(agent: http.Agent, socketPath: string, method: string, url: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ agent, socketPath, method, path: url, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return round(kb / 1024, 1);
}

/** Idle RSS after start-up, then metadata reads at a fixed rate: p50 and p99 latency. */
export async function benchBackend(rate = 200, seconds = 10): Promise<BackendRow> {
  if (!fs.existsSync(BACKEND_MAIN)) throw new Error('backend/dist is missing: run `npm run build -w backend`');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-bench-backend-'));
  const socket = path.join(dir, 'backend.sock');
  const child = spawn(process.execPath, [BACKEND_MAIN, '--socket', socket, '--data-dir', path.join(dir, 'data')], { stdio: 'ignore' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    for (let i = 0; !fs.existsSync(socket); i++) {
      if (i > 200) throw new Error('backend did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
    await request(agent, socket, 'PUT', '/instances/bench1', { name: 'bench', engine: 'redis', settings: { tag: '8.2' } });
    await new Promise((r) => setTimeout(r, 3000));
    const idleRssMb = rssMb(child.pid!);

    const latencies: number[] = [];
    let errors = 0;
    const total = rate * seconds;
    const interval = 1000 / rate;
    const start = performance.now();
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      pending.push(
        request(agent, socket, 'GET', '/instances/bench1').then(
          (status) => {
            if (status === 200) latencies.push(performance.now() - t0);
            else errors++;
          },
          () => void errors++,
        ),
      );
    }
    await Promise.all(pending);
    return { idleRssMb, rate, requests: total, p50Ms: round(quantile(latencies, 0.5), 2), p99Ms: round(quantile(latencies, 0.99), 2), errors };
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
