/** Names that hold (or switch on) a credential: such values must never reach the database. */
const SECRET_NAME = /pass|secret|pwd|token|credential|private.?key|api.?key/i;

/**
 * Returns a copy of the settings without anything that looks like a credential: object keys named like
 * one (at any depth), `NAME=value` strings with such a name (env lists), and command-line flags named
 * like one together with their value (`--requirepass x`, `--password=x`).
 */
export function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return stripArray(value);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so even a "__proto__" key stays plain data.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SECRET_NAME.test(key))
        .map(([key, v]) => [key, stripSecrets(v)]),
    );
  }
  return value;
}

function stripArray(items: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'string') {
      const flag = /^-{1,2}([^=\s]+)(=?)/.exec(item);
      if (flag?.[1] && SECRET_NAME.test(flag[1])) {
        if (flag[2] !== '=') i++; // the value is the next argument
        continue;
      }
      const assignment = /^([^=\s]+)=/.exec(item);
      if (assignment?.[1] && SECRET_NAME.test(assignment[1])) continue;
    }
    out.push(stripSecrets(item));
  }
  return out;
}
