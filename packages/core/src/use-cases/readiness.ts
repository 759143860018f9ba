/**
 * Waiting for an instance to serve: the server's own readiness (probe and ready log line), or docker's
 * health status. Nothing keeps running once a wait is over.
 */
import type { StreamHandle } from '@dockbase/docker-cli';
import { waitReadyArgs } from '../docker/exec';
import { healthEventsArgs, logsArgs, parseEvent } from '../docker/lifecycle';
import { getEngine } from '../engines';
import { wireLogsIn, wireQuestion } from '../engines/wire';
import { DockbaseError, cancelled, throwIfAborted } from '../model/errors';
import type { Instance } from '../model/instance';
import type { InstanceLifecycle } from './lifecycle';
import { sleep, type DockerRunner } from '../docker/runner';

/**
 * The pause between two questions on an instance's port while it starts (each is one TCP connection to
 * loopback, refused or closed at once until the server listens): the time between the server's first answer
 * and Dockbase's word is half of it on average. A start takes a few hundred milliseconds to a few seconds,
 * so this is at most a few hundred connections, once.
 */
const WIRE_PAUSE_MS = 10;

/** The pause after a wait that failed at once (the exec itself was refused, e.g. the container is restarting). */
const REFUSED_PAUSE_MS = 100;

/**
 * How long the question on the published port is asked alone before the probe inside the container and the
 * log stream join it (a port that cannot be reached from here after all, a server that answers there late).
 */
export const WIRE_ALONE_MS = 1500;

/**
 * Runs the engine's probe inside the container until it passes (waitReadyArgs: one exec waits about three
 * seconds, probing every 50 ms), again and again until `timeoutMs`. Resolves with undefined once the server
 * answers, 'stopped' when the container stopped or paused meanwhile, 'timeout' when the time ran out.
 */
export async function waitUntilAnswers(
  docker: DockerRunner,
  containerId: string,
  engineId: Instance['engine'],
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<'stopped' | 'timeout' | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    throwIfAborted(signal);
    const began = Date.now();
    const wait = await docker.tryRun(waitReadyArgs(containerId, engineId), signal);
    if (wait.code === 0) return undefined;
    if (/is not running|is paused|No such container/i.test(wait.stderr)) return 'stopped';
    if (Date.now() > deadline) return 'timeout';
    if (Date.now() - began < REFUSED_PAUSE_MS) await sleep(REFUSED_PAUSE_MS, signal);
  }
}

