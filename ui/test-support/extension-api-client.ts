import type { v1 } from '@docker/extension-api-client-types';

/** Test double of `@docker/extension-api-client`: the real one only reads `window.ddClient`. */
export function createDockerDesktopClient(): v1.DockerDesktopClient {
  const client = (window as unknown as { ddClient?: v1.DockerDesktopClient }).ddClient;
  if (!client) throw new Error('window.ddClient is not set in this test');
  return client;
}
