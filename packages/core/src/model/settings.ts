/**
 * Server settings: name → value pairs an instance's server starts with, in its engine's own form (PostgreSQL
 * `-c name=value`, MySQL and MariaDB `--name=value`, Redis directives, MongoDB options; see each engine's
 * `settings`). One rule for every door: a setting is checked here before anything changes, and refused when
 * it would break what Dockbase relies on, with the reason. The container's label records them (labels.ts).
 */
import { getEngine, type EngineId } from '../engines';

export type ServerSettings = Readonly<Record<string, string>>;

/** How many settings one instance may have, and how long a name and a value may be. */
export const MAX_SETTINGS = 64;
export const MAX_SETTING_NAME = 100;
export const MAX_SETTING_VALUE = 1024;

/** One setting's problem, for people: which setting and why. */
export interface SettingProblem {
  name: string;
  message: string;
}

/** Every problem with `settings` on `engine` (empty: they may be given to the server as they are). */
export function settingProblems(engineId: EngineId, settings: ServerSettings): SettingProblem[] {
  const engine = getEngine(engineId);
  const rules = engine.settings;
  const problems: SettingProblem[] = [];
  const entries = Object.entries(settings);
  if (entries.length > MAX_SETTINGS) problems.push({ name: '', message: `At most ${MAX_SETTINGS} settings.` });
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    const put = (message: string) => problems.push({ name, message });
    if (typeof value !== 'string') {
      put('The value must be text.');
      continue;
    }
    if (name.length === 0) {
      put('A setting needs a name.');
      continue;
    }
    if (name.length > MAX_SETTING_NAME || !rules.name.test(name)) {
      put(rules.nameHint);
      continue;
    }
    const canonical = rules.canonical(name);
    const refusal = rules.refusal ? rules.refusal(name) : rules.refused[canonical];
    if (refusal) {
      put(`Dockbase refuses ${name}: ${refusal}`);
      continue;
    }
    const twin = seen.get(canonical);
    if (twin !== undefined) {
      put(`${engine.displayName} reads ${name} and ${twin} as the same setting: give it once.`);
      continue;
    }
    seen.set(canonical, name);
    if (value.length > MAX_SETTING_VALUE) put(`Use at most ${MAX_SETTING_VALUE} characters.`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(value)) put('Line breaks, tabs and other control characters are not allowed in a value.');
    else {
      const bad = rules.valueProblem?.(value);
      if (bad) put(bad);
    }
  }
  return problems;
}

/** The problems as one sentence each, "name: why" (empty: valid). */
export function describeSettingProblems(problems: readonly SettingProblem[]): string {
  return problems.map((p) => (p.name ? `${p.name}: ${p.message}` : p.message)).join(' ');
}

/** The first problem as a sentence, for a form's field; undefined when the settings are valid. */
export function validateSettings(engine: EngineId, settings: ServerSettings | undefined): string | undefined {
  if (!settings) return undefined;
  const problems = settingProblems(engine, settings);
  return problems.length > 0 ? describeSettingProblems(problems) : undefined;
}

/**
 * Settings written as text, one `name=value` a line (the form's box, the CLI's `--setting`); blank lines and
 * lines starting with `#` are skipped. A name without `=` is an empty value (a bare option). The same name
 * twice is an error here already: the text says which line.
 */
export function parseSettingLines(text: string | readonly string[]): { settings: Record<string, string>; error?: string } {
  const lines = typeof text === 'string' ? text.split(/\r?\n/) : text;
  const settings: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim().replace(/^-+/, '');
    const value = eq < 0 ? '' : line.slice(eq + 1).trim();
    if (name === '') return { settings, error: `“${line}” names no setting: write name=value.` };
    if (Object.prototype.hasOwnProperty.call(settings, name)) return { settings, error: `${name} is given twice.` };
    settings[name] = value;
  }
  return { settings };
}

/** The settings as the text parseSettingLines reads back: one `name=value` a line. */
export function formatSettingLines(settings: ServerSettings | undefined): string {
  return Object.entries(settings ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}

/** Whether two sets of settings are the same, in the same order (the order they are given to the server). */
export function sameSettings(a: ServerSettings | undefined, b: ServerSettings | undefined): boolean {
  return JSON.stringify(Object.entries(a ?? {})) === JSON.stringify(Object.entries(b ?? {}));
}

/** Settings as a label's value (JSON); undefined when there are none (no label is written). */
export function settingsLabel(settings: ServerSettings | undefined): string | undefined {
  return settings && Object.keys(settings).length > 0 ? JSON.stringify(settings) : undefined;
}

/** A label's settings; undefined when there is no label or it holds no JSON object of text values. */
export function settingsFromLabel(label: string | undefined): Record<string, string> | undefined {
  if (!label) return undefined;
  try {
    const parsed: unknown = JSON.parse(label);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  } catch {
    return undefined;
  }
}

/** What changed between two sets of settings, for the edit's history ("max_connections 100 → 300", "work_mem removed"). */
export function describeSettingChanges(before: ServerSettings | undefined, after: ServerSettings | undefined): string[] {
  const a = before ?? {};
  const b = after ?? {};
  const out: string[] = [];
  for (const [name, value] of Object.entries(b)) {
    if (!Object.prototype.hasOwnProperty.call(a, name)) out.push(`setting ${name}=${value}`);
    else if (a[name] !== value) out.push(`setting ${name} ${a[name]} → ${value}`);
  }
  for (const name of Object.keys(a)) if (!Object.prototype.hasOwnProperty.call(b, name)) out.push(`setting ${name} removed`);
  if (out.length === 0 && !sameSettings(a, b)) out.push('settings reordered');
  return out;
}
