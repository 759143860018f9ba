/** What Dockbase knows about one database engine: everything an instance of it needs, as data. */
import type { EngineId } from './ids';

export type { EngineId };

export interface DataMount {
  /** Short name, part of the volume's name: `dockbase-<instance>-<key>`. */
  key: string;
  /** Where the engine keeps its data inside the container. */
  path: string;
}

export interface Healthcheck {
  /**
   * A shell command run inside the container (docker's CMD-SHELL), by docker's healthcheck and by the
   * readiness probe. It must get an APPLICATION-level answer over TCP: a stopped (SIGSTOP) or hung server
   * still completes TCP handshakes from the kernel's listen backlog, so a bare connect would not see it.
   * It must stay light (docker runs it every 20 minutes, the open tab every 40 s, for as long as the instance runs): no interpreter such as mongosh.
   */
  command: string;
  /** Failures do not count while the server initialises, until this much time has passed or a probe passed. */
  startPeriodSeconds: number;
}

export interface ConnectionParts {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database to connect to; the engine's default when absent. */
  database?: string;
}

/** A user and initial database the image creates on first start (the official images' variables). */
export interface Accounts {
  /** Who connects; the engine's admin user when absent. */
  user?: string;
  /** The database created at initialisation (and used in the connection string). */
  database?: string;
}

/**
 * The variables through which an engine's official image creates a user and a database on an empty data
 * folder (they do nothing on kept data).
 */
export interface AccountVariables {
  /** The variable naming the user (POSTGRES_USER, MYSQL_USER, MARIADB_USER); none: only the admin exists. */
  user?: string;
  /** The variable naming the initial database. */
  database?: string;
}

/** What a dump file holds, as Dockbase recognises it from its first bytes (see dump-files.ts). */
export type DumpKind = 'postgres-sql' | 'postgres-custom' | 'mysql-sql' | 'mariadb-sql' | 'sql' | 'mongo-archive' | 'redis-rdb';

/**
 * How an engine's data is saved to and read from a file with its own tools, inside its container. The
 * scripts are fixed shell text (never holding a secret: credentials come from the container's own
 * environment, which already has them) and receive their file paths as positional arguments.
 */
export interface DataTransfer {
  /** What `export` writes, and the file name's extension (".sql", ".archive.gz", ".rdb"). */
  exportKind: DumpKind;
  exportExtension: string;
  /** The tool, as the UI names it ("pg_dumpall"). */
  exportTool: string;
  /** Shell: writes the whole instance's data to "$out" with the engine's own tool; exec's the tool last. */
  exportScript: string;
  /** The kinds `import` accepts, and the file name extensions offered for them. */
  importKinds: readonly DumpKind[];
  importExtensions: readonly string[];
  /**
   * Shell, run in the running container: restores "$in" (a file of kind "$kind"; "$gz" is 1 when it is
   * gzip-compressed). Omitted for an engine that imports offline (see `offlineImportScript`).
   */
  importScript?: string;
  /**
   * Shell, run in a helper container over the stopped instance's data volume (mounted at /to/<key>): puts
   * "$in" in place so the server loads it on its next start. Engines that cannot load a file online.
   */
  offlineImportScript?: string;
  /** Extensions the official image runs from /docker-entrypoint-initdb.d on first start; empty when none. */
  seedExtensions: readonly string[];
  /**
   * Shell, the body of a function run in a helper container on one data volume's root ("$1", read-only, the
   * instance stopped): prints, one per line as `./<path>`, files a copy of it may leave out because the server
   * never reads them again (PostgreSQL's recycled WAL). It prints nothing when it cannot be sure. Omitted:
   * every copy is whole.
   */
  copyLeavesOut?: string;
  /**
   * How a snapshot of a running instance is made consistent: Dockbase stops it briefly (the engine flushes
   * and closes its files), copies the volume, and starts it again.
   */
  snapshotMethod: 'stop';
  /**
   * Why a release (its tag) cannot load a file whose format version is `version` (an RDB file's), as a
   * sentence naming `what`; undefined when it can, or cannot tell. Absent: files carry no format version.
   */
  formatRefusal?(tag: string, version: number, what: string): string | undefined;
  /** The format version a release (its tag) writes its data files in; undefined when it cannot tell. */
  formatWritten?(tag: string): number | undefined;
}

