/** Reading a password without showing it: from a pipe, or typed on a terminal without echo. */
import { cancelled } from '@dockbase/core';
import type { Input, Output } from './app';

/** More than any engine accepts (validation says how much is allowed); a bound against endless input. */
const MAX_INPUT = 64 * 1024;

/**
 * The password on stdin. From a pipe or a file: everything up to the end, less one trailing line break (as
 * `docker login --password-stdin` does), so `printf %s "$PW" | …` and `echo "$PW" | …` both work. On a
 * terminal: a prompt on stderr, the typed characters not echoed, Enter ends it, Ctrl-C cancels.
 */
export async function readPassword(stdin: Input, stderr: Output, prompt: string): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode && stdin.on && stdin.off) return readHidden(stdin, stderr, prompt);
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.length > MAX_INPUT) break;
  }
  return text.replace(/\r?\n$/, '');
}

function readHidden(stdin: Input, stderr: Output, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    stderr.write(prompt);
    const finish = (error?: Error) => {
      stdin.off?.('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause?.();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(cancelled('No password was entered.'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.setEncoding?.('utf8');
    stdin.on?.('data', onData);
    stdin.resume?.();
  });
}
