/**
 * How every use case runs docker: over the DockerCli port, with docker's failures turned into typed,
 * redacted errors. A CLI that cannot run at all, or an engine that does not answer, is `engine-unavailable`.
 */
import { isBridgeFailure, type DockerCli, type RunResult, type StreamHandle, type StreamHandlers } from '@dockbase/docker-cli';
import { bridgeUnavailable, cancelled, commandFailed, engineUnavailable, looksLikeEngineDown } from './errors';

export class DockerRunner {
  constructor(readonly cli: DockerCli) {}

  /** Runs docker; a non-zero exit becomes a typed error for `action` ("start app"), with secrets redacted. */
  async run(args: readonly string[], action: string, options: { secrets?: readonly string[]; signal?: AbortSignal } = {}): Promise<RunResult> {
    const r = await this.tryRun(args, options.signal);
    if (r.code !== 0) throw commandFailed(action, r.stderr, options.secrets);
    return r;
  }

  /** Runs docker and returns any exit code; only a CLI that cannot run (or an engine that is down) throws. */
  async tryRun(args: readonly string[], signal?: AbortSignal): Promise<RunResult> {
    let r: RunResult;
    try {
      r = await this.cli.run(args, signal ? { signal } : {});
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw cancelled();
      throw engineUnavailable();
    }
    if (r.code !== 0 && isBridgeFailure(r.stderr)) throw bridgeUnavailable();
    if (r.code !== 0 && looksLikeEngineDown(r.stderr)) throw engineUnavailable();
    return r;
  }

  /** Best effort (clean-up after a failure): the outcome, or undefined when docker could not run. */
  bestEffort(args: readonly string[]): Promise<RunResult | undefined> {
    return this.cli.run(args).catch(() => undefined);
  }

  stream(args: readonly string[], handlers: StreamHandlers): StreamHandle {
    return this.cli.stream(args, handlers);
  }
}

/** Resolves after `ms`, or rejects as cancelled when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
