/** Where the backend listens: Docker Desktop gives it a unix socket under /run/guest-services. */
export const DESKTOP_SOCKET = '/run/guest-services/backend.sock';
/** The compose file mounts a named volume here, so the data survives extension updates. */
export const DEFAULT_DATA_DIR = '/var/lib/dockbase';
export const DEFAULT_HUB_URL = 'https://hub.docker.com';
export const DEFAULT_HUB_CACHE_TTL_SECONDS = 600;
/** The docker client jobs run: from PATH (/usr/local/bin/docker in the extension image). */
export const DEFAULT_DOCKER_CLI = 'docker';

export interface ListenConfig {
  /** Unix socket path; wins over `port` when both are given. */
  socket?: string;
  /** Loopback TCP port (standalone host and tests only). */
  port?: number;
}

/** A numeric user and group to run as. */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface BackendConfig extends ListenConfig {
  /** Folder holding the SQLite database. */
  dataDir: string;
  /** Base URL of Docker Hub (tests point it at a local fixture server). */
  hubUrl: string;
  /** How long a Docker Hub answer is served from the cache before asking again. */
  hubCacheTtlSeconds: number;
  /** The docker client that jobs run (`--docker-cli`, DOCKBASE_DOCKER_CLI; `docker` from PATH by default). */
  dockerCli: string;
  /**
   * Started as root, the backend hands its socket's folder and its data folder to this user and drops
   * root before anything else (the extension image sets DOCKBASE_USER=1000:1000). Ignored when not root.
   */
  user?: RunAs;
}

/**
 * Reads each setting from `--name VALUE` / `--name=VALUE`, then from its DOCKBASE_* variable, then
 * falls back to the Docker Desktop default. Throws a message naming the setting when a value is bad.
 */
export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BackendConfig {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i >= 0) return argv[i + 1];
    const prefixed = argv.find((a) => a.startsWith(`${name}=`));
    return prefixed?.slice(name.length + 1);
  };
  const socket = arg('--socket') ?? env.DOCKBASE_SOCKET;
  const portText = arg('--port') ?? env.DOCKBASE_PORT;
  const common = {
    dataDir: arg('--data-dir') ?? env.DOCKBASE_DATA_DIR ?? DEFAULT_DATA_DIR,
    hubUrl: parseHubUrl(arg('--hub-url') ?? env.DOCKBASE_HUB_URL ?? DEFAULT_HUB_URL),
    hubCacheTtlSeconds: parseTtl(arg('--hub-cache-ttl') ?? env.DOCKBASE_HUB_CACHE_TTL),
    dockerCli: (arg('--docker-cli') ?? env.DOCKBASE_DOCKER_CLI) || DEFAULT_DOCKER_CLI,
    ...parseUser(arg('--user') ?? env.DOCKBASE_USER),
  };
  if (common.dataDir === '') throw new Error('Invalid data directory: it must not be empty');
  if (socket) return { socket, ...common };
  if (portText !== undefined) {
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`Invalid port "${portText}": expected an integer from 0 to 65535`);
    }
    return { port, ...common };
  }
  return { socket: DESKTOP_SOCKET, ...common };
}

function parseHubUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Invalid Docker Hub URL "${text}": expected an http or https URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Invalid Docker Hub URL "${text}": expected an http or https URL`);
  }
  // Paths are appended to it, so a trailing slash would double up.
  return url.href.replace(/\/+$/, '');
}

function parseTtl(text: string | undefined): number {
  if (text === undefined) return DEFAULT_HUB_CACHE_TTL_SECONDS;
  const ttl = Number(text);
  if (text.trim() === '' || !Number.isInteger(ttl) || ttl < 0) {
    throw new Error(`Invalid Docker Hub cache TTL "${text}": expected a whole number of seconds (0 or more)`);
  }
  return ttl;
}

function parseUser(text: string | undefined): { user?: RunAs } {
  if (text === undefined || text === '') return {};
  const m = /^(\d+):(\d+)$/.exec(text);
  const uid = Number(m?.[1]);
  const gid = Number(m?.[2]);
  if (!m || uid === 0 || gid === 0 || uid > 2 ** 31 || gid > 2 ** 31) {
    throw new Error(`Invalid user "${text}": expected UID:GID of an unprivileged user, such as 1000:1000`);
  }
  return { user: { uid, gid } };
}
