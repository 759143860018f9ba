import { describe, expect, it, vi } from 'vitest';
import { waitReadyArgs } from '../docker/exec';
import { createDockbase } from '../dockbase';
import { awaitsReadiness, displayStatus, type Instance } from '../model/instance';
import { scripted } from '../test-support/scripted-cli';
import type { WireQuestion } from '../engines/wire';
import { WIRE_ALONE_MS } from './readiness';

const base = { status: 'running', health: 'starting' } as const;

describe('the status chip’s rule: docker’s state, and Dockbase’s probe while docker has no verdict', () => {
  it('a running instance docker still calls "starting" shows healthy once the server answered', () => {
    expect(displayStatus(base)).toBe('starting');
    expect(displayStatus(base, { serverAnswered: false })).toBe('starting');
    expect(displayStatus(base, { serverAnswered: true })).toBe('healthy');
  });

  it.each([
    [{ status: 'running', health: 'unhealthy' }, 'unhealthy'],
    [{ status: 'running', health: 'healthy' }, 'healthy'],
    [{ status: 'running', health: 'none' }, 'running'],
    [{ status: 'exited', health: 'none', exitCode: 0 }, 'stopped'],
    [{ status: 'exited', health: 'none', exitCode: 1 }, 'error'],
    [{ status: 'restarting', health: 'none' }, 'starting'],
    [{ status: 'dead', health: 'none' }, 'error'],
    [{ status: 'paused', health: 'healthy' }, 'paused'],
  ] as const)('docker’s verdict %o wins over an answer: %s', (state, shown) => {
    expect(displayStatus(state, { serverAnswered: true })).toBe(shown);
    expect(displayStatus(state)).toBe(shown);
  });

  it('only running instances without docker’s verdict are probed', () => {
    expect(awaitsReadiness(base)).toBe(true);
    expect(awaitsReadiness({ status: 'running', health: 'healthy' })).toBe(false);
    expect(awaitsReadiness({ status: 'running', health: 'none' })).toBe(false);
    expect(awaitsReadiness({ status: 'paused', health: 'none' })).toBe(false);
    expect(awaitsReadiness({ status: 'exited', health: 'none' })).toBe(false);
  });
});

const redis: Instance = {
  id: 'i1',
  name: 'cache',
  engine: 'redis',
  image: 'redis',
  tag: '8.2',
  hostPort: 6379,
  bindAddress: '127.0.0.1',
  status: 'running',
  health: 'starting',
  createdAt: '',
  volumes: [],
  containerId: 'c1',
  statusText: 'Up 1 second (health: starting)',
};

describe('waitUntilReady', () => {
  it('probes until the server answers, then stops; it reads the log only of a fresh container', async () => {
    let probes = 0;
    const cli = scripted([['exec', () => (++probes < 3 ? { code: 1 } : { code: 0 })]]);
    await expect(createDockbase(cli).readiness.waitUntilReady(redis)).resolves.toMatchObject({ status: 'running' });
    expect(cli.calls.map((c) => c[0])).toEqual(['exec', 'exec', 'exec']);
    expect(cli.calls[0]).toEqual(waitReadyArgs('c1', 'redis'));
    expect(cli.calls[0]![4]).toContain('[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]');

    const fresh = scripted([
      ['logs', { stdout: 'Ready to accept connections tcp' }],
      ['exec', { code: 1 }],
    ]);
    await createDockbase(fresh).readiness.waitUntilReady(redis, { fresh: true });
    expect(fresh.calls[0]).toEqual(['logs', '--tail', 'all', '--follow', 'c1']);
  });

  it('where the published port can be asked from here, asks it alone first: no docker process competes with the server’s start', async () => {
    let asked = 0;
    const hellos: string[] = [];
    const inspected = JSON.stringify([{ Id: 'c1', Config: { Env: ['REDISCLI_AUTH=pw with space'], Cmd: ['sh', '-c', 'start'] } }]);
    const cli = {
      ...scripted([
        ['exec', { code: 1 }],
        ['container inspect', { stdout: inspected }],
      ]),
      wire: async (_port: number, question: WireQuestion) => {
        hellos.push(new TextDecoder().decode(question.hello));
        return ++asked >= 3;
      },
    };
    vi.useFakeTimers();
    try {
      const ready = createDockbase(cli).readiness.waitUntilReady(redis, { fresh: true });
      await vi.advanceTimersByTimeAsync(100);
      await expect(ready).resolves.toMatchObject({ status: 'running' });
      expect(asked).toBe(3);
      // Only the read of its configuration (through the engine's API where there is one), for its password:
      // the question logs in, as an app does, so that a server still loading its data is not taken for ready.
      expect(cli.calls).toEqual([['container', 'inspect', 'c1']]);
      expect(hellos[0]).toContain('AUTH\r\n$13\r\npw with space\r\n');

      // A port that does not answer from here: the probe inside the container and the log join in.
      const silent = { ...scripted([['exec', { code: 0 }]]), wire: async () => false };
      const late = createDockbase(silent).readiness.waitUntilReady(redis, { fresh: true });
      await vi.advanceTimersByTimeAsync(WIRE_ALONE_MS - 10);
      expect(silent.calls.map((c) => c[0])).toEqual(['container']);
      await vi.advanceTimersByTimeAsync(20);
      await expect(late).resolves.toMatchObject({ status: 'running' });
      expect(silent.calls.map((c) => c[0]).sort()).toEqual(['container', 'exec', 'logs']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up when the container stops or is paused meanwhile', async () => {
    const cli = scripted([
      ['exec', { code: 1, stderr: 'Error response from daemon: Container c1 is paused, unpause the container before exec' }],
      [
        'ps',
        {
          stdout: JSON.stringify({
            ID: 'c1',
            Names: 'cache',
            Image: 'redis:8.2',
            Labels: 'io.dockbase.instance=i1,io.dockbase.engine=redis',
            State: 'paused',
            Status: 'Up 3 seconds (Paused)',
          }),
        },
      ],
    ]);
    await expect(createDockbase(cli).readiness.waitUntilReady(redis)).rejects.toThrow(/cache stopped while starting \(Up 3 seconds \(Paused\)\)/);
  });
});
