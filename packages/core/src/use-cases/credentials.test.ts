import { describe, expect, it } from 'vitest';
import { createDockbase } from '../dockbase';
import { ENGINES, getEngine } from '../engines';
import type { Instance } from '../model/instance';
import { scripted } from '../test-support/scripted-cli';

const pg: Instance = {
  id: 'i1',
  name: 'orders',
  engine: 'postgres',
  image: 'postgres',
  tag: '15',
  hostPort: 5432,
  bindAddress: '127.0.0.1',
  status: 'running',
  health: 'healthy',
  createdAt: '',
  volumes: ['dockbase-orders-data'],
  containerId: 'cid',
  statusText: 'Up',
};

describe('checking a password with the engine’s own client', () => {
  it.each(ENGINES.map((e) => [e.id, e] as const))('%s: the script reads the password from the container’s env, never a command line', (_id, e) => {
    const script = e.verifyPassword(e.containerPort);
    expect(script).toMatch(new RegExp(`^command -v ${e.clientName} >/dev/null 2>&1 \\|\\| exit 127; `));
    // No literal secret can be in it: it is the same text for every instance.
    expect(script).not.toMatch(/--password[= ]|-p ['"]?\$/);
    if (e.passwordInData) expect(script).toMatch(/PASSWORD|process\.env/);
  });

  it('runs one docker exec and tells ok, rejected and unverifiable apart', async () => {
    const ok = scripted([['exec', { code: 0 }]]);
    expect(await createDockbase(ok).credentials.verify(pg)).toEqual({ status: 'ok' });
    expect(ok.calls).toEqual([['exec', 'cid', 'sh', '-c', getEngine('postgres').verifyPassword(5432)]]);

    const refused = scripted([['exec', { code: 2, stderr: 'psql: error: FATAL:  password authentication failed for user "postgres"' }]]);
    expect(await createDockbase(refused).credentials.verify(pg)).toMatchObject({
      status: 'rejected',
      message: expect.stringMatching(/PostgreSQL refused orders's password/),
    });

    const noClient = scripted([['exec', { code: 127 }]]);
    expect(await createDockbase(noClient).credentials.verify(pg)).toMatchObject({ status: 'unverifiable', message: expect.stringMatching(/no psql/) });

    const none = scripted([]);
    expect(await createDockbase(none).credentials.verify({ ...pg, status: 'exited' })).toMatchObject({ status: 'unverifiable' });
    expect(none.calls).toEqual([]);
  });

  it('sets a PostgreSQL password through its local socket; other engines cannot without the old one', async () => {
    const cli = scripted([]);
    await createDockbase(cli).credentials.apply(pg);
    expect(cli.calls[0]?.slice(0, 4)).toEqual(['exec', 'cid', 'sh', '-c']);
    expect(cli.calls[0]?.[4]).toContain('ALTER ROLE :"role" WITH PASSWORD :\'pw\';');
    expect(cli.calls[0]?.[4]).toContain(`\\set pw \`printf '%s' "$POSTGRES_PASSWORD"\``);
    expect(cli.calls[0]?.[4]).toContain('[ -n "$POSTGRES_PASSWORD" ] || exit 3');
    await expect(createDockbase(cli).credentials.apply({ ...pg, engine: 'mariadb' })).rejects.toMatchObject({ field: 'password' });
    expect(createDockbase(cli).credentials.canApply({ engine: 'mysql' })).toBe(false);
  });
});

describe('the password after the data was replaced (a restore, an import)', () => {
  const apply = getEngine('postgres').applyPassword!;

  it('PostgreSQL: sets the instance’s password in the data again, then proves it', async () => {
    const cli = scripted([]);
    expect(await createDockbase(cli).credentials.reassert(pg)).toEqual({ status: 'ok' });
    expect(cli.calls.map((c) => c[4])).toEqual([apply, getEngine('postgres').verifyPassword(5432)]);
  });

  it('PostgreSQL: a password that cannot be set (the user is not in the dump) is told by the check', async () => {
    const cli = scripted([
      [`exec cid sh -c ${apply}`, { code: 1, stderr: 'role "app" does not exist' }],
      ['exec cid sh -c', { code: 1 }],
    ]);
    expect(await createDockbase(cli).credentials.reassert(pg)).toMatchObject({
      status: 'rejected',
      message: expect.stringMatching(/refused orders's password/),
    });
  });

  it('MariaDB: only checks (its password cannot be set without the old one); Redis keeps none in its data', async () => {
    const cli = scripted([['exec', { code: 1 }]]);
    const dockbase = createDockbase(cli);
    expect(await dockbase.credentials.reassert({ ...pg, engine: 'mariadb' })).toMatchObject({ status: 'rejected' });
    expect(cli.calls).toHaveLength(1);
    expect(await dockbase.credentials.reassert({ ...pg, engine: 'redis' })).toEqual({ status: 'ok' });
    expect(cli.calls).toHaveLength(1);
  });
});
