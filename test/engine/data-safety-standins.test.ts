import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInstanceInput } from '@dockbase/core';
import { HOSTILE_PASSWORD, recordingDockbase } from '../support/data-safety';
import { testPort } from '../support/dockbase';
import { standinImage } from '../support/images';

// MongoDB has no real server here: its stand-in proves what does not need one — a snapshot copies BOTH of
// its data folders (db and configdb) file for file, restore puts them back, a clone gets them — with the
// exact helper argv. (Its dump and restore argv are checked in the core's unit tests.)
const { dockbase, docker, cleanup, argvs } = recordingDockbase();
const prefix = `dbt-stsafe-${process.pid}`;
const input: CreateInstanceInput = {
  engine: 'mongo',
  name: `${prefix}-orders`,
  tag: '8.0',
  image: standinImage('mongo'),
  hostPort: testPort(20),
  password: HOSTILE_PASSWORD,
  persistData: true,
  exposeOnNetwork: false,
};

/** Every file of both data folders with its content, as a helper container sees them. */
const contents = (volumes: Record<'db' | 'configdb', string>) =>
  docker(
    'run',
    '--rm',
    '--network',
    'none',
    '--entrypoint',
    'sh',
    '--mount',
    `type=volume,source=${volumes.db},target=/v/db,readonly`,
    '--mount',
    `type=volume,source=${volumes.configdb},target=/v/configdb,readonly`,
    `${standinImage('mongo')}:8.0`,
    '-c',
    'for f in /v/*/*; do echo "$f: $(cat "$f")"; done',
  );

beforeAll(() => cleanup(prefix));
afterAll(() => cleanup(prefix));

describe('snapshots of a two-volume engine (MongoDB stand-in)', () => {
  it('snapshots, restores and clones both data folders exactly', async () => {
    const instance = await dockbase.creation.create(input, { start: true });
    const own = { db: `dockbase-${input.name}-db`, configdb: `dockbase-${input.name}-configdb` };
    await docker('exec', instance.containerId, 'sh', '-c', 'echo first > /data/db/collection; echo cfg > /data/configdb/shard');
    const original = await contents(own);
    expect(original).toContain('/v/db/collection: first');

    // The stand-in ignores SIGTERM (a graceful stop would wait out its 30 s timeout): it is killed here, and
    // the snapshot of a stopped instance copies without stopping anything.
    await docker('kill', instance.containerId);
    const stopped = await dockbase.lifecycle.get(instance.id);
    const snapshot = await dockbase.snapshots.take(stopped, { name: 'both folders' });
    expect(snapshot.volumes.map((v) => [v.key, v.path])).toEqual([
      ['db', '/data/db'],
      ['configdb', '/data/configdb'],
    ]);
    const copies = { db: snapshot.volumes[0]!.volume, configdb: snapshot.volumes[1]!.volume };
    expect(await contents(copies)).toBe(original);
    const helper = argvs.find((a) => a.includes('io.dockbase.helper=snapshot'))!;
    expect(helper).toContain(`type=volume,source=${own.db},target=/from/db,readonly`);
    expect(helper).toContain(`type=volume,source=${own.configdb},target=/from/configdb,readonly`);

    expect((await dockbase.lifecycle.get(instance.id)).status).toBe('exited');
    await dockbase.lifecycle.start(stopped);
    await docker('exec', stopped.containerId, 'sh', '-c', 'echo second > /data/db/collection; echo extra > /data/db/new');
    await docker('kill', stopped.containerId);
    await dockbase.snapshots.restore(await dockbase.lifecycle.get(instance.id), snapshot);
    expect(await contents(own)).toBe(original);

    await dockbase.snapshots.clone(snapshot, { name: `${prefix}-copy`, hostPort: testPort(21), password: HOSTILE_PASSWORD, exposeOnNetwork: false });
    expect(await contents({ db: `dockbase-${prefix}-copy-db`, configdb: `dockbase-${prefix}-copy-configdb` })).toBe(original);
  });
});
