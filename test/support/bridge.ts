import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { v1 } from '@docker/extension-api-client-types';
import { startHost, type HostHandle } from '@dockbase/host';
import { createDdClient } from '@dockbase/host/dd-client';
import { EXEC_PATH, FILES_SAVE_PATH, FILES_SEND_PATH, TOKEN_HEADER } from '@dockbase/host/protocol';

/**
 * The standalone host on the real engine, for engine tests of its bridge: no backend, and a stand-in page
 * (the bridge does not need the UI build). `exec` speaks the wire protocol directly, like an attacker holding
 * the token would; `ddClient` is the page's own client, as the UI uses it.
 */
export interface BridgeHost {
  host: HostHandle;
  exec(
    argv: readonly string[],
    env?: Record<string, string>,
  ): Promise<{ status: number; body: { error?: string; code?: number; stdout?: string; stderr?: string } }>;
  /** POST /api/files/save or /api/files/send with the token, as the page's HostFiles (or an attacker) does. */
  files(
    kind: 'save' | 'send',
    body: { args: readonly string[]; to?: { directory: string; stem: string; extension: string }; from?: { path: string; name: string } },
  ): Promise<{ status: number; body: { error?: string; code?: string; path?: string; sizeBytes?: number } }>;
  ddClient(): v1.DockerDesktopClient;
  close(): Promise<void>;
}

export async function startBridgeHost(): Promise<BridgeHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-bridge-test-'));
  fs.mkdirSync(path.join(dir, 'ui'));
  fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html><html><head></head><body></body></html>\n');
  fs.writeFileSync(path.join(dir, 'dd-client.js'), '/* not used */\n');
  const host = await startHost({ port: 0, backend: false, uiDist: path.join(dir, 'ui'), clientScript: path.join(dir, 'dd-client.js') });
  const base = `http://127.0.0.1:${host.port}`;
  return {
    host,
    async exec(argv, env) {
      const response = await fetch(base + EXEC_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
        body: JSON.stringify({ cmd: argv[0] ?? '', args: argv.slice(1), ...(env ? { env } : {}) }),
      });
      return { status: response.status, body: (await response.json()) as { error?: string } };
    },
    async files(kind, body) {
      const response = await fetch(base + (kind === 'save' ? FILES_SAVE_PATH : FILES_SEND_PATH), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { error?: string } };
    },
    ddClient: () =>
      createDdClient(
        { token: host.token, backend: false, platform: process.platform, arch: process.arch, hostname: os.hostname() },
        { fetch, baseUrl: base, toast: () => undefined, openWindow: () => undefined },
      ),
    async close() {
      await host.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
