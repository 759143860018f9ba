import type http from 'node:http';
import { checkSave, checkSend, type FileVerdict } from '@dockbase/core';
import { isHostFileError, type HostFiles, type SaveTarget, type SendSource } from '@dockbase/docker-cli';
import { NodeHostFiles } from '@dockbase/docker-cli/node';
import type { ExecGuard } from './allowlist';
import { HttpError, readBody, sendJson } from './http-helpers';
import { FILES_SAVE_PATH, type FileSaveRequest, type FileSendRequest } from './protocol';

/**
 * The file bridge: POST /api/files/save and /api/files/send. The page never hands docker a host path: the
 * host runs `docker cp CONTAINER:TEMP -` or `docker cp - CONTAINER:FOLDER` itself and writes or reads the
 * host file (NodeHostFiles: a new file, created exclusively, never through a link; one regular file read
 * without following a link). Each request is checked by the core (checkSave / checkSend: an export's
 * temporary file, an export's name, an importable or seed file) and its container must be Dockbase's.
 * A page that goes away cancels its copy, and nothing is left behind.
 */

export interface FileBridge {
  /** Handles POST FILES_SAVE_PATH or FILES_SEND_PATH (the caller has checked the token). */
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void>;
  /** Cancels every copy under way (the host is closing); resolves when they have cleaned up. */
  stopAll(): Promise<void>;
}

/** The machine's path rules for the core's checks. */
const PLATFORM = process.platform === 'win32' ? 'windows' : 'posix';

export function createFileBridge(dockerBinary: string, guard: ExecGuard, files: HostFiles = new NodeHostFiles({ binary: dockerBinary })): FileBridge {
  const running = new Map<AbortController, Promise<unknown>>();

  async function authorize(verdict: FileVerdict, what: string): Promise<void> {
    if (!verdict.allowed) throw new HttpError(403, `this copy is not allowed: ${verdict.reason}`);
    const refused = await guard.checkTargets(what, { containers: [verdict.container], volumes: [], claims: [] });
    if (refused) throw new HttpError(refused.status, refused.error);
  }

  return {
    async handle(req, res, pathname) {
      if (req.method !== 'POST') throw new HttpError(405, 'use POST');
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) throw new HttpError(415, 'send JSON');
      const body = parse(await readBody(req));
      // Checked once, then run with what was checked.
      let run: (options: { signal: AbortSignal }) => Promise<unknown>;
      if (pathname === FILES_SAVE_PATH) {
        const to = saveTarget(body.to);
        await authorize(checkSave(body.args, to, PLATFORM), 'copy an export out of an instance');
        run = (options) => files.save(body.args, to, options);
      } else {
        const from = sendSource(body.from);
        await authorize(checkSend(body.args, from, PLATFORM), 'copy a file into an instance');
        run = (options) => files.send(body.args, from, options);
      }
      if (res.destroyed || req.socket.destroyed) return;
      const abort = new AbortController();
      // The page giving up (its fetch aborted, the tab closed) cancels the copy.
      res.on('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const copy = run({ signal: abort.signal });
      running.set(
        abort,
        copy.catch(() => undefined),
      );
      try {
        sendJson(res, 200, await copy);
      } catch (e) {
        if (!isHostFileError(e)) throw e;
        // The copy's own failure (not the bridge's): the page rebuilds it as a HostFileError.
        if (!res.destroyed) sendJson(res, 422, { error: e.message, code: e.code });
      } finally {
        running.delete(abort);
      }
    },
    async stopAll() {
      const copies = [...running.entries()];
      for (const [abort] of copies) abort.abort();
      await Promise.all(copies.map(([, done]) => done));
    },
  };
}

function parse(body: Buffer): FileSaveRequest & FileSendRequest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  const v = value as Partial<FileSaveRequest & FileSendRequest> | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.args) || !v.args.every((a) => typeof a === 'string') || v.args.length > 8) {
    throw new HttpError(400, 'expected {args, to} or {args, from}');
  }
  return v as FileSaveRequest & FileSendRequest;
}

const strings = (value: unknown, keys: readonly string[]): Record<string, string> => {
  const v = value as Record<string, unknown> | null | undefined;
  if (!v || typeof v !== 'object' || Object.keys(v).length !== keys.length || !keys.every((k) => typeof v[k] === 'string' && (v[k] as string).length <= 4096)) {
    throw new HttpError(400, `expected {${keys.join(', ')}} of strings`);
  }
  return v as Record<string, string>;
};

const saveTarget = (value: unknown): SaveTarget => strings(value, ['directory', 'stem', 'extension']) as unknown as SaveTarget;
const sendSource = (value: unknown): SendSource => strings(value, ['path', 'name']) as unknown as SendSource;
