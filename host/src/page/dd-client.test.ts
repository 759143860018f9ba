import { describe, expect, it, vi } from 'vitest';
import { EXEC_PATH, EXEC_STREAM_PATH, TOKEN_HEADER, type ExecRequest, type HostConfig, type StreamMessage } from '../protocol';
import { EXACT_ENV_MARKER } from '@dockbase/docker-cli/desktop';
import { BRIDGE_FAILURE_CODE, CLOSED_CODE, createDdClient, type ClientDeps } from './dd-client';

const config: HostConfig = { token: 'tok', backend: true, platform: 'linux', arch: 'arm64', hostname: 'box' };

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** A fetch double: records requests and answers with `respond`. */
function fakeFetch(respond: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const impl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body as string | undefined,
      signal: init?.signal ?? undefined,
    };
    sent.push(s);
    return respond(s);
  }) as typeof fetch;
  return { impl, sent, requests: () => sent.map((s) => JSON.parse(s.body ?? 'null') as ExecRequest) };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const ok = (stdout = '', stderr = '', code = 0) => json({ stdout, stderr, code });

/** An NDJSON body that sends `messages` and then stays open until the request is aborted (if `hang`). */
function ndjson(messages: StreamMessage[], signal: AbortSignal | undefined, hang = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const text = messages.map((m) => `${JSON.stringify(m)}\n`).join('');
      // Split inside a message and inside a multi-byte character: the client must reassemble both.
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
      if (!hang) controller.close();
      else signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
}

function client(fetchImpl: typeof fetch, overrides: Partial<ClientDeps> = {}, cfg: HostConfig = config) {
  const deps: ClientDeps = { fetch: fetchImpl, toast: vi.fn(), openWindow: vi.fn(), warn: vi.fn(), ...overrides };
  return { dd: createDdClient(cfg, deps), deps };
}

describe('docker.cli.exec without stream: Docker Desktop joins and re-splits the command line', () => {
  const cases: Array<[string, string[], ExecRequest]> = [
    ['ps', ['--format', '"{{json .}}"'], { cmd: 'ps', args: ['--format', '{{json .}}'] }],
    ['ps', ['--format', '{{json .}}'], { cmd: 'ps', args: ['--format', '{{json', '.}}'] }],
    ['volume', ['create', '--label', 'a=b c'], { cmd: 'volume', args: ['create', '--label', 'a=b', 'c'] }],
    ['volume', ['create', '--label', "'a=b c'"], { cmd: 'volume', args: ['create', '--label', 'a=b c'] }],
    ['volume', ['create', '--label a=b'], { cmd: 'volume', args: ['create', '--label', 'a=b'] }],
    ['volume ls', [], { cmd: 'volume', args: ['ls'] }],
    ['inspect', ['"a\\"b"', 'x\\ y'], { cmd: 'inspect', args: ['a"b', 'x y'] }],
    ['ps', ['$HOME', '`id`', '$(id)'], { cmd: 'ps', args: ['$HOME', '`id`', '$(id)'] }],
    ['', [], { cmd: '', args: [] }],
  ];
  it.each(cases)('exec(%j, %j) sends %j', async (cmd, args, expected) => {
    const f = fakeFetch(() => ok());
    await client(f.impl).dd.docker.cli.exec(cmd, args);
    expect(f.requests()).toEqual([expected]);
    expect(f.sent[0]).toMatchObject({ url: EXEC_PATH, method: 'POST' });
    expect(f.sent[0]?.headers[TOKEN_HEADER]).toBe('tok');
    expect(f.sent[0]?.headers['content-type']).toBe('application/json');
  });

  it('resolves an ExecResult with lines(), parseJsonLines() and parseJsonObject()', async () => {
    const f = fakeFetch(() => ok('{"a":1}\n\n{"a":2}\r\n', 'warn'));
    const r = await client(f.impl).dd.docker.cli.exec('ps', ['--format', '"{{json .}}"']);
    expect(r).toMatchObject({ stdout: '{"a":1}\n\n{"a":2}\r\n', stderr: 'warn', code: 0 });
    expect(r.lines()).toEqual(['{"a":1}', '{"a":2}']);
    expect(r.parseJsonLines()).toEqual([{ a: 1 }, { a: 2 }]);
    const o = await client(fakeFetch(() => ok('{"x":[1]}')).impl).dd.docker.cli.exec('version', []);
    expect(o.parseJsonObject()).toEqual({ x: [1] });
  });

  it('REJECTS {cmd, code, stdout, stderr} on a non-zero exit', async () => {
    const f = fakeFetch(() => ok('', 'Error: No such volume: v\n', 1));
    const e: unknown = await client(f.impl)
      .dd.docker.cli.exec('volume', ['inspect', 'v'])
      .catch((x: unknown) => x);
    expect(e).toEqual({ cmd: 'docker volume inspect v', code: 1, stdout: '', stderr: 'Error: No such volume: v\n' });
  });

  it('rejects with an Error shaped like a failure when the host refuses or is unreachable', async () => {
    const refused = fakeFetch(() => json({ error: 'docker run is not allowed by the standalone host' }, 403));
    const e = (await client(refused.impl)
      .dd.docker.cli.exec('run', ['x'])
      .catch((x: unknown) => x)) as Error & { code: number; stderr: string };
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('refused');
    expect(e.message).toContain('docker run is not allowed');
    expect(e.code).toBe(BRIDGE_FAILURE_CODE);
    expect(e.stderr).toBe(e.message);

    const down = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(client(down.impl).dd.docker.cli.exec('ps', [])).rejects.toThrow(/cannot reach the Dockbase host: fetch failed/);
  });

  it('refuses the cwd and env options (they would reach the docker process)', async () => {
    const f = fakeFetch(() => ok());
    const { dd } = client(f.impl);
    await expect(dd.docker.cli.exec('ps', [], { env: { DOCKER_HOST: 'tcp://evil' } })).rejects.toThrow(/cwd and env/);
    await expect(dd.docker.cli.exec('ps', [], { cwd: '/' })).rejects.toThrow(/cwd and env/);
    expect(f.sent).toEqual([]);
  });
});

