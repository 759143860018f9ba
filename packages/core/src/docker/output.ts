/** What the docker CLI prints as JSON: the format Dockbase asks for, and the readers the families' output parsers share. */

export type Json = Record<string, unknown>;

/** One JSON object a line (`ps`, `events`, `stats`, `volume ls`, `image ls`, `version`). */
export const JSON_FORMAT = '{{json .}}';

/** A field as text ('' for none). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Every JSON object of `--format '{{json .}}'` output, one a line. */
export function parseJsonLines(stdout: string): Json[] {
  const out: Json[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const v: unknown = JSON.parse(t);
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Json);
  }
  return out;
}

/** The string fields of a JSON object (labels), none for anything else. */
export function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Json)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * `docker ps --format '{{json .}}'` prints labels as one "k=v,k=v" string. Image labels are inherited and
 * their values may hold commas, so only a pair whose key looks like a label key starts a new label.
 */
export function parseLabelString(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let last: string | undefined;
  for (const part of text ? text.split(',') : []) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (key && /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
      labels[key] = part.slice(eq + 1);
      last = key;
    } else if (last !== undefined) {
      labels[last] += `,${part}`;
    }
  }
  return labels;
}
