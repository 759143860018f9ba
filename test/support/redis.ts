import net from 'node:net';

/** A minimal RESP client: enough to prove a real Redis accepts or refuses a password over TCP. */
export class RedisConnection {
  private buffer = Buffer.alloc(0);
  private waiters: Array<{ resolve: (reply: RedisReply) => void; reject: (e: Error) => void }> = [];
  private closed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    // docker-proxy accepts a connection before the server listens, then drops it: fail, don't hang.
    const fail = (e: Error) => {
      this.closed ??= e;
      for (const w of this.waiters.splice(0)) w.reject(this.closed);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ port, host }, () => resolve(new RedisConnection(socket)));
      socket.once('error', reject);
    });
  }

  command(...args: string[]): Promise<RedisReply> {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(this.closed);
        return;
      }
      this.waiters.push({ resolve, reject });
      this.socket.write(parts.join(''));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    for (;;) {
      const parsed = parseReply(this.buffer, 0);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.waiters.shift()?.resolve(parsed.reply);
    }
  }
}

export type RedisReply = { ok: true; value: string | null } | { ok: false; error: string };

function parseReply(buf: Buffer, at: number): { reply: RedisReply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const head = buf.toString('utf8', at, eol);
  const kind = head[0];
  const rest = head.slice(1);
  if (kind === '+' || kind === ':') return { reply: { ok: true, value: rest }, end: eol + 2 };
  if (kind === '-') return { reply: { ok: false, error: rest }, end: eol + 2 };
  if (kind === '$') {
    const len = Number(rest);
    if (len < 0) return { reply: { ok: true, value: null }, end: eol + 2 };
    if (buf.length < eol + 2 + len + 2) return undefined;
    return { reply: { ok: true, value: buf.toString('utf8', eol + 2, eol + 2 + len) }, end: eol + 2 + len + 2 };
  }
  throw new Error(`unsupported RESP reply: ${head}`);
}

/** Connects, authenticates and runs one command; the connection is always closed. */
export async function withRedis<T>(port: number, password: string, use: (r: RedisConnection) => Promise<T>): Promise<T> {
  const r = await RedisConnection.connect(port);
  try {
    const auth = await r.command('AUTH', password);
    if (!auth.ok) throw new Error(`AUTH refused: ${auth.error}`);
    return await use(r);
  } finally {
    r.close();
  }
}
