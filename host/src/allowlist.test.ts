import { describe, expect, it } from 'vitest';
import { DOCKER_ALLOWLIST, refusal } from './allowlist';
import { applyPasswordArgs, keptVolumesArgs, localImagesArgs, probeArgs, renameArgs, statsArgs, unpauseArgs, verifyPasswordArgs, volumeSizesArgs } from '@dockbase/core';

describe('DOCKER_ALLOWLIST', () => {
  it('is the one list of what the standalone host runs, frozen', () => {
    expect(Object.keys(DOCKER_ALLOWLIST).sort()).toEqual(
      ['container', 'create', 'events', 'exec', 'image', 'info', 'inspect', 'logs', 'ps', 'pull', 'rename', 'restart', 'rm', 'run', 'start', 'stats', 'stop', 'system', 'unpause', 'version', 'volume'].sort(),
    );
    expect(DOCKER_ALLOWLIST.volume).toEqual(['create', 'inspect', 'rm', 'ls']);
    expect(DOCKER_ALLOWLIST.image).toEqual(['inspect', 'ls']);
    expect(DOCKER_ALLOWLIST.container).toEqual(['inspect']);
    expect(Object.isFrozen(DOCKER_ALLOWLIST)).toBe(true);
    expect(Object.isFrozen(DOCKER_ALLOWLIST.volume)).toBe(true);
  });

  it('allows the UI commands with any values', () => {
    expect(refusal('create', ['--name', 'db', '--label', 'a=b c "d" $e', '-e', 'POSTGRES_PASSWORD=--host', 'postgres:17', '-c', 'x=1'])).toBeUndefined();
    expect(refusal('volume', ['ls', '--format', '{{json .}}'])).toBeUndefined();
    expect(refusal('image', ['inspect', 'postgres:17'])).toBeUndefined();
    expect(refusal('logs', ['--follow', '--tail', '100', 'abc'])).toBeUndefined();
  });

  it('allows a detached run and the engines’ health probes, exactly as the core builds them', () => {
    expect(refusal('run', ['--detach', '--pull', 'never', '--name', 'db', 'redis:8.2'])).toBeUndefined();
    for (const engine of ['postgres', 'mysql', 'mariadb', 'mongo', 'redis'] as const) {
      const [cmd, ...args] = probeArgs('c0ffee', engine);
      expect(refusal(cmd!, args)).toBeUndefined();
      const [vcmd, ...vargs] = verifyPasswordArgs('c0ffee', engine);
      expect(refusal(vcmd!, vargs)).toBeUndefined();
    }
    const [acmd, ...aargs] = applyPasswordArgs('c0ffee', 'postgres');
    expect(refusal(acmd!, aargs)).toBeUndefined();
  });

  it('allows what everyday use needs: unpause, rename, stats, volume sizes, local image tags', () => {
    for (const argv of [unpauseArgs('c'), renameArgs('c', 'n'), statsArgs(['c']), volumeSizesArgs(), localImagesArgs('postgres'), keptVolumesArgs()]) {
      const [cmd, ...args] = argv;
      expect(refusal(cmd!, args)).toBeUndefined();
    }
  });

  it.each([
    ['run', []],
    ['run', ['-it', 'alpine', 'sh']],
    ['run', ['--rm', '--detach', 'alpine']],
    ['exec', ['x', 'sh']],
    ['exec', ['x', 'sh', '-c', 'cat /etc/shadow']],
    ['exec', ['--privileged', 'sh', '-c', '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]']],
    ['exec', ['x', 'sh', '-c', '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]', 'extra']],
    ['cp', []],
    ['system', ['prune']],
    ['', []],
    ['--host', ['tcp://x']],
    ['-H', ['tcp://x']],
    ['ps', ['--context=evil']],
    ['ps', ['--config', '/tmp']],
    ['volume', ['prune']],
    ['image', ['rm', 'x']],
    ['container', ['exec', 'x', 'sh']],
    ['container', ['run', 'alpine']],
    ['container', ['cp', 'x:/etc', '/tmp']],
    ['container', []],
    ['toString', []],
    ['hasOwnProperty', []],
  ])('refuses %s %j', (cmd, args) => {
    expect(refusal(cmd, args)).toMatch(/not allowed/);
  });

  it('does not echo argument values in its messages', () => {
    expect(refusal('ps', ['--host=tcp://secret-host:2375'])).not.toContain('secret');
  });
});