export class Readiness {
  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: InstanceLifecycle,
  ) {}

  /**
   * Resolves as soon as the server accepts connections: its engine's question on its published port, where
   * a process beside the engine can ask it (answersOnItsPort), and its health probe, repeated inside the
   * container every 50 ms (waitUntilAnswers), race the engine's "ready" log line where
   * that is unambiguous and the log holds this run only (`fresh`: a container just created; after a
   * restart the log still holds the previous run's line). Docker's own healthcheck runs every 20 minutes, so
   * this tells "ready" sooner, within about 50 ms; nothing keeps running afterwards. Rejects when
   * the container stops or pauses, or the time runs out.
   */
  async waitUntilReady(
    instance: Instance,
    options: { signal?: AbortSignal; timeoutMs?: number; fresh?: boolean; /** The same as leaving `fresh` out. */ restarted?: boolean } = {},
  ): Promise<Instance> {
    const engine = getEngine(instance.engine);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let logs: StreamHandle | undefined;
    // Where its port can be asked from here, that question alone usually tells: the docker processes of the
    // other two (a log stream, an exec every 50 ms inside the container) start only if it has not answered
    // within WIRE_ALONE_MS, so they do not compete with the server's own start for the machine's cores.
    const wireFirst = this.canAskItsPort(instance);
    const others = wireFirst ? sleep(WIRE_ALONE_MS, stop.signal) : Promise.resolve();
    // After a restart the log still holds the previous run's "ready" line: only the probe can tell.
    const pattern = options.fresh && !options.restarted ? engine.readyLogPattern : undefined;
    const fromLog = pattern
      ? others.then(
          () =>
            new Promise<void>((resolve) => {
              if (stop.signal.aborted) return;
              logs = this.docker.stream(logsArgs(instance.containerId, { tail: 'all', follow: true }), {
                onLine: (line) => (pattern.test(line) ? resolve() : undefined),
              });
            }),
          () => new Promise<void>(() => undefined),
        )
      : new Promise<void>(() => undefined);
    const fromProbe = others.then(
      () => this.probeUntilReady(instance, stop.signal, Math.max(0, (options.timeoutMs ?? 180_000) - (wireFirst ? WIRE_ALONE_MS : 0))),
      () => new Promise<void>(() => undefined),
    );
    try {
      await Promise.race([fromLog, this.answersOnItsPort(instance, stop.signal), fromProbe]);
      // The server answers; docker's own health status follows at its next probe (and via events).
      return { ...instance, status: 'running' };
    } finally {
      stop.abort();
      logs?.cancel();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Resolves once the server answers its engine's question on its published port (engines/wire.ts), asked
   * every WIRE_PAUSE_MS by a process beside the engine; never resolves where that cannot be asked (the page,
   * an engine elsewhere, engines without a question), leaving the probe inside the container to tell.
   */
  private canAskItsPort(instance: Instance): boolean {
    return Boolean(this.docker.cli.wire && wireQuestion(instance.engine) && instance.hostPort);
  }

  private async answersOnItsPort(instance: Instance, signal: AbortSignal): Promise<void> {
    const wire = this.docker.cli.wire;
    const never = new Promise<void>(() => undefined);
    if (!wire || !this.canAskItsPort(instance)) return never;
    const question = wireQuestion(instance.engine, wireLogsIn(instance.engine) ? await this.serverPassword(instance) : undefined);
    if (!question) return never;
    while (!signal.aborted) {
      if (await wire(instance.hostPort, question, { timeoutMs: 1000, signal })) return;
      await sleep(WIRE_PAUSE_MS, signal).catch(() => undefined);
    }
    return never;
  }

  /**
   * The password the server takes, from the container's own configuration (as the connection string reads it),
   * for a question that logs in; undefined when it cannot be read (the question then asks without it).
   */
  private async serverPassword(instance: Instance): Promise<string | undefined> {
    try {
      const details = await this.lifecycle.details(instance);
      return getEngine(instance.engine).readPassword({ env: details.env, cmd: details.cmd });
    } catch {
      return undefined;
    }
  }

  private async probeUntilReady(instance: Instance, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const failure = await waitUntilAnswers(this.docker, instance.containerId, instance.engine, signal, timeoutMs);
    if (failure === 'stopped') {
      const now = await this.lifecycle.get(instance.id);
      throw new DockbaseError('command-failed', `${now.name} stopped while starting (${now.statusText}). Open its logs to see why.`);
    }
    if (failure === 'timeout') throw new DockbaseError('command-failed', `${instance.name} did not become ready in time.`);
  }

  /**
   * Resolves when the instance reports healthy, rejects when it dies or turns unhealthy. Listens to
   * events; the current state is read once after subscribing so a change in between is not missed.
   */
  waitUntilHealthy(instance: Instance, options: { signal?: AbortSignal } = {}): Promise<Instance> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, value?: Instance) => {
        if (settled) return;
        settled = true;
        handle.cancel();
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value as Instance);
      };
      const check = () => {
        this.lifecycle.get(instance.id).then(
          (i) => {
            if (i.health === 'healthy') finish(undefined, i);
            else if (i.health === 'unhealthy') finish(new DockbaseError('command-failed', `${i.name} is unhealthy.`));
            else if (i.status !== 'running' && i.status !== 'restarting') finish(new DockbaseError('command-failed', `${i.name} stopped (${i.statusText}).`));
          },
          (e: Error) => finish(e),
        );
      };
      const onAbort = () => finish(cancelled());
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const handle = this.docker.stream(healthEventsArgs(instance.containerId), { onLine: (line) => (parseEvent(line) ? check() : undefined) });
      check();
    });
  }
}
