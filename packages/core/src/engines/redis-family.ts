/**
 * Redis and Valkey (a fork of Redis 7.2) are one family: the same protocol, the same data folder and files
 * (RDB, and the append-only folder of Redis 7+), the same configuration syntax and the same tools under other
 * names. One builder makes both definitions from what differs: names, image, versions, and which RDB format
 * versions each release reads.
 */
import { BREAKS, buildUri, checkCommonPassword, commonUpgradeRefusal, envValue, healthcheck, settingArgs, versionOf, withClient } from './shared';
import type { EngineDefinition, ServerSettingRules } from './types';
import type { EngineId } from './ids';

/** What sets one member of the family apart. */
export interface RedisFamilyMember {
  id: Extract<EngineId, 'redis' | 'valkey'>;
  displayName: string;
  image: string;
  defaultTag: string;
  suggestedTags: readonly string[];
  /** The server, its client and its RDB checker: `redis-server`, `redis-cli`, `redis-check-rdb`. */
  server: string;
  cli: string;
  checkRdb: string;
  /** The RDB format version a release (its tag) writes; undefined when the tag names no version Dockbase knows. */
  writesRdb(tag: string): number | undefined;
  /** Whether a release (its tag) loads RDB format `rdb`; undefined when the tag names no version Dockbase knows. */
  readsRdb(tag: string, rdb: number): boolean | undefined;
  /** An example tag for messages. */
  exampleTag: string;
}

/**
 * How the server starts without the password in any argv: a POSIX `sh` script (the official images have
 * one, and so has any image with a HEALTHCHECK CMD-SHELL) reads it from REDISCLI_AUTH, quotes it for the
 * configuration syntax (inside double quotes only `\` and `"` need a backslash; control characters are refused
 * by checkPassword) and hands `requirepass` to `<server> -`, which reads its configuration from stdin, through
 * a here-document. `exec` keeps the server as the container's main process (docker stop reaches it), through
 * the official image's entrypoint when there is one (it drops root). An empty variable stops the container
 * instead of starting a server without a password.
 */
export function startScript(m: Pick<RedisFamilyMember, 'displayName' | 'server'>): string {
  return [
    `[ -n "$REDISCLI_AUTH" ] || { echo "dockbase: REDISCLI_AUTH is empty; not starting ${m.displayName} without a password" >&2; exit 1; }`,
    'p=$REDISCLI_AUTH q=',
    'while [ -n "$p" ]; do r=${p#?}; c=${p%"$r"}; p=$r; case $c in \\\\|\\") q=$q\\\\$c ;; *) q=$q$c ;; esac; done',
    // The user's settings, if any, are the script's own arguments: they follow Dockbase's configuration.
    `set -- ${m.server} - --appendonly yes "$@"`,
    'if command -v docker-entrypoint.sh >/dev/null; then set -- docker-entrypoint.sh "$@"; fi',
    'exec "$@" <<EOF',
    'requirepass "$q"',
    'EOF',
    '',
  ].join('\n');
}

