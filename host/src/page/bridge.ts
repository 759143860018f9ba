import { TOKEN_HEADER, type ExecRequest, type FileSaveRequest, type FileSendRequest, type HostConfig } from '../protocol';

/** Exit code reported when the host refused or could not run a command (like a shell's "cannot execute"). */
export const BRIDGE_FAILURE_CODE = 127;
/** Exit code reported to `onClose` after `close()` (128 + SIGTERM, the shell's convention). */
export const CLOSED_CODE = 143;

export type ToastKind = 'success' | 'warning' | 'error';

export interface ClientDeps {
  fetch: typeof fetch;
  /** Prefix of the host's URLs: '' in the page (same origin), `http://127.0.0.1:PORT` in Node tests. */
  baseUrl?: string;
  toast(kind: ToastKind, message: string): void;
  /** Opens an http(s) URL in a new tab. */
  openWindow(url: string): void;
  warn?(message: string): void;
}

/** The rejection value of a non-stream exec whose process exited non-zero (Docker Desktop's shape). */
export interface ExecFailure {
  cmd: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** An Error raised by the bridge itself (refused, unreachable): also shaped like an ExecFailure. */
export class BridgeError extends Error implements ExecFailure {
  override readonly name = 'DockbaseHostError';
  readonly code = BRIDGE_FAILURE_CODE;
  readonly stdout = '';
  readonly stderr: string;

  constructor(
    message: string,
    readonly cmd: string,
    readonly status?: number,
  ) {
    super(message);
    this.stderr = message;
  }
}

/** A JSON POST to one of the host's bridge paths, with the page's token. */
export type HostPost = (path: string, body: ExecRequest | FileSaveRequest | FileSendRequest, signal?: AbortSignal) => Promise<Response>;

export function hostPost(config: HostConfig, deps: ClientDeps): HostPost {
  const base = deps.baseUrl ?? '';
  return (path, body, signal) =>
    deps.fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: config.token },
      body: JSON.stringify(body),
      signal,
    });
}

/** The message for a response the host answered with an error status (refused, or could not run it). */
export async function hostErrorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const json = safeJson(text);
  const detail = json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string' ? (json as { error: string }).error : '';
  const what = response.status === 401 || response.status === 403 ? 'refused the command' : 'could not run the command';
  return `the Dockbase host ${what} (HTTP ${response.status}${detail ? `: ${detail}` : ''})`;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
