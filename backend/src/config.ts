/** Where the backend listens: Docker Desktop gives it a unix socket under /run/guest-services. */
export const DESKTOP_SOCKET = '/run/guest-services/backend.sock';

export interface BackendConfig {
  /** Unix socket path; wins over `port` when both are given. */
  socket?: string;
  /** Loopback TCP port (standalone host and tests only). */
  port?: number;
}

/**
 * Reads `--socket PATH` / `--port N` from the arguments, then DOCKBASE_SOCKET / DOCKBASE_PORT from the
 * environment, and falls back to Docker Desktop's socket.
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
  if (socket) return { socket };
  if (portText !== undefined) {
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`Invalid port "${portText}": expected an integer from 0 to 65535`);
    }
    return { port };
  }
  return { socket: DESKTOP_SOCKET };
}
