import type { v1 } from '@docker/extension-api-client-types';
import { LineSplitter } from '@dockbase/docker-cli';
import { resplitLikeDesktop } from '@dockbase/docker-cli/desktop-argv';
import { EXEC_PATH, EXEC_STREAM_PATH, type ExecResponse, type StreamMessage } from '../protocol';
import { BRIDGE_FAILURE_CODE, BridgeError, CLOSED_CODE, errorMessage, hostErrorText, type ExecFailure, type HostPost } from './bridge';

type StreamOptions = v1.ExecStreamOptions;
type OutputData = Parameters<NonNullable<StreamOptions['onOutput']>>[0];

/** `docker.cli.exec` over the host's exec bridge (the semantics are described in dd-client.ts). */
export function createExec(post: HostPost): v1.Exec {
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

  return exec as v1.Exec;
}

/** An exec that fails every call the way the bridge fails: rejects, or `onError` then `onClose` for a stream. */
export function unavailableExec(what: string): v1.Exec {
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