describe('docker.cli.exec with stream: arguments verbatim', () => {
  const run = (f: ReturnType<typeof fakeFetch>, args: string[], splitOutputLines?: boolean) => {
    const events: string[] = [];
    let resolveClose!: (code: number) => void;
    const closed = new Promise<number>((r) => (resolveClose = r));
    const proc = client(f.impl).dd.docker.cli.exec('logs', args, {
      stream: {
        onOutput: (d) => events.push(d.stdout !== undefined ? `out:${d.stdout}` : `err:${d.stderr}`),
        onError: (e: unknown) => events.push(`error:${(e as Error).message}`),
        onClose: (code) => {
          events.push(`close:${code}`);
          resolveClose(code);
        },
        splitOutputLines,
      },
    });
    return { events, closed, proc };
  };

  it('sends cmd and args exactly as given', async () => {
    const hostile = ['--label', 'a=b c "d" $e', "'q'", '"{{json .}}"', '', '\\'];
    const f = fakeFetch((s) => ndjson([{ exitCode: 0 }], s.signal));
    await run(f, hostile).closed;
    expect(f.requests()).toEqual([{ cmd: 'logs', args: hostile }]);
    expect(f.sent[0]?.url).toBe(EXEC_STREAM_PATH);
    expect(f.sent[0]?.headers[TOKEN_HEADER]).toBe('tok');
  });

  it('sends the env option as data for the host to add to docker’s environment, and says it does', async () => {
    const f = fakeFetch((s) => ndjson([{ exitCode: 0 }], s.signal));
    const { dd } = client(f.impl);
    expect((dd.docker.cli as unknown as Record<string, unknown>)[EXACT_ENV_MARKER]).toBe(true);
    await new Promise((resolve) =>
      dd.docker.cli.exec('run', ['--env', 'REDISCLI_AUTH'], { env: { REDISCLI_AUTH: 'p w' }, stream: { onClose: resolve } } as never),
    );
    expect(f.requests()).toEqual([{ cmd: 'run', args: ['--env', 'REDISCLI_AUTH'], env: { REDISCLI_AUTH: 'p w' } }]);
  });

  it('delivers raw chunks by default, and onClose(exit code) last', async () => {
    const f = fakeFetch((s) =>
      ndjson([{ stream: 'stdout', data: 'a\nb' }, { stream: 'stderr', data: 'é!\n' }, { stream: 'stdout', data: 'c\n' }, { exitCode: 2 }], s.signal),
    );
    const r = run(f, ['-f', 'x']);
    expect(await r.closed).toBe(2);
    expect(r.events).toEqual(['out:a\nb', 'err:é!\n', 'out:c\n', 'close:2']);
  });

  it('delivers whole lines with splitOutputLines', async () => {
    const f = fakeFetch((s) =>
      ndjson([{ stream: 'stdout', data: 'a\nb' }, { stream: 'stderr', data: 'x\r\n' }, { stream: 'stdout', data: 'c\nd' }, { exitCode: 0 }], s.signal),
    );
    const r = run(f, [], true);
    await r.closed;
    expect(r.events).toEqual(['out:a', 'err:x', 'out:bc', 'out:d', 'close:0']);
  });

  it('close() aborts the request (the host then kills the process) and reports CLOSED_CODE once', async () => {
    const f = fakeFetch((s) => ndjson([{ stream: 'stdout', data: 'one\n' }], s.signal, true));
    const r = run(f, ['-f', 'x'], true);
    await vi.waitFor(() => expect(r.events).toContain('out:one'));
    r.proc.close();
    r.proc.close();
    expect(await r.closed).toBe(CLOSED_CODE);
    expect(f.sent[0]?.signal?.aborted).toBe(true);
    await new Promise((res) => setTimeout(res, 10));
    expect(r.events).toEqual(['out:one', `close:${CLOSED_CODE}`]);
  });

  it('reports a refusal through onError, then onClose(BRIDGE_FAILURE_CODE)', async () => {
    const f = fakeFetch(() => json({ error: 'docker exec is not allowed by the standalone host' }, 403));
    const r = run(f, []);
    expect(await r.closed).toBe(BRIDGE_FAILURE_CODE);
    expect(r.events).toEqual([expect.stringMatching(/^error:.*refused.*docker exec is not allowed/), `close:${BRIDGE_FAILURE_CODE}`]);
  });

  it('reports a connection that ends before the exit code as an error', async () => {
    const f = fakeFetch((s) => ndjson([{ stream: 'stdout', data: 'x' }], s.signal));
    const r = run(f, []);
    expect(await r.closed).toBe(BRIDGE_FAILURE_CODE);
    expect(r.events).toEqual(['out:x', expect.stringMatching(/^error:.*ended before the process/), `close:${BRIDGE_FAILURE_CODE}`]);
  });
});

