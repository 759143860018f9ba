import { describe, expect, it } from 'vitest';
import { wireLogsIn, wireQuestion } from './wire';

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A PostgreSQL ErrorResponse with these fields (S severity, C SQLSTATE, M message). */
function pgError(fields: Record<string, string>): Uint8Array {
  const body = bytes(
    `${Object.entries(fields)
      .map(([k, v]) => `${k}${v}\0`)
      .join('')}\0`,
  );
  const out = new Uint8Array(5 + body.length);
  out[0] = 'E'.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

describe('the question each engine answers on its port', () => {
  it('Redis: logs in with the password, then PING; its PONG is a server that serves, LOADING is not yet', () => {
    const q = wireQuestion('redis', 'pw with space é')!;
    // RESP arrays of bulk strings: the password whole, its length in UTF-8 bytes.
    expect(new TextDecoder().decode(q.hello)).toBe('*2\r\n$4\r\nAUTH\r\n$16\r\npw with space é\r\n*1\r\n$4\r\nPING\r\n');
    expect(q.answered(bytes('+OK\r\n+PONG\r\n'))).toBe(true);
    // While a large dataset loads, AUTH passes and every other command gets LOADING.
    expect(q.answered(bytes('+OK\r\n-LOADING Redis is loading the dataset in memory\r\n'))).toBe(false);
    expect(q.answered(bytes('+OK\r\n'))).toBeUndefined();
    expect(q.answered(bytes('+OK\r\n+PO'))).toBeUndefined();
    // Another password than the server's: it answers all the same (the card's password check says the rest).
    expect(q.answered(bytes('-WRONGPASS invalid username-password pair or user is disabled.\r\n-NOAUTH Authentication required.\r\n'))).toBe(true);
    expect(q.answered(bytes('HTTP/1.1 400 Bad Request\r\n\r\n'))).toBe(false);
  });

  it('Redis without a password to give: PING alone; a demand for a password is a server that serves', () => {
    for (const q of [wireQuestion('redis')!, wireQuestion('redis', '')!]) {
      expect(String.fromCharCode(...q.hello)).toBe('PING\r\n');
      expect(q.answered(bytes('+PONG\r\n'))).toBe(true);
      expect(q.answered(bytes('-NOAUTH Authentication required.\r\n'))).toBe(true);
      expect(q.answered(bytes('-LOADING Redis is loading the dataset in memory\r\n'))).toBe(false);
      expect(q.answered(bytes('+PO'))).toBeUndefined();
    }
  });

  it('Valkey: the same question as Redis (the same protocol), so its readiness is as quick', () => {
    expect(wireLogsIn('valkey')).toBe(true);
    expect(wireQuestion('valkey', 'pw')!.hello).toEqual(wireQuestion('redis', 'pw')!.hello);
    expect(wireQuestion('valkey', 'pw')!.answered(bytes('+OK\r\n-LOADING Valkey is loading the dataset in memory\r\n'))).toBe(false);
  });

  it('PostgreSQL: a protocol 3.0 startup message as postgres; an authentication request or an error other than “starting up” is a server that serves', () => {
    const q = wireQuestion('postgres')!;
    const view = new DataView(q.hello.buffer);
    expect(view.getInt32(0)).toBe(q.hello.length);
    expect(view.getInt32(4)).toBe(196608);
    expect(String.fromCharCode(...q.hello.subarray(8))).toBe('user\0postgres\0database\0postgres\0\0');
    // AuthenticationSASL (R, length, 10, mechanisms).
    expect(q.answered(Uint8Array.of(82, 0, 0, 0, 23, 0, 0, 0, 10))).toBe(true);
    const starting = pgError({ S: 'FATAL', C: '57P03', M: 'the database system is starting up' });
    expect(q.answered(starting)).toBe(false);
    expect(q.answered(pgError({ S: 'FATAL', C: '28000', M: 'role "postgres" does not exist' }))).toBe(true);
    expect(q.answered(starting.subarray(0, 9))).toBeUndefined();
    expect(q.answered(new Uint8Array())).toBeUndefined();
    expect(q.answered(bytes('-ERR'))).toBe(false);
  });

  it('MySQL, MariaDB and MongoDB are asked inside their containers only', () => {
    expect(wireQuestion('mysql')).toBeUndefined();
    expect(wireQuestion('mariadb')).toBeUndefined();
    expect(wireQuestion('mongo')).toBeUndefined();
  });
});
