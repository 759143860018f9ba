import type { v1 } from '@docker/extension-api-client-types';
import { HostFileError, LineSplitter, type HostFileErrorCode, type HostFiles } from '@dockbase/docker-cli';
import { EXACT_ENV_MARKER, HOST_FILES_MARKER } from '@dockbase/docker-cli/desktop';
import { resplitLikeDesktop } from '@dockbase/docker-cli/desktop-argv';
import {
  EXEC_PATH,
  EXEC_STREAM_PATH,
  FILES_SAVE_PATH,
  FILES_SEND_PATH,
  TOKEN_HEADER,
  VM_PREFIX,
  type ExecRequest,
  type ExecResponse,
  type FileSaveRequest,
  type FileSendRequest,
  type HostConfig,
  type StreamMessage,
} from '../protocol';

/**
 * The standalone host's `window.ddClient`: the subset of `v1.DockerDesktopClient` that Dockbase uses, with
 * Docker Desktop's semantics, over plain HTTP to the host (host/src/server.ts).
 *
 * - `docker.cli.exec` without `stream`: the command line is joined and split again like Docker Desktop does
 *   (`resplitLikeDesktop`); resolves `ExecResult` on exit code 0 and REJECTS `{cmd, code, stdout, stderr}`
 *   otherwise.
 * - `docker.cli.exec` with `stream`: `cmd` and `args` reach docker verbatim, `env` is added to docker's
 *   environment (the host checks it; `docker.cli.dockbaseExactEnv` says so); `close()` kills the process.
 *   `onClose` is called exactly once, last; when the command could not run at all (refused by the host, the
 *   host unreachable) `onError` comes first and `onClose` gets BRIDGE_FAILURE_CODE; after `close()` it gets
 *   CLOSED_CODE.
 * - `docker.cli.dockbaseFiles` (HOST_FILES_MARKER): HostFiles over the host's file bridge, which copies files
 *   between this machine and a container itself; no docker command the page sends names a host path.
 * - `extension.vm` exists only when the host has a backend.
 * - `desktopUI.navigate.*` reject: Docker Desktop's screens do not exist outside it.
 */

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

type StreamOptions = v1.ExecStreamOptions;
type OutputData = Parameters<NonNullable<StreamOptions['onOutput']>>[0];

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

