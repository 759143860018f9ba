import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import { createDockbase, type CreateInstanceInput, type Instance } from '@dockbase/core';
import { MARIADB_TEST_IMAGE, POSTGRES_TEST_IMAGE, REDIS_TEST_IMAGE } from './images';

/** Real servers built from Debian's packages with the official images' contracts (scripts/test-images). */
export const POSTGRES_REAL_IMAGE = POSTGRES_TEST_IMAGE;
export const REDIS_REAL_IMAGE = REDIS_TEST_IMAGE;
export const MARIADB_REAL_IMAGE = MARIADB_TEST_IMAGE;

/** Hostile on purpose: quotes, shell and SQL metacharacters, a backslash, non-ASCII. */
export const HOSTILE_PASSWORD = `p@ss w"o'rd $HOME \\ ;|&<> \`id\` $(x) ünï 🔑`;

/** Dockbase over the real engine, recording every argv it sends (to prove no password is ever in one). */
export function recordingDockbase() {
  const argvs: string[][] = [];
  const cli = new NodeDockerCli({ onSpawn: (args) => argvs.push([...args]) });
  const dockbase = createDockbase(cli);
  const docker = async (...args: string[]): Promise<string> => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** Creates, starts and waits for an instance. */
  const up = async (input: CreateInstanceInput, seedFiles?: string[]): Promise<Instance> => {
    const created = await dockbase.creation.create(input, { start: true, ...(seedFiles ? { seedFiles } : {}) });
    return dockbase.readiness.waitUntilReady(created);
  };
  /** Deletes every instance whose name starts with the prefix, its volumes and its snapshots. */
  const cleanup = async (prefix: string) => {
    const containers = (await docker('ps', '--all', '--format', '{{.Names}}')).split('\n').filter((n) => n.startsWith(prefix));
    if (containers.length) await cli.run(['rm', '--force', '--volumes', ...containers]);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n').filter((n) => n.startsWith(`dockbase-${prefix}`));
    if (volumes.length) await cli.run(['volume', 'rm', '--force', ...volumes]);
  };
  return { cli, dockbase, docker, up, cleanup, argvs };
}

/**
 * Makes sure a test image is here, pulling it from the local registry if needed. The registry is shared, and
 * its images are rebuilt now and then: a missing image is asked for again for up to a minute.
 */
export async function ensureTestImage(ref: string): Promise<void> {
  const cli = new NodeDockerCli();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await cli.run(['image', 'inspect', '--format', '{{.Id}}', ref])).code === 0) return;
    const pull = await cli.run(['pull', '--quiet', ref]);
    if (pull.code === 0) return;
    if (Date.now() > deadline) throw new Error(`The test image ${ref} is not available: ${pull.stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
