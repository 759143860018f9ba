import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Three layers, each its own npm script (see package.json):
//   unit-*  : the packages (core, docker-cli, api), the React components (jsdom), the backend and host
//             on loopback/sockets, the CLI over a scripted docker, the packaging;
//   engine  : against a real Docker engine and the local registry (scripts/test-env.sh starts both);
//   image   : the extension image scripts/test-env.sh builds, run as Docker Desktop runs it;
//   browser : the npm package installed from its tarball, its bin starting the standalone host, in headless
//             Chromium.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit-core',
          include: ['packages/*/src/**/*.test.ts', 'ui/src/backend-client/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [react()],
        resolve: {
          // The real package only has a "browser" field; components get their client from props, and
          // this double stands in for the few imports of the package in tests.
          alias: { '@docker/extension-api-client': here('./ui/test-support/extension-api-client.ts') },
        },
        test: {
          name: 'unit-ui',
          include: ['ui/src/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: [here('./ui/test-support/setup.ts')],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'unit-backend',
          include: ['backend/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'unit-host',
          include: ['host/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'unit-cli',
          include: ['cli/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'unit-architecture',
          include: ['test/architecture/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'unit-packaging',
          include: ['test/packaging/**/*.test.ts'],
          // The npm package is run for real (engine, registry, Chromium): the browser layer.
          exclude: ['test/packaging/npm-package.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'engine',
          include: ['test/engine/**/*.test.ts'],
          environment: 'node',
          globalSetup: [here('./test/support/require-engine.ts')],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'image',
          include: ['test/image/**/*.test.ts'],
          environment: 'node',
          globalSetup: [here('./test/support/require-extension-image.ts')],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts', 'test/packaging/npm-package.test.ts'],
          environment: 'node',
          globalSetup: [here('./test/support/require-engine.ts'), here('./test/support/require-chromium.ts'), here('./test/support/package-setup.ts')],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