export function createDdClient(config: HostConfig, deps: ClientDeps): v1.DockerDesktopClient {
  const base = deps.baseUrl ?? '';
  const warn = deps.warn ?? ((m: string) => console.warn(m));

  const post = (path: string, body: ExecRequest | FileSaveRequest | FileSendRequest, signal?: AbortSignal): Promise<Response> =>
    deps.fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: config.token },
      body: JSON.stringify(body),
      signal,
    });

  async function execOnce(cmd: string, args: readonly string[], options: v1.ExecOptions | undefined): Promise<v1.ExecResult> {
    const words = [String(cmd), ...args.map(String)];
    const cmdLine = `docker ${words.join(' ')}`;
    if (options && (options.cwd !== undefined || options.env !== undefined)) {
      throw new BridgeError('the standalone host does not support the cwd and env options of docker.cli.exec', cmdLine);
    }
    // Docker Desktop joins the words into one command line and splits it again, quotes and all.
    const [first = '', ...rest] = resplitLikeDesktop(words);
    let response: Response;
    try {
      response = await post(EXEC_PATH, { cmd: first, args: rest });
    } catch (e) {
      throw new BridgeError(`cannot reach the Dockbase host: ${errorMessage(e)}`, cmdLine);
    }
    if (!response.ok) throw new BridgeError(await hostErrorText(response), cmdLine, response.status);
    const body = (await response.json()) as ExecResponse;
    if (body.code !== 0) {
      const failure: ExecFailure = { cmd: cmdLine, code: body.code, stdout: body.stdout, stderr: body.stderr };
      throw failure;
    }
    return execResult(cmdLine, body);
  }

  function execStream(cmd: string, args: readonly string[], stream: StreamOptions, env?: Record<string, string>): v1.ExecProcess {
    const cmdLine = `docker ${[cmd, ...args].join(' ')}`;
    const controller = new AbortController();
    let finished = false;
    const output = (data: OutputData) => stream.onOutput?.(data);
    const splitters = stream.splitOutputLines
      ? {
          stdout: new LineSplitter((line) => output({ stdout: line })),
          stderr: new LineSplitter((line) => output({ stderr: line })),
        }
      : undefined;
    const deliver = (name: 'stdout' | 'stderr', data: string) => {
      if (splitters) splitters[name].push(data);
      else output(name === 'stdout' ? { stdout: data } : { stderr: data });
    };
    const finish = (code: number, error?: unknown) => {
      if (finished) return;
      finished = true;
      splitters?.stdout.flush();
      splitters?.stderr.flush();
      if (error !== undefined) stream.onError?.(error);
      stream.onClose?.(code);
    };

    void (async () => {
      let exitCode: number | undefined;
      try {
        // Stream calls pass the arguments verbatim: no joining, no re-splitting.
        const response = await post(EXEC_STREAM_PATH, { cmd: String(cmd), args: args.map(String), ...(env ? { env } : {}) }, controller.signal);
        if (!response.ok) {
          finish(BRIDGE_FAILURE_CODE, new BridgeError(await hostErrorText(response), cmdLine, response.status));
          return;
        }
        if (!response.body) throw new Error('the host sent no output stream');
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let pending = '';
        const handle = (line: string) => {
          if (line === '') return;
          const message = JSON.parse(line) as StreamMessage;
          if ('exitCode' in message) exitCode = message.exitCode;
          else deliver(message.stream, message.data);
        };
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          pending += decoder.decode(value, { stream: true });
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) handle(line);
        }
        handle(pending + decoder.decode());
        if (exitCode === undefined) throw new Error('the connection to the Dockbase host ended before the process did');
        finish(exitCode);
      } catch (e) {
        if (controller.signal.aborted) finish(CLOSED_CODE);
        else finish(exitCode ?? BRIDGE_FAILURE_CODE, e instanceof Error ? e : new Error(errorMessage(e)));
      }
    })();

    return {
      close() {
        if (!finished) controller.abort();
      },
    };
  }

  function exec(cmd: string, args: string[], options?: v1.ExecOptions | v1.SpawnOptions): Promise<v1.ExecResult> | v1.ExecProcess {
    const list = Array.isArray(args) ? args : [];
    if (options && 'stream' in options && options.stream) {
      // The environment goes to the host as data and is added to docker's own: exact, never in argv.
      const env = options.env === undefined ? undefined : Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, String(v)]));
      return execStream(cmd, list, options.stream, env);
    }
    return execOnce(cmd, list, options);
  }

  /** One copy through the file bridge: its answer, or a HostFileError (the copy's own, the host's refusal, cancelled). */
  async function copy<T>(path: string, body: FileSaveRequest | FileSendRequest, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await post(path, body, signal);
    } catch (e) {
      if (signal?.aborted) throw new HostFileError('cancelled', 'cancelled');
      throw new HostFileError('docker', `cannot reach the Dockbase host: ${errorMessage(e)}`);
    }
    if (response.status === 422) {
      const failure = safeJson(await response.text()) as { error?: unknown; code?: unknown } | undefined;
      throw new HostFileError(String(failure?.code ?? 'docker') as HostFileErrorCode, String(failure?.error ?? 'the copy failed'));
    }
    if (!response.ok) throw new HostFileError('docker', await hostErrorText(response));
    return (await response.json()) as T;
  }

  const files: HostFiles = {
    save: (args, to, options = {}) => copy(FILES_SAVE_PATH, { args: [...args], to: { ...to } }, options.signal),
    send: (args, from, options = {}) => copy(FILES_SEND_PATH, { args: [...args], from: { ...from } }, options.signal),
  };

  const unavailable = (what: string) => () =>
    Promise.reject(new Error(`${what} is not available outside Docker Desktop (Dockbase standalone host)`));

  const navigate: v1.NavigationIntents = {
    viewContainers: unavailable('desktopUI.navigate.viewContainers'),
    viewContainer: unavailable('desktopUI.navigate.viewContainer'),
    viewContainerLogs: unavailable('desktopUI.navigate.viewContainerLogs'),
    viewContainerInspect: unavailable('desktopUI.navigate.viewContainerInspect'),
    viewContainerTerminal: unavailable('desktopUI.navigate.viewContainerTerminal'),
    viewContainerStats: unavailable('desktopUI.navigate.viewContainerStats'),
    viewImages: unavailable('desktopUI.navigate.viewImages'),
    viewImage: unavailable('desktopUI.navigate.viewImage'),
    viewVolumes: unavailable('desktopUI.navigate.viewVolumes'),
    viewVolume: unavailable('desktopUI.navigate.viewVolume'),
  };

  const extension: { image: string; vm?: v1.ExtensionVM } = { image: 'dockbase-standalone' };
  if (config.backend) {
    extension.vm = {
      cli: { exec: unavailableExec('extension.vm.cli.exec') },
      service: createService(config, deps),
    };
  }

  return {
    docker: {
      // Stream calls hand `env` to the docker CLI exactly (see EXACT_ENV_MARKER): secrets stay out of argv.
      // Files between this machine and a container go through the host's file bridge (HOST_FILES_MARKER).
      cli: { exec: exec as v1.Exec, [EXACT_ENV_MARKER]: true, [HOST_FILES_MARKER]: files } as v1.DockerDesktopClient['docker']['cli'],
      listContainers: unavailable('docker.listContainers (use docker.cli.exec)'),
      listImages: unavailable('docker.listImages (use docker.cli.exec)'),
    },
    extension,
    desktopUI: {
      toast: {
        success: (msg: string) => deps.toast('success', String(msg)),
        warning: (msg: string) => deps.toast('warning', String(msg)),
        error: (msg: string) => deps.toast('error', String(msg)),
      },
      // No dialogs: a browser cannot show this machine's native file dialogs, and a page that finds none lets
      // the user type a path on this machine instead (Dockbase's export, import and init files).
      dialog: undefined as unknown as v1.DesktopUI['dialog'],
      navigate,
    },
    host: {
      openExternal(url: string) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(url);
        } catch {
          parsed = undefined;
        }
        if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) deps.openWindow(parsed.href);
        else warn('ddClient.host.openExternal opens http and https URLs only');
      },
      platform: config.platform,
      arch: config.arch,
      hostname: config.hostname,
    },
  };
}

