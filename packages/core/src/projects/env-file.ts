/**
 * A project's .env: Dockbase writes only its own keys (those dockbase.yaml's `env` declares) and keeps every
 * other byte of the file as it was: comments, blank lines, other keys, their order, quoting and line ends.
 * Pure text in, text out; the CLI reads and writes the file (atomically, never through a symlink).
 */

/** The line a variable stands on: `KEY=value` or `export KEY=value`, spaces allowed around the name and "=". */
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(.*)$/;

export interface EnvMerge {
  text: string;
  /** Keys whose value changed, in the order given. */
  updated: string[];
  /** Keys that were not in the file and were added at its end. */
  added: string[];
}

/**
 * The file with each of `values` set: a key already there gets its new value on its own line (every line
 * that assigns it), keeping its `export ` and its spacing; a key not there is appended. Lines that are
 * not one of these keys stay byte for byte.
 */
export function mergeEnv(existing: string, values: ReadonlyArray<readonly [string, string]>): EnvMerge {
  const wanted = new Map(values);
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  // Split keeping each line's own ending, so that a file mixing \n and \r\n comes back as it was.
  const parts = existing.match(/[^\r\n]*(?:\r\n|\n|\r|$)/g)?.filter((p, i, all) => p !== '' || i < all.length - 1) ?? [];
  const seen = new Set<string>();
  const updated = new Set<string>();
  let inMultiline: string | undefined;
  // Whether the lines of the multi-line value go: it was one of ours, now written on one line.
  let dropping = false;
  const lines = parts.map((part) => {
    const ending = /\r\n|\n|\r$/.exec(part)?.[0] ?? '';
    const body = part.slice(0, part.length - ending.length);
    // A value in double quotes may span lines: those lines are its value, not assignments of their own.
    if (inMultiline !== undefined) {
      if (closesQuote(body, inMultiline)) inMultiline = undefined;
      return dropping ? '' : part;
    }
    const m = ASSIGNMENT.exec(body);
    if (!m) return part;
    const [, lead = '', key = '', eq = '', value = ''] = m;
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : undefined;
    if (!wanted.has(key)) {
      if (quote && !closesQuote(value.slice(1), quote)) {
        inMultiline = quote;
        dropping = false;
      }
      return part;
    }
    seen.add(key);
    const next = wanted.get(key) ?? '';
    if (quote && !closesQuote(value.slice(1), quote)) {
      // Its old value goes on over the next lines: they go with it.
      inMultiline = quote;
      dropping = true;
    } else {
      dropping = false;
      if (parseValue(value) === next) return part;
    }
    updated.add(key);
    return `${lead}${key}${eq}${formatValue(next)}${ending}`;
  });
  const added = values.filter(([k]) => !seen.has(k)).map(([k]) => k);
  let text = lines.join('');
  if (added.length > 0) {
    if (text.length > 0 && !/[\r\n]$/.test(text)) text += eol;
    text += added.map((k) => `${k}=${formatValue(wanted.get(k) ?? '')}${eol}`).join('');
  }
  return { text, updated: values.map(([k]) => k).filter((k) => updated.has(k)), added };
}

/** Whether a quoted value's rest closes the quote (an unescaped quote char for "…", any for '…'). */
function closesQuote(rest: string, quote: string): boolean {
  for (let i = 0; i < rest.length; i++) {
    if (quote === '"' && rest[i] === '\\') i++;
    else if (rest[i] === quote) return true;
  }
  return false;
}

/** The value a dotenv reader sees (for "unchanged?" only): quotes removed, `\"` and `\\` in double quotes read. */
export function parseValue(raw: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    return end > 0 ? v.slice(1, end) : v.slice(1);
  }
  if (v.startsWith('"')) {
    let out = '';
    for (let i = 1; i < v.length; i++) {
      const c = v[i];
      if (c === '\\' && i + 1 < v.length) {
        const n = v[++i];
        out += n === 'n' ? '\n' : (n ?? '');
      } else if (c === '"') return out;
      else out += c;
    }
    return out;
  }
  // Unquoted: up to a comment (" #").
  return v.replace(/\s+#.*$/, '');
}

/** A value as Dockbase writes it: bare when that reads back the same everywhere, else in quotes. */
export function formatValue(value: string): string {
  if (/^[A-Za-z0-9_.:/@%+=,?&~-]*$/.test(value)) return value;
  if (!value.includes("'") && !/[\r\n]/.test(value)) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\$/g, '\\$')}"`;
}

/** The lines `dockbase env --print` shows: the variables alone, as they would be written. */
export function formatEnv(values: ReadonlyArray<readonly [string, string]>): string {
  return values.map(([k, v]) => `${k}=${formatValue(v)}\n`).join('');
}
