import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backendDockerCli, checkDockerAccess } from './docker-access.js';
import { removeDir, tempDir } from './test-support/http.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A fake docker client: a script that checks it was asked exactly `docker version --format …`, then `body`. */
function fakeDocker(body: string): string {
  const dir = tempDir('dockbase-docker-access-');
  dirs.push(dir);
  const file = path.join(dir, 'docker');
  fs.writeFileSync(
    file,
    `#!/bin/sh
[ "$#" = 3 ] && [ "$1" = version ] && [ "$2" = --format ] && [ "$3" = '{{.Server.APIVersion}}' ] || { echo "unexpected arguments: $*" >&2; exit 64; }
${body}
`,
    { mode: 0o755 },
  );
  return file;
}

describe('checkDockerAccess', () => {
  it("reports the engine's API version", async () => {
    expect(await checkDockerAccess({ docker: fakeDocker('echo 1.47') })).toEqual({ ok: true, apiVersion: '1.47' });
  });

  it('reports what docker said when it fails, on one line', async () => {
    const docker = fakeDocker(`echo
echo 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: connect: permission denied' >&2
echo 'second line' >&2
exit 1`);
    expect(await checkDockerAccess({ docker })).toEqual({
      ok: false,
      reason:
        'docker version: permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: connect: permission denied',
    });
    expect(await checkDockerAccess({ docker: fakeDocker('exit 3') })).toEqual({ ok: false, reason: 'docker version: exit code 3, no message' });
  });

  it('reports a missing client, an answer that is no API version, and no answer in time', async () => {
    const missing = path.join(path.dirname(fakeDocker('exit 0')), 'no-docker');
    expect(await checkDockerAccess({ docker: missing })).toEqual({ ok: false, reason: `no docker client: ${missing} not found` });
    expect(await checkDockerAccess({ docker: fakeDocker('echo "<no value>"') })).toEqual({
      ok: false,
      reason: 'docker version printed no API version: <no value>',
    });
    const started = Date.now();
    expect(await checkDockerAccess({ docker: fakeDocker('exec sleep 10'), timeoutMs: 200 })).toEqual({
      ok: false,
      reason: 'docker did not answer within 200 ms',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('the backend’s docker client', () => {
  it('does not ask the servers’ ports on its own loopback (its container’s, in Docker Desktop’s VM), even with the engine’s socket at hand', () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///var/run/docker.sock';
    try {
      expect(backendDockerCli('docker').wire).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
