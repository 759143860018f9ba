import crypto from 'node:crypto';
import net from 'node:net';

/**
 * A minimal PostgreSQL client: enough to prove a real server accepts an AUTHENTICATED connection (startup,
 * SCRAM-SHA-256, md5 or cleartext password, ReadyForQuery), for readiness measurements. Resolves true
 * when the server is ready for queries, false on any refusal (e.g. "the database system is starting up").
 */
export function postgresAcceptsLogin(port: number, password: string, options: { user?: string; timeoutMs?: number } = {}): Promise<boolean> {
  const user = options.user ?? 'postgres';
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    let scram: { nonce: string; clientFirstBare: string; serverSignature?: Buffer } | undefined;
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(options.timeoutMs ?? 2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    const send = (type: string, body: Buffer) => {
      const head = Buffer.alloc(5);
      head.write(type, 0, 'latin1');
      head.writeInt32BE(body.length + 4, 1);
      socket.write(Buffer.concat([head, body]));
    };
    socket.on('connect', () => {
      const params = Buffer.from(`user\0${user}\0database\0postgres\0\0`, 'utf8');
      const body = Buffer.alloc(8 + params.length);
      body.writeInt32BE(body.length, 0);
      body.writeInt32BE(196608, 4); // protocol 3.0
      params.copy(body, 8);
      socket.write(body);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const type = String.fromCharCode(buffer[0]!);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const msg = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === 'E') return done(false);
        if (type === 'Z') return done(true);
        if (type !== 'R') continue;
        const code = msg.readInt32BE(0);
        if (code === 3) send('p', Buffer.from(`${password}\0`));
        else if (code === 5) {
          const inner = crypto
            .createHash('md5')
            .update(password + user)
            .digest('hex');
          const outer = crypto
            .createHash('md5')
            .update(Buffer.concat([Buffer.from(inner), msg.subarray(4, 8)]))
            .digest('hex');
          send('p', Buffer.from(`md5${outer}\0`));
        } else if (code === 10) {
          const nonce = crypto.randomBytes(18).toString('base64');
          const clientFirstBare = `n=*,r=${nonce}`;
          scram = { nonce, clientFirstBare };
          const first = Buffer.from(`n,,${clientFirstBare}`);
          const mech = Buffer.from('SCRAM-SHA-256\0');
          const len = Buffer.alloc(4);
          len.writeInt32BE(first.length);
          send('p', Buffer.concat([mech, len, first]));
        } else if (code === 11 && scram) {
          const serverFirst = msg.subarray(4).toString();
          const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
          const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
          const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest();
          const storedKey = crypto.createHash('sha256').update(clientKey).digest();
          const withoutProof = `c=biws,r=${attrs.r}`;
          const authMessage = `${scram.clientFirstBare},${serverFirst},${withoutProof}`;
          const signature = crypto.createHmac('sha256', storedKey).update(authMessage).digest();
          const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString('base64');
          const serverKey = crypto.createHmac('sha256', salted).update('Server Key').digest();
          scram.serverSignature = crypto.createHmac('sha256', serverKey).update(authMessage).digest();
          send('p', Buffer.from(`${withoutProof},p=${proof}`));
        } else if (code === 12 && scram) {
          const v = msg.subarray(4).toString().replace(/^v=/, '');
          if (!scram.serverSignature || Buffer.from(v, 'base64').compare(scram.serverSignature) !== 0) return done(false);
        } else if (code !== 0) {
          return done(false);
        }
      }
    });
  });
}