/**
 * Configuration directives (Redis', and Valkey's, which reads the same), as the server takes them after its
 * configuration: `--name word…` (the value's words are the directive's arguments, as in redis.conf; an empty
 * value is one empty argument, like `save ""`).
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
    'rename-command': 'Dockbase’s probe and tools use the server’s own commands (PING, INFO): they must keep their names.',
    include: BREAKS.config,
    daemonize: BREAKS.foreground,
  },
  // The server starts a new directive at every argument that begins with "--".
  valueProblem: (value) => (value.split(/\s+/).some((w) => w.startsWith('--')) ? 'A word of the value cannot start with "--".' : undefined),
  args: (name, value) => {
    const words = value.split(/\s+/).filter(Boolean);
    return [`--${name}`, ...(words.length > 0 ? words : [''])];
  },
};

/** The RDB format version in a file's first bytes (`REDIS0011`, Valkey 9's `VALKEY080`), or undefined. */
export function rdbVersionOf(head: Uint8Array): number | undefined {
  const text = String.fromCharCode(...head.subarray(0, 9));
  const m = /^(?:REDIS(\d{4})|VALKEY(\d{3}))/.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/**
 * Why a release (tag) of `m` cannot load an RDB file of format `rdbVersion`, or undefined. `what` names the
 * data ("backup.rdb", "the data of cache").
 */
export function rdbRefusal(
  m: Pick<RedisFamilyMember, 'displayName' | 'readsRdb'>,
  tag: string,
  rdbVersion: number | undefined,
  what: string,
): string | undefined {
  if (rdbVersion === undefined || m.readsRdb(tag, rdbVersion) !== false) return undefined;
  return `${what} is in RDB format ${rdbVersion}, which ${m.displayName} ${tag} cannot load (a newer release wrote it).`;
}

/**
 * The definition of one member of the family. The password travels in REDISCLI_AUTH (which also lets the
 * healthcheck's client authenticate: valkey-cli reads it too) and the start script turns it into
 * configuration, so it is in no process's argv. Append-only persistence keeps data in /data across containers.
 */
export function redisFamily(m: RedisFamilyMember): EngineDefinition {
  const script = startScript(m);
  const { cli } = m;
  return {
    id: m.id,
    displayName: m.displayName,
    image: m.image,
    defaultTag: m.defaultTag,
    suggestedTags: m.suggestedTags,
    containerPort: 6379,
    defaultUser: 'default',
    stopTimeoutSeconds: 10,
    dataMounts: () => [{ key: 'data', path: '/data' }],
    // An older release cannot read the RDB a newer one wrote when its format is newer.
    canReuseData: (from, to) => {
      const written = m.writesRdb(from);
      return written === undefined || m.readsRdb(to, written) !== false;
    },
    environment: (password) => ({ REDISCLI_AUTH: password }),
    accountVariables: {},
    readAccounts: () => ({}),
    command: (_password, chosen) => {
      const args = settingArgs(REDIS_SETTINGS, chosen);
      // `sh -c SCRIPT NAME ARGS…`: NAME is the script's $0, ARGS its "$@".
      return ['sh', '-c', script, ...(args.length > 0 ? [m.server, ...args] : [])];
    },
    settings: REDIS_SETTINGS,
    // Redis instances made by earlier versions have the password on redis-server's command line.
    readPassword: ({ cmd, env }) => {
      const i = cmd.indexOf('--requirepass');
      return i >= 0 ? cmd[i + 1] : envValue(env, 'REDISCLI_AUTH');
    },
    // The client exits 0 even on an error reply, so the answer itself is compared.
    healthcheck: (port) => healthcheck(`[ "$(${cli} -h 127.0.0.1 -p ${port} ping)" = PONG ]`, 10),
    // Clients of both speak redis:// (Valkey's own clients included).
    connectionUri: (parts) => buildUri('redis', parts),
    checkPassword(password) {
      const common = checkCommonPassword(password);
      if (common) return common;
      // Earlier versions put the password on redis-server's command line, where "--name" starts a new
      // option; the rule stays so that every password of the family means the same everywhere.
      if (password.startsWith('--')) return `A ${m.displayName} password cannot start with "--".`;
      return undefined;
    },
    readyLogPattern: /Ready to accept connections/,
    // The server takes its password from its configuration at every start: its data holds none.
    passwordInData: false,
    // The client reads REDISCLI_AUTH from the container's env; an error reply is compared away, as in the probe.
    verifyPassword: (port) => withClient(cli, `[ "$(${cli} -h 127.0.0.1 -p ${port} ping 2>&1)" = PONG ]`),
    clientName: cli,
    clientShell: `exec ${cli}`,
    transfer: {
      // The client authenticates with REDISCLI_AUTH, already in the container's environment.
      exportKind: 'redis-rdb',
      exportExtension: '.rdb',
      exportTool: `${cli} --rdb`,
      exportScript: `exec ${cli} --rdb "$out"`,
      importKinds: ['redis-rdb'],
      importExtensions: ['.rdb'],
      // The server cannot load a file while it runs: the file is checked and staged in the data volume here,
      // and put in place by offlineImportScript while the server is stopped.
      importScript: [
        `case "$(head -c 6 "$in")" in REDIS*|VALKEY) ;; *) echo "This is not an RDB file." >&2; exit 3 ;; esac`,
        `if command -v ${m.checkRdb} >/dev/null && ! ${m.checkRdb} "$in" >"$in.err" 2>&1; then grep -i -e error -e "can't" "$in.err" | tail -n 3 >&2; exit 3; fi`,
        'cp "$in" /data/.dockbase-import.rdb',
      ].join('\n'),
      // With append-only persistence the server (Redis 7+, Valkey) loads its AOF folder and ignores dump.rdb:
      // the RDB becomes the base file of a new AOF folder (an RDB is a valid AOF base).
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
      formatRefusal: (tag, version, what) => rdbRefusal(m, tag, version, what),
      formatWritten: (tag) => m.writesRdb(tag),
    },
    upgrade: {
      // Newer releases load the RDB and AOF files older ones wrote; older ones refuse newer files.
      refusal: (from, to) => commonUpgradeRefusal(m.displayName, from, to, m.exampleTag),
      method: () => 'in-place',
      explain: (from, to) =>
        `${m.displayName} ${to} loads the append-only file and RDB of ${from} as they are. Dockbase stops the instance, keeps a snapshot of its data anyway (the rollback point), starts ${to} on the same data and checks that the server reports ${to}. About as long as the snapshot (about 1 s per GB) and loading the data.`,
      // The client authenticates with REDISCLI_AUTH from the container's environment. Valkey reports the
      // Redis version it is compatible with as redis_version, and its own as valkey_version.
      versionScript: `${cli} INFO server | sed -n 's/^${m.id}_version:\\([0-9.]*\\).*/\\1/p'`,
    },
  };
}

/** A tag's version as [major, minor] (a missing minor is 0), or undefined. */
export function majorMinor(tag: string): [number, number] | undefined {
  const v = versionOf(tag);
  return v ? [v[0]!, v[1] ?? 0] : undefined;
}
