import { describe, expect, it } from 'vitest';
import { DOCKER_ALLOWLIST, refusal } from './allowlist';
import {
  CANCEL_SCRIPT,
  COPY_VOLUMES_SCRIPT,
  ENGINES,
  REPLACE_VOLUMES_SCRIPT,
  SNIFF_SCRIPT,
  copyFromContainerArgs,
  copyToContainerArgs,
  execScriptArgs,
  exportScript,
  helperRunArgs,
  importScript,
  probeArgs,
} from '@dockbase/core';

describe('DOCKER_ALLOWLIST', () => {
  it('is the one list of what the standalone host runs, frozen', () => {
    expect(Object.keys(DOCKER_ALLOWLIST).sort()).toEqual(
      ['container', 'cp', 'create', 'events', 'exec', 'image', 'info', 'inspect', 'logs', 'ps', 'pull', 'restart', 'rm', 'run', 'start', 'stop', 'version', 'volume'].sort(),
    );
    expect(DOCKER_ALLOWLIST.volume).toEqual(['create', 'inspect', 'rm', 'ls']);
    expect(DOCKER_ALLOWLIST.image).toEqual(['inspect']);
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

describe('the data-safety shapes', () => {
  const mongo = ENGINES.find((e) => e.id === 'mongo')!;
  const temp = '/tmp/dockbase-export-0123456789ab';
  const importTemp = '/tmp/dockbase-import-0123456789ab';

  it('allow exactly what the core builds', () => {
    const mounts = [
      { volume: 'dockbase-shop-db', target: '/from/db', readonly: true },
      { volume: 'dockbase-shop-snap-0123456789ab-db', target: '/to/db', labels: { 'io.dockbase.snapshot': '0123456789ab', 'io.dockbase.mount': '/data/db' } },
    ];
    for (const argv of [
      helperRunArgs('snapshot', 'mongo:8.0', mounts, COPY_VOLUMES_SCRIPT),
      helperRunArgs('restore', 'mongo:8.0', [mounts[0]!, { volume: 'dockbase-shop-db', target: '/to/db' }], REPLACE_VOLUMES_SCRIPT),
      execScriptArgs('c0ffee', exportScript(mongo), temp),
      execScriptArgs('c0ffee', CANCEL_SCRIPT, temp),
      execScriptArgs('c0ffee', SNIFF_SCRIPT, importTemp),
      execScriptArgs('c0ffee', importScript(mongo)!, importTemp, 'mongo-archive', '1'),
      copyFromContainerArgs('c0ffee', temp, '/home/me/backups/shop-20260131-235958.archive.gz'),
      copyToContainerArgs('/home/me/shop.archive.gz', 'c0ffee', importTemp),
      copyToContainerArgs('/home/me/schema.sql', 'c0ffee', '/docker-entrypoint-initdb.d/01-schema.sql'),
    ]) {
      const [cmd, ...args] = argv;
      expect(refusal(cmd!, args), argv.join(' ')).toBeUndefined();
    }
  });

  it('refuse anything wider: other scripts, files, paths, volumes and flags', () => {
    const refused: string[][] = [
      ['run', '--rm', '--pull', 'never', '--network', 'none', '--label', 'io.dockbase.helper=snapshot', '--user', '0', '--entrypoint', 'sh', '--mount', 'type=volume,source=dockbase-a-data,target=/from/data,readonly', 'img', '-c', 'cat /etc/shadow'],
      ['run', '--rm', '--pull', 'never', '--network', 'none', '--label', 'io.dockbase.helper=snapshot', '--user', '0', '--entrypoint', 'sh', '--mount', 'type=bind,source=/,target=/from/data', 'img', '-c', COPY_VOLUMES_SCRIPT],
      ['run', '--rm', '--pull', 'never', '--network', 'none', '--label', 'io.dockbase.helper=snapshot', '--user', '0', '--entrypoint', 'sh', '--mount', 'type=volume,source=someone-else,target=/from/data,readonly', 'img', '-c', COPY_VOLUMES_SCRIPT],
      ['exec', 'c0ffee', 'sh', '-c', 'cat /etc/shadow', 'sh', temp],
      ['exec', 'c0ffee', 'sh', '-c', CANCEL_SCRIPT, 'sh', '/var/lib/postgresql/data'],
      ['cp', 'c0ffee:/etc/shadow', '/home/me/backups/shop-20260131-235958.sql'],
      ['cp', `c0ffee:${temp}`, '/home/me/.bashrc'],
      ['cp', `c0ffee:${temp}`, '/home/me/../../etc/cron.d/shop-20260131-235958.sql'],
      ['cp', '/home/me/.ssh/id_rsa', `c0ffee:${importTemp}`],
      ['cp', '/etc/passwd', 'c0ffee:/docker-entrypoint-initdb.d/01-passwd'],
      ['cp', '-L', '/home/me/a.sql', `c0ffee:${importTemp}`],
      ['cp', '-', `c0ffee:${importTemp}`],
    ];
    for (const [cmd, ...args] of refused) expect(refusal(cmd!, args), [cmd, ...args].join(' ')).toMatch(/not allowed/);
  });
});
