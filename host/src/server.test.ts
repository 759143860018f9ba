import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createContainerArgs,
  eventsArgs,
  getEngine,
  inspectContainerArgs,
  instanceByIdArgs,
  listInstancesArgs,
  logsArgs,
  probeArgs,
  removeContainerArgs,
  stopArgs,
  volumeName,
  volumeRemoveArgs,
  type CreatePlan,
} from '@dockbase/core';
import { MAX_ARGS } from './allowlist';
import { createDdClient, type ExecFailure } from './page/dd-client';
import { EXEC_PATH, EXEC_STREAM_PATH, PAGE_PATH, SESSION_PATH, TOKEN_HEADER, type HostConfig, type PageConfig } from './protocol';
import { MAX_BODY_BYTES, injectIntoHtml, startHost, type HostHandle, type HostOptions } from './server';
import { alive, rawRequest, waitFor, writeFakes, writeUiDist, type Fakes } from './test-support/fakes';

let fakes: Fakes;
let uiDist: string;
let clientScript: string;
const hosts: HostHandle[] = [];

beforeAll(() => {
  fakes = writeFakes();
  fakes.setState({ instances: [...INSTANCES, SLOW], slow: [SLOW], volumes: ['dockbase-db-data'] });
  uiDist = writeUiDist(fakes.dir);
  clientScript = path.join(fakes.dir, 'dd-client.js');
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  fakes.remove();
});

async function start(options: HostOptions = {}): Promise<HostHandle> {
  const host = await startHost({
    port: 0,
    docker: fakes.docker,
    uiDist,
    clientScript,
    backendMain: fakes.backend,
    dataDir: path.join(fakes.dir, 'data'),
    ...options,
  });
  hosts.push(host);
  return host;
}

/** What the sign-in page's script does with the code of a login link: POST it, same-origin. */
function exchange(host: HostHandle, loginUrl: string, headers: Record<string, string> = {}) {
  const code = new URL(loginUrl).searchParams.get('code') ?? '';
  return rawRequest(host.port, {
    method: 'POST',
    path: SESSION_PATH,
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${host.port}`, 'sec-fetch-site': 'same-origin', ...headers },
    body: JSON.stringify({ code }),
  });
}

/** The app's HTML, as the sign-in page's script fetches it with the token. */
const appPage = (host: HostHandle, token = host.token) => rawRequest(host.port, { path: PAGE_PATH, headers: { [TOKEN_HEADER]: token } });

const HOSTILE = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;
const PLAN: CreatePlan = {
  id: '0123456789ab',
  dataId: '0123456789ab',
  name: 'db',
  engine: 'postgres',
  image: 'postgres',
  tag: '17',
  hostPort: 5432,
  bindAddress: '127.0.0.1',
  password: 'secret-password',
  volumes: getEngine('postgres')
    .dataMounts('17')
    .map((mount) => ({ name: volumeName('db', mount.key), mount })),
};

const execBody = (cmd: string, args: string[]) => JSON.stringify({ cmd, args });
/** `docker version --format '{{json .}}'`, the core's ping: a command the bridge allows. */
const VERSION = execBody('version', ['--format', '{{json .}}']);
/** Containers the fake engine holds as Dockbase instances (see fakes.setState). */
const INSTANCES = ['a', 'd', 'e', 'f'].map((c) => c.repeat(64)) as [string, string, string, string];
/** An instance whose ownership check takes the fake engine half a second. */
const SLOW = '5'.repeat(64);

function exec(host: HostHandle, body: string, headers: Record<string, string> = {}, pathName = EXEC_PATH) {
  return rawRequest(host.port, {
    method: 'POST',
    path: pathName,
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...headers },
    body,
  });
}

describe('listening', () => {
  let host: HostHandle;
  beforeAll(async () => {
    host = await start({ backend: false });
  });

  it('binds 127.0.0.1 only and prints a 127.0.0.1 URL and login link', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.loginUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/login\\?code=[A-Za-z0-9_-]{43}$`));
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
  });

  it('cannot be made to listen on another address', async () => {
    for (const address of ['0.0.0.0', '::', '192.168.1.10']) {
      await expect(startHost({ port: 0, backend: false, uiDist, clientScript, host: address } as HostOptions)).rejects.toThrow(/listens on 127\.0\.0\.1 only/);
      await expect(startHost({ port: 0, backend: false, uiDist, clientScript, hostname: address } as HostOptions)).rejects.toThrow(/127\.0\.0\.1 only/);
    }
  });

  it('is not reachable through other interfaces', async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal)
      .map((i) => i.address);
    for (const address of ['::1', ...others]) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: address, port: host.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused, `reachable on ${address}`).toBe(true);
    }
  });

  it('fails clearly when the port is taken', async () => {
    await expect(start({ port: host.port, backend: false })).rejects.toThrow(/in use/);
  });
});