describe('extension.vm.service', () => {
  it('sends JSON to /api/vm/<path> with the token and resolves parsed JSON', async () => {
    const f = fakeFetch(() => json({ id: 1 }));
    const service = client(f.impl).dd.extension.vm?.service;
    await expect(service?.post('/instances?x=1', { name: 'pg' })).resolves.toEqual({ id: 1 });
    expect(f.sent[0]).toMatchObject({ url: '/api/vm/instances?x=1', method: 'POST', body: '{"name":"pg"}' });
    expect(f.sent[0]?.headers).toMatchObject({ [TOKEN_HEADER]: 'tok', 'content-type': 'application/json' });
    await service?.get('/a');
    await service?.put('/b', 1);
    await service?.patch('/c', {});
    await service?.delete('/d');
    await service?.request({ url: '/e', method: 'post', headers: { [TOKEN_HEADER]: 'forged', accept: 'application/json' }, data: null });
    expect(f.sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/vm/instances?x=1',
      'GET /api/vm/a',
      'PUT /api/vm/b',
      'PATCH /api/vm/c',
      'DELETE /api/vm/d',
      'POST /api/vm/e',
    ]);
    expect(f.sent[1]?.body).toBeUndefined();
    expect(f.sent[5]?.headers[TOKEN_HEADER]).toBe('tok');
  });

  it('rejects {name, message, statusCode} on HTTP errors', async () => {
    const f = fakeFetch(() => json({ statusCode: 404, error: 'Not Found', message: 'no instance pg' }, 404));
    await expect(client(f.impl).dd.extension.vm?.service?.get('/instances/pg')).rejects.toEqual({
      name: 'ServiceError',
      message: 'no instance pg',
      statusCode: 404,
    });
    const text = fakeFetch(() => new Response('bad gateway', { status: 502 }));
    await expect(client(text.impl).dd.extension.vm?.service?.get('/x')).rejects.toEqual({ name: 'ServiceError', message: 'bad gateway', statusCode: 502 });
    const down = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(client(down.impl).dd.extension.vm?.service?.get('/x')).rejects.toMatchObject({ statusCode: 503 });
    await expect(client(f.impl).dd.extension.vm?.service?.get('relative')).rejects.toMatchObject({ statusCode: 400 });
  });

  it('is absent when the host has no backend', () => {
    const { dd } = client(fakeFetch(() => ok()).impl, {}, { ...config, backend: false });
    expect('vm' in dd.extension).toBe(false);
    expect(dd.extension.vm?.service).toBeUndefined();
  });
});

