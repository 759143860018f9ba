import type { v1 } from '@docker/extension-api-client-types';
import { TOKEN_HEADER, VM_PREFIX, type HostConfig } from '../protocol';
import { errorMessage, safeJson, type ClientDeps } from './bridge';

/** `extension.vm.service`: HTTP to the backend through the host's /api/vm/ proxy. */
export function createService(config: HostConfig, deps: ClientDeps): v1.HttpService {
  const base = deps.baseUrl ?? '';
  async function request(method: string, url: string, data?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    if (typeof url !== 'string' || !url.startsWith('/')) {
      throw serviceError(400, `the service URL must start with "/" (got ${JSON.stringify(String(url))})`);
    }
    const sent: Record<string, string> = { ...headers, [TOKEN_HEADER]: config.token };
    if (data !== undefined) sent['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await deps.fetch(base + VM_PREFIX + url.slice(1), {
        method: method.toUpperCase(),
        headers: sent,
        body: data === undefined ? undefined : JSON.stringify(data),
      });
    } catch (e) {
      throw serviceError(503, `cannot reach the Dockbase host: ${errorMessage(e)}`);
    }
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? safeJson(text) : undefined;
    if (!response.ok) {
      const message =
        json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string'
          ? (json as { message: string }).message
          : json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string'
            ? (json as { error: string }).error
            : text || response.statusText || `HTTP ${response.status}`;
      throw serviceError(response.status, message);
    }
    return json ?? text;
  }
  return {
    get: (url) => request('GET', url),
    post: (url, data) => request('POST', url, data),
    put: (url, data) => request('PUT', url, data),
    patch: (url, data) => request('PATCH', url, data),
    delete: (url) => request('DELETE', url),
    head: (url) => request('HEAD', url),
    request: (c) => request(c.method, c.url, c.data, c.headers ?? {}),
  };
}

function serviceError(statusCode: number, message: string): v1.ServiceError {
  return { name: 'ServiceError', message, statusCode };
}