describe('signing in with the one-time login link', () => {
  let host: HostHandle;
  beforeAll(async () => {
    host = await start({ backend: false });
  });

  it('serves / and the login link as a static sign-in page: 401 for /, no secret, no inline script or style', async () => {
    const loginPath = new URL(host.loginUrl).pathname + new URL(host.loginUrl).search;
    for (const [p, status] of [
      ['/', 401],
      ['/index.html', 401],
      [loginPath, 200],
      ['/login', 200],
    ] as const) {
      const res = await rawRequest(host.port, { path: p });
      expect(res.status, p).toBe(status);
      expect(res.headers['set-cookie'], p).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.body).toContain('npm start');
      expect(res.body).toContain('<script src="/__dockbase/dd-client.js"></script>');
      expect(res.body).not.toContain(host.token);
      expect(res.body).not.toContain(new URL(host.loginUrl).searchParams.get('code'));
      expect(res.body).not.toMatch(/style=|<style|<script>|<script type="application\/json"/);
    }
    // A stolen or forged cookie makes no difference: there are no cookies.
    const withCookie = await rawRequest(host.port, { headers: { cookie: `dockbase_session_${host.port}=forged` } });
    expect(withCookie.status).toBe(401);
    expect(withCookie.body).not.toContain(host.token);
    // The page script, the sign-in stylesheet and the UI build's files are public (nothing secret in them).
    expect((await rawRequest(host.port, { path: '/assets/app.js' })).body).toContain('app');
    expect((await rawRequest(host.port, { path: '/__dockbase/dd-client.js' })).status).toBe(200);
    const css = await rawRequest(host.port, { path: '/__dockbase/sign-in.css' });
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toContain('max-width');
    // Visiting the link (a preview, a prefetch) does not use the code up: the exchange below still works.
  });

  it('exchanges the code only for a same-origin POST of the right code, without using it up otherwise', async () => {
    const other = await start({ backend: false });
    const ownOrigin = `http://127.0.0.1:${other.port}`;
    const refused: Array<[Record<string, string>, number]> = [
      [{ origin: '' }, 403], // no Origin: not the sign-in page's fetch
      [{ origin: `http://127.0.0.1:${other.port + 1}` }, 403], // another loopback port
      [{ origin: 'http://evil.example' }, 403],
      [{ 'sec-fetch-site': 'same-site' }, 403],
      [{ 'content-type': 'text/plain' }, 403],
    ];
    for (const [headers, status] of refused) {
      const without = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
      const res = await rawRequest(other.port, {
        method: 'POST',
        path: SESSION_PATH,
        headers: {
          'content-type': 'application/json',
          ...(headers.origin === '' ? {} : { origin: ownOrigin }),
          ...without,
        },
        body: JSON.stringify({ code: new URL(other.loginUrl).searchParams.get('code') }),
      });
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(res.body).not.toContain(other.token);
    }
    const get = await rawRequest(other.port, { path: SESSION_PATH, headers: { origin: ownOrigin } });
    expect(get.status).toBe(403);
    for (const body of ['{"code":"guess"}', '{}', 'not json', `{"code":["${'x'.repeat(43)}"]}`]) {
      const res = await rawRequest(other.port, {
        method: 'POST',
        path: SESSION_PATH,
        headers: { 'content-type': 'application/json', origin: ownOrigin },
        body,
      });
      expect(res.status, body).toBe(401);
      expect(res.body).not.toContain(other.token);
    }
    // None of that used the code up.
    const ok = await exchange(other, other.loginUrl);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ token: other.token });
  });

  it('hands out the token once per code, never in HTML, and serves the app only with the token', async () => {
    // The link visited first (as a browser does), then its code exchanged.
    expect((await rawRequest(host.port, { path: new URL(host.loginUrl).pathname + new URL(host.loginUrl).search })).status).toBe(200);
    const first = await exchange(host, host.loginUrl);
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(first.body)).toEqual({ token: host.token });
    const again = await exchange(host, host.loginUrl);
    expect(again.status).toBe(401);
    expect(again.body).not.toContain(host.token);

    const page = await appPage(host);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).not.toContain(host.token);
    expect(page.body).toContain('"backend":false');
    // The configuration and the page script come before the UI's module script.
    expect(page.body.indexOf('dockbase-host-config')).toBeLessThan(page.body.indexOf('type="module"'));
    expect(page.body.indexOf('/__dockbase/dd-client.js')).toBeLessThan(page.body.indexOf('type="module"'));
    expect((await appPage(host, 'wrong')).status).toBe(401);
    expect((await rawRequest(host.port, { path: PAGE_PATH })).status).toBe(401);
    // With the token, / is still only the sign-in page: the app's HTML has one address.
    const root = await rawRequest(host.port, { headers: { [TOKEN_HEADER]: host.token } });
    expect(root.status).toBe(401);
    expect(root.body).not.toContain('dockbase-host-config');

    // The UI rebuilt while the host runs: the next request gets the new index.html.
    const index = path.join(uiDist, 'index.html');
    const original = fs.readFileSync(index, 'utf8');
    fs.writeFileSync(index, original.replace('./assets/app.js', './assets/app-rebuilt.js'));
    try {
      expect((await appPage(host)).body).toContain('app-rebuilt.js');
    } finally {
      fs.writeFileSync(index, original);
    }
  });

  it('makes a new link on demand; an unused earlier one stops working', async () => {
    const other = await start({ backend: false });
    const second = other.newLoginUrl();
    expect(second).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${other.port}/login\\?code=[A-Za-z0-9_-]{43}$`));
    expect(second).not.toBe(other.loginUrl);
    const third = other.newLoginUrl();
    expect((await exchange(other, other.loginUrl)).status).toBe(401);
    expect((await exchange(other, second)).status).toBe(401);
    expect(JSON.parse((await exchange(other, third)).body)).toEqual({ token: other.token });
    expect((await exchange(other, third)).status).toBe(401);
  });

  it('serves only files inside the UI build', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/assets']) {
      const res = await rawRequest(host.port, { path: p });
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('outside the UI build');
    }
    // Nor the UI's own index.html by another spelling: the app's HTML comes from PAGE_PATH only.
    expect((await rawRequest(host.port, { path: '/%69ndex.html' })).status).toBe(404);
    expect((await rawRequest(host.port, { method: 'POST', path: '/assets/app.js' })).status).toBe(405);
  });
});

describe('bridge requests', () => {
  let host: HostHandle;
  beforeAll(async () => {
    host = await start({ backend: false });
  });

  it('need the token: 401 without it or with a wrong one', async () => {
    const body = VERSION;
    const before = fakes.calls().length;
    expect((await exec(host, body, { [TOKEN_HEADER]: '' })).status).toBe(401);
    const none = await rawRequest(host.port, { method: 'POST', path: EXEC_PATH, headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    const flipped = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    expect((await exec(host, body, { [TOKEN_HEADER]: flipped })).status).toBe(401);
    expect((await exec(host, body, { [TOKEN_HEADER]: `${host.token}x` })).status).toBe(401);
    expect((await exec(host, body, {}, EXEC_STREAM_PATH)).status).toBe(200);
    expect((await exec(host, body, { [TOKEN_HEADER]: 'nope' }, EXEC_STREAM_PATH)).status).toBe(401);
    expect((await rawRequest(host.port, { path: '/api/vm/health' })).status).toBe(401);
    // A cookie is no substitute for the token.
    const cookie = `dockbase_session_${host.port}=${host.token}`;
    const withCookie = await rawRequest(host.port, { method: 'POST', path: EXEC_PATH, headers: { 'content-type': 'application/json', cookie }, body });
    expect(withCookie.status).toBe(401);
    expect(fakes.calls().length).toBe(before + 1); // only the authorised stream call ran
  });

  it('refuse a foreign Host header (DNS rebinding) on every route', async () => {
    for (const h of ['evil.example', `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`, '127.0.0.1', `0.0.0.0:${host.port}`, `[::1]:${host.port}`]) {
      const res = await exec(host, VERSION, { host: h });
      expect(res.status, h).toBe(403);
      expect((await rawRequest(host.port, { path: '/', headers: { host: h } })).status, h).toBe(403);
      expect((await rawRequest(host.port, { path: new URL(host.loginUrl).pathname + new URL(host.loginUrl).search, headers: { host: h } })).status).toBe(403);
    }
    expect((await exec(host, VERSION, { host: `localhost:${host.port}` })).status).toBe(200);
    expect((await exec(host, VERSION, { host: `LOCALHOST:${host.port}` })).status).toBe(200);
  });

  it('refuse a foreign Origin and cross-site fetches, even with the token', async () => {
    for (const origin of [
      'http://evil.example',
      `http://127.0.0.1:${host.port + 1}`,
      `https://127.0.0.1:${host.port}`,
      'null',
      `http://localhost:${host.port}`,
    ]) {
      expect((await exec(host, VERSION, { origin })).status, origin).toBe(403);
    }
    expect((await exec(host, VERSION, { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await exec(host, VERSION, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await exec(host, VERSION, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await exec(host, VERSION, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('refuse docker subcommands outside the allowlist, before running anything', async () => {
    const refused: Array<[string, string[]]> = [
      ['run', ['--rm', 'alpine']],
      ['exec', ['db', 'sh']],
      ['cp', ['db:/etc/passwd', '/tmp/x']],
      ['system', ['prune', '-f']],
      ['compose', ['up']],
      ['build', ['.']],
      ['login', []],
      ['--host', ['tcp://evil:2375', 'ps']],
      ['-H', ['tcp://evil:2375', 'ps']],
      ['--context', ['evil', 'ps']],
      ['--config', ['/tmp/evil', 'ps']],
      ['', []],
      ['', ['ps']],
      ['ps', ['--host=tcp://evil:2375']],
      ['ps', ['-H', 'tcp://evil:2375']],
      ['version', ['--context', 'evil']],
      ['info', ['--config=/tmp/evil']],
      ['volume', []],
      ['volume', ['prune', '-f']],
      ['volume', ['--help']],
      ['image', ['rm', 'x']],
      ['image', ['prune', '-a']],
      ['image', []],
      ['container', ['exec', 'db', 'sh']],
      ['container', ['run', 'alpine']],
      ['PS', []],
      ['constructor', []],
      ['__proto__', []],
      [' ps', []],
    ];
    const before = fakes.calls().length;
    for (const [cmd, args] of refused) {
      const res = await exec(host, execBody(cmd, args));
      expect(res.status, `${cmd} ${args.join(' ')}`).toBe(403);
      expect(JSON.parse(res.body).error).toMatch(/not allowed/);
      expect((await exec(host, execBody(cmd, args), {}, EXEC_STREAM_PATH)).status).toBe(403);
    }
    expect(fakes.calls().length).toBe(before);
  });

  it('allow the commands the core builds, on Dockbase’s containers', async () => {
    const [id] = INSTANCES;
    const argvs = [
      listInstancesArgs(),
      inspectContainerArgs(id),
      stopArgs(id, 30),
      probeArgs(id, 'redis'),
      logsArgs(id, { tail: 200 }),
      removeContainerArgs(id),
      volumeRemoveArgs(['dockbase-db-data']),
      createContainerArgs(PLAN, { start: true }),
    ];
    for (const [c, ...args] of argvs) {
      const res = await exec(host, execBody(c ?? '', args));
      expect(res.status, `${c} ${args.join(' ')}`).toBe(200);
      expect(fakes.calls().at(-1)).toEqual([c, ...args]);
    }
  });

  it('bound the body, the argument count and the argument length', async () => {
    const huge = execBody('ps', ['x'.repeat(MAX_BODY_BYTES)]);
    const big = await exec(host, huge);
    expect(big.status).toBe(413);
    // The same without a Content-Length (chunked): still cut off at the limit.
    const chunked = await rawRequest(host.port, {
      method: 'POST',
      path: EXEC_PATH,
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, 'transfer-encoding': 'chunked' },
      body: huge,
    });
    expect(chunked.status).toBe(413);
    expect(
      (
        await exec(
          host,
          execBody(
            'ps',
            Array.from({ length: MAX_ARGS + 1 }, () => 'a'),
          ),
        )
      ).status,
    ).toBe(400);
    expect((await exec(host, execBody('ps', ['a'.repeat(8193)]))).status).toBe(400);
    expect((await exec(host, execBody('ps', ['a\0b']))).status).toBe(400);
    expect((await exec(host, '{"cmd":"ps","args":[1]}')).status).toBe(400);
    expect((await exec(host, '{"cmd":"ps","args":[],"cwd":"/"}')).status).toBe(400);
    expect((await exec(host, '{"cmd":"ps","args":[],"env":{"DOCKER_HOST":1}}')).status).toBe(400);
    const envForPs = await exec(host, JSON.stringify({ cmd: 'version', args: ['--format', '{{json .}}'], env: { DOCKER_HOST: 'tcp://evil' } }));
    expect(envForPs.status).toBe(403);
    expect(JSON.parse(envForPs.body).error).toMatch(/environment/);
    expect((await exec(host, 'not json')).status).toBe(400);
    expect((await exec(host, execBody('ps', []), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await rawRequest(host.port, { path: EXEC_PATH, headers: { [TOKEN_HEADER]: host.token } })).status).toBe(405);
    expect((await rawRequest(host.port, { path: '/api/other', headers: { [TOKEN_HEADER]: host.token } })).status).toBe(404);
  });
});

describe('running docker', () => {
  let host: HostHandle;
  let config: HostConfig;
  beforeAll(async () => {
    host = await start({ backend: false });
    config = { token: host.token, backend: false, platform: 'linux', arch: 'x64', hostname: 'h' };
  });

  const client = () => createDdClient(config, { fetch, baseUrl: `http://127.0.0.1:${host.port}`, toast: () => {}, openWindow: () => {} });

  it('hands the argv to docker exactly, without a shell', async () => {
    const args = createContainerArgs({ ...PLAN, password: HOSTILE }).slice(1);
    const res = await exec(host, execBody('create', args));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { stdout: string; stderr: string; code: number };
    expect(body.code).toBe(0);
    expect(JSON.parse(body.stdout)).toEqual(['create', ...args]);
  });

  it('hands a create’s secret to docker in its environment, from a stream call of the page client', async () => {
    const argv = createContainerArgs({ ...PLAN, password: HOSTILE }, { start: true, secretEnv: true });
    expect(argv.join(' ')).not.toContain(HOSTILE);
    const dd = client();
    expect((dd.docker.cli as unknown as Record<string, unknown>).dockbaseExactEnv).toBe(true);
    const out: string[] = [];
    const code = await new Promise<number>((resolve) => {
      void dd.docker.cli.exec(argv[0]!, argv.slice(1), {
        env: { POSTGRES_PASSWORD: HOSTILE },
        stream: { onOutput: (d: { stdout?: string }) => out.push(d.stdout ?? ''), onClose: resolve, splitOutputLines: true },
      } as never);
    });
    expect(code).toBe(0);
    expect(fakes.calls().at(-1)).toEqual(argv);
    expect(JSON.parse(out[1] ?? '{}')).toEqual({ env: { POSTGRES_PASSWORD: HOSTILE } });
  });

  it('non-stream exec through the page client: Docker Desktop re-splitting, then exact argv', async () => {
    const result = await client().docker.cli.exec('ps', ['--all', '--no-trunc', '--filter', "'label=io.dockbase.instance'", '--format', '"{{json .}}"']);
    expect(result.parseJsonObject()).toEqual(listInstancesArgs());
    expect(fakes.calls().at(-1)).toEqual(listInstancesArgs());
  });

  it('non-stream exec rejects {cmd, code, stdout, stderr} on a non-zero exit', async () => {
    // Quoted for the re-split, as Docker's documentation does for non-stream calls.
    const args = instanceByIdArgs('fail')
      .slice(1)
      .map((a) => (a.includes(' ') ? `"${a}"` : a));
    const failure = (await client()
      .docker.cli.exec('ps', args)
      .catch((e: unknown) => e)) as ExecFailure;
    expect(failure).toMatchObject({ code: 3, stderr: 'fake failure\n', cmd: `docker ps ${args.join(' ')}` });
    expect(fakes.calls().at(-1)).toEqual(instanceByIdArgs('fail'));
  });

  it('stream exec through the page client: verbatim argv, output, exit code', async () => {
    const outputs: string[] = [];
    const [cmd, ...args] = eventsArgs();
    const code = await new Promise<number>((resolve) => {
      client().docker.cli.exec(cmd!, args, {
        stream: {
          onOutput: (d) => outputs.push(d.stdout !== undefined ? `out:${d.stdout}` : `err:${d.stderr}`),
          onClose: resolve,
          splitOutputLines: true,
        },
      });
    });
    expect(code).toBe(0);
    expect(fakes.calls().at(-1)).toEqual(eventsArgs());
    expect(outputs).toEqual(expect.arrayContaining(['out:out 1', 'err:err 1', 'out:out 2']));
  });

  it('close() (the page aborting its fetch) kills the docker process', async () => {
    const pidFile = fakes.pidFile(INSTANCES[1]);
    const lines: string[] = [];
    let closedWith: number | undefined;
    const proc = client().docker.cli.exec('logs', logsArgs(INSTANCES[1], { tail: 0, follow: true }).slice(1), {
      stream: { onOutput: (d) => lines.push(d.stdout ?? ''), onClose: (c) => (closedWith = c), splitOutputLines: true },
    });
    await waitFor(() => lines.length >= 2);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    proc.close();
    await waitFor(() => !alive(pid));
    expect(lines).toEqual(['line one', 'line two', 'part']); // the unfinished last line is flushed
    expect(closedWith).toBe(143);
  });

  it('a dropped connection kills the docker process too (raw HTTP)', async () => {
    const pidFile = fakes.pidFile(INSTANCES[2]);
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${host.port}${EXEC_STREAM_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
      body: execBody('logs', logsArgs(INSTANCES[2], { tail: 0, follow: true }).slice(1)),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    controller.abort();
    await waitFor(() => !alive(pid));
  });

  it('a request given up while the host checks what it acts on runs nothing', async () => {
    const controller = new AbortController();
    const response = fetch(`http://127.0.0.1:${host.port}${EXEC_STREAM_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
      body: execBody('logs', logsArgs(SLOW, { tail: 0, follow: true }).slice(1)),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitFor(() => fakes.calls().some((c) => c[0] === 'container' && c[2] === SLOW));
    controller.abort();
    await response;
    await new Promise((r) => setTimeout(r, 1000));
    expect(fakes.calls().filter((c) => c[0] === 'logs' && c.includes(SLOW))).toEqual([]);
    expect(fs.existsSync(fakes.pidFile(SLOW))).toBe(false);
  });

  it('close() of the host kills running docker processes', async () => {
    const other = await start({ backend: false });
    const pidFile = fakes.pidFile(INSTANCES[3]);
    const response = await fetch(`http://127.0.0.1:${other.port}${EXEC_STREAM_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: other.token },
      body: execBody('logs', logsArgs(INSTANCES[3], { tail: 0, follow: true }).slice(1)),
    });
    expect(response.status).toBe(200);
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await other.close();
    expect(alive(pid)).toBe(false);
    await response.body?.cancel().catch(() => {});
  });

  it('reports a docker binary that cannot run', async () => {
    const other = await start({ backend: false, docker: path.join(fakes.dir, 'no-such-docker') });
    const res = await exec(other, VERSION);
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body).error).toContain('ENOENT');
  });
});

describe('the backend', () => {
  it('is proxied under /api/vm/ without the token, cookies or its own cookies', async () => {
    const host = await start();
    expect(host.backend).toBe(true);
    const health = await rawRequest(host.port, { path: '/api/vm/health', headers: { [TOKEN_HEADER]: host.token } });
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    const echo = await rawRequest(host.port, {
      method: 'POST',
      path: '/api/vm/echo?x=1',
      headers: { [TOKEN_HEADER]: host.token, 'content-type': 'application/json', cookie: 'a=b' },
      body: '{"hello":"world"}',
    });
    expect(echo.status).toBe(200);
    expect(echo.headers['set-cookie']).toBeUndefined();
    const seen = JSON.parse(echo.body) as { method: string; url: string; body: string; headers: Record<string, string>; dataDir: string };
    expect(seen).toMatchObject({ method: 'POST', url: '/echo?x=1', body: '{"hello":"world"}', dataDir: path.join(fakes.dir, 'data') });
    expect(seen.headers[TOKEN_HEADER]).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    const big = await rawRequest(host.port, {
      method: 'POST',
      path: '/api/vm/echo',
      headers: { [TOKEN_HEADER]: host.token, 'content-type': 'application/json' },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(big.status).toBe(413);
  });

  it('reaches the page client as extension.vm.service with Docker Desktop error objects', async () => {
    const host = await start();
    const config: HostConfig = { token: host.token, backend: true, platform: 'linux', arch: 'x64', hostname: 'h' };
    const dd = createDdClient(config, { fetch, baseUrl: `http://127.0.0.1:${host.port}`, toast: () => {}, openWindow: () => {} });
    await expect(dd.extension.vm?.service?.get('/health')).resolves.toEqual({ status: 'ok' });
    await expect(dd.extension.vm?.service?.post('/echo', { a: 1 })).resolves.toMatchObject({ method: 'POST', body: '{"a":1}' });
    await expect(dd.extension.vm?.service?.get('/conflict')).rejects.toEqual({ name: 'ServiceError', message: 'the name is taken', statusCode: 409 });
  });

  it('is absent from the page with --no-backend, and /api/vm/ answers 404', async () => {
    const host = await start({ backend: false });
    expect(host.backend).toBe(false);
    const page = await appPage(host);
    expect(page.body).toContain('"backend":false');
    expect((await rawRequest(host.port, { path: '/api/vm/health', headers: { [TOKEN_HEADER]: host.token } })).status).toBe(404);
  });

  it('when it cannot start, is tried three times, then the page is told why, in the backend’s own words', async () => {
    const messages: string[] = [];
    const host = await start({ backendMain: fakes.crashingBackend, backendRestartMs: 50, log: (l) => messages.push(l) });
    expect(host.backend).toBe(false);
    expect(host.backendFailure).toMatch(/exited during start-up \(code 1\): cannot start/);
    expect(messages.filter((m) => /the backend cannot start: .*cannot start/.test(m))).toHaveLength(1);
    const page = await appPage(host);
    expect(page.body).toContain('"backend":true');
    const health = await rawRequest(host.port, { path: '/api/vm/health', headers: { [TOKEN_HEADER]: host.token } });
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body).message).toMatch(/^The Dockbase backend cannot start: .*cannot start\. Notes and history are off/);
  });

  it('is started again when it dies, with the page told it is restarting, never the socket’s path', async () => {
    const messages: string[] = [];
    const host = await start({ backendRestartMs: 300, log: (l) => messages.push(l) });
    const ask = (p: string) => rawRequest(host.port, { path: `/api/vm${p}`, headers: { [TOKEN_HEADER]: host.token } });
    await ask('/crash');
    await expect
      .poll(() => messages.join('\n'), { timeout: 5000 })
      .toMatch(/the backend exited \(code 1\).*\n.*restarting the backend in 0\.3 s \(restart 1\)/);
    const meanwhile = await ask('/health');
    if (meanwhile.status !== 200) {
      expect(meanwhile.status).toBe(503);
      expect(JSON.parse(meanwhile.body)).toEqual({
        error: 'unavailable',
        message: 'The Dockbase backend is not running right now; the host is starting it again.',
      });
      expect(meanwhile.body).not.toMatch(/sock|tmp|dockbase-host-/);
    }
    await expect.poll(async () => (await ask('/health')).status, { timeout: 10_000 }).toBe(200);
    // The new backend answers through its socket a moment before the supervisor's own health check sees it.
    await expect.poll(() => messages.join('\n'), { timeout: 5000 }).toMatch(/the backend runs again \(restart 1\)/);
  });

  it('is stopped by close(), and the per-run socket directory removed', async () => {
    const host = await start();
    const seen = JSON.parse((await rawRequest(host.port, { path: '/api/vm/echo', headers: { [TOKEN_HEADER]: host.token } })).body) as {
      headers: Record<string, string>;
    };
    expect(seen).toBeDefined();
    const runDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('dockbase-host-') && !d.startsWith('dockbase-host-test-'));
    const before = runDirs();
    await host.close();
    expect(runDirs().length).toBeLessThan(before.length);
    const after = await rawRequest(host.port, { path: '/api/vm/health', headers: { [TOKEN_HEADER]: host.token } }).catch((e: Error) => e);
    expect(after).toBeInstanceOf(Error);
  });
});

describe('injectIntoHtml', () => {
  const config: PageConfig = { backend: true, platform: 'linux', arch: 'x64', hostname: 'h</script><script>alert(1)</script>\u2028' };

  it('escapes the configuration so it cannot end its <script> element', () => {
    const html = injectIntoHtml('<html><head><script type="module" src="./a.js"></script></head></html>', config);
    expect(html).not.toContain('</script><script>alert');
    const json = /<script type="application\/json" id="dockbase-host-config">(.*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(config);
  });

  it('never embeds a token, even when handed one', () => {
    const withToken: HostConfig = { ...config, token: 'the-secret-token' };
    expect(injectIntoHtml('<head></head>', withToken)).not.toContain('the-secret-token');
  });

  it('puts the snippet before the first script, else at the end of <head>', () => {
    expect(injectIntoHtml('<head><title>x</title></head>', config)).toMatch(/dd-client\.js"><\/script>\s*<\/head>/);
  });
});
