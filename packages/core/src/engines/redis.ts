import { BREAKS, buildUri, checkCommonPassword, commonUpgradeRefusal, envValue, healthcheck, settingArgs, withClient } from './shared';
import type { EngineDefinition, ServerSettingRules } from './types';

/**
 * How the server starts without the password in any argv: a POSIX `sh` script (the official image has
 * one, and so has any image with a HEALTHCHECK CMD-SHELL) reads it from REDISCLI_AUTH, quotes it for
 * Redis' configuration syntax (inside double quotes only `\` and `"` need a backslash; control characters
 * are refused by checkPassword) and hands `requirepass` to `redis-server -`, which reads its configuration
 * from stdin, through a here-document. `exec` keeps redis-server as the container's main process (docker
 * stop reaches it), through the official image's entrypoint when there is one (it drops root). An empty
 * variable stops the container instead of starting a server without a password.
 */
export const REDIS_START_SCRIPT = [
  '[ -n "$REDISCLI_AUTH" ] || { echo "dockbase: REDISCLI_AUTH is empty; not starting Redis without a password" >&2; exit 1; }',
  'p=$REDISCLI_AUTH q=',
  'while [ -n "$p" ]; do r=${p#?}; c=${p%"$r"}; p=$r; case $c in \\\\|\\") q=$q\\\\$c ;; *) q=$q$c ;; esac; done',
  // The user's settings, if any, are the script's own arguments: they follow Dockbase's configuration.
  'set -- redis-server - --appendonly yes "$@"',
  'if command -v docker-entrypoint.sh >/dev/null; then set -- docker-entrypoint.sh "$@"; fi',
  'exec "$@" <<EOF',
  'requirepass "$q"',
  'EOF',
  '',
].join('\n');

/**
 * Configuration directives (Redis', and Valkey's, which reads the same), as redis-server takes them after its configuration: `--name word…` (the value's
 * words are the directive's arguments, as in redis.conf; an empty value is one empty argument, like `save ""`).
 */
export const REDIS_SETTINGS: ServerSettingRules = {
  form: '--name value (a configuration directive)',
  example: { name: 'maxmemory', value: '256mb' },
  name: /^[A-Za-z][A-Za-z0-9-]*$/,
  nameHint: 'A configuration directive: letters, digits and "-".',
  canonical: (name) => name.toLowerCase(),
  refused: {
    port: BREAKS.port,
    bind: BREAKS.listen,
    dir: BREAKS.data,
    dbfilename: BREAKS.data,
    appendonly: `${BREAKS.data} Dockbase keeps it in the append-only file.`,
    appenddirname: BREAKS.data,
    appendfilename: BREAKS.data,
    requirepass: BREAKS.auth,
    user: BREAKS.auth,
    aclfile: BREAKS.auth,
    'rename-command': 'Dockbase’s probe and tools use Redis’ own commands (PING, INFO): they must keep their names.',
    include: BREAKS.config,
    daemonize: BREAKS.foreground,
  },
  // redis-server starts a new directive at every argument that begins with "--".
  valueProblem: (value) => (value.split(/\s+/).some((w) => w.startsWith('--')) ? 'A word of the value cannot start with "--".' : undefined),
  args: (name, value) => {
    const words = value.split(/\s+/).filter(Boolean);
    return [`--${name}`, ...(words.length > 0 ? words : [''])];
  },
};

