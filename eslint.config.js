// One lint configuration for every workspace: typescript-eslint's recommended rules, React hooks rules for
// the UI, Node globals for the backend, host, scripts and tests, and the architecture's boundaries:
//
//   packages/core        pure: no React, no Docker Desktop client, no adapter, no backend client, no host,
//                        no Node API (it runs in the tab, the standalone host and the CLI alike)
//   packages/docker-cli  the DockerCli port and its adapters; only the Node adapter (node.ts, node-files.ts, node-wire.ts, node-engine.ts) may use Node
//   packages/api         the backend's contract: the core's engine-id list and types only
//   ui/src               the tab: no host code, no Node, no Node adapter
//   backend/src          the extension's service: the core and the Node adapter (it runs the jobs); no UI,
//                        no host, no CLI, no Docker Desktop adapter
//   host/src             the standalone host: no UI or backend source (it serves their builds), no CLI
//   cli/src              the `dockbase` CLI: the core, the Node adapter and the host; no UI, backend or
//                        Docker Desktop adapter. Nothing else imports the CLI.
//   test/, bench/        through the packages, never into a workspace's src/ by relative path
//   @dockbase/core/test-support  the core's test doubles: for tests only, never a tab, host or CLI module
//
// Type-aware: no-floating-promises and consistent-type-imports over each workspace's tsconfig. Prettier
// checks the formatting beside it (`npm run lint`).
//
// A boundary broken is a lint error naming the rule; test/architecture/boundaries.test.ts proves each one fails.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NODE = {
  group: ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)],
  message: 'Node APIs stay out of this part: it also runs in a browser tab.',
};
const REACT = {
  group: ['react', 'react/*', 'react-dom', 'react-dom/*', '@mui/*', '@emotion/*', '@tanstack/*', '@docker/*'],
  message: 'UI frameworks and the Docker Desktop client stay out of the core.',
};
/** Relative paths into another workspace's sources: share code through a package instead. */
const intoWorkspace = (...folders) => ({
  group: folders.map((f) => `../**/${f}/**`),
  message: 'Workspaces share code through packages (@dockbase/*), not relative paths into each other.',
});
/** Packages by exact name ("@dockbase/core" but not "@dockbase/core/engine-ids"), or "@scope/name/*" for subpaths. */
const pkg = (names, message) => ({ names, message });

