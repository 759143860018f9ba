import { describe, expect, it } from 'vitest';
import { createDockbase } from '../dockbase';
import { ENGINES, getEngine } from '../engines';
import { BASELINE_CAPABILITIES, STEADY_HEALTH, capabilitiesFrom, compareApiVersions, healthArgs, healthSettings } from './health';
import { parseVersion } from './lifecycle';
import { scripted } from '../test-support/scripted-cli';

describe('the engine’s capabilities by API version', () => {
  it('compares API versions as numbers', () => {
    expect(compareApiVersions('1.41', '1.44')).toBe(-1);
    expect(compareApiVersions('1.44', '1.44')).toBe(0);
    expect(compareApiVersions('1.100', '1.44')).toBe(1);
    expect(compareApiVersions('2.0', '1.99')).toBe(1);
  });

  it.each([
    ['1.41', '1.41', false, '1.41'], // Docker 20.10 with any CLI (the CLI negotiates down to the daemon)
    ['1.43', '1.43', false, '1.43'], // Docker 24
    ['1.44', '1.44', true, '1.44'], // Docker 25: the first with --health-start-interval
    ['1.47', '1.47', true, '1.47'], // Docker Desktop 4.3x
    ['1.43', '1.47', false, '1.43'], // an older CLI against a newer daemon: the CLI lacks the flag
    ['1.50', '1.41', false, '1.41'], // a CLI that did not negotiate down: the daemon lacks it
  ])('CLI API %s, daemon API %s: start interval %s (API %s)', (clientApi, serverApi, startInterval, api) => {
    expect(capabilitiesFrom({ clientApi, serverApi })).toEqual({ apiVersion: api, healthStartInterval: startInterval });
  });

  it('falls back to what every supported engine has when a version is missing or unreadable', () => {
    expect(capabilitiesFrom({ clientApi: '1.47' })).toEqual(BASELINE_CAPABILITIES);
    expect(capabilitiesFrom({ clientApi: '1.47', serverApi: 'x' })).toEqual(BASELINE_CAPABILITIES);
    expect(BASELINE_CAPABILITIES.healthStartInterval).toBe(false);
  });

  it('reads both API versions from `docker version --format {{json .}}`', () => {
    const out = JSON.stringify({
      Client: { Version: '28.2.2', ApiVersion: '1.41', DefaultAPIVersion: '1.50' },
      Server: { Version: '20.10.24+dfsg1', ApiVersion: '1.41', MinAPIVersion: '1.12' },
    });
    expect(parseVersion(out)).toEqual({ clientApi: '1.41', serverApi: '1.41' });
    expect(parseVersion(JSON.stringify({ Client: { ApiVersion: '1.47' }, Server: null }))).toEqual({ clientApi: '1.47' });
    expect(parseVersion('')).toBeUndefined();
    expect(parseVersion('not json')).toBeUndefined();
  });
});

describe('health settings', () => {
  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: docker probes every 20 minutes, unhealthy once a run fails, with its start period', (_id, engine) => {
    for (const capabilities of [BASELINE_CAPABILITIES, { apiVersion: '1.47', healthStartInterval: true }]) {
      const s = healthSettings(engine, capabilities);
      // The budget, from what `npm run bench` measured: five idle PostgreSQL servers cost about 270 ms of CPU
      // a minute, one probe about 100 ms. Their probes must stay within 15% of that (the 5 minutes of the
      // last build cost 39%).
      const probesPerMinute = (5 * 60) / s.intervalSeconds;
      expect((probesPerMinute * 100) / 270).toBeLessThanOrEqual(0.15);
      // Docker's verdict, for the tools that read it, still comes on the first failed probe.
      expect(s.retries).toBe(1);
      expect(s.startPeriodSeconds).toBe(engine.healthcheck(engine.containerPort).startPeriodSeconds);
    }
  });

  it('API < 1.44: a long interval only (the UI probes while the instance starts)', () => {
    const s = healthSettings(getEngine('postgres'), { apiVersion: '1.41', healthStartInterval: false });
    expect(s).toEqual({ command: 'pg_isready -h 127.0.0.1 -p 5432 -U postgres -d postgres', ...STEADY_HEALTH, startPeriodSeconds: 60 });
    expect(healthArgs(s)).not.toContain('--health-start-interval');
  });

  it('API ≥ 1.44: the same steady state, probed every second while starting', () => {
    const s = healthSettings(getEngine('postgres'), { apiVersion: '1.44', healthStartInterval: true });
    expect(s).toMatchObject({ intervalSeconds: 1200, timeoutSeconds: 10, retries: 1, startPeriodSeconds: 60, startIntervalSeconds: 1 });
    expect(healthArgs(s).slice(-2)).toEqual(['--health-start-interval', '1s']);
  });
});

describe('capabilities are read once per core instance', () => {
  const version = (clientApi: string, serverApi: string) => JSON.stringify({ Client: { ApiVersion: clientApi }, Server: { ApiVersion: serverApi } });

  it('one `docker version` for any number of creates, and its answer decides the flags', async () => {
    const cli = scripted([
      ['version', { stdout: version('1.47', '1.47') }],
      ['image inspect', { stdout: 'sha256:x' }],
    ]);
    const dockbase = createDockbase(cli);
    for (const name of ['a', 'b', 'c']) {
      await dockbase.creation.create(
        { engine: 'redis', name, tag: '8.2', hostPort: 6400, password: 'pw', persistData: false, exposeOnNetwork: false },
        { start: true },
      );
    }
    expect(cli.calls.filter((c) => c[0] === 'version')).toHaveLength(1);
    const runs = cli.calls.filter((c) => c[0] === 'run');
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run[run.indexOf('--health-start-interval') + 1]).toBe('1s');
    expect(await dockbase.capabilities()).toEqual({ apiVersion: '1.47', healthStartInterval: true });
  });

  it('asks again after the daemon did not answer, meanwhile creating with the baseline', async () => {
    let up = false;
    const cli = scripted([
      ['version', () => (up ? { stdout: version('1.44', '1.44') } : { code: 1, stdout: JSON.stringify({ Client: { ApiVersion: '1.50' }, Server: null }) })],
    ]);
    const dockbase = createDockbase(cli);
    expect(await dockbase.capabilities()).toEqual(BASELINE_CAPABILITIES);
    up = true;
    expect(await dockbase.capabilities()).toEqual({ apiVersion: '1.44', healthStartInterval: true });
    expect(await dockbase.capabilities()).toEqual({ apiVersion: '1.44', healthStartInterval: true });
    expect(cli.calls.filter((c) => c[0] === 'version')).toHaveLength(2);
  });
});