/**
 * Official image `redis`. It has no password variable: the password travels in REDISCLI_AUTH (which also
 * lets the healthcheck's redis-cli authenticate) and REDIS_START_SCRIPT turns it into configuration, so it
 * is in no process's argv. Append-only persistence keeps data in /data across containers.
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
  environment: (password) => ({ REDISCLI_AUTH: password }),
  accountVariables: {},
  readAccounts: () => ({}),
  command: (_password, chosen) => {
    const args = settingArgs(REDIS_SETTINGS, chosen);
    // `sh -c SCRIPT NAME ARGS…`: NAME is the script's $0, ARGS its "$@".
    return ['sh', '-c', REDIS_START_SCRIPT, ...(args.length > 0 ? ['redis-server', ...args] : [])];
  },
  settings: REDIS_SETTINGS,
  // Instances made by earlier versions have the password on redis-server's command line.
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
    // Earlier versions put the password on redis-server's command line, where "--name" starts a new
    // option; the rule stays so that every Redis instance's password means the same everywhere.
    if (password.startsWith('--')) return 'A Redis password cannot start with "--".';
    return undefined;
  },
  readyLogPattern: /Ready to accept connections/,
  // The server takes its password from its configuration at every start: its data holds none.
  passwordInData: false,
  // redis-cli reads REDISCLI_AUTH from the container's env; an error reply is compared away, as in the probe.
  verifyPassword: (port) => withClient('redis-cli', `[ "$(redis-cli -h 127.0.0.1 -p ${port} ping 2>&1)" = PONG ]`),
  clientName: 'redis-cli',
  clientShell: 'exec redis-cli',
  transfer: {
    // redis-cli authenticates with REDISCLI_AUTH, already in the container's environment.
    exportKind: 'redis-rdb',
    exportExtension: '.rdb',
    exportTool: 'redis-cli --rdb',
    exportScript: 'exec redis-cli --rdb "$out"',
    importKinds: ['redis-rdb'],
    importExtensions: ['.rdb'],
    // Redis cannot load a file while it runs: the file is checked and staged in the data volume here, and put
    // in place by offlineImportScript while the server is stopped.
    importScript: [
      'if [ "$(head -c 5 "$in")" != REDIS ]; then echo "This is not a Redis RDB file." >&2; exit 3; fi',
      'if command -v redis-check-rdb >/dev/null && ! redis-check-rdb "$in" >"$in.err" 2>&1; then grep -i -e error -e "can\'t" "$in.err" | tail -n 3 >&2; exit 3; fi',
      'cp "$in" /data/.dockbase-import.rdb',
    ].join('\n'),
    // With append-only persistence Redis 7+ loads its AOF folder and ignores dump.rdb: the RDB becomes the
    // base file of a new AOF folder (an RDB is a valid AOF base).
    offlineImportScript: [
      'd=/to/data',
      'test -f "$d/.dockbase-import.rdb"',
      'rm -rf "$d/appendonlydir" "$d/appendonly.aof" "$d/dump.rdb"',
      'mkdir "$d/appendonlydir"',
      'mv "$d/.dockbase-import.rdb" "$d/appendonlydir/appendonly.aof.1.base.rdb"',
      ': >"$d/appendonlydir/appendonly.aof.1.incr.aof"',
      'printf \'file appendonly.aof.1.base.rdb seq 1 type b\\nfile appendonly.aof.1.incr.aof seq 1 type i\\n\' >"$d/appendonlydir/appendonly.aof.manifest"',
      'chown -R "$(stat -c %u:%g "$d")" "$d"',
    ].join('\n'),
    seedExtensions: [],
    snapshotMethod: 'stop',
  },
  upgrade: {
    // Newer Redis versions load the RDB and AOF files older ones wrote; older ones refuse newer files.
    refusal: (from, to) => commonUpgradeRefusal('Redis', from, to, '8.2'),
    method: () => 'in-place',
    explain: (from, to) =>
      `Redis ${to} loads the append-only file and RDB of ${from} as they are. Dockbase stops the instance, keeps a snapshot of its data anyway (the rollback point), starts ${to} on the same data and checks that the server reports ${to}. About as long as the snapshot (about 1 s per GB) and loading the data.`,
    // redis-cli authenticates with REDISCLI_AUTH from the container's environment.
    versionScript: "redis-cli INFO server | sed -n 's/^redis_version:\\([0-9.]*\\).*/\\1/p'",
  },
};
