/**
 * The architecture's boundaries are lint rules (eslint.config.js). Each case lints a deliberately bad line
 * as if it stood in a file of that part of the tree, and must be refused; the good twin must pass.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The files linted here do not exist, so no tsconfig holds them: the type-aware rules (which need one) are
// left out; the boundaries are not type-aware.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/consistent-type-imports': 'off' },
  },
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = typeof x;\n`, { filePath: `${root}${file}` });
  // A file that cannot be parsed would pass every boundary unseen: its fatal message counts as a problem.
  return (result?.messages ?? []).filter((m) => m.fatal || m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

const refused: Array<[string, string, string, RegExp]> = [
  ['the core imports React', 'packages/core/src/bad.ts', "import x from 'react';", /UI frameworks/],
  ['the core imports MUI', 'packages/core/src/engines/bad.ts', "import x from '@mui/material/Button';", /UI frameworks/],
  ['the core imports the Docker Desktop client', 'packages/core/src/bad.ts', "import x from '@docker/extension-api-client';", /Docker Desktop client/],
  ['the core imports an adapter', 'packages/core/src/bad.ts', "import x from '@dockbase/docker-cli/node';", /never an adapter/],
  ['the core imports the Desktop adapter', 'packages/core/src/bad.ts', "import x from '@dockbase/docker-cli/desktop';", /never an adapter/],
  ['the core imports the backend contract', 'packages/core/src/bad.ts', "import x from '@dockbase/api';", /no backend client/],
  ['the core imports the host', 'packages/core/src/bad.ts', "import x from '@dockbase/host';", /no backend client, host, CLI or UI/],
  ['the core imports the CLI', 'packages/core/src/bad.ts', "import x from '@dockbase/cli';", /no backend client, host, CLI or UI/],
  ['the core reaches into the CLI by path', 'packages/core/src/bad.ts', "import x from '../../../cli/src/program';", /through packages/],
  ['the core imports Node', 'packages/core/src/bad.ts', "import x from 'node:fs';", /Node APIs/],
  ['the core imports Node without the prefix', 'packages/core/src/bad.ts', "import x from 'child_process';", /Node APIs/],
  ['the core reaches into the UI by path', 'packages/core/src/bad.ts', "import x from '../../../ui/src/App';", /through packages/],
  ['the core uses a browser global', 'packages/core/src/bad.ts', 'const x = window.location.href;', /belongs to one of them/],
  ['the core uses a Node global', 'packages/core/src/bad.ts', 'const x = process.env.HOME;', /belongs to one of them/],
  ['the API contract imports the whole core', 'packages/api/src/bad.ts', "import x from '@dockbase/core';", /engine-id list/],
  ['the port imports Node', 'packages/docker-cli/src/port.ts', "import x from 'node:child_process';", /Node APIs/],
  ['an adapter imports the core', 'packages/docker-cli/src/node.ts', "import x from '@dockbase/core';", /no other Dockbase package/],
  ['the UI imports the host', 'ui/src/app/bad.ts', "import x from '@dockbase/host';", /no standalone-host code/],
  ['the UI reaches into the host by path', 'ui/src/app/instances/bad.ts', "import x from '../../../../host/src/server';", /through packages/],
  ['the UI imports the Node adapter', 'ui/src/bad.tsx', "import x from '@dockbase/docker-cli/node';", /bridge, not Node/],
  ['the UI imports Node', 'ui/src/app/bad.ts', "import x from 'node:path';", /Node APIs/],
  ['the UI reaches into the backend by path', 'ui/src/backend-client/bad.ts', "import x from '../../../backend/src/store/store';", /through packages/],
  ['the backend imports Docker Desktop’s adapter', 'backend/src/bad.ts', "import x from '@dockbase/docker-cli/desktop';", /runs the jobs/],
  ['the backend imports UI code', 'backend/src/routes/bad.ts', "import x from '../../../ui/src/App';", /through packages/],
  ['the backend imports React', 'backend/src/bad.ts', "import x from 'react';", /UI frameworks/],
  ['the host reaches into the UI by path', 'host/src/bad.ts', "import x from '../../ui/src/main';", /through packages/],
  ["the host's page imports Node", 'host/src/page/bad.ts', "import x from 'node:http';", /Node APIs/],
  ['the host imports the CLI', 'host/src/bad.ts', "import x from '@dockbase/cli';", /CLI runs the host/],
  ['the UI imports the CLI', 'ui/src/app/bad.ts', "import x from '@dockbase/cli';", /Nothing imports the CLI/],
  ['the backend imports the CLI', 'backend/src/bad.ts', "import x from '@dockbase/cli';", /runs the jobs/],
  ['the CLI imports the UI', 'cli/src/bad.ts', "import x from '@dockbase/ui';", /no UI/],
  ['the CLI imports the backend contract', 'cli/src/commands/bad.ts', "import x from '@dockbase/api';", /no backend/],
  ["the CLI imports Docker Desktop's adapter", 'cli/src/bad.ts', "import x from '@dockbase/docker-cli/desktop';", /through Node/],
  ['the CLI imports React', 'cli/src/bad.ts', "import x from 'react';", /UI frameworks/],
  ['the CLI reaches into the host by path', 'cli/src/commands/bad.ts', "import x from '../../../host/src/run';", /through packages/],
  ['the CLI reaches into the core by path', 'cli/src/bad.ts', "import x from '../../packages/core/src/create';", /through packages/],
  ["the CLI's code imports the core's test doubles", 'cli/src/commands/bad.ts', "import { scripted } from '@dockbase/core/test-support';", /for tests/],
  ["the tab's code imports the core's test doubles", 'ui/src/app/bad.ts', "import { scripted } from '@dockbase/core/test-support';", /for tests/],
  ["the host's code imports the core's test doubles", 'host/src/bad.ts', "import { scripted } from '@dockbase/core/test-support';", /for tests/],
  ['a test reaches into a package by path', 'test/engine/bad.test.ts', "import x from '../../packages/core/src/labels';", /through packages/],
  ['a benchmark reaches into the host by path', 'bench/bad.ts', "import x from '../host/src/server';", /through packages/],
];

const allowed: Array<[string, string, string]> = [
  ['the core uses the DockerCli port', 'packages/core/src/ok.ts', "import type { DockerCli } from '@dockbase/docker-cli';"],
  ['the API contract uses the engine ids', 'packages/api/src/ok.ts', "import { ENGINE_IDS } from '@dockbase/core/engine-ids';"],
  ['the Node adapter uses Node', 'packages/docker-cli/src/node.ts', "import { spawn } from 'node:child_process';"],
  [
    'the UI uses the core and the Desktop adapter',
    'ui/src/ok.ts',
    "import { createDockbase } from '@dockbase/core';\nimport { DesktopDockerCli } from '@dockbase/docker-cli/desktop';",
  ],
  ['the backend uses the API contract', 'backend/src/ok.ts', "import { ENGINE_IDS } from '@dockbase/api';"],
  [
    'the backend runs jobs with the core over the Node adapter',
    'backend/src/ok.ts',
    "import { JobRunner } from '@dockbase/core';\nimport { NodeDockerCli } from '@dockbase/docker-cli/node';",
  ],
  ['the host uses the Node adapter', 'host/src/ok.ts', "import { NodeDockerCli } from '@dockbase/docker-cli/node';"],
  ['a test uses the host package', 'test/browser/ok.test.ts', "import { startHost } from '@dockbase/host';"],
  ["a CLI test uses the core's test doubles", 'cli/src/ok.test.ts', "import { scripted } from '@dockbase/core/test-support';"],
  [
    'the CLI uses the core, the Node adapter and the host',
    'cli/src/ok.ts',
    "import { createDockbase } from '@dockbase/core';\nimport { NodeDockerCli } from '@dockbase/docker-cli/node';\nimport { runHost } from '@dockbase/host/run';\nimport { spawn } from 'node:child_process';",
  ],
];

describe('architecture boundaries (lint)', () => {
  it.each(refused)('refuses: %s', async (_name, file, code, message) => {
    const found = await problems(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each(allowed)('allows: %s', async (_name, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