/**
 * How data moves to a newer version. `in-place`: the new version opens the same volumes and upgrades them
 * itself when it first starts (MySQL, MariaDB, MongoDB, Redis, and PostgreSQL within one major version).
 * `dump-restore`: the new version cannot read the old data folder (PostgreSQL across major versions): every
 * database is copied with the engine's own tools into a fresh volume.
 */
export type UpgradeMethod = 'in-place' | 'dump-restore';

/**
 * PostgreSQL's way across major versions: the old version runs in a worker container (no network) whose
 * socket folder is a transfer volume; the new version runs in another worker that mounts the same volume and
 * copies everything with its own `pg_dumpall` into its own `psql`. The scripts run in the new version's worker
 * with one argument: the socket folder of the server to ask (the old one's through the transfer volume, or its
 * own). They are fixed text and need no password (both servers trust their local socket).
 */
export interface DumpRestoreUpgrade {
  /** Where the old version's server makes its socket: the transfer volume is mounted there in its worker. */
  socketFolder: string;
  /** Prints the server's version number (PostgreSQL's server_version_num, e.g. 170012). */
  versionScript: string;
  /** Prints the bytes all its databases take (the old data's size, for the copy's progress). */
  sizeScript: string;
  /** Prints one line per table of every database, `<db>.<schema>.<table> <rows>`, sorted: equal on both sides or no switch. */
  fingerprintScript: string;
  /**
   * Prints one line per extension of every database, `<db> <extension> <version>`, sorted: after the row
   * counts, every extension of the old data must be in the new one, at its version or a newer one.
   */
  extensionsScript: string;
  /**
   * Copies every database and role from the server at "$1" into the local one, printing `dockbase-progress
   * BYTES` (what the local server holds) about every second; fails on anything but the expected errors.
   */
  copyScript: string;
  /** What the new data volume's name ends with (`dockbase-<instance>-<key>-<suffix>`), for a version's data. */
  volumeSuffix(tag: string): string;
  /** The version number `versionScript` printed, as the tag's numbers (170012 → [17]). */
  parseVersion(output: string): number[] | undefined;
}

/** What an engine knows about moving its data to a newer version: rules, steps and checks, as data. */
export interface EngineUpgrade {
  /**
   * Why going from `fromTag` to `toTag` is refused — a downgrade, a skipped release, a tag that names no
   * version, the same version — as a sentence that names the way through; undefined when it is allowed.
   */
  refusal(fromTag: string, toTag: string): string | undefined;
  method(fromTag: string, toTag: string): UpgradeMethod;
  /** What will happen and how long it may take, for people (the instance's name is filled in by the UI). */
  explain(fromTag: string, toTag: string): string;
  /** Shell, run in the running container: prints the server's own version first on stdout (in-place). */
  versionScript: string;
  /**
   * Shell, run in the running container: makes the data's compatibility level that of the running server
   * (MongoDB's featureCompatibilityVersion) and prints its version like `versionScript`. Run on the old
   * version before the switch (its data must be at its own level) and on the new one after it starts.
   */
  alignScript?: string;
  /** What `alignScript` is called for people ("the feature compatibility version"). */
  alignWhat?: string;
  /** Across major versions (PostgreSQL). */
  dumpRestore?: DumpRestoreUpgrade;
}

/**
 * How an engine's server takes settings at start, as data: how a setting is written after the image, what a
 * name looks like, and which names are refused because they would break what Dockbase relies on (the port
 * it publishes, the data folder it keeps, the authentication and password it sets), each with its reason.
 */
