import { describe, expect, it, vi } from 'vitest';
import type { DockerCli } from '@dockbase/docker-cli';
import { createDockbase } from '../dockbase';
import { DockerRunner } from '../docker/runner';
import { isLoopbackRegistry, parseManifestPlatforms } from '../docker/images';
import { getEngine, tagVersion } from '../engines';
import { scripted } from '../test-support/scripted-cli';
import { REGISTRY_ANSWER_MS, byNearness, checkImage, servesPlatform } from './image-check';

/** `docker manifest inspect --verbose` of a multi-platform tag, trimmed to what the check reads. */
const multi = (platforms: string[]) =>
  JSON.stringify(
    platforms.map((p) => ({
      Descriptor: { platform: { os: p.split('/')[0], architecture: p.split('/')[1], ...(p.split('/')[2] ? { variant: p.split('/')[2] } : {}) } },
    })),
  );
const single = (platform: string) => JSON.stringify({ Descriptor: { platform: { os: 'linux', architecture: platform } } });

describe('reading what a registry has', () => {
  it('lists the platforms of one manifest or of a list, leaving out attestations', () => {
    expect(parseManifestPlatforms(single('amd64'))).toEqual(['linux/amd64']);
    expect(
      parseManifestPlatforms(
        JSON.stringify([...JSON.parse(multi(['linux/arm64/v8', 'linux/amd64'])), { Descriptor: { platform: { os: 'unknown', architecture: 'unknown' } } }]),
      ),
    ).toEqual(['linux/amd64', 'linux/arm64/v8']);
  });

  it('matches a machine’s platform with its variants', () => {
    expect(servesPlatform(['linux/arm64/v8'], 'linux/arm64')).toBe(true);
    expect(servesPlatform(['linux/amd64'], 'linux/arm64')).toBe(false);
  });

  it('asks over plain HTTP only a registry on this machine', () => {
    expect(isLoopbackRegistry('127.0.0.1:5000/a/b:1')).toBe(true);
    expect(isLoopbackRegistry('localhost:5000/a:1')).toBe(true);
    expect(isLoopbackRegistry('registry.example.com/a:1')).toBe(false);
    expect(isLoopbackRegistry('mysql:5.7')).toBe(false);
  });

  it('orders candidates by nearness: same suffix, closest version, the newer on a tie', () => {
    expect(byNearness('5.7', ['8.0', '8.4', '5.6', '5.7.44', '9.1', 'latest'])).toEqual(['5.7.44', '5.6', '8.0', '8.4', '9.1']);
    expect(byNearness('16', ['18', '17', '15', '14'])).toEqual(['17', '15', '18', '14']);
    const pg = getEngine('postgres');
    expect(byNearness('pg18', ['pg17', 'pg16', 'pg15'], (t) => tagVersion(pg, t))).toEqual(['pg17', 'pg16', 'pg15']);
  });
});

