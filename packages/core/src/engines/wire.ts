/**
 * The question each engine's server answers over TCP before any login, asked on its published port by a
 * process beside the engine (DockerCli.wire): the quickest sign that a starting server serves, and proof that
 * its port reaches it. Only engines whose servers take an unfinished conversation quietly have one:
 *
 * - Redis and Valkey (the same protocol): `AUTH` with the server's password, then `PING`. The PING's `+PONG` is a
 *   server accepting commands; `-LOADING` (the dataset still loading) is not yet. Logged in, because a server
 *   checks the login before the loading: while it loads a large dataset (seconds), an anonymous PING gets
 *   `-NOAUTH` all the same, which would say "ready" to an app that then gets LOADING for every command. A PING
 *   after a refused AUTH gets `-NOAUTH`: a server that answers, with another password than the one given (the
 *   card's password check says so); without a password to give, the question is the PING alone.
 * - PostgreSQL: a startup message, as `pg_isready` sends it. An authentication request (`R`) is a server
 *   accepting connections; an error (`E`) is one too, unless it is 57P03, "the database system is starting up".
 *   Leaving at the authentication request is not an error to PostgreSQL, and logs nothing.
 *
 * MySQL and MariaDB count a connection left during the handshake against the host that made it (all of them
 * come from docker's gateway), and block that host after `max_connect_errors`; MongoDB's hello needs BSON.
 * Those are asked inside the container only (their health probe).
 */
import type { EngineId } from './ids';

export interface WireQuestion {
  hello: Uint8Array;
  /** What came back so far: true (it serves), false (not yet), undefined (more bytes needed). */
  answered(reply: Uint8Array): boolean | undefined;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** A command as a RESP array of bulk strings (binary-safe: a password may hold spaces or any character). */
function respCommand(...words: string[]): Uint8Array {
  const utf8 = new TextEncoder();
  const parts = [utf8.encode(`*${words.length}\r\n`)];
  for (const word of words) {
    const bytes = utf8.encode(word);
    parts.push(utf8.encode(`$${bytes.length}\r\n`), bytes, utf8.encode('\r\n'));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The Redis-family question: the PING's reply decides, after the AUTH's when there is a password to give. */
function redisQuestion(password: string | undefined): WireQuestion {
  const loggedIn = password !== undefined && password !== '';
  return {
    hello: loggedIn ? Uint8Array.from([...respCommand('AUTH', password), ...respCommand('PING')]) : ascii('PING\r\n'),
    answered(reply) {
      // Each reply here is one line: +OK, +PONG or an error.
      const lines = text(reply).split('\r\n');
      const complete = lines.length - 1;
      const ping = loggedIn ? 1 : 0;
      if (complete <= ping) return reply.length > 512 ? false : undefined;
      return /^(\+PONG|-NOAUTH)\b/.test(lines[ping]!);
    },
  };
}

function startupMessage(user: string, database: string): Uint8Array {
  const params = ascii(`user\0${user}\0database\0${database}\0\0`);
  const out = new Uint8Array(8 + params.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, out.length);
  view.setInt32(4, 196608); // protocol 3.0
  out.set(params, 8);
  return out;
}

const postgres: WireQuestion = {
  hello: startupMessage('postgres', 'postgres'),
  answered(reply) {
    if (reply.length === 0) return undefined;
    const kind = String.fromCharCode(reply[0]!);
    if (kind === 'R') return true;
    if (kind !== 'E') return false;
    if (reply.length < 5) return undefined;
    const length = new DataView(reply.buffer, reply.byteOffset).getInt32(1);
    if (reply.length < 1 + length) return undefined;
    // Fields: a type byte, then a zero-terminated value; C is the SQLSTATE.
    const fields = text(reply.subarray(5, 1 + length)).split('\0');
    const code = fields.find((f) => f.startsWith('C'))?.slice(1);
    return code !== '57P03';
  },
};

/** The engines whose question logs in with the server's password (see above). */
const LOGS_IN: ReadonlySet<EngineId> = new Set<EngineId>(['redis', 'valkey']);

/** Whether the engine's question logs in: its asker reads the server's password first. */
export function wireLogsIn(engine: EngineId): boolean {
  return LOGS_IN.has(engine);
}

/**
 * The engine's question over TCP, or undefined when it is asked inside the container only. `password`: the
 * server's own, for an engine whose question logs in (wireLogsIn).
 */
export function wireQuestion(engine: EngineId, password?: string): WireQuestion | undefined {
  if (LOGS_IN.has(engine)) return redisQuestion(password);
  return engine === 'postgres' ? postgres : undefined;
}
