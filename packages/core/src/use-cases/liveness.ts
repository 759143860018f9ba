/**
 * Watching a running server while someone looks at it. Docker's own healthcheck probes rarely (every
 * 20 minutes, see health.ts): an idle instance then costs almost nothing when nobody is looking. Whoever
 * shows the instance (the open tab) asks the server itself instead, with the same probe, on a cadence that
 * shows a hang within a minute. The probe is the engine's own health probe, run inside the container: it
 * needs an application-level answer, so a stopped or hung server fails it.
 */
import { probeArgs } from '../docker/exec';
import { awaitsReadiness, type Instance, type ServerView } from '../model/instance';
import { sleep, type DockerRunner } from '../docker/runner';
import { isDockbaseError } from '../model/errors';

/**
 * The watch's cadence. One probe every 40 s: at most 1.5 docker execs per instance-minute while someone
 * looks (docker's own 20-minute probe adds 0.05). A server that hangs right after an answer fails the next
 * probe, at most 40 s on, which gives up after 10 s: it is shown within 50 s. A server that does not answer
 * is asked again less and less often (each probe left hanging in a hung server is one more process there),
 * up to every 5 minutes; an answer brings the cadence back.
 */
export const WATCH = { intervalMs: 40_000, timeoutMs: 10_000, maxIntervalMs: 300_000 } as const;

/** How long a hang can take to show while the watch runs: the next probe's start plus its timeout. */
export const HANG_SHOWN_WITHIN_MS = WATCH.intervalMs + WATCH.timeoutMs;

/** What Dockbase's own probe of a server saw, and when (ms since the epoch). */
export interface ServerAnswer {
  answered: boolean;
  at: number;
  /** Probes in a row that got no answer (0 after an answer). */
  failures: number;
}

/**
 * No first probe of a watch runs sooner than this after the watch starts (unless docker says unhealthy): the
 * tab's open is its list and first paint, and nothing else of the engine's.
 */
export const FIRST_PROBE_AFTER_MS = 10_000;

/**
 * When the first probe of a watch runs. A verdict of "unhealthy" may be docker's from long ago (a paused
 * time, a server since restarted by hand), so it is checked at once. Otherwise docker's verdict stands for
 * now: the first probes wait until the open has settled (FIRST_PROBE_AFTER_MS), then spread over the rest of
 * one interval instead of running together (`random` in [0, 1)).
 */
export function firstProbeDelayMs(instance: Pick<Instance, 'health'>, random: number): number {
  if (instance.health === 'unhealthy') return 0;
  return FIRST_PROBE_AFTER_MS + Math.floor(Math.min(Math.max(random, 0), 1) * (WATCH.intervalMs - FIRST_PROBE_AFTER_MS));
}

/** When the next probe runs after `last`: the interval after an answer, doubling per silent probe, capped. */
export function nextProbeDelayMs(last: Pick<ServerAnswer, 'answered' | 'failures'>): number {
  if (last.answered) return WATCH.intervalMs;
  return Math.min(WATCH.maxIntervalMs, WATCH.intervalMs * 2 ** Math.max(0, last.failures - 1));
}

/**
 * Whose word counts for the status: Dockbase's last probe when it is newer than docker's current verdict
 * (as first seen at `dockerVerdictSeenAt`), else docker's. Returns whether the server answered, or
 * undefined when docker's verdict is the newer news.
 */
export function probedAnswer(answer: ServerAnswer | undefined, dockerVerdictSeenAt: number): boolean | undefined {
  if (answer === undefined || answer.at < dockerVerdictSeenAt) return undefined;
  return answer.answered;
}

/** Docker's verdict on a container as one viewer (the open tab) last saw it, and since when (ms since the epoch). */
export interface SeenVerdict {
  status: Instance['status'];
  health: Instance['health'];
  at: number;
}

/**
 * When a viewer first saw docker's current verdict on a container (the probe's answer counts only when
 * newer), from what it saw last (`last`, undefined the first time) and what docker says `now`. Only a change
 * of health while the server runs is a new verdict: the health an unpause or a start reveals was reached
 * before (a start forgets the last run's answer instead). Every state is noted, paused ones too: an unpause
 * must not look like a new verdict. Returns what the viewer keeps for next time (`last` itself when nothing
 * changed); its `at` is when the verdict was first seen.
 */
export function noteVerdict(last: SeenVerdict | undefined, instance: Pick<Instance, 'status' | 'health'>, now: number): SeenVerdict {
  const { status, health } = instance;
  if (last?.status === status && last.health === health) return last;
  const changedWhileRunning = last !== undefined && last.health !== health && last.status === 'running' && status === 'running';
  return { status, health, at: last === undefined || changedWhileRunning ? now : last.at };
}

