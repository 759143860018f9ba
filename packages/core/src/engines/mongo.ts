import {
  accountEnvironment,
  accountsFromEnv,
  buildUri,
  checkCommonPassword,
  commonUpgradeRefusal,
  envValue,
  BREAKS,
  healthcheck,
  seriesOf,
  settingArgs,
  withClient,
} from './shared';
import type { EngineDefinition, ServerSettingRules } from './types';

/**
 * MongoDB's release series in order. Its data moves one series at a time, with the feature compatibility
 * version (FCV) set to each series before the next: 6.0 → 7.0 → 8.0 (→ 8.2).
 */
export const MONGO_SERIES: readonly string[] = ['4.4', '5.0', '6.0', '7.0', '8.0', '8.2'];

function mongoRefusal(from: string, to: string): string | undefined {
  const common = commonUpgradeRefusal('MongoDB', from, to, '8.0');
  if (common) return common;
  const a = MONGO_SERIES.indexOf(seriesOf(from)!);
  const b = MONGO_SERIES.indexOf(seriesOf(to)!);
  if (a === b) return undefined; // a newer patch release of the same series: the FCV stays
  if (a < 0 || b < 0) {
    return `Dockbase knows MongoDB's upgrade path through ${MONGO_SERIES.join(' → ')}; ${a < 0 ? from : to} is not on it, so it cannot tell the steps.`;
  }
  if (b > a + 1) {
    const path = MONGO_SERIES.slice(a, b + 1);
    return `MongoDB upgrades one release series at a time, setting its feature compatibility version at each: ${path.join(' → ')}. Upgrade to ${path[1]} first.`;
  }
  return undefined;
}

/**
 * mongosh, authenticated with the root user from the container's environment (read inside mongosh, so the
 * password is on no command line): makes the feature compatibility version that of the running server (with
 * `confirm`, which 7.0 and later require), then prints `dockbase-version <version> fcv <fcv>`.
 */
const ALIGN_FCV = [
  "exec mongosh --quiet --nodb --eval '",
  'const admin = connect("mongodb://127.0.0.1:27017/admin");',
  'admin.auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD);',
  'const fcvOf = () => admin.adminCommand({ getParameter: 1, featureCompatibilityVersion: 1 }).featureCompatibilityVersion.version;',
  'const series = admin.version().split(".").slice(0, 2).join(".");',
  'if (fcvOf() !== series) {',
  '  const command = { setFeatureCompatibilityVersion: series };',
  '  if (Number(series.split(".")[0]) >= 7) command.confirm = true;',
  '  const r = admin.adminCommand(command);',
  '  if (!r.ok) { print("dockbase-error " + r.errmsg); quit(3); }',
  '}',
  'print(admin.version() + " fcv " + fcvOf());',
  "'",
].join('\n');

const ROOT_USER = 'root';

/** MongoDB's image creates no user of its own: only the initial database is a choice. */
const ACCOUNTS = { database: 'MONGO_INITDB_DATABASE' } as const;

/** Authenticates as the root user from the container's env (mongosh reads process.env: no password on a command line). */
const AUTH = 'db.getSiblingDB("admin").auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD)';

/**
 * Shell: the mongo tools' options file "$cfg" holding the root password from the container's environment
 * (as a YAML double-quoted string), so the password never appears on a command line. Readable by root only.
 */
const WRITE_CREDENTIALS = [
  'umask 077',
  'printf \'password: "%s"\\n\' "$(printf \'%s\' "$MONGO_INITDB_ROOT_PASSWORD" | sed \'s/[\\\\"]/\\\\&/g\')" >"$cfg"',
].join('\n');
const TOOL_OPTIONS = '--config="$cfg" --username="$MONGO_INITDB_ROOT_USERNAME" --authenticationDatabase=admin';

/**
 * `mongod --name=value`: its command-line options (an empty value gives a bare switch, like `--quiet`). Names
 * are compared without case.
 */
const SETTINGS: ServerSettingRules = {
  form: '--name=value',
  example: { name: 'wiredTigerCacheSizeGB', value: '1' },
  name: /^[A-Za-z][A-Za-z0-9_.]*$/,
  nameHint: 'An option of mongod: letters, digits, "_" and ".".',
  canonical: (name) => name.toLowerCase(),
  refused: {
    port: BREAKS.port,
    bind_ip: BREAKS.listen,
    bind_ip_all: BREAKS.listen,
    dbpath: BREAKS.data,
    auth: BREAKS.auth,
    noauth: BREAKS.auth,
    keyfile: BREAKS.auth,
    transitiontoauth: BREAKS.auth,
    clusterauthmode: BREAKS.auth,
    tlsmode: 'Dockbase’s own tools and probe connect to the server without TLS.',
    sslmode: 'Dockbase’s own tools and probe connect to the server without TLS.',
    config: BREAKS.config,
    fork: BREAKS.foreground,
  },
  args: (name, value) => [value === '' ? `--${name}` : `--${name}=${value}`],
};