/** One no-restricted-imports rule per part (flat config does not merge a rule across objects). */
const boundary = (files, rules, ignores = []) => {
  const paths = rules.filter((r) => r.names).flatMap((r) => r.names.filter((n) => !n.endsWith('/*')).map((name) => ({ name, message: r.message })));
  const patterns = rules.flatMap((r) =>
    r.group ? [r] : r.names.some((n) => n.endsWith('/*')) ? [{ group: r.names.filter((n) => n.endsWith('/*')), message: r.message }] : [],
  );
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
};

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**'];
/** The core's test doubles (@dockbase/core/test-support) are for tests: a bundle that imported them would ship them. */
const TEST_DOUBLES = pkg(['@dockbase/core/test-support'], 'Test doubles (@dockbase/core/test-support) are for tests and test-support/ only.');

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.test-results/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Type-aware rules, over each workspace's own tsconfig: a promise nobody awaits or catches is a failure
    // nobody sees, and a type-only import says so (it is erased, never a runtime import).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.ts'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['ui/src/**/*.{ts,tsx}', 'ui/test-support/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: [
      'backend/**/*.{ts,mjs}',
      'host/**/*.{ts,js,mjs}',
      'cli/**/*.{ts,mjs}',
      'scripts/**/*.{js,mjs}',
      'test/**/*.ts',
      'bench/**/*.{js,mjs,ts}',
      'packages/docker-cli/src/node.ts',
      'packages/docker-cli/src/node-files.ts',
      'packages/docker-cli/src/node-wire.ts',
      'packages/docker-cli/src/node-engine.ts',
      '*.{js,mjs,ts}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },

  // ---- boundaries ------------------------------------------------------------------------------------
  boundary(
    ['packages/core/src/**/*.ts'],
    [
      NODE,
      REACT,
      pkg(['@dockbase/docker-cli/*'], 'The core uses the DockerCli port only (@dockbase/docker-cli), never an adapter.'),
      pkg(
        ['@dockbase/api', '@dockbase/host', '@dockbase/host/*', '@dockbase/ui', '@dockbase/backend', '@dockbase/cli'],
        'The core knows no backend client, host, CLI or UI: it defines ports they implement.',
      ),
      intoWorkspace('ui', 'host', 'backend', 'cli', 'test', 'bench', 'docker-cli', 'api'),
    ],
    TESTS,
  ),
  {
    // Browser and Node share only these globals with the core; the rest would tie it to one host.
    files: ['packages/core/src/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
          'location',
          'fetch',
          'process',
          'Buffer',
          'require',
          '__dirname',
          'global',
        ].map((name) => ({
          name,
          message: `The core runs in the tab, the host and the CLI alike: ${name} belongs to one of them (pass it in through a port).`,
        })),
      ],
    },
  },
  boundary(
    ['packages/docker-cli/src/**/*.ts'],
    [
      NODE,
      pkg(
        ['@dockbase/core', '@dockbase/core/*', '@dockbase/api', '@dockbase/host', '@dockbase/host/*', '@dockbase/cli'],
        'The DockerCli port and its adapters depend on no other Dockbase package.',
      ),
      intoWorkspace('ui', 'host', 'backend', 'cli', 'core', 'api'),
    ],
    [
      'packages/docker-cli/src/node.ts',
      'packages/docker-cli/src/node-files.ts',
      'packages/docker-cli/src/node-wire.ts',
      'packages/docker-cli/src/node-engine.ts',
      'packages/docker-cli/src/node-engine.ts',
      ...TESTS,
    ],
  ),
  boundary(
    [
      'packages/docker-cli/src/node.ts',
      'packages/docker-cli/src/node-files.ts',
      'packages/docker-cli/src/node-wire.ts',
      'packages/docker-cli/src/node-engine.ts',
    ],
    [
      pkg(
        ['@dockbase/core', '@dockbase/core/*', '@dockbase/api', '@dockbase/host', '@dockbase/host/*', '@dockbase/cli'],
        'The DockerCli port and its adapters depend on no other Dockbase package.',
      ),
      intoWorkspace('ui', 'host', 'backend', 'cli', 'core', 'api'),
    ],
  ),
  boundary(
    ['packages/api/src/**/*.ts'],
    [
      NODE,
      REACT,
      pkg(
        ['@dockbase/core', '@dockbase/docker-cli', '@dockbase/docker-cli/*', '@dockbase/host', '@dockbase/host/*', '@dockbase/cli'],
        'The API contract uses only the engine-id list (@dockbase/core/engine-ids).',
      ),
      intoWorkspace('ui', 'host', 'backend', 'cli', 'core'),
    ],
  ),
  boundary(
    ['ui/src/**/*.{ts,tsx}'],
    [
      NODE,
      pkg(['@dockbase/host', '@dockbase/host/*'], 'The UI runs inside Docker Desktop too: it imports no standalone-host code.'),
      pkg(['@dockbase/docker-cli/node'], "The tab reaches docker through Docker Desktop's bridge, not Node."),
      pkg(['@dockbase/backend'], 'The UI talks to the backend over its API (@dockbase/api and backend-client/), never its code.'),
      pkg(['@dockbase/cli'], 'Nothing imports the CLI: it is a front door, like the tab.'),
      TEST_DOUBLES,
      intoWorkspace('host', 'backend', 'cli', 'packages', 'test'),
    ],
    TESTS,
  ),
  boundary(
    ['backend/src/**/*.ts'],
    [
      REACT,
      pkg(
        ['@dockbase/docker-cli/desktop', '@dockbase/host', '@dockbase/host/*', '@dockbase/ui', '@dockbase/cli'],
        'The backend keeps metadata and runs the jobs: it imports the API contract, the core and the Node adapter; no UI, host or CLI code, no Docker Desktop adapter.',
      ),
      intoWorkspace('ui', 'host', 'cli', 'packages', 'test'),
    ],
  ),
  boundary(
    ['host/src/page/**/*.ts'],
    [
      NODE,
      pkg(['@dockbase/ui', '@dockbase/backend'], 'The host serves the UI and backend builds; it imports neither.'),
      pkg(['@dockbase/cli'], 'The CLI runs the host, not the other way round.'),
      TEST_DOUBLES,
      intoWorkspace('ui', 'backend', 'cli', 'packages', 'test'),
    ],
    TESTS,
  ),
  boundary(
    ['host/src/**/*.ts', 'host/scripts/**/*.mjs', 'host/*.mjs'],
    [
      pkg(['@dockbase/ui', '@dockbase/backend'], 'The host serves the UI and backend builds; it imports neither.'),
      pkg(['@dockbase/cli'], 'The CLI runs the host, not the other way round.'),
      TEST_DOUBLES,
      intoWorkspace('ui', 'backend', 'cli', 'packages', 'test'),
    ],
    ['host/src/page/**', ...TESTS],
  ),
  boundary(
    ['cli/src/**/*.ts', 'cli/scripts/**/*.mjs'],
    [
      REACT,
      pkg(['@dockbase/ui', '@dockbase/backend', '@dockbase/api'], 'The CLI drives instances through the core: no UI, and no backend (its API included).'),
      pkg(
        ['@dockbase/docker-cli/desktop', '@dockbase/docker-cli/desktop-argv'],
        "The CLI runs docker through Node (@dockbase/docker-cli/node), not Docker Desktop's bridge.",
      ),
      TEST_DOUBLES,
      intoWorkspace('ui', 'host', 'backend', 'packages', 'test'),
    ],
    TESTS,
  ),
  boundary(['test/**/*.ts', 'bench/**/*.ts', 'ui/test-support/**/*.{ts,tsx}'], [intoWorkspace('ui', 'host', 'backend', 'cli', 'packages')]),
);
