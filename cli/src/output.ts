/** How commands print: data on stdout (a table, or JSON with --json), progress and notes on stderr. */
import type { Output } from './app';

export function printJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain text table: a header row in capitals, columns padded to their widest cell, no trailing blanks. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * One line of progress on stderr. On a terminal it is rewritten in place; elsewhere (a log file, CI) each
 * distinct text is printed once, on its own line.
 */
export class Progress {
  private last = '';
  private open = false;

  constructor(private readonly err: Output) {}

  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.err.isTTY) {
      this.err.write(`\r\x1b[2K${text}`);
      this.open = true;
    } else {
      this.err.write(`${text}\n`);
    }
  }

  /** Ends the progress line (with a last text, if given). */
  done(text?: string): void {
    if (text !== undefined) this.update(text);
    if (this.open) this.err.write('\n');
    this.open = false;
    this.last = '';
  }
}

/** A note for the user on stderr (never data a script would parse). */
export function note(err: Output, text: string): void {
  err.write(`${text}\n`);
}
