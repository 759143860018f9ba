import { buildUri, checkCommonPassword, envValue, healthcheck, withClient } from './shared';
import type { EngineDefinition } from './types';

/**
 * Official image `redis`. It has no password variable: the password goes on the server's command line
 * (as one exact argv element), and append-only persistence keeps data in /data across containers.
 */
export const redis: EngineDefinition = {
  id: 'redis',
  displayName: 'Redis',
  image: 'redis',
  defaultTag: '8.2',
  suggestedTags: ['8.2', '8.0', '7.4', '7.2'],
  containerPort: 6379,
  defaultUser: 'default',
  stopTimeoutSeconds: 10,
  dataMounts: () => [{ key: 'data', path: '/data' }],
  canReuseData: () => true,
  // Lets the healthcheck's redis-cli authenticate without the password on its command line.
  environment: (password) => ({ REDISCLI_AUTH: password }),
  accountVariables: {},
  readAccounts: () => ({}),
  command: (password) => ['redis-server', '--appendonly', 'yes', '--requirepass', password],
  readPassword: ({ cmd, env }) => {
    const i = cmd.indexOf('--requirepass');
    return i >= 0 ? cmd[i + 1] : envValue(env, 'REDISCLI_AUTH');
  },
  // redis-cli exits 0 even on an error reply, so the answer itself is compared.
  healthcheck: (port) => healthcheck(`[ "$(redis-cli -h 127.0.0.1 -p ${port} ping)" = PONG ]`, 10),
  connectionUri: (parts) => buildUri('redis', parts),
  checkPassword(password) {
    const common = checkCommonPassword(password);
    if (common) return common;
    // redis-server reads "--name" on its command line as the start of a new option.
    if (password.startsWith('--')) return 'A Redis password cannot start with "--".';
    return undefined;
  },
  readyLogPattern: /Ready to accept connections/,
  // The server takes its password from its command line at every start: its data holds none.
  passwordInData: false,
  // redis-cli reads REDISCLI_AUTH from the container's env; an error reply is compared away, as in the probe.
  verifyPassword: (port) => withClient('redis-cli', `[ "$(redis-cli -h 127.0.0.1 -p ${port} ping 2>&1)" = PONG ]`),
  clientName: 'redis-cli',
  clientShell: 'exec redis-cli',
};
