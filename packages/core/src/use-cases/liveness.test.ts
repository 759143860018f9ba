import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DockerCli, RunOptions, RunResult } from '@dockbase/docker-cli';
import { probeArgs } from '../docker/exec';
import { STEADY_HEALTH } from '../docker/health';
import { displayStatus } from '../model/instance';
import {
  HANG_SHOWN_WITHIN_MS,
  Liveness,
  WATCH,
  FIRST_PROBE_AFTER_MS,
  firstProbeDelayMs,
  nextProbeDelayMs,
  noteVerdict,
  probedAnswer,
  serverView,
  type SeenVerdict,
  type ServerAnswer,
} from './liveness';
import { DockerRunner } from '../docker/runner';

/**
 * A server as the probe sees it: answers, refuses, or hangs (the probe never returns until aborted); or the
 * engine is away (restarting: docker itself cannot be asked).
 */
type ServerState = 'answers' | 'refuses' | 'hangs' | 'engine-away';

function server(initial: ServerState) {
  let state = initial;
  const probes: number[] = [];
  const cli: DockerCli = {
    run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
      expect(args).toEqual(probeArgs('cid', 'redis'));
      probes.push(Date.now());
      if (state === 'answers') return Promise.resolve({ code: 0, stdout: '', stderr: '' });
      if (state === 'refuses') return Promise.resolve({ code: 1, stdout: '', stderr: 'Could not connect to Redis' });
      if (state === 'engine-away')
        return Promise.resolve({
          code: 1,
          stdout: '',
          stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
        });
      return new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    },
    stream: () => {
      throw new Error('the watch streams nothing');
    },
  };
  return { liveness: new Liveness(new DockerRunner(cli)), probes, set: (s: ServerState) => (state = s) };
}

const instance = { containerId: 'cid', engine: 'redis', health: 'healthy' } as const;