/** `extension.vm.service`: HTTP to the backend through the host's /api/vm/ proxy. */
function createService(config: HostConfig, deps: ClientDeps): v1.HttpService {
  const base = deps.baseUrl ?? '';
  async function request(method: string, url: string, data?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    if (typeof url !== 'string' || !url.startsWith('/')) {
      throw serviceError(400, `the service URL must start with "/" (got ${JSON.stringify(String(url))})`);
    }
    const sent: Record<string, string> = { ...headers, [TOKEN_HEADER]: config.token };
    if (data !== undefined) sent['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await deps.fetch(base + VM_PREFIX + url.slice(1), {
        method: method.toUpperCase(),
        headers: sent,
        body: data === undefined ? undefined : JSON.stringify(data),
      });
    } catch (e) {
      throw serviceError(503, `cannot reach the Dockbase host: ${errorMessage(e)}`);
    }
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? safeJson(text) : undefined;
    if (!response.ok) {
      const message =
        json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string'
          ? (json as { message: string }).message
          : json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string'
            ? (json as { error: string }).error
            : text || response.statusText || `HTTP ${response.status}`;
      throw serviceError(response.status, message);
    }
    return json ?? text;
  }
  return {
    get: (url) => request('GET', url),
    post: (url, data) => request('POST', url, data),
    put: (url, data) => request('PUT', url, data),
    patch: (url, data) => request('PATCH', url, data),
    delete: (url) => request('DELETE', url),
    head: (url) => request('HEAD', url),
    request: (c) => request(c.method, c.url, c.data, c.headers ?? {}),
  };
}

function serviceError(statusCode: number, message: string): v1.ServiceError {
  return { name: 'ServiceError', message, statusCode };
}

function unavailableExec(what: string): v1.Exec {
  const message = `${what} is not available outside Docker Desktop (Dockbase standalone host)`;
  const exec = (cmd: string, args: string[], options?: v1.ExecOptions | v1.SpawnOptions) => {
    const error = new BridgeError(message, `${cmd} ${(args ?? []).join(' ')}`);
    if (options && 'stream' in options && options.stream) {
      options.stream.onError?.(error);
      options.stream.onClose?.(BRIDGE_FAILURE_CODE);
      return { close() {} };
    }
    return Promise.reject(error);
  };
  return exec as v1.Exec;
}

function execResult(cmd: string, body: ExecResponse): v1.ExecResult {
  const lines = () => body.stdout.split(/\r?\n/).filter((l) => l !== '');
  return {
    cmd,
    code: body.code,
    stdout: body.stdout,
    stderr: body.stderr,
    lines,
    parseJsonLines: () => lines().map((l) => JSON.parse(l) as unknown),
    parseJsonObject: () => JSON.parse(body.stdout) as unknown,
  };
}

async function hostErrorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const json = safeJson(text);
  const detail = json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string' ? (json as { error: string }).error : '';
  const what = response.status === 401 || response.status === 403 ? 'refused the command' : 'could not run the command';
  return `the Dockbase host ${what} (HTTP ${response.status}${detail ? `: ${detail}` : ''})`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
