import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeDockerCli } from './node';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockbase-node-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fake docker that prints its argv and the variables named by `--env NAME` as it sees them. */
const binary = path.join(dir, 'docker');
fs.writeFileSync(
  binary,
  `#!${process.execPath}\nconst a = process.argv.slice(2);\nconsole.log(JSON.stringify({ argv: a, env: a.filter((x, i) => a[i - 1] === '--env').map((n) => process.env[n] ?? null), path: Boolean(process.env.PATH) }));\n`,
  { mode: 0o755 },
);

describe('NodeDockerCli', () => {
  it('adds a call’s env to the CLI’s environment, keeping the rest, and keeps it out of argv', async () => {
    const cli = new NodeDockerCli({ binary });
    expect(cli.passesEnv).toBe(true);
    const r = await cli.run(['run', '--env', 'POSTGRES_PASSWORD'], { env: { POSTGRES_PASSWORD: 'p w "$(id)"' } });
    expect(JSON.parse(r.stdout)).toEqual({ argv: ['run', '--env', 'POSTGRES_PASSWORD'], env: ['p w "$(id)"'], path: true });
    const plain = await cli.run(['run', '--env', 'POSTGRES_PASSWORD']);
    expect(JSON.parse(plain.stdout).env).toEqual([process.env.POSTGRES_PASSWORD ?? null]);
  });
});
