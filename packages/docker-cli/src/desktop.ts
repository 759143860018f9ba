import type { v1 } from '@docker/extension-api-client-types';
import { DesktopHostFiles } from './desktop-files';
import {
  BRIDGE_FAILURE_PREFIX,
  LineSplitter,
  type DockerCli,
  type HostFiles,
  type RunOptions,
  type RunResult,
  type StreamHandle,
  type StreamHandlers,
} from './port';

type DockerApi = Pick<v1.DockerDesktopClient, 'docker'>;

/**
 * A `ddClient.docker.cli` that carries this property set to `true` promises that stream calls hand their
 * `env` option to the docker CLI exactly, added to its environment (the standalone host's page client does).
 * Docker Desktop's own client is not known to (whether it merges or replaces the environment is
 * unconfirmed), so there secrets stay exact argv elements.
 */
export const EXACT_ENV_MARKER = 'dockbaseExactEnv';

/**
 * A `ddClient.docker.cli` may carry HostFiles under this property (the standalone host's page client does: its
 * host copies files itself, never through a docker command given a host path). Docker Desktop's own client
 * has none; there DesktopHostFiles lets docker write and read the user's files.
 */
export const HOST_FILES_MARKER = 'dockbaseFiles';

export interface DesktopDockerCliOptions {
  /** Override the detection of EXACT_ENV_MARKER. */
  passesEnv?: boolean;
}

/**
 * The DockerCli adapter for Docker Desktop's bridge (`ddClient.docker.cli.exec`).
 *
 * Non-stream exec calls join their arguments into one command line and re-split it with shell-like
 * quoting, so a value with a space, a quote or a `$` would arrive changed (or split). Stream calls pass
 * arguments verbatim. This adapter therefore uses stream calls for everything, including `run`, which
 * collects the output and resolves when the process closes: exact argv end to end.
 */
export class DesktopDockerCli implements DockerCli {
  readonly passesEnv: boolean;
  readonly files: HostFiles;

  constructor(
    private readonly client: DockerApi,
    options: DesktopDockerCliOptions = {},
  ) {
    const cli = client.docker?.cli as unknown as Record<string, unknown> | undefined;
    this.passesEnv = options.passesEnv ?? cli?.[EXACT_ENV_MARKER] === true;
    this.files = (cli?.[HOST_FILES_MARKER] as HostFiles | undefined) ?? new DesktopHostFiles((args, runOptions) => this.run(args, runOptions));
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      // No docker bridge at all (not inside Docker Desktop, or a broken host): docker cannot run.
      if (typeof this.client.docker?.cli?.exec !== 'function') {
        reject(new Error('The Docker Desktop client offers no docker CLI'));
        return;
      }
      if (options.signal?.aborted) {
        reject(abortError());
        return;
      }
      if (options.env && !this.passesEnv) {
        // Dropping it would start a container without its secret: refuse instead.
        reject(new Error('This Docker Desktop client cannot hand an environment to docker'));
        return;
      }
      let stdout = '';
      let stderr = '';
      let aborted = false;
      const process = this.spawn(
        args,
        {
          onStdout: (s) => (stdout += s),
          onStderr: (s) => (stderr += s),
          onClose: (code) => {
            options.signal?.removeEventListener('abort', onAbort);
            if (aborted) reject(abortError());
            else resolve({ stdout, stderr, code });
          },
        },
        this.passesEnv ? options.env : undefined,
      );
      const onAbort = () => {
        aborted = true;
        process.close();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  stream(args: readonly string[], handlers: StreamHandlers): StreamHandle {
    const out = new LineSplitter((line) => handlers.onLine(line, 'stdout'));
    const err = new LineSplitter((line) => handlers.onLine(line, 'stderr'));
    let resolveDone: (code: number) => void = () => undefined;
    const done = new Promise<number>((r) => (resolveDone = r));
    const process = this.spawn(args, {
      onStdout: (s) => out.push(s),
      onStderr: (s) => err.push(s),
      onClose: (code) => {
        out.flush();
        err.flush();
        handlers.onClose?.(code);
        resolveDone(code);
      },
    });
    let cancelled = false;
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        process.close();
      },
      done,
    };
  }

  private spawn(
    args: readonly string[],
    sink: { onStdout(s: string): void; onStderr(s: string): void; onClose(code: number): void },
    env?: Readonly<Record<string, string>>,
  ): { close(): void } {
    const [cmd, ...rest] = args;
    let closed = false;
    const close = (code: number) => {
      if (closed) return;
      closed = true;
      sink.onClose(code);
    };
    if (cmd === undefined) {
      sink.onStderr('no docker command given\n');
      close(2);
      return { close: () => undefined };
    }
    try {
      const handle = this.client.docker.cli.exec(cmd, rest, {
        ...(env ? { env: { ...env } } : {}),
        stream: {
          splitOutputLines: false,
          onOutput: (data: { stdout?: string; stderr?: string }) => {
            if (data.stdout !== undefined) sink.onStdout(data.stdout);
            if (data.stderr !== undefined) sink.onStderr(data.stderr);
          },
          onError: (error: unknown) => {
            // The bridge could not be reached at all (no answer, not docker's): said so, for the core to tell it
            // from an engine that is down. A bridge that answered with a refusal (an HTTP status) is not that.
            const answered = typeof (error as { status?: unknown })?.status === 'number';
            sink.onStderr(`${answered ? '' : `${BRIDGE_FAILURE_PREFIX} `}${describe(error)}\n`);
            close(typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : 1);
          },
          onClose: (exitCode: number) => close(typeof exitCode === 'number' ? exitCode : 1),
        },
      });
      return {
        close: () => {
          handle.close();
          // Docker Desktop reports the close later (or not at all for an already-ended process).
          close(130);
        },
      };
    } catch (e) {
      sink.onStderr(`${describe(e)}\n`);
      close(127);
      return { close: () => undefined };
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

function abortError(): Error {
  const e = new Error('The docker command was cancelled');
  e.name = 'AbortError';
  return e;
}