/** What a viewer's probes left for one run of a server: the readiness wait's answer, and the watch's last answer. */
export interface ServerAnswers {
  /** Whether this run answered the readiness wait (undefined: not asked, or no answer yet). */
  answered?: boolean | undefined;
  /** The watch's last answer (or the probe after an unpause). */
  probed?: ServerAnswer | undefined;
}

/**
 * Whose word counts for the status chip (`displayStatus`): the readiness wait's answer while docker still
 * says "starting", and the watch's last answer while the server runs, when it is newer than docker's verdict
 * as first seen at `verdictSeenAt` (noteVerdict); docker's verdict otherwise.
 */
export function serverView(instance: Pick<Instance, 'status' | 'health'>, answers: ServerAnswers, verdictSeenAt: number): ServerView {
  const view: ServerView = { serverAnswered: awaitsReadiness(instance) && answers.answered === true };
  const newer = instance.status === 'running' ? probedAnswer(answers.probed, verdictSeenAt) : undefined;
  if (newer !== undefined) view.probedAnswer = newer;
  return view;
}

export class Liveness {
  constructor(private readonly docker: DockerRunner) {}

  /**
   * One probe of the server: the engine's health probe inside the container, given up after
   * `WATCH.timeoutMs`. Never throws for a server that does not answer (or a container that no longer
   * runs): that is the answer. Throws only when `signal` aborts it.
   */
  async probe(instance: Pick<Instance, 'containerId' | 'engine'>, options: { signal?: AbortSignal; previous?: ServerAnswer } = {}): Promise<ServerAnswer> {
    return (await this.ask(instance, options)) ?? { answered: false, at: Date.now(), failures: (options.previous?.failures ?? 0) + 1 };
  }

  /**
   * The probe, or undefined when docker itself could not be asked (the engine or the bridge is away): that is
   * no word from the server, which may be serving as before (the engine restarting, say).
   */
  private async ask(
    instance: Pick<Instance, 'containerId' | 'engine'>,
    options: { signal?: AbortSignal; previous?: ServerAnswer },
  ): Promise<ServerAnswer | undefined> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), WATCH.timeoutMs);
    const onAbort = () => timeout.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let answered: boolean;
    try {
      answered = (await this.docker.tryRun(probeArgs(instance.containerId, instance.engine), timeout.signal)).code === 0;
    } catch (e) {
      if (options.signal?.aborted) throw e;
      if (!timeout.signal.aborted && (isDockbaseError(e, 'engine-unavailable') || isDockbaseError(e, 'bridge-unavailable'))) return undefined;
      // Timed out: the server hangs.
      answered = false;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    return { answered, at: Date.now(), failures: answered ? 0 : (options.previous?.failures ?? 0) + 1 };
  }

  /**
   * Probes the server on the watch's cadence until `signal` aborts, reporting each answer. `paused` is
   * asked before each probe (the tab: while it is hidden nobody looks, so nothing runs; it looks again at
   * the next turn). `random` spreads the first probe (tests pass a fixed one). `firstProbeNow`: the first
   * probe runs at once (the watch takes over from a readiness wait that ended without an answer: someone may
   * be waiting on this start, and it is one server, not the open of a whole list).
   */
  async watch(
    instance: Pick<Instance, 'containerId' | 'engine' | 'health'>,
    onAnswer: (answer: ServerAnswer) => void,
    options: { signal: AbortSignal; paused?: () => boolean; random?: () => number; previous?: ServerAnswer; firstProbeNow?: boolean },
  ): Promise<void> {
    let last = options.previous;
    let delay = last
      ? nextProbeDelayMs(last) - (Date.now() - last.at)
      : options.firstProbeNow
        ? 0
        : firstProbeDelayMs(instance, (options.random ?? Math.random)());
    try {
      for (;;) {
        await sleep(Math.max(0, delay), options.signal);
        if (options.paused?.()) {
          delay = WATCH.intervalMs;
          continue;
        }
        const answer = await this.ask(instance, { signal: options.signal, ...(last ? { previous: last } : {}) });
        // Docker could not be asked: the last answer stands, and the server is asked again at the next turn.
        if (!answer) {
          delay = WATCH.intervalMs;
          continue;
        }
        last = answer;
        onAnswer(last);
        delay = nextProbeDelayMs(last);
      }
    } catch (e) {
      if (options.signal.aborted) return;
      throw e;
    }
  }
}