describe('the image check before a pull', () => {
  it('MySQL 5.7 on Apple silicon: not for linux/arm64, and the nearest tags that have it, from Docker Hub’s list', async () => {
    const cli = scripted([['manifest inspect --verbose mysql:5.7', { stdout: single('amd64') }]]);
    const check = await checkImage(new DockerRunner(cli), 'mysql:5.7', {
      platform: 'linux/arm64',
      candidates: [
        { name: '5.6', architectures: ['amd64'] },
        { name: '8.0', architectures: ['amd64', 'arm64'] },
        { name: '8.4', architectures: ['amd64', 'arm64'] },
      ],
    });
    expect(check).toMatchObject({ verdict: 'not-for-platform', platforms: ['linux/amd64'], nearest: ['8.0', '8.4'] });
    expect(check.message).toBe("mysql:5.7 has no image for this machine's platform (linux/arm64), only for linux/amd64. Nearest tags that do: 8.0, 8.4.");
    // Docker Hub's list said it all: no further question to the registry.
    expect(cli.calls).toHaveLength(1);
  });

  it('a missing tag: asks the registry about the nearest candidates it knows no platforms of', async () => {
    const cli = scripted([
      ['manifest inspect --verbose postgres:16', { code: 1, stderr: 'no such manifest: docker.io/library/postgres:16' }],
      ['manifest inspect --verbose postgres:17', { stdout: multi(['linux/amd64', 'linux/arm64/v8']) }],
      ['manifest inspect --verbose postgres:15', { stdout: single('amd64') }],
      ['manifest inspect', { code: 1, stderr: 'no such manifest' }],
    ]);
    const check = await checkImage(new DockerRunner(cli), 'postgres:16', {
      platform: 'linux/arm64',
      candidates: ['18', '17', '15', '14'].map((name) => ({ name })),
    });
    expect(check).toMatchObject({ verdict: 'missing', nearest: ['17'] });
    expect(check.message).toBe('Image postgres:16 was not found in its registry. Nearest tags that do: 17.');
  });

  it('without an answer from a registry: could not be checked, and the pull goes on', async () => {
    const cli = scripted([['manifest inspect', { code: 1, stderr: 'error pinging v2 registry: dial tcp: lookup registry-1.docker.io: no such host' }]]);
    const check = await checkImage(new DockerRunner(cli), 'postgres:17', { platform: 'linux/amd64' });
    expect(check.verdict).toBe('unchecked');
    expect(check.message).toMatch(/^Dockbase could not check postgres:17 in its registry \(.*no such host\); the download will say whether it exists\.$/);
  });

  it('a registry that does not answer holds nothing: after 10 s the tag counts as not checked, and the command is stopped', async () => {
    let stopped = false;
    const hanging: DockerCli = {
      ...scripted([]),
      run: (_args: readonly string[], options?: { signal?: AbortSignal }) =>
        new Promise<never>((_resolve, reject) =>
          options?.signal?.addEventListener('abort', () => {
            stopped = true;
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          }),
        ),
    };
    vi.useFakeTimers();
    try {
      const checked = checkImage(new DockerRunner(hanging), '127.0.0.1:5000/dockbase-test/redis-debian:7.0', { platform: 'linux/amd64' });
      await vi.advanceTimersByTimeAsync(REGISTRY_ANSWER_MS);
      const check = await checked;
      expect(check.verdict).toBe('unchecked');
      expect(check.message).toMatch(/its registry did not answer within 10 s/);
      expect(stopped).toBe(true);
      // A way of running docker that does not end the command when asked (a bridge, a wrapper): the answer
      // does not wait for it.
      const deaf: DockerCli = { ...scripted([]), run: () => new Promise<never>(() => undefined) };
      const unanswered = checkImage(new DockerRunner(deaf), 'redis:8', { platform: 'linux/amd64' });
      await vi.advanceTimersByTimeAsync(REGISTRY_ANSWER_MS);
      await expect(unanswered).resolves.toMatchObject({ verdict: 'unchecked' });
      // Cancelled by the caller, it is a cancel, not a verdict.
      const stop = new AbortController();
      const cancelled = checkImage(new DockerRunner(hanging), 'redis:8', { signal: stop.signal });
      stop.abort();
      await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('create refuses a tag not made for this platform before pulling or making anything', async () => {
    const cli = scripted([
      ['version', { stdout: JSON.stringify({ Client: { ApiVersion: '1.47' }, Server: { ApiVersion: '1.47', Os: 'linux', Arch: 'arm64' } }) }],
      ['image inspect', { code: 1, stderr: 'No such image' }],
      ['volume inspect', { code: 1 }],
      ['manifest inspect --verbose mysql:5.7', { stdout: single('amd64') }],
      ['manifest inspect', { stdout: multi(['linux/amd64', 'linux/arm64/v8']) }],
    ]);
    const seen: string[] = [];
    await expect(
      createDockbase(cli).creation.create(
        { engine: 'mysql', name: 'old', tag: '5.7', hostPort: 3306, password: 'secret', persistData: true, exposeOnNetwork: false },
        { onImageCheck: (c) => seen.push(c.verdict) },
      ),
    ).rejects.toMatchObject({
      code: 'image-not-found',
      field: 'tag',
      message: expect.stringMatching(/^mysql:5\.7 has no image for this machine's platform \(linux\/arm64\).*Nearest tags that do: /),
    });
    expect(seen).toEqual(['not-for-platform']);
    expect(cli.calls.map((c) => c[0])).not.toContain('pull');
    expect(cli.calls.map((c) => c[0])).not.toContain('create');
    expect(cli.calls.map((c) => c[0])).not.toContain('run');
  });
});