export interface ServerSettingRules {
  /** How one setting is given to the server, for people ("-c name=value"). */
  form: string;
  /** An example setting, for people: its name and value. */
  example: { name: string; value: string };
  /** What a name must look like; `nameHint` says it in words. */
  name: RegExp;
  nameHint: string;
  /** The name as the server matches it (case, `-` and `_`), to find refused names and repeats. */
  canonical(name: string): string;
  /**
   * Refused names (canonical) and why. A name is also refused when the server would read it as one of these
   * (MySQL's `skip-`/`loose-` prefixes and abbreviations): `refusal` decides, with this list as its data.
   */
  refused: Readonly<Record<string, string>>;
  /** Why this name is refused, or undefined (defaults to a lookup of `canonical(name)` in `refused`). */
  refusal?(name: string): string | undefined;
  /** Why this value cannot be given (beyond the rules every engine shares), or undefined. */
  valueProblem?(value: string): string | undefined;
  /** The arguments one setting becomes after the image (or after the engine's own start script). */
  args(name: string, value: string): string[];
}

export interface EngineDefinition {
  id: EngineId;
  displayName: string;
  /** Official Docker Hub repository. */
  image: string;
  /**
   * The server version a tag runs, where the engine's images do not all start their tags with it (the
   * PostgreSQL flavours' "pg17", "2.17.2-pg17"); absent: the numbers the tag starts with (see `tagVersion`).
   */
  tagVersion?(tag: string): number[] | undefined;
  defaultTag: string;
  /** Offered when Docker Hub's tags cannot be fetched; newest first. */
  suggestedTags: readonly string[];
  containerPort: number;
  defaultUser: string;
  /** Graceful stop: seconds the engine gets to flush before it is killed. */
  stopTimeoutSeconds: number;
  /** The data folder(s) for a given image tag. */
  dataMounts(tag: string): DataMount[];
  /** Whether data written by `fromTag` can be opened by `toTag` (same volume, new container). */
  canReuseData(fromTag: string, toTag: string): boolean;
  /** Environment for the container (the admin secret travels here for most engines), with the accounts to create. */
  environment(password: string, accounts?: Accounts): Record<string, string>;
  /** The image's user and database variables; empty for engines without them (Redis). */
  accountVariables: AccountVariables;
  /** The user and database a container was configured with (its env), for its connection string. */
  readAccounts(env: readonly string[]): Accounts;
  /**
   * Arguments after the image reference (empty: the image's default command), with the server settings the
   * user chose (already validated: see model/settings.ts) in the engine's own form.
   */
  command(password: string, settings?: Readonly<Record<string, string>>): string[];
  /** Server settings at start: their form, and the names that are refused. */
  settings: ServerSettingRules;
  /** Finds the admin password in a container's configuration (env, command). */
  readPassword(config: { env: readonly string[]; cmd: readonly string[] }): string | undefined;
  healthcheck(port: number): Healthcheck;
  connectionUri(parts: ConnectionParts): string;
  /** Returns a sentence when the password cannot be used with this engine. */
  checkPassword(password: string): string | undefined;
  /**
   * Whether the data folder keeps the password (set once, at initialisation): kept data then needs ITS
   * password, and a new password in the container's configuration alone does not change it. Redis reads its
   * password from its command line at every start, so its data holds none.
   */
  passwordInData: boolean;
  /**
   * A shell script, run inside the running container, that proves the password in the container's OWN
   * configuration (its env) authenticates, with the engine's own client over TCP. The password is read from
   * the environment inside the container: it is never on any command line. Exit 0: it authenticates; 127:
   * the image has no such client (nothing can be said); anything else: refused.
   */
  verifyPassword(port: number): string;
  /**
   * A shell script that sets the data's admin password to the one in the container's configuration WITHOUT
   * knowing the old one, where the engine allows it safely (PostgreSQL: its local socket, trusted inside the
   * container). Absent: the password can only be changed by someone who knows the old one.
   */
  applyPassword?: string;
  /** A shell script that opens the engine's interactive client, authenticated from the container's env. */
  clientShell: string;
  /** The client's name, for messages ("psql"). */
  clientName: string;
  /**
   * A log line that proves the server accepts TCP connections, where one exists without ambiguity (the
   * init servers of PostgreSQL and MongoDB print the same words before the real server starts, so they
   * have none and rely on the health probe alone).
   */
  readyLogPattern?: RegExp;
  /** Export, import and seed files with the engine's own tools. */
  transfer: DataTransfer;
  /** Moving to a newer version with the data. */
  upgrade: EngineUpgrade;
}
