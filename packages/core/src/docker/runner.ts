/**
 * How every use case runs docker: over the DockerCli port, with docker's failures turned into typed,
 * redacted errors. A CLI that cannot run at all, or an engine that does not answer, is `engine-unavailable`.
 */
import { isBridgeFailure, type DockerCli, type EngineReadResult, type RunResult, type StreamHandle, type StreamHandlers } from '@dockbase/docker-cli';
import { bridgeUnavailable, cancelled, commandFailed, engineUnavailable, looksLikeEngineDown } from '../model/errors';

export class DockerRunner {
  constructor(readonly cli: DockerCli) {}

  /** Runs docker; a non-zero exit becomes a typed error for `action` ("start app"), with secrets redacted. */
  async run(args: readonly string[], action: string, options: { secrets?: readonly string[]; signal?: AbortSignal } = {}): Promise<RunResult> {
    const r = await this.tryRun(args, options.signal);
    if (r.code !== 0) throw commandFailed(action, r.stderr, options.secrets);
    return r;
  }

  /**
   * Runs docker and returns any exit code; only a CLI that cannot run (or an engine that is down) throws.
   * `env` is added to the CLI's environment (secrets for `--env NAME`; only when `cli.passesEnv`). When the
   * bridge drops a call that is safe to repeat (a read, a stop, a start), it is asked again (for up to about
   * 16 s, BRIDGE_RETRY_MS) before the bridge is reported down: browsers drop their connections to the
   * standalone host whenever the machine's network interfaces change, which docker does each time a container
   * starts or stops; with 25 servers starting at once on 2 cores, those bursts last several seconds.
   */
  async tryRun(args: readonly string[], signal?: AbortSignal, env?: Readonly<Record<string, string>>): Promise<RunResult> {
    let r = await this.once(args, signal, env);
    for (const wait of isRepeatable(args) ? BRIDGE_RETRY_MS : []) {
      if (r.code === 0 || !isBridgeFailure(r.stderr)) break;
      await sleep(wait, signal);
      r = await this.once(args, signal, env);
    }
    if (r.code !== 0 && isBridgeFailure(r.stderr)) throw bridgeUnavailable();
    if (r.code !== 0 && looksLikeEngineDown(r.stderr)) throw engineUnavailable();
    return r;
  }

  private async once(args: readonly string[], signal?: AbortSignal, env?: Readonly<Record<string, string>>): Promise<RunResult> {
    try {
      return await this.cli.run(args, { ...(signal ? { signal } : {}), ...(env ? { env } : {}) });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw cancelled();
      throw engineUnavailable();
    }
  }

  /**
   * One read from the engine's API where the adapter has it (a process beside the engine): undefined when it
   * has not, or the read failed, and the caller then asks the CLI (which reports an engine that is down).
   */
  async read(path: string, signal?: AbortSignal): Promise<EngineReadResult | undefined> {
    if (!this.cli.engine) return undefined;
    try {
      return await this.cli.engine.get(path, signal ? { signal } : {});
    } catch {
      if (signal?.aborted) throw cancelled();
      return undefined;
    }
  }

  /**
   * `docker container inspect <id>` (one container) or `docker image inspect --format {{json .Config.Labels}}`
   * as the CLI prints them, answered from the engine's API where the adapter has it: the same stdout, or
   * "No such …" with a failing code for a 404. Anything else the API says sends the question to the CLI.
   */
  async inspect(kind: 'container' | 'image-labels', id: string, args: readonly string[], signal?: AbortSignal): Promise<RunResult> {
    if (/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(id)) {
      const read = await this.read(kind === 'container' ? `/containers/${id}/json` : `/images/${id}/json`, signal);
      if (read?.status === 404) return { stdout: '', stderr: `Error: No such ${kind === 'container' ? 'container' : 'image'}: ${id}`, code: 1 };
      if (read?.status === 200 && read.body && typeof read.body === 'object') {
        const body = read.body as { Config?: { Labels?: unknown } };
        return { stdout: JSON.stringify(kind === 'container' ? [body] : (body.Config?.Labels ?? null)), stderr: '', code: 0 };
      }
    }
    return this.tryRun(args, signal);
  }

  /** Best effort (clean-up after a failure): the outcome, or undefined when docker could not run. */
  bestEffort(args: readonly string[]): Promise<RunResult | undefined> {
    return this.tryRun(args).catch(() => undefined);
  }

  stream(args: readonly string[], handlers: StreamHandlers): StreamHandle {
    return this.cli.stream(args, handlers);
  }
}

/**
 * Waits before asking a dropped call again (see tryRun): quickly at first, then every 4 s, about 16 s in all.
 * A host that answers within 15 s is slow, not down (the backend's health check has the same patience).
 */
export const BRIDGE_RETRY_MS = [250, 500, 1000, 2000, 4000, 4000, 4000] as const;

/**
 * Calls that do the same when run twice: reads, and the lifecycle steps whose second run is a no-op (stop,
 * start), harmless (the engines' fixed exec scripts) or says "no such" (rm, volume rm: their callers take
 * that as done). Never create, run, rename, restart, unpause or pulls.
 */
export function isRepeatable(args: readonly string[]): boolean {
  const [first = '', second = ''] = args;
  if (['container', 'image'].includes(first)) return second === 'inspect' || second === 'ls';
  if (first === 'volume') return second === 'inspect' || second === 'ls' || second === 'rm';
  // `version` (the ping) is left out on purpose: it answers "is the bridge there?" at once.
  return ['ps', 'inspect', 'logs', 'stats', 'system', 'stop', 'start', 'exec', 'rm'].includes(first);
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
