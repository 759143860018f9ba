import { spawn, type ChildProcess } from 'node:child_process';
import type http from 'node:http';
import os from 'node:os';
import { ExecGuard } from './allowlist';
import { terminate } from './backend-process';
import { HttpError, readBody, sendError, sendJson } from './http-helpers';
import { EXEC_PATH, type ExecRequest, type ExecResponse, type StreamMessage } from './protocol';

/**
 * The exec bridge: POST /api/exec and /api/exec-stream. Has the request checked (allowlist.ts: the core's
 * command policy, sizes, and that what it acts on is Dockbase's),
 * runs `docker` with the exact argv (no shell), tracks every child so that a dropped connection or the
 * host's close() ends it, and answers once (JSON) or as a stream (NDJSON).
 */

/** Most docker processes running at once. */
export const MAX_CHILDREN = 64;
/** Most output a non-stream exec collects per stream before the process is stopped. */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

interface Tracked {
  child: ChildProcess;
  exited: Promise<void>;
}

export interface ExecBridge {
  /** The check of what a call acts on (the file bridge asks it too). */
  readonly guard: ExecGuard;
  /** Handles POST EXEC_PATH or EXEC_STREAM_PATH (the caller has checked the token). */
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void>;
  /** SIGTERM to every running docker process, SIGKILL after `graceMs`; resolves when all are gone. */
  stopAll(graceMs: number): Promise<void>;
  /** SIGKILL to every running docker process, at once (the host process is exiting). */
  killAll(): void;
}

export function createExecBridge(dockerBinary: string): ExecBridge {
  const children = new Set<Tracked>();
  const guard = new ExecGuard(dockerBinary);

  function track(child: ChildProcess): Tracked {
    const entry = {
      child,
      // 'exit', not 'close': a grandchild holding the pipes open must not keep close() waiting.
      exited: new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.once('error', () => resolve());
      }),
    };
    children.add(entry);
    void entry.exited.then(() => children.delete(entry));
    return entry;
  }

  const spawnDocker = (request: ExecRequest) => {
    const child = spawn(dockerBinary, [request.cmd, ...request.args], {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      // create's secrets, checked by the guard, reach docker through its environment, never its argv.
      env: { ...process.env, ...request.env },
    });
    return track(child);
  };

  function runOnce(request: ExecRequest, res: http.ServerResponse) {
    const entry = spawnDocker(request);
    const { child } = entry;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const size = { out: 0, err: 0 };
    let overflow = false;
    const collect = (into: Buffer[], key: 'out' | 'err') => (b: Buffer) => {
      size[key] += b.length;
      if (size[key] > MAX_OUTPUT_BYTES) {
        if (!overflow) void terminate(child, entry.exited);
        overflow = true;
        return;
      }
      into.push(b);
    };
    child.stdout?.on('data', collect(out, 'out'));
    child.stderr?.on('data', collect(err, 'err'));
    res.on('close', () => {
      if (!res.writableFinished) void terminate(child, entry.exited);
    });
    let failed = false;
    child.once('error', (e) => {
      failed = true;
      if (!res.headersSent) sendError(res, 500, `cannot run docker: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
    });
    child.once('close', (code, signal) => {
      if (failed || res.headersSent) return;
      let stderr = Buffer.concat(err).toString('utf8');
      if (overflow) stderr += `\n[dockbase host: the output exceeded ${MAX_OUTPUT_BYTES} bytes; the process was stopped]\n`;
      const body: ExecResponse = { stdout: Buffer.concat(out).toString('utf8'), stderr, code: exitCode(code, signal) };
      sendJson(res, 200, body);
    });
  }

  function runStream(request: ExecRequest, res: http.ServerResponse) {
    const entry = spawnDocker(request);
    const { child } = entry;
    let failed = false;
    const start = () => {
      if (res.headersSent) return;
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
      res.flushHeaders();
      res.socket?.setNoDelay(true);
    };
    const send = (message: StreamMessage) => {
      start();
      if (res.writableEnded || res.destroyed) return;
      if (!res.write(`${JSON.stringify(message)}\n`)) {
        child.stdout?.pause();
        child.stderr?.pause();
        res.once('drain', () => {
          child.stdout?.resume();
          child.stderr?.resume();
        });
      }
    };
    child.once('spawn', start);
    child.stdout?.setEncoding('utf8').on('data', (data: string) => send({ stream: 'stdout', data }));
    child.stderr?.setEncoding('utf8').on('data', (data: string) => send({ stream: 'stderr', data }));
    // The page aborting its fetch (ExecProcess.close(), a closed tab) ends the process.
    res.on('close', () => {
      if (!res.writableFinished) void terminate(child, entry.exited);
    });
    child.once('error', (e) => {
      failed = true;
      if (!res.headersSent) sendError(res, 500, `cannot run docker: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
      else res.end();
    });
    child.once('close', (code, signal) => {
      if (failed) return;
      send({ exitCode: exitCode(code, signal) });
      res.end();
    });
  }

  return {
    guard,
    async handle(req, res, pathname) {
      if (req.method !== 'POST') throw new HttpError(405, 'use POST');
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        throw new HttpError(415, 'send JSON');
      }
      const allowed = await guard.authorize(await readBody(req));
      if (!allowed.ok) throw new HttpError(allowed.status, allowed.error);
      // The check asks the engine: the page may have given up meanwhile (its 'close' is gone), so run nothing.
      if (res.destroyed || req.socket.destroyed) return;
      const { request } = allowed;
      if (children.size >= MAX_CHILDREN) throw new HttpError(429, 'too many docker processes are running');
      if (pathname === EXEC_PATH) runOnce(request, res);
      else runStream(request, res);
    },
    async stopAll(graceMs) {
      await Promise.all([...children].map((c) => terminate(c.child, c.exited, graceMs)));
    },
    killAll() {
      for (const c of children) c.child.kill('SIGKILL');
    },
  };
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}
