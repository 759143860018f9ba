/** Asking before changing data, as the tab does; scripts (no terminal) say --yes instead. */
import type { CliApp } from './app';
import { UsageError } from './exit-codes';

/** Asks on stderr; one line typed on the terminal, trimmed. */
export async function ask(app: CliApp, question: string): Promise<string> {
  app.io.stderr.write(question);
  let answer = '';
  for await (const chunk of app.io.stdin) {
    answer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (answer.includes('\n')) break;
  }
  return (answer.split('\n')[0] ?? '').trim();
}

/**
 * Goes on when `yes` was given, or the user answers y on a terminal. Without a terminal and without --yes it
 * refuses (exit code 2) and nothing changes; a "no" on a terminal fails (exit code 1).
 */
export async function confirmOrYes(app: CliApp, yes: boolean | undefined, what: string, question: string): Promise<void> {
  if (yes) return;
  if (!(app.io.stdin.isTTY && app.io.stderr.isTTY)) throw new UsageError(`Not done: ${what}. Pass --yes to go ahead.`);
  if (!/^y(es)?$/i.test(await ask(app, `${question} [y/N] `))) throw new Error('Nothing was changed.');
}