describe('desktopUI and host', () => {
  it('navigate.* reject: not available outside Docker Desktop', async () => {
    const { dd } = client(fakeFetch(() => ok()).impl);
    const nav = dd.desktopUI.navigate;
    for (const call of [
      () => nav.viewContainerLogs('abc'),
      () => nav.viewContainerTerminal('abc'),
      () => nav.viewContainer('abc'),
      () => nav.viewContainerInspect('abc'),
      () => nav.viewContainerStats('abc'),
      () => nav.viewContainers(),
      () => nav.viewImages(),
      () => nav.viewImage('a', 'b'),
      () => nav.viewVolumes(),
      () => nav.viewVolume('v'),
    ]) {
      await expect(call()).rejects.toThrow(/not available outside Docker Desktop/);
    }
  });

  it('toasts go to the toaster', () => {
    const toast = vi.fn();
    const { dd } = client(fakeFetch(() => ok()).impl, { toast });
    dd.desktopUI.toast.success('s');
    dd.desktopUI.toast.warning('w');
    dd.desktopUI.toast.error('e');
    expect(toast.mock.calls).toEqual([
      ['success', 's'],
      ['warning', 'w'],
      ['error', 'e'],
    ]);
  });

  it('openExternal opens http and https only', () => {
    const openWindow = vi.fn();
    const warn = vi.fn();
    const { dd } = client(fakeFetch(() => ok()).impl, { openWindow, warn });
    dd.host.openExternal('https://hub.docker.com/_/postgres');
    dd.host.openExternal('http://localhost:5432/');
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'docker-desktop://x', 'not a url', '//evil.example']) {
      dd.host.openExternal(bad);
    }
    expect(openWindow.mock.calls).toEqual([['https://hub.docker.com/_/postgres'], ['http://localhost:5432/']]);
    expect(warn).toHaveBeenCalledTimes(6);
  });

  it('exposes the platform and the host facts', () => {
    const { dd } = client(fakeFetch(() => ok()).impl);
    expect(dd.host).toMatchObject({ platform: 'linux', arch: 'arm64', hostname: 'box' });
    expect(dd.extension.image).toBe('dockbase-standalone');
  });

  it('docker.listContainers rejects with a clear message; there are no native file dialogs to offer', async () => {
    const { dd } = client(fakeFetch(() => ok()).impl);
    await expect(dd.docker.listContainers()).rejects.toThrow(/not available outside Docker Desktop/);
    expect((dd.desktopUI as Partial<typeof dd.desktopUI>).dialog).toBeUndefined();
    await expect(dd.extension.vm?.cli.exec('ls', [])).rejects.toThrow(/not available/);
  });
});
