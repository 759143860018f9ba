import { describe, expect, it } from 'vitest';
import type { v1 } from '@docker/extension-api-client-types';
import { DesktopDockerCli, EXACT_ENV_MARKER, HOST_FILES_MARKER } from './desktop';
import { joinHostPath } from './desktop-files';
import { isBridgeFailure } from './port';
import { resplitLikeDesktop } from './desktop-argv';

/**
 * A Docker Desktop bridge double with the real bridge's argument semantics: non-stream calls re-split
 * their arguments with shell-like quoting, stream calls pass them verbatim. It records what "docker"
 * would have received.
 */
function fakeDesktop(output: { stdout?: string; stderr?: string; code?: number } = {}) {
  const received: string[][] = [];
  const modes: string[] = [];
  const closed: number[] = [];
  const envs: Array<Record<string, string> | undefined> = [];
  const exec = (cmd: string, args: string[], options?: { stream?: v1.ExecStreamOptions; env?: Record<string, string> }) => {
    if (options?.stream) {
      envs.push(options.env);
      modes.push('stream');
      received.push([cmd, ...args]);
      const s = options.stream;
      queueMicrotask(() => {
        if (output.stdout) s.onOutput?.({ stdout: output.stdout });
        if (output.stderr) s.onOutput?.({ stderr: output.stderr });
        s.onClose?.(output.code ?? 0);
      });
      return { close: () => closed.push(1) };
    }
    modes.push('exec');
    received.push(resplitLikeDesktop([cmd, ...args]));
    return Promise.resolve({ stdout: output.stdout ?? '', stderr: '', code: 0 });
  };
  const client = { docker: { cli: { exec } } } as unknown as Pick<v1.DockerDesktopClient, 'docker'>;
  return { client, received, modes, closed, envs };
}

const HOSTILE = [
  'pass word',
  `it's "quoted"`,
  'back\\slash',
  '$HOME',
  '$(rm -rf /)',
  '`id`',
  'a;b|c&d<e>f',
  '-leading-dash',
  '--requirepass',
  'ünïcödé 🔑 密码',
  '',
  '  spaced  ',
];