/** Official image `mongo`. Both the data and the config folders must persist. */
export const mongo: EngineDefinition = {
  id: 'mongo',
  displayName: 'MongoDB',
  image: 'mongo',
  defaultTag: '8.0',
  suggestedTags: ['8.2', '8.0', '7.0'],
  containerPort: 27017,
  defaultUser: ROOT_USER,
  stopTimeoutSeconds: 30,
  dataMounts: () => [
    { key: 'db', path: '/data/db' },
    { key: 'configdb', path: '/data/configdb' },
  ],
  canReuseData: () => true,
  // With only one of the two set the image refuses to start; with neither it runs WITHOUT auth.
  environment: (password, accounts) => ({
    MONGO_INITDB_ROOT_USERNAME: ROOT_USER,
    MONGO_INITDB_ROOT_PASSWORD: password,
    ...accountEnvironment(ACCOUNTS, accounts),
  }),
  accountVariables: ACCOUNTS,
  readAccounts: (env) => accountsFromEnv(env, ACCOUNTS),
  // The image's entrypoint runs mongod with arguments that start with "-".
  command: (_password, chosen) => settingArgs(SETTINGS, chosen),
  settings: SETTINGS,
  readPassword: ({ env }) => envValue(env, 'MONGO_INITDB_ROOT_PASSWORD'),
  // The init server listens on 127.0.0.1 only, the real one on every interface: probing the container's
  // own address passes only once initialisation is over. No mongosh: it is a Node program, and running it
  // every 40 s while the tab is open keeps an idle server busy. bash (the official image is Ubuntu's) sends a wire-level `hello`.
  healthcheck: (port) => healthcheck(mongoHelloProbe(port), 60),
  connectionUri: (parts) => buildUri('mongodb', parts, '', 'authSource=admin'),
  checkPassword: checkCommonPassword,
  passwordInData: true,
  // A failed auth() throws, and mongosh then exits non-zero.
  verifyPassword: (port) => withClient('mongosh', `mongosh --quiet --host 127.0.0.1 --port ${port} --eval '${AUTH}' >/dev/null`),
  clientName: 'mongosh',
  clientShell: `exec mongosh --quiet --shell --eval '${AUTH}; db = db.getSiblingDB(process.env.MONGO_INITDB_DATABASE || "test")'`,
  transfer: {
    exportKind: 'mongo-archive',
    exportExtension: '.archive.gz',
    exportTool: 'mongodump',
    exportScript: `cfg="$out.cfg"\n${WRITE_CREDENTIALS}\nmongodump ${TOOL_OPTIONS} --gzip --archive="$out"\nrc=$?\nrm -f "$cfg"\nexit $rc`,
    importKinds: ['mongo-archive'],
    importExtensions: ['.archive.gz', '.archive'],
    importScript: [
      'cfg="$in.cfg"',
      WRITE_CREDENTIALS,
      'if [ "$gz" = 1 ]; then set -- --gzip; else set --; fi',
      `mongorestore ${TOOL_OPTIONS} --drop "$@" --archive="$in" 2>"$in.err"`,
      'rc=$?',
      'rm -f "$cfg"',
      'if [ "$rc" != 0 ]; then tail -n 5 "$in.err" >&2; exit "$rc"; fi',
    ].join('\n'),
    seedExtensions: ['.js', '.sh'],
    snapshotMethod: 'stop',
  },
  upgrade: {
    refusal: mongoRefusal,
    method: () => 'in-place',
    explain: (from, to) =>
      `MongoDB ${to} opens the data of ${seriesOf(from)} once its feature compatibility version is ${seriesOf(from)}. Dockbase checks that (and sets it if it is lower), stops the instance, keeps a snapshot of its data (the rollback point), starts ${to} on the same data, sets the feature compatibility version to ${seriesOf(to)} and checks that the server reports ${to}. About as long as the snapshot (about 1 s per GB) and a start.`,
    versionScript:
      'exec mongosh --quiet --nodb --eval \'const a = connect("mongodb://127.0.0.1:27017/admin"); a.auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD); print(a.version())\'',
    alignScript: ALIGN_FCV,
    alignWhat: 'the feature compatibility version',
  },
};

/**
 * The MongoDB wire protocol's `hello` (allowed before authentication) as one OP_MSG: a 16-byte header
 * (length 52, request id 1, response to 0, opCode 2013), flags 0, a section of kind 0 holding the BSON
 * document {hello: 1, $db: "admin"}. Written as printf escapes; no byte needs a single quote.
 */
export const MONGO_HELLO_OP_MSG =
  '\\x34\\0\\0\\0' +
  '\\x01\\0\\0\\0' +
  '\\0\\0\\0\\0' +
  '\\xdd\\x07\\0\\0' + // header
  '\\0\\0\\0\\0' +
  '\\0' + // flagBits, section kind 0
  '\\x1f\\0\\0\\0' +
  '\\x10hello\\0\\x01\\0\\0\\0' +
  '\\x02\\$db\\0\\x06\\0\\0\\0admin\\0' +
  '\\0'; // {hello: 1, $db: "admin"}

/**
 * Passes when the server at the container's own address answers `hello` with an OP_MSG (opCode 2013) that
 * responds to it (responseTo 1): the server's application layer is alive, not just its listen backlog.
 * bash's /dev/tcp connects, coreutils' `od` reads the 16-byte reply header within 5 s.
 */
export function mongoHelloProbe(port: number): string {
  const script = [
    'h=$(hostname -i)',
    `exec 3<>/dev/tcp/\${h%% *}/${port}`,
    `printf "${MONGO_HELLO_OP_MSG}" >&3`,
    'r=$(timeout 5 od -An -tx1 -N16 <&3)',
    'r=${r//[[:space:]]/}',
    '[ "${r:16:16}" = 01000000dd070000 ]',
  ].join(' && ');
  return `exec bash -c '${script}'`;
}
