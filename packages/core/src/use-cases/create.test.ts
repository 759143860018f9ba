import { describe, expect, it } from 'vitest';
import type { RunOptions } from '@dockbase/docker-cli';
import { createDockbase } from '../dockbase';
import { scripted } from '../test-support/scripted-cli';
import type { CreateInstanceInput } from '../model/validation';

const input: CreateInstanceInput = {
  engine: 'postgres',
  name: 'app',
  tag: '17',
  hostPort: 5432,
  password: 'top secret',
  persistData: true,
  exposeOnNetwork: false,
};

describe('creating an instance', () => {
  it('knows the container it just made is its own: the next stop, start or restart inspects nothing first', async () => {
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['run --detach', { stdout: 'c0ffee\n' }],
      ['restart', { stdout: '' }],
    ]);
    const dockbase = createDockbase(cli);
    const made = await dockbase.creation.create(input, { start: true });
    const before = cli.calls.length;
    await dockbase.lifecycle.restart(made);
    expect(cli.calls.slice(before)).toEqual([['restart', '--time', '30', 'c0ffee']]);
  });

  it('removes the container and the volume it made when docker create fails, and redacts the password', async () => {
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume: dockbase-app-data' }],
      ['create', { code: 125, stderr: 'docker: Error response from daemon: invalid argument "POSTGRES_PASSWORD=top secret".' }],
      ['ps --all --quiet', { stdout: 'c0ffee\n' }],
    ]);
    const error = await createDockbase(cli)
      .creation.create(input)
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'command-failed', message: 'Could not create app: invalid argument "POSTGRES_PASSWORD=********"' });
    // PostgreSQL looks for the data an upgrade made for its major version too (dockbase-app-data-17).
    // The checks run side by side (the engine's version among them); then the create.
    expect(cli.calls.map((c) => c.slice(0, 2).join(' '))).toEqual([
      'version --format',
      'ps --all',
      'image inspect',
      'volume inspect',
      'volume inspect',
      'create --pull',
      'ps --all',
      'rm --force',
      'volume rm',
    ]);
    expect(cli.calls.filter((c) => c[0] === 'volume' && c[1] === 'inspect').map((c) => c[2])).toEqual(['dockbase-app-data', 'dockbase-app-data-17']);
    expect(cli.calls.at(-2)).toEqual(['rm', '--force', '--volumes', 'c0ffee']);
    expect(cli.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-data']);
  });

  it('keeps a volume that existed before (kept data) when a later step fails', async () => {
    const cli = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      [
        'volume inspect',
        {
          stdout:
            '[{"Name":"dockbase-app-data","Labels":{"io.dockbase.volume":"data","io.dockbase.engine":"postgres","io.dockbase.tag":"17","io.dockbase.mount":"/var/lib/postgresql/data"}}]',
        },
      ],
      [
        'run --detach',
        {
          code: 125,
          stdout: 'c0ffee\n',
          stderr:
            'docker: Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:5432 failed: port is already allocated',
        },
      ],
      ['ps --all --quiet', { stdout: 'c0ffee\n' }],
    ]);
    await expect(createDockbase(cli).creation.create(input, { start: true })).rejects.toMatchObject({ code: 'port-in-use', field: 'hostPort' });
    const ops = cli.calls.map((c) => c.slice(0, 2).join(' '));
    expect(ops).toContain('rm --force');
    expect(ops).not.toContain('volume rm');
  });

  it('pulls a missing image and reports its layers before creating', async () => {
    const progress: string[] = [];
    const cli = scripted([
      ['image inspect', { code: 1, stderr: 'Error: No such image: postgres:17' }],
      [
        'pull',
        {
          stdout:
            '17: Pulling from library/postgres\naaaaaaaaaaaa: Pulling fs layer\naaaaaaaaaaaa: Pull complete\nStatus: Downloaded newer image for postgres:17',
        },
      ],
      ['volume inspect', { code: 1 }],
      ['create', { stdout: 'c0ffee\n' }],
    ]);
    const instance = await createDockbase(cli).creation.create(input, {
      onPullProgress: (p) => progress.push(`${p.done}/${p.total}${p.status ? ` ${p.status}` : ''}`),
    });
    expect(progress).toEqual(['0/1', '1/1', '1/1 downloaded']);
    expect(instance).toMatchObject({ name: 'app', containerId: 'c0ffee', status: 'created', volumes: ['dockbase-app-data'] });
    // The registry is asked for the tag on this platform before the pull (image-check.ts).
    // (This fake's `docker version` says nothing of the daemon, so the platform is asked for again.)
    expect(cli.calls.map((c) => c[0])).toEqual(['version', 'ps', 'image', 'volume', 'volume', 'version', 'manifest', 'pull', 'create']);
  });

  it('hands the password to docker through its environment when the CLI can, never in argv', async () => {
    const base = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1, stderr: 'Error: No such volume' }],
      ['run --detach', { stdout: 'c0ffee\n' }],
    ]);
    const envs: Array<Readonly<Record<string, string>> | undefined> = [];
    const cli = { ...base, passesEnv: true, run: (args: readonly string[], options?: RunOptions) => (envs.push(options?.env), base.run(args, options)) };
    await createDockbase(cli).creation.create(input, { start: true });
    const run = base.calls.find((c) => c[0] === 'run')!;
    expect(run).toContain('POSTGRES_PASSWORD');
    expect(run.join('\n')).not.toContain('top secret');
    expect(envs.filter(Boolean)).toEqual([{ POSTGRES_PASSWORD: 'top secret' }]);
  });

  it('labels new data with the new instance’s id, and kept data keeps the id it carries', async () => {
    const fresh = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { code: 1 }],
      ['create', { stdout: 'c0ffee\n' }],
    ]);
    const made = await createDockbase(fresh).creation.create(input);
    expect(made.dataId).toBe(made.id);
    expect(fresh.calls.find((c) => c[0] === 'create')!.join(' ')).toContain(`volume-label=io.dockbase.instance=${made.id}`);

    const kept = JSON.stringify([
      {
        Name: 'dockbase-app-data',
        Labels: { 'io.dockbase.volume': 'data', 'io.dockbase.engine': 'postgres', 'io.dockbase.tag': '17', 'io.dockbase.instance': '00000000beef' },
      },
    ]);
    const reuse = scripted([
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect', { stdout: kept }],
      ['create', { stdout: 'c0ffee\n' }],
    ]);
    const again = await createDockbase(reuse).creation.create(input);
    expect(again).toMatchObject({ dataId: '00000000beef' });
    expect(again.id).not.toBe('00000000beef');
    expect(reuse.calls.find((c) => c[0] === 'create')).toContain('io.dockbase.data=00000000beef');
    // The settings its last delete recorded beside the data are history once it is in use again; a new data folder has none.
    expect(reuse.calls.at(-1)).toEqual(['volume', 'rm', 'dockbase-app-settings']);
    expect(fresh.calls.some((c) => c.join(' ') === 'volume rm dockbase-app-settings')).toBe(false);
  });

  it('looks for no snapshot and no settings record of volumes its caller has just made (a copy), and does for kept ones', async () => {
    const volume =
      '[{"Name":"dockbase-app-data","Labels":{"io.dockbase.volume":"data","io.dockbase.engine":"postgres","io.dockbase.tag":"17","io.dockbase.mount":"/var/lib/postgresql/data","io.dockbase.instance":"i-copy"}}]';
    const rules: Parameters<typeof scripted>[0] = [
      ['image inspect', { stdout: 'sha256:x' }],
      ['volume inspect dockbase-app-data-17', { code: 1, stderr: 'Error: No such volume' }],
      ['volume inspect', { stdout: volume }],
      ['run --detach', { stdout: 'c0ffee\n' }],
    ];
    const lookups = (calls: string[][]) => calls.filter((c) => c[0] === 'volume' && (c[1] === 'ls' || c[1] === 'rm')).map((c) => c.slice(0, 2).join(' '));
    const copied = scripted(rules);
    await createDockbase(copied).creation.create(input, { start: true, madeVolumes: ['dockbase-app-data'] });
    expect(lookups(copied.calls)).toEqual([]);
    const kept = scripted(rules);
    await createDockbase(kept).creation.create(input, { start: true });
    expect(lookups(kept.calls)).toEqual(['volume ls', 'volume rm']);
  });
});