describe('DesktopDockerCli', () => {
  it('delivers hostile arguments unchanged, each as one argv element', async () => {
    const fake = fakeDesktop({ stdout: 'ok\n' });
    const cli = new DesktopDockerCli(fake.client);
    for (const value of HOSTILE) {
      const args = ['create', '--env', `POSTGRES_PASSWORD=${value}`, 'image:tag', value];
      const r = await cli.run(args);
      expect(r).toEqual({ stdout: 'ok\n', stderr: '', code: 0 });
      expect(fake.received.at(-1)).toEqual(args);
    }
    expect(new Set(fake.modes)).toEqual(new Set(['stream']));
  });

  it('shows why stream mode is needed: the non-stream bridge would have changed them', () => {
    const changed = HOSTILE.filter((v) => JSON.stringify(resplitLikeDesktop(['x', v])) !== JSON.stringify(['x', v]));
    expect(changed).toEqual(expect.arrayContaining(['pass word', `it's "quoted"`, 'back\\slash', '$(rm -rf /)', '', '  spaced  ']));
  });

  it('returns the exit code and stderr of a failing command', async () => {
    const fake = fakeDesktop({ stderr: 'Error response from daemon: No such container: x\n', code: 1 });
    const r = await new DesktopDockerCli(fake.client).run(['start', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No such container');
  });

  it('streams lines and closes the process on cancel', async () => {
    const fake = fakeDesktop({ stdout: 'a\nb\nc' });
    const lines: string[] = [];
    const h = new DesktopDockerCli(fake.client).stream(['events'], { onLine: (l) => lines.push(l) });
    expect(await h.done).toBe(0);
    expect(lines).toEqual(['a', 'b', 'c']);
    h.cancel();
    h.cancel();
    expect(fake.closed).toHaveLength(1);
  });

  it('rejects when the client has no docker bridge, so callers can report the engine unavailable', async () => {
    const cli = new DesktopDockerCli({ docker: {} } as unknown as Pick<v1.DockerDesktopClient, 'docker'>);
    await expect(cli.run(['ps'])).rejects.toThrow(/offers no docker CLI/);
  });

  it('rejects with an AbortError when aborted, and kills the process', async () => {
    const fake = fakeDesktop();
    const ctl = new AbortController();
    const cli = new DesktopDockerCli(fake.client);
    // A process that never closes by itself.
    (fake.client.docker.cli as unknown as { exec: unknown }).exec = () => ({ close: () => fake.closed.push(1) });
    const p = cli.run(['pull', 'postgres:17'], { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.closed).toHaveLength(1);
  });

  it('keeps secrets in argv on Docker Desktop, whose handling of the env option is unconfirmed', async () => {
    const fake = fakeDesktop();
    const cli = new DesktopDockerCli(fake.client);
    expect(cli.passesEnv).toBe(false);
    await expect(cli.run(['run', '--env', 'POSTGRES_PASSWORD'], { env: { POSTGRES_PASSWORD: 'x' } })).rejects.toThrow(/cannot hand an environment/);
    expect(fake.received).toEqual([]);
  });

  it('hands the environment over with the stream call when the client promises to pass it exactly', async () => {
    const fake = fakeDesktop();
    (fake.client.docker.cli as unknown as Record<string, unknown>)[EXACT_ENV_MARKER] = true;
    const cli = new DesktopDockerCli(fake.client);
    expect(cli.passesEnv).toBe(true);
    await cli.run(['run', '--env', 'POSTGRES_PASSWORD'], { env: { POSTGRES_PASSWORD: 'p w' } });
    await cli.run(['ps']);
    expect(fake.envs).toEqual([{ POSTGRES_PASSWORD: 'p w' }, undefined]);
    expect(fake.received[0]).toEqual(['run', '--env', 'POSTGRES_PASSWORD']);
  });
});

describe('a bridge that fails', () => {
  function failing(error: unknown) {
    const exec = (_cmd: string, _args: string[], options?: { stream?: v1.ExecStreamOptions }) => {
      const s = options?.stream;
      queueMicrotask(() => {
        s?.onError?.(error);
        s?.onClose?.(127);
      });
      return { close: () => undefined };
    };
    return new DesktopDockerCli({ docker: { cli: { exec } } } as unknown as Pick<v1.DockerDesktopClient, 'docker'>);
  }

  it('is marked as such when it could not be reached, so the core tells it from an engine that is down', async () => {
    const r = await failing(Object.assign(new Error('cannot reach the Dockbase host: Failed to fetch'), { name: 'DockbaseHostError' })).run(['ps']);
    expect(r.code).not.toBe(0);
    expect(isBridgeFailure(r.stderr)).toBe(true);
  });

  it('is not, when it answered with a refusal (an HTTP status): its reason is what the core reads', async () => {
    const refusal = Object.assign(new Error("the Dockbase host refused the command (HTTP 403: x is not Dockbase's (reason))"), { status: 403 });
    const r = await failing(refusal).run(['rm', '--force', 'x']);
    expect(isBridgeFailure(r.stderr)).toBe(false);
    expect(r.stderr).toContain("is not Dockbase's (reason)");
  });
});

describe('DesktopDockerCli files', () => {
  it('uses the HostFiles its client carries (the standalone host copies files itself)', () => {
    const files = { save: async () => ({ path: '/x', sizeBytes: 1 }), send: async () => ({ sizeBytes: 1 }) };
    const { client } = fakeDesktop();
    (client.docker.cli as unknown as Record<string, unknown>)[HOST_FILES_MARKER] = files;
    expect(new DesktopDockerCli(client).files).toBe(files);
  });

  it('inside Docker Desktop, lets docker write to the chosen name and read the chosen file, by exact argv', async () => {
    const { client, received, modes } = fakeDesktop();
    const cli = new DesktopDockerCli(client);
    const saved = await cli.files.save(['cp', 'c0ffee:/tmp/dockbase-export-0123456789ab', '-'], {
      directory: "C:\\Users\\me it's",
      stem: 'shop-20260131-235958',
      extension: '.sql',
    });
    expect(saved.path).toBe("C:\\Users\\me it's\\shop-20260131-235958.sql");
    await cli.files.send(['cp', '-', 'c0ffee:/tmp'], { path: '/home/me/a b.sql', name: 'dockbase-import-0123456789ab' });
    expect(received).toEqual([
      ['cp', 'c0ffee:/tmp/dockbase-export-0123456789ab', "C:\\Users\\me it's\\shop-20260131-235958.sql"],
      ['cp', '/home/me/a b.sql', 'c0ffee:/tmp/dockbase-import-0123456789ab'],
    ]);
    expect(modes).toEqual(['stream', 'stream']);
  });

  it('reports docker’s failure as a HostFileError with its words', async () => {
    const { client } = fakeDesktop({ stderr: 'Error: no space left on device\n', code: 1 });
    await expect(
      new DesktopDockerCli(client).files.save(['cp', 'c0ffee:/tmp/x', '-'], { directory: '/home/me', stem: 's', extension: '.sql' }),
    ).rejects.toMatchObject({
      name: 'HostFileError',
      code: 'docker',
      message: 'Error: no space left on device',
    });
  });

  it('joins folder and file name with the folder’s own separator', () => {
    expect(joinHostPath('/home/me/backups', 'a.sql')).toBe('/home/me/backups/a.sql');
    expect(joinHostPath('/home/me/backups/', 'a.sql')).toBe('/home/me/backups/a.sql');
    expect(joinHostPath('C:\\Users\\me', 'a.sql')).toBe('C:\\Users\\me\\a.sql');
  });
});