describe('the watch’s cadence', () => {
  it('shows a hang within 60 s and runs at most 2 execs per instance-minute, docker’s own probe included', () => {
    expect(HANG_SHOWN_WITHIN_MS).toBeLessThanOrEqual(50_000);
    expect(60_000 / WATCH.intervalMs + 60 / STEADY_HEALTH.intervalSeconds).toBeLessThanOrEqual(2);
  });

  it('checks a verdict of "unhealthy" at once, and spreads the first probes of the others over one interval', () => {
    expect(firstProbeDelayMs({ health: 'unhealthy' }, 0.9)).toBe(0);
    // Not while the tab opens (its list and first paint), then spread over the rest of the interval.
    expect(firstProbeDelayMs({ health: 'healthy' }, 0)).toBe(FIRST_PROBE_AFTER_MS);
    expect(firstProbeDelayMs({ health: 'healthy' }, 0.5)).toBe(FIRST_PROBE_AFTER_MS + (WATCH.intervalMs - FIRST_PROBE_AFTER_MS) / 2);
    expect(firstProbeDelayMs({ health: 'starting' }, 0.999)).toBeLessThan(WATCH.intervalMs);
  });

  it('asks a silent server less and less often, up to every 5 minutes, and goes back to 40 s once it answers', () => {
    expect(nextProbeDelayMs({ answered: true, failures: 0 })).toBe(40_000);
    expect([1, 2, 3, 4, 5, 9].map((failures) => nextProbeDelayMs({ answered: false, failures }))).toEqual([40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });
});

describe('whose word counts', () => {
  const answer = (answered: boolean, at: number): ServerAnswer => ({ answered, at, failures: answered ? 0 : 1 });

  it('the probe’s, when newer than docker’s verdict; docker’s otherwise', () => {
    expect(probedAnswer(undefined, 100)).toBeUndefined();
    expect(probedAnswer(answer(false, 50), 100)).toBeUndefined();
    expect(probedAnswer(answer(false, 150), 100)).toBe(false);
    expect(probedAnswer(answer(true, 150), 100)).toBe(true);
  });

  it('a server that stopped answering after docker’s "healthy" shows unhealthy; one that answers after docker’s "unhealthy" shows healthy', () => {
    expect(displayStatus({ status: 'running', health: 'healthy' }, { probedAnswer: false })).toBe('unhealthy');
    expect(displayStatus({ status: 'running', health: 'unhealthy' }, { probedAnswer: true })).toBe('healthy');
    expect(displayStatus({ status: 'running', health: 'none' }, { probedAnswer: false })).toBe('unhealthy');
    // Docker has no verdict yet (for 20 minutes after a start on engines without a start interval): an answer
    // shows healthy; silence after this run answered is a hang, silence before it a server still starting.
    expect(displayStatus({ status: 'running', health: 'starting' }, { probedAnswer: true })).toBe('healthy');
    expect(displayStatus({ status: 'running', health: 'starting' }, { serverAnswered: true, probedAnswer: false })).toBe('unhealthy');
    expect(displayStatus({ status: 'running', health: 'starting' }, { probedAnswer: false })).toBe('starting');
    // Not running: docker's state, whatever the last probe said.
    expect(displayStatus({ status: 'paused', health: 'healthy' }, { probedAnswer: true })).toBe('paused');
    expect(displayStatus({ status: 'exited', health: 'none', exitCode: 0 }, { probedAnswer: true })).toBe('stopped');
  });
});

describe('when docker’s verdict was first seen', () => {
  const seen = (status: SeenVerdict['status'], health: SeenVerdict['health'], at: number): SeenVerdict => ({ status, health, at });

  it('the first time the viewer sees the container: now', () => {
    expect(noteVerdict(undefined, { status: 'running', health: 'healthy' }, 100)).toEqual(seen('running', 'healthy', 100));
    expect(noteVerdict(undefined, { status: 'paused', health: 'unhealthy' }, 100)).toEqual(seen('paused', 'unhealthy', 100));
  });

  it('the same verdict again: unchanged, the very record kept', () => {
    const last = seen('running', 'healthy', 100);
    expect(noteVerdict(last, { status: 'running', health: 'healthy' }, 500)).toBe(last);
  });

  it('a health that changed while the server runs: a new verdict, seen now', () => {
    expect(noteVerdict(seen('running', 'healthy', 100), { status: 'running', health: 'unhealthy' }, 500)).toEqual(seen('running', 'unhealthy', 500));
    expect(noteVerdict(seen('running', 'starting', 100), { status: 'running', health: 'healthy' }, 500)).toEqual(seen('running', 'healthy', 500));
  });

  it('what an unpause or a start reveals was reached before: noted, with the time it was first seen', () => {
    // Paused, then unpaused with docker's "unhealthy" from the frozen time: not newer than the probe after the unpause.
    const paused = noteVerdict(seen('running', 'healthy', 100), { status: 'paused', health: 'healthy' }, 200);
    expect(paused).toEqual(seen('paused', 'healthy', 100));
    expect(noteVerdict(paused, { status: 'running', health: 'unhealthy' }, 300)).toEqual(seen('running', 'unhealthy', 100));
    // Stopped, then started: the health it shows is not news either.
    expect(noteVerdict(seen('exited', 'none', 100), { status: 'running', health: 'healthy' }, 300)).toEqual(seen('running', 'healthy', 100));
    // A state change without a health change keeps the time too.
    expect(noteVerdict(seen('running', 'healthy', 100), { status: 'paused', health: 'unhealthy' }, 300)).toEqual(seen('paused', 'unhealthy', 100));
  });
});

describe('the view of a server', () => {
  const answer = (answered: boolean, at: number): ServerAnswer => ({ answered, at, failures: answered ? 0 : 1 });

  it('counts the readiness wait’s answer only while docker still says "starting"', () => {
    expect(serverView({ status: 'running', health: 'starting' }, { answered: true }, 0)).toEqual({ serverAnswered: true });
    expect(serverView({ status: 'running', health: 'starting' }, {}, 0)).toEqual({ serverAnswered: false });
    expect(serverView({ status: 'running', health: 'healthy' }, { answered: true }, 0)).toEqual({ serverAnswered: false });
    expect(serverView({ status: 'exited', health: 'starting' }, { answered: true }, 0)).toEqual({ serverAnswered: false });
  });

  it('counts the watch’s answer while the server runs, when newer than docker’s verdict as first seen', () => {
    expect(serverView({ status: 'running', health: 'healthy' }, { probed: answer(false, 150) }, 100)).toEqual({ serverAnswered: false, probedAnswer: false });
    expect(serverView({ status: 'running', health: 'unhealthy' }, { probed: answer(true, 150) }, 100)).toEqual({ serverAnswered: false, probedAnswer: true });
    expect(serverView({ status: 'running', health: 'healthy' }, { probed: answer(false, 50) }, 100)).toEqual({ serverAnswered: false });
    expect(serverView({ status: 'running', health: 'starting' }, { answered: true, probed: answer(false, 150) }, 100)).toEqual({
      serverAnswered: true,
      probedAnswer: false,
    });
    // Not running: docker's state, whatever the last probe said.
    expect(serverView({ status: 'paused', health: 'healthy' }, { probed: answer(false, 150) }, 100)).toEqual({ serverAnswered: false });
  });

  it('with noteVerdict, gives an unpaused server’s probe the word over docker’s verdict from the frozen time', () => {
    let seen = noteVerdict(undefined, { status: 'running', health: 'healthy' }, 100);
    seen = noteVerdict(seen, { status: 'paused', health: 'healthy' }, 200);
    seen = noteVerdict(seen, { status: 'running', health: 'unhealthy' }, 300);
    const view = serverView({ status: 'running', health: 'unhealthy' }, { probed: answer(true, 310) }, seen.at);
    expect(displayStatus({ status: 'running', health: 'unhealthy' }, view)).toBe('healthy');
  });
});

describe('Liveness', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('one probe: answered, refused, or given up after 10 s when the server hangs', async () => {
    const s = server('answers');
    await expect(s.liveness.probe(instance)).resolves.toEqual({ answered: true, at: 1_000_000, failures: 0 });
    s.set('refuses');
    await expect(s.liveness.probe(instance)).resolves.toMatchObject({ answered: false, failures: 1 });
    s.set('hangs');
    const hung = s.liveness.probe(instance, { previous: { answered: false, at: 0, failures: 1 } });
    await vi.advanceTimersByTimeAsync(WATCH.timeoutMs);
    await expect(hung).resolves.toEqual({ answered: false, at: 1_000_000 + WATCH.timeoutMs, failures: 2 });
  });

  it('a cancelled probe is cancelled, not a silent server', async () => {
    const s = server('hangs');
    const stop = new AbortController();
    const p = s.liveness.probe(instance, { signal: stop.signal });
    stop.abort();
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('watches on the cadence: a hang shows within 50 s, nothing runs while hidden, nothing after it ends', async () => {
    const s = server('answers');
    const answers: ServerAnswer[] = [];
    const stop = new AbortController();
    let hidden = false;
    const done = s.liveness.watch(instance, (a) => answers.push(a), { signal: stop.signal, paused: () => hidden, random: () => 0 });
    // The first probe once the open has settled.
    await vi.advanceTimersByTimeAsync(FIRST_PROBE_AFTER_MS - 1);
    expect(answers).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(answers).toEqual([{ answered: true, at: 1_010_000, failures: 0 }]);
    // Ten minutes of a healthy server: one probe per 40 s (15 in 600 s).
    await vi.advanceTimersByTimeAsync(600_000);
    expect(answers).toHaveLength(16);
    // The server hangs right after an answer: shown within 50 s.
    const hangAt = Date.now();
    s.set('hangs');
    await vi.advanceTimersByTimeAsync(HANG_SHOWN_WITHIN_MS);
    expect(answers.at(-1)).toMatchObject({ answered: false, failures: 1 });
    expect(answers.at(-1)!.at - hangAt).toBeLessThanOrEqual(HANG_SHOWN_WITHIN_MS);
    // While hidden, no probe runs.
    hidden = true;
    const before = s.probes.length;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(s.probes.length).toBe(before);
    hidden = false;
    stop.abort();
    await done;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(s.probes.length).toBe(before);
  });

  it('takes an engine that is away for no word from the server: its last answer stands until docker can ask it again', async () => {
    const s = server('answers');
    const answers: ServerAnswer[] = [];
    const stop = new AbortController();
    void s.liveness.watch(instance, (a) => answers.push(a), { signal: stop.signal, random: () => 0 });
    await vi.advanceTimersByTimeAsync(FIRST_PROBE_AFTER_MS);
    expect(answers).toEqual([{ answered: true, at: 1_010_000, failures: 0 }]);
    // The engine restarts: the probes that cannot run say nothing (the chip keeps "Healthy", not "Unhealthy").
    s.set('engine-away');
    await vi.advanceTimersByTimeAsync(3 * WATCH.intervalMs);
    expect(s.probes).toHaveLength(4);
    expect(answers).toHaveLength(1);
    // Back: the next probe is the server's word again, on the usual cadence.
    s.set('answers');
    await vi.advanceTimersByTimeAsync(WATCH.intervalMs);
    expect(answers).toEqual([
      { answered: true, at: 1_010_000, failures: 0 },
      { answered: true, at: 1_010_000 + 4 * WATCH.intervalMs, failures: 0 },
    ]);
    stop.abort();
  });

  it('picks up where the last answer left off (the tab re-renders): no extra probe', async () => {
    const s = server('answers');
    const stop = new AbortController();
    void s.liveness.watch(instance, () => undefined, { signal: stop.signal, previous: { answered: true, at: Date.now() - 30_000, failures: 0 } });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(s.probes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.probes).toHaveLength(1);
    stop.abort();
  });
});
