import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockbase, type CreateInstanceInput, type Dockbase } from '@dockbase/core';
import { DesktopDockerCli } from '@dockbase/docker-cli/desktop';
import { startBridgeHost, type BridgeHost } from '../support/bridge';
import { realDocker, testPort } from '../support/dockbase';
import { POSTGRES_TEST_IMAGE, REDIS_TEST_IMAGE, REDIS_TEST_TAG } from '../support/images';
import { withRedis } from '../support/redis';

// While an instance is created through the standalone host (the page's ddClient → the host's bridge → docker),
// no process on this machine, the docker CLI's or the server's inside the container, has the password in its
// argv: the process list is read every few milliseconds from before the create until the server is ready.
const { docker, cleanup } = realDocker();
const prefix = `dbt-argv-${process.pid}`;
const password = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑 ${prefix}`;

let bridge: BridgeHost;
let dockbase: Dockbase;

beforeAll(async () => {
  await cleanup(prefix);
  bridge = await startBridgeHost();
  // The UI's own wiring: the core over Docker Desktop's adapter, over the host's page client.
  dockbase = createDockbase(new DesktopDockerCli(bridge.ddClient()));
});

afterAll(async () => {
  await bridge?.close();
  await cleanup(prefix);
});

/** Reads every process's argv, over and over, until stopped; returns the argv lines that held `secret`. */
function watchProcessList(secret: string): { stop(): string[]; scans(): number } {
  const seen = new Set<string>();
  let scans = 0;
  const needle = Buffer.from(secret);
  const scan = () => {
    scans++;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`);
        if (cmdline.includes(needle)) seen.add(cmdline.toString('utf8').split('\0').join(' ').slice(0, 200));
      } catch {
        // ended meanwhile
      }
    }
  };
  const timer = setInterval(scan, 2);
  scan();
  return {
    stop: () => {
      clearInterval(timer);
      scan();
      return [...seen];
    },
    scans: () => scans,
  };
}

describe('the password stays out of every process’s argv', () => {
  it('Redis (the real server) created and started through the host: not in docker’s argv, not in redis-server’s', async () => {
    const input: CreateInstanceInput = {
      engine: 'redis',
      name: `${prefix}-redis`,
      tag: REDIS_TEST_TAG,
      image: REDIS_TEST_IMAGE,
      hostPort: testPort(70),
      password,
      persistData: true,
      exposeOnNetwork: false,
    };
    const watch = watchProcessList(password);
    const created = await dockbase.creation.create(input, { start: true });
    const ready = await dockbase.readiness.waitUntilReady(created);
    const leaks = watch.stop();
    expect(watch.scans()).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
    // And yet the server has exactly that password, and Dockbase reads it back for the connection string.
    await withRedis(input.hostPort, password, async (r) => expect(await r.command('PING')).toEqual({ ok: true, value: 'PONG' }));
    await expect(withRedis(input.hostPort, `${password}x`, async () => 'in')).rejects.toThrow(/AUTH refused/);
    const { uri } = await dockbase.lifecycle.connection(ready);
    expect(decodeURIComponent(new URL(uri).password)).toBe(password);
    const cmd = JSON.parse(await docker('inspect', '--format', '{{json .Config.Cmd}}', ready.containerId)) as string[];
    expect(cmd.join(' ')).not.toContain(password);
    await dockbase.lifecycle.remove(ready, { removeData: true });
  });

  it('an engine whose password is a variable (PostgreSQL stand-in): given to the container, not on docker’s command line', async () => {
    const input: CreateInstanceInput = {
      engine: 'postgres',
      name: `${prefix}-pg`,
      tag: '17',
      image: POSTGRES_TEST_IMAGE,
      hostPort: testPort(71),
      password,
      persistData: false,
      exposeOnNetwork: false,
    };
    const watch = watchProcessList(password);
    const created = await dockbase.creation.create(input, { start: true });
    await dockbase.readiness.waitUntilReady(created);
    expect(watch.stop()).toEqual([]);
    const env = JSON.parse(await docker('inspect', '--format', '{{json .Config.Env}}', created.containerId)) as string[];
    expect(env).toContain(`POSTGRES_PASSWORD=${password}`);
    await dockbase.lifecycle.remove(created);
  });
});
