import { describe, expect, it } from 'vitest';
import { createDockbase } from '../dockbase';
import {
  SHOP_ID as ID,
  SHOP_PASSWORD as OLD_PASSWORD,
  SHOP_SNAPSHOT as snapshot,
  SHOP_VOLUME as VOLUME,
  SNAPSHOT_PASSWORD,
  mariadbDocker,
} from '../test-support/mariadb-data';
import type { RestoreResult } from '../use-cases/snapshots';
import { checkDataPassword, type DataPasswordResult } from '../use-cases/data-password';
import { MemoryJobStore } from './memory-store';
import { parseJobRequest } from './requests';
import { recoveryPlan } from './recovery';
import { JobRunner } from './runner';
import type { JobMark } from './job';

function runnerOn(docker: ReturnType<typeof mariadbDocker>) {
  const store = new MemoryJobStore();
  const marks: JobMark[] = [];
  const runner = new JobRunner({
    dockbase: createDockbase(docker.cli),
    cli: docker.cli,
    store,
    door: 'tab',
    engineLock: false,
    onMark: (_j, m) => void marks.push(m),
  });
  return { runner, store, marks };
}

type Restored = RestoreResult & DataPasswordResult;

describe('a restore given the snapshot’s password (MariaDB cannot have its password set without the old one)', () => {
  it('gives the instance that password once the data is back, proved by the engine’s client: its connection works again', async () => {
    const docker = mariadbDocker();
    const { runner, store, marks } = runnerOn(docker);
    const job = await runner.start({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: SNAPSHOT_PASSWORD });
    const end = (await runner.wait(job.id))!;
    expect(end.state).toBe('succeeded');
    const result = end.result as Restored;
    expect(result.dataPassword).toEqual({ taken: true, message: 'shop now has the password you gave for snapshot “first”: it opens the restored data.' });
    expect(result.password).toEqual({ status: 'ok' });
    // The instance runs on a new container configured with the snapshot's password, which the data keeps.
    expect(docker.named()).toMatchObject({ id: 'new1', password: SNAPSHOT_PASSWORD, running: true });
    expect(docker.data.get(VOLUME)).toBe(SNAPSHOT_PASSWORD);
    expect(result.instance?.containerId).toBe('new1');
    expect(docker.containers.has('old')).toBe(false);
    // It went to docker through the CLI's environment, never in an argv.
    expect(docker.envs).toContainEqual(expect.objectContaining({ MARIADB_ROOT_PASSWORD: SNAPSHOT_PASSWORD }));
    expect(docker.cli.calls.filter((c) => c.some((a) => a.includes(SNAPSHOT_PASSWORD)))).toEqual([]);
    // Nothing the job leaves (its record, its result, its journal) holds the password.
    const kept = JSON.stringify({ jobs: await store.recent(), marks });
    expect(kept).not.toContain(SNAPSHOT_PASSWORD);
    expect(kept).not.toContain(OLD_PASSWORD);
  });

  it('keeps the old password when the one given does not open the data either, and says so', async () => {
    const docker = mariadbDocker();
    const { runner } = runnerOn(docker);
    const job = await runner.start({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: 'a wrong guess' });
    const end = (await runner.wait(job.id))!;
    expect(end.state).toBe('succeeded');
    const result = end.result as Restored;
    expect(result.dataPassword).toEqual({
      taken: false,
      message: expect.stringMatching(
        /^The password you gave for snapshot “first” does not open the restored data either: shop keeps its own password\. Its data refuses that one too: MariaDB refused shop's password/,
      ),
    });
    // The card's check: the instance's own password, refused by the snapshot's data.
    expect(result.password).toMatchObject({ status: 'rejected' });
    expect(result.instance).toBeUndefined();
    // Its old container is back, under its name, running, with its own password; the one tried is gone.
    expect(docker.named()).toMatchObject({ id: 'old', password: OLD_PASSWORD, running: true });
    expect([...docker.containers.keys()]).toEqual(['old']);
    // The data is the snapshot's all the same: the restore is done.
    expect(docker.data.get(VOLUME)).toBe(SNAPSHOT_PASSWORD);
  });

  it('does not replace the container when the instance’s own password already opens the restored data', async () => {
    const docker = mariadbDocker();
    docker.data.set(snapshot.volumes[0]!.volume, OLD_PASSWORD);
    const { runner } = runnerOn(docker);
    const end = (await runner.wait((await runner.start({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: 'a guess' })).id))!;
    expect(end.result).toMatchObject({
      password: { status: 'ok' },
      dataPassword: {
        taken: false,
        message: 'shop’s own password opens the restored data, so it keeps it: the password you gave for snapshot “first” is not the data’s.',
      },
    });
    expect(docker.cli.calls.some((c) => c[0] === 'rename' || c[1] === '--detach')).toBe(false);
  });

  it('gives a stopped instance the password too, proved on a start, and leaves it stopped', async () => {
    const docker = mariadbDocker({ running: false });
    const { runner } = runnerOn(docker);
    const end = (await runner.wait((await runner.start({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: SNAPSHOT_PASSWORD })).id))!;
    expect(end.result).toMatchObject({ password: { status: 'ok' }, dataPassword: { taken: true } });
    expect(docker.named()).toMatchObject({ password: SNAPSHOT_PASSWORD, running: false });
  });

  it('journals the password’s steps so that an interruption finishes the restore with the old container back', async () => {
    const docker = mariadbDocker();
    const { runner, marks } = runnerOn(docker);
    await runner.wait((await runner.start({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: SNAPSHOT_PASSWORD })).id);
    const replaced = marks.findIndex((m) => m.phase === 'commit' && m.step === 'replaced');
    const created = marks.findIndex((m) => m.phase === 'commit' && m.step === 'create');
    expect(replaced).toBeGreaterThan(-1);
    expect(created).toBeGreaterThan(replaced);
    // Killed once the new container was made: the restore is finished, the swap put back.
    expect(recoveryPlan(marks.slice(0, created + 1))).toMatchObject({
      how: 'completed',
      actions: [
        { do: 'remove-others', instanceId: ID, keep: 'old' },
        { do: 'rename', container: 'old', to: 'shop' },
        { do: 'start', container: 'old', instanceId: ID },
      ],
    });
    // Killed once it served with the password: the swap is finished instead.
    expect(recoveryPlan(marks).actions).toEqual([
      { do: 'remove', containers: ['old'] },
      { do: 'start', container: 'new1', instanceId: ID },
    ]);
  });

  it('is refused before anything runs where no password is asked for, or one the engine would not take', async () => {
    const docker = mariadbDocker();
    const { runner } = runnerOn(docker);
    await expect(runner.start({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: 'line\nbreak' })).rejects.toMatchObject({
      code: 'invalid-input',
      field: 'dataPassword',
    });
    expect(docker.cli.calls.some((c) => c[0] === 'stop')).toBe(false);
    expect(() => parseJobRequest({ kind: 'restore', instanceId: ID, snapshotId: snapshot.id, dataPassword: 42 })).toThrow(/dataPassword must be a string/);
    expect(parseJobRequest({ kind: 'import', instanceId: ID, file: '/tmp/x', fileName: 'x.archive', dataPassword: 'pw' })).toMatchObject({
      dataPassword: 'pw',
    });
    // PostgreSQL sets its password again itself, Redis keeps none in its data, a MariaDB import keeps the instance's accounts.
    const asked = (engine: 'postgres' | 'redis' | 'mariadb' | 'mysql' | 'mongo', what: 'restore' | 'import') => {
      try {
        checkDataPassword({ name: 'shop', engine }, what, 'pw');
        return 'asked';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(asked('postgres', 'restore')).toBe('No password is asked for shop’s data: Dockbase sets shop’s password in the data itself.');
    expect(asked('redis', 'restore')).toBe('No password is asked for shop’s data: Redis keeps no password in its data.');
    expect(asked('mariadb', 'import')).toBe('No password is asked for shop’s data: a MariaDB import keeps shop’s own accounts.');
    expect([asked('mariadb', 'restore'), asked('mysql', 'restore'), asked('mongo', 'restore'), asked('mongo', 'import')]).toEqual([
      'asked',
      'asked',
      'asked',
      'asked',
    ]);
  });
});
