/**
 * The question each engine's server answers over TCP before any login, asked on its published port by a
 * process beside the engine (DockerCli.wire): the quickest sign that a starting server serves, and proof that
 * its port reaches it. Only engines whose servers take an unfinished conversation quietly have one:
 *
 * - Redis and Valkey (the same protocol): `PING`. `+PONG`, or `-NOAUTH` when it wants a password, is a server accepting commands; `-LOADING`
 *   (the dataset still loading) is not yet.
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

const redis: WireQuestion = {
  hello: ascii('PING\r\n'),
  answered(reply) {
    const line = text(reply);
    const end = line.indexOf('\r\n');
    if (end < 0) return reply.length > 512 ? false : undefined;
    return /^(\+PONG|-NOAUTH)\b/.test(line.slice(0, end));
  },
};

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

const QUESTIONS: Partial<Record<EngineId, WireQuestion>> = { redis, valkey: redis, postgres };

/** The engine's question over TCP, or undefined when it is asked inside the container only. */
export function wireQuestion(engine: EngineId): WireQuestion | undefined {
  return QUESTIONS[engine];
}
