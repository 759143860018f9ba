import type { ConnectionParts, Healthcheck } from './types';

export const MAX_PASSWORD_LENGTH = 128;

/** Rules every engine shares: a password is required, bounded, and free of control characters. */
export function checkCommonPassword(password: string): string | undefined {
  if (password.length === 0) return 'A password is required.';
  if ([...password].length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'Line breaks, tabs and other control characters are not allowed.';
  return undefined;
}

/** `scheme://user:password@host:port/path`, with user and password percent-encoded. */
export function buildUri(scheme: string, parts: ConnectionParts, path = '', query = ''): string {
  const user = encodeURIComponent(parts.user);
  const password = encodeURIComponent(parts.password);
  return `${scheme}://${user}:${password}@${parts.host}:${parts.port}/${path}${query ? `?${query}` : ''}`;
}

/** Leading major version of a tag: "17" → 17, "17.2-alpine" → 17, "latest" → undefined. */
export function majorOf(tag: string): number | undefined {
  const m = /^(\d+)/.exec(tag);
  return m ? Number(m[1]) : undefined;
}

export function envValue(env: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  const entry = env.find((e) => e.startsWith(prefix));
  return entry === undefined ? undefined : entry.slice(prefix.length);
}

/** An engine's probe; how often docker runs it is decided for every engine alike (health.ts). */
export function healthcheck(command: string, startPeriodSeconds: number): Healthcheck {
  return { command, startPeriodSeconds };
}
