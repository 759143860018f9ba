/**
 * Static checks of the extension's packaging: Dockerfile, .dockerignore, metadata.json, docker-compose.yaml,
 * docker.svg and the Makefile. Each check returns the problems it finds (an empty list when the files are
 * right), reading the files through a `Project` so that tests can hand it a broken copy of one file.
 */
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------------------
// Files

export interface Project {
  /** The file's text, or undefined when it does not exist. */
  read(rel: string): string | undefined;
  exists(rel: string): boolean;
  /** Files under `rel` (a file or a folder), relative to the project root; skips node_modules, dist, .git. */
  listFiles(rel: string): string[];
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

export function projectAt(root: string): Project {
  const abs = (rel: string) => path.join(root, rel);
  return {
    read: (rel) => (fs.existsSync(abs(rel)) && fs.statSync(abs(rel)).isFile() ? fs.readFileSync(abs(rel), 'utf8') : undefined),
    exists: (rel) => fs.existsSync(abs(rel)),
    listFiles(rel) {
      const out: string[] = [];
      const walk = (r: string) => {
        const stat = fs.statSync(abs(r), { throwIfNoEntry: false });
        if (!stat) return;
        if (stat.isFile()) {
          out.push(r);
          return;
        }
        if (!stat.isDirectory()) return;
        for (const name of fs.readdirSync(abs(r)).sort()) {
          if (SKIPPED_DIRS.has(name)) continue;
          walk(r === '.' || r === '' ? name : `${r}/${name}`);
        }
      };
      walk(rel);
      return out;
    },
  };
}

/** The same project with some files replaced (a string) or removed (null). */
export function withFiles(project: Project, files: Record<string, string | null>): Project {
  const has = (rel: string) => Object.prototype.hasOwnProperty.call(files, rel);
  return {
    read: (rel) => (has(rel) ? (files[rel] ?? undefined) : project.read(rel)),
    exists: (rel) => (has(rel) ? files[rel] !== null : project.exists(rel)),
    listFiles: (rel) => project.listFiles(rel).filter((f) => !has(f) || files[f] !== null),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile parsing

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Logical instructions: continuation lines joined, comment lines (also inside continuations) dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: string | undefined;
  let start = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return;
    if (trimmed === '' && current === undefined) return;
    const continued = /\\[ \t]*$/.test(raw);
    const body = continued ? raw.replace(/\\[ \t]*$/, '') : raw;
    if (current === undefined) {
      current = body;
      start = i + 1;
    } else {
      current += body;
    }
    if (!continued) {
      push(current, start);
      current = undefined;
    }
  });
  if (current !== undefined) push(current, start);
  return out;

  function push(textLine: string, line: number) {
    const m = /^\s*([A-Za-z]+)\s*([\s\S]*)$/.exec(textLine);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line });
  }
}

export interface Words {
  words: string[];
  /** Per word: an unquoted or double-quoted `$` would make Docker substitute a build variable. */
  variables: boolean[];
  error?: string;
}

/** Splits an instruction's arguments like the Dockerfile shell lexer: quotes, backslash escapes. */
export function splitWords(s: string): Words {
  const words: string[] = [];
  const variables: boolean[] = [];
  let word = '';
  let inWord = false;
  let variable = false;
  const end = () => {
    if (inWord) {
      words.push(word);
      variables.push(variable);
    }
    word = '';
    inWord = false;
    variable = false;
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      end();
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return { words, variables, error: 'unterminated single quote' };
      word += s.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && ['"', '$', '\\'].includes(s[j + 1]!)) {
          word += s[j + 1];
          j++;
        } else {
          if (s[j] === '$') variable = true;
          word += s[j];
        }
      }
      if (j >= s.length) return { words, variables, error: 'unterminated double quote' };
      i = j;
    } else if (ch === '\\' && i + 1 < s.length) {
      word += s[i + 1];
      i++;
    } else {
      if (ch === '$') variable = true;
      word += ch;
    }
  }
  end();
  return { words, variables };
}

export interface Stage {
  index: number;
  name?: string;
  /** The FROM reference: an image, or an earlier stage's name (build arguments replaced by their defaults). */
  from: string;
  /** The FROM reference as written (e.g. ${NODE_IMAGE}). */
  fromRaw?: string;
  instructions: Instruction[];
}

export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = splitWords(ins.args).words.filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({
        index: stages.length,
        from: words[0] ?? '',
        ...(asAt > 0 && words[asAt + 1] ? { name: words[asAt + 1]!.toLowerCase() } : {}),
        instructions: [],
      });
    } else {
      stages[stages.length - 1]?.instructions.push(ins);
    }
  }
  return stages;
}

/** The stage's ancestors (itself last): a stage built FROM an earlier stage inherits its instructions. */
export function stageChain(stages: Stage[], stage: Stage): Stage[] {
  const chain = [stage];
  let cur = stage;
  for (;;) {
    const parent = stages.find((s) => s.name === cur.from.toLowerCase() && s.index < cur.index);
    if (!parent) return chain;
    chain.unshift(parent);
    cur = parent;
  }
}

/** The image a stage ultimately starts from. */
export function baseImageOf(stages: Stage[], stage: Stage): string {
  return stageChain(stages, stage)[0]!.from;
}

export function findStage(stages: Stage[], ref: string): Stage | undefined {
  return /^\d+$/.test(ref) ? stages[Number(ref)] : stages.find((s) => s.name === ref.toLowerCase());
}

export interface Copy {
  from?: string;
  chmod?: string;
  sources: string[];
  dest: string;
  line: number;
}

export function parseCopy(ins: Instruction): Copy | undefined {
  if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') return undefined;
  let words = splitWords(ins.args).words;
  const flags = words.filter((w) => w.startsWith('--'));
  words = words.filter((w) => !w.startsWith('--'));
  const rest = ins.args.replace(/^(--\S+\s+)*/, '');
  if (rest.startsWith('[')) {
    try {
      const arr = JSON.parse(rest) as unknown;
      if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) words = arr as string[];
    } catch {
      return undefined;
    }
  }
  if (words.length < 2) return undefined;
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  const chmod = flags.find((f) => f.startsWith('--chmod='))?.slice('--chmod='.length);
  return { ...(from ? { from } : {}), ...(chmod ? { chmod } : {}), sources: words.slice(0, -1), dest: words[words.length - 1]!, line: ins.line };
}

/** The final stage's labels, including those its parent stages set. */
export function labelsOf(stages: Stage[], stage: Stage): { labels: Map<string, string>; problems: string[] } {
  const labels = new Map<string, string>();
  const problems: string[] = [];
  for (const s of stageChain(stages, stage)) {
    for (const ins of s.instructions.filter((i) => i.keyword === 'LABEL')) {
      const { words, variables, error } = splitWords(ins.args);
      if (error) problems.push(`Dockerfile line ${ins.line}: LABEL has an ${error}`);
      // A `$` outside single quotes is substituted by Docker: labels must be written literally.
      const literal = (key: string, i: number) => {
        if (variables[i]) problems.push(`label ${key} uses a build variable ($): write its value literally`);
      };
      if (words.length > 0 && !words[0]!.includes('=')) {
        labels.set(words[0]!, words.slice(1).join(' '));
        words.forEach((_, i) => literal(words[0]!, i));
        continue;
      }
      const stray: string[] = [];
      words.forEach((w, i) => {
        const eq = w.indexOf('=');
        if (eq <= 0) {
          stray.push(w.slice(0, 40));
          return;
        }
        labels.set(w.slice(0, eq), w.slice(eq + 1));
        literal(w.slice(0, eq), i);
      });
      if (stray.length > 0) {
        problems.push(
          `Dockerfile line ${ins.line}: LABEL words that are not key=value (a quote problem?): "${stray.slice(0, 3).join('", "')}"${stray.length > 3 ? ` and ${stray.length - 3} more` : ''}`,
        );
      }
    }
  }
  return { labels, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Shared facts

export const REQUIRED_LABELS = [
  'org.opencontainers.image.title',
  'org.opencontainers.image.description',
  'org.opencontainers.image.vendor',
  'com.docker.desktop.extension.api.version',
  'com.docker.desktop.extension.icon',
  'com.docker.extension.screenshots',
  'com.docker.extension.detailed-description',
  'com.docker.extension.publisher-url',
  'com.docker.extension.changelog',
  'com.docker.extension.additional-urls',
  'com.docker.extension.categories',
] as const;

export const MARKETPLACE_CATEGORIES = [
  'ci-cd',
  'container-orchestration',
  'cloud-deployment',
  'cloud-development',
  'database',
  'kubernetes',
  'networking',
  'image-registry',
  'security',
  'testing-tools',
  'utility-tools',
  'volumes',
];

export const DATA_DIR = '/var/lib/dockbase';
export const SOCKET_DIR = '/run/guest-services';
export const BACKEND_ENTRY = '/backend/dist/main.js';

interface Metadata {
  icon?: unknown;
  vm?: { composefile?: unknown; image?: unknown; exposes?: { socket?: unknown } };
  ui?: { 'dashboard-tab'?: { title?: unknown; root?: unknown; src?: unknown; backend?: { socket?: unknown } } };
}

/** `<workspace>/package.json` of every workspace; a trailing `/*` (e.g. `packages/*`) means each folder in it. */
function workspaceManifests(project: Project, workspaces: readonly string[]): string[] {
  return workspaces.flatMap((w) => {
    if (!w.endsWith('/*')) return [`${w}/package.json`];
    const parent = w.slice(0, -2);
    return project.listFiles(parent).filter((f) => f.split('/').length === parent.split('/').length + 2 && f.endsWith('/package.json'));
  });
}

function readJson<T>(project: Project, rel: string, problems: string[]): T | undefined {
  const text = project.read(rel);
  if (text === undefined) {
    problems.push(`${rel} is missing`);
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    problems.push(`${rel} is not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/** The build arguments declared before the first FROM, with their defaults (what FROM lines may use). */
export function globalArgs(instructions: Instruction[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') break;
    if (ins.keyword !== 'ARG') continue;
    const word = splitWords(ins.args).words[0] ?? '';
    const eq = word.indexOf('=');
    if (eq > 0) args.set(word.slice(0, eq), word.slice(eq + 1));
    else if (word) args.set(word, '');
  }
  return args;
}

const substituteArgs = (ref: string, args: Map<string, string>) =>
  ref.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args.get((a ?? b)!) ?? '');

function dockerfileStages(project: Project, problems: string[]): Stage[] {
  const text = project.read('Dockerfile');
  if (text === undefined) {
    problems.push('Dockerfile is missing');
    return [];
  }
  const instructions = parseDockerfile(text);
  const args = globalArgs(instructions);
  const stages = stagesOf(instructions).map((st) => (st.from.includes('$') ? { ...st, fromRaw: st.from, from: substituteArgs(st.from, args) } : st));
  if (stages.length === 0) problems.push('Dockerfile has no FROM');
  return stages;
}

function dockerfileArgs(project: Project): Map<string, string> {
  const text = project.read('Dockerfile');
  return text === undefined ? new Map() : globalArgs(parseDockerfile(text));
}

/** The image the stages that start FROM ${NODE_IMAGE} resolve to. */
function nodeImageOf(stages: Stage[]): string | undefined {
  return stages.find((st) => /^\$\{?NODE_IMAGE\}?$/.test(st.fromRaw ?? ''))?.from;
}

/** Key=value pairs a stage's ENV instructions set (both ENV forms). */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    const { words } = splitWords(ins.args);
    if (words.length > 0 && !words[0]!.includes('=')) {
      env.set(words[0]!, words.slice(1).join(' '));
      continue;
    }
    for (const w of words) {
      const eq = w.indexOf('=');
      if (eq > 0) env.set(w.slice(0, eq), w.slice(eq + 1));
    }
  }
  return env;
}

const isHttpsUrl = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};

const normalize = (p: string) => path.posix.normalize(p).replace(/\/+$/, '') || '/';

/** Where the final stage's COPY puts the UI build, and which project folder that build comes from. */
function uiCopy(project: Project): { source?: string; dest?: string; problems: string[] } {
  const problems: string[] = [];
  const meta = readJson<Metadata>(project, 'metadata.json', []);
  const root = meta?.ui?.['dashboard-tab']?.root;
  const stages = dockerfileStages(project, problems);
  const final = stages[stages.length - 1];
  if (!final || typeof root !== 'string') return { problems };
  const copy = final.instructions.map(parseCopy).find((c): c is Copy => !!c && !!c.from && normalize(c.dest) === normalize(root));
  if (!copy) {
    problems.push(`the Dockerfile's final stage does not COPY --from a build stage to ${root} (metadata.json ui.dashboard-tab.root)`);
    return { problems };
  }
  const src = copy.sources[0]!;
  const stage = findStage(stages, copy.from!);
  if (!stage) {
    problems.push(`Dockerfile line ${copy.line}: COPY --from=${copy.from} names no stage`);
    return { problems };
  }
  const workdir = stageChain(stages, stage)
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'WORKDIR')
    .map((i) => i.args.trim())
    .reduce((dir, next) => path.posix.resolve(dir, next), '/');
  const rel = path.posix.relative(workdir, path.posix.resolve(workdir, src));
  if (rel.startsWith('..')) {
    problems.push(`Dockerfile line ${copy.line}: the UI build ${src} is outside the build stage's WORKDIR ${workdir}`);
    return { problems };
  }
  if (normalize(rel) !== 'ui/dist') problems.push(`Dockerfile line ${copy.line}: copies ${rel} to ${root}, not the UI build (ui/dist)`);
  return { source: rel, dest: root, problems };
}

// ---------------------------------------------------------------------------------------------------------
// metadata.json

export function checkMetadata(project: Project): string[] {
  const problems: string[] = [];
  const meta = readJson<Metadata>(project, 'metadata.json', problems);
  if (!meta) return problems;
  if (typeof meta.icon !== 'string' || meta.icon === '') problems.push('metadata.json: icon is missing');
  else if (!project.exists(meta.icon)) problems.push(`metadata.json: icon ${meta.icon} does not exist`);
  const compose = meta.vm?.composefile;
  if (typeof compose !== 'string' || compose === '') problems.push('metadata.json: vm.composefile is missing');
  else if (!project.exists(compose)) problems.push(`metadata.json: vm.composefile ${compose} does not exist`);
  const socket = meta.vm?.exposes?.socket;
  if (typeof socket !== 'string' || !/^[\w.-]+\.sock$/.test(socket)) {
    problems.push('metadata.json: vm.exposes.socket must name a socket file such as backend.sock');
  }
  const tab = meta.ui?.['dashboard-tab'];
  if (!tab) {
    problems.push('metadata.json: ui.dashboard-tab is missing');
    return problems;
  }
  if (typeof tab.title !== 'string' || tab.title.trim() === '') problems.push('metadata.json: ui.dashboard-tab.title is missing');
  if (typeof tab.root !== 'string' || !tab.root.startsWith('/')) problems.push('metadata.json: ui.dashboard-tab.root must be an absolute path in the image');
  if (typeof tab.src !== 'string' || tab.src === '' || tab.src.startsWith('/')) problems.push('metadata.json: ui.dashboard-tab.src must be a file inside root');
  if (tab.backend?.socket !== socket) problems.push('metadata.json: ui.dashboard-tab.backend.socket must equal vm.exposes.socket');
  return problems;
}

/** The UI build that the image serves: metadata's root/src, mapped back through the Dockerfile to ui/dist. */
export function checkUiBuild(project: Project): string[] {
  const { source, problems } = uiCopy(project);
  const meta = readJson<Metadata>(project, 'metadata.json', problems);
  const src = meta?.ui?.['dashboard-tab']?.src;
  if (!source || typeof src !== 'string') return problems;
  const entry = path.posix.join(source, src);
  const html = project.read(entry);
  if (html === undefined) {
    problems.push(`${entry} is missing: build the UI first (npm run build -w ui); metadata.json's ui.dashboard-tab.src must be in the UI build`);
    return problems;
  }
  // Docker Desktop serves the folder from the image: asset URLs must be relative (vite `base: './'`).
  for (const m of html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)) {
    const url = m[1]!;
    if (url.startsWith('/') && !url.startsWith('//')) problems.push(`${entry}: asset URL ${url} is absolute; the UI must use relative URLs`);
    else if (!/^[a-z]+:|^\/\/|^#/.test(url) && !project.exists(path.posix.join(source, url))) problems.push(`${entry}: asset ${url} is not in ${source}`);
  }
  return problems;
}

/**
 * The tab's Content-Security-Policy (a meta element in ui/index.html, kept by the build): as strict as the
 * standalone host's header. Scripts from the extension's own files only, nothing inline or eval'd, no plugins,
 * no <base>; the meta comes before anything it must govern; the build adds no inline script.
 */
export function checkCsp(project: Project): string[] {
  const problems: string[] = [];
  for (const file of ['ui/index.html', 'ui/dist/index.html']) {
    const html = project.read(file)?.replace(/<!--[\s\S]*?-->/g, '');
    if (html === undefined) {
      problems.push(`${file} is missing${file.includes('dist') ? ': build the UI first (npm run build -w ui)' : ''}`);
      continue;
    }
    const meta = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=(["'])(.*?)\1\s*\/?>/is.exec(html);
    if (!meta) {
      problems.push(`${file} has no Content-Security-Policy meta element`);
      continue;
    }
    const before = html.slice(0, meta.index);
    if (/<(script|style|link)\b/i.test(before)) problems.push(`${file}: the Content-Security-Policy must come before any script, style or link`);
    const directives = new Map<string, string[]>();
    for (const part of (meta[2] ?? '').split(';')) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name) directives.set(name.toLowerCase(), values);
    }
    const expectExactly = (name: string, values: string[]) => {
      const got = directives.get(name);
      if (!got || got.join(' ') !== values.join(' ')) problems.push(`${file}: ${name} must be ${values.join(' ')} (is ${got?.join(' ') ?? 'missing'})`);
    };
    expectExactly('default-src', ["'self'"]);
    expectExactly('script-src', ["'self'"]);
    expectExactly('object-src', ["'none'"]);
    expectExactly('base-uri', ["'none'"]);
    for (const [name, values] of directives) {
      if (values.some((v) => /^'unsafe-eval'$|^\*$|^'wasm-unsafe-eval'$/.test(v))) problems.push(`${file}: ${name} allows ${values.join(' ')}`);
      if (name !== 'style-src' && values.includes("'unsafe-inline'")) problems.push(`${file}: ${name} allows 'unsafe-inline'`);
    }
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (!/\bsrc\s*=/.test(m[1] ?? '') && (m[2] ?? '').trim() !== '') problems.push(`${file} has an inline script, which its policy would block`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile: labels

export function checkLabels(project: Project): string[] {
  const problems: string[] = [];
  const stages = dockerfileStages(project, problems);
  const final = stages[stages.length - 1];
  if (!final) return problems;
  const { labels, problems: parseProblems } = labelsOf(stages, final);
  problems.push(...parseProblems);
  problems.push(...checkLabelValues(labels, project));
  return problems;
}

/**
 * The Marketplace labels' values, wherever they come from (the Dockerfile, or a built image's
 * configuration): all present, JSON where JSON is due, URLs pointing at files of this repository.
 */
export function checkLabelValues(labels: Map<string, string>, project: Project): string[] {
  const problems: string[] = [];
  for (const key of REQUIRED_LABELS) {
    const value = labels.get(key);
    if (value === undefined) problems.push(`label ${key} is missing from the final stage`);
    else if (value.trim() === '') problems.push(`label ${key} is empty`);
  }
  const get = (key: string) => labels.get(key)?.trim() || undefined;

  const api = get('com.docker.desktop.extension.api.version');
  if (api && !/^(?:(?:>=|<=|>|<|=)?\s*\d+\.\d+\.\d+\s*,?\s*)+$/.test(api))
    problems.push(`label com.docker.desktop.extension.api.version "${api}" is not a semver version or constraint`);

  const icon = get('com.docker.desktop.extension.icon');
  if (icon && (!isHttpsUrl(icon) || !/\.(svg|png|jpe?g)$/i.test(new URL(icon).pathname))) {
    problems.push(`label com.docker.desktop.extension.icon must be an https URL of an .svg, .png or .jpg file (got ${icon})`);
  }
  const publisher = get('com.docker.extension.publisher-url');
  if (publisher && !isHttpsUrl(publisher)) problems.push(`label com.docker.extension.publisher-url must be an https URL (got ${publisher})`);

  // The icon URL points at the repository's copy of metadata.json's icon; the screenshots sit next to it.
  const meta = readJson<Metadata>(project, 'metadata.json', []);
  let repoBase: string | undefined;
  if (icon && isHttpsUrl(icon) && typeof meta?.icon === 'string') {
    if (icon.endsWith(`/${meta.icon}`)) repoBase = icon.slice(0, -meta.icon.length);
    else problems.push(`label com.docker.desktop.extension.icon should point at the repository's ${meta.icon} (got ${icon})`);
  }

  const screenshots = jsonLabel(labels, 'com.docker.extension.screenshots', problems);
  if (screenshots !== undefined) {
    if (!Array.isArray(screenshots) || screenshots.length === 0) problems.push('label com.docker.extension.screenshots must be a non-empty JSON array');
    else {
      screenshots.forEach((s: unknown, i) => {
        const o = s as { alt?: unknown; url?: unknown };
        if (typeof o !== 'object' || o === null || typeof o.alt !== 'string' || o.alt.trim() === '')
          problems.push(`screenshot ${i}: "alt" must be a non-empty string`);
        if (!isHttpsUrl(o?.url)) {
          problems.push(`screenshot ${i}: "url" must be an https URL`);
          return;
        }
        if (repoBase) {
          if (!o.url.startsWith(`${repoBase}docs/screenshots/`) || !/\.(png|jpe?g)$/i.test(o.url)) {
            problems.push(`screenshot ${i}: ${o.url} is not an image under ${repoBase}docs/screenshots/`);
          } else if (project.exists('docs/screenshots')) {
            const rel = o.url.slice(repoBase.length);
            if (!project.exists(rel)) problems.push(`screenshot ${i}: ${rel} does not exist in the repository`);
          }
        }
      });
    }
  }

  const urls = jsonLabel(labels, 'com.docker.extension.additional-urls', problems);
  if (urls !== undefined) {
    if (!Array.isArray(urls) || urls.length === 0) problems.push('label com.docker.extension.additional-urls must be a non-empty JSON array');
    else {
      urls.forEach((u: unknown, i) => {
        const o = u as { title?: unknown; url?: unknown };
        if (typeof o !== 'object' || o === null || typeof o.title !== 'string' || o.title.trim() === '')
          problems.push(`additional url ${i}: "title" must be a non-empty string`);
        if (!isHttpsUrl(o?.url)) problems.push(`additional url ${i}: "url" must be an https URL`);
      });
    }
  }

  const changelog = get('com.docker.extension.changelog');
  if (changelog && !/<(ul|ol)>[\s\S]*<li>[\s\S]*<\/li>[\s\S]*<\/\1>/.test(changelog))
    problems.push('label com.docker.extension.changelog must be an HTML list (<ul><li>…</li></ul>)');

  const categories = get('com.docker.extension.categories');
  if (categories) {
    const list = categories.split(',').map((c) => c.trim());
    if (!list.includes('database')) problems.push(`label com.docker.extension.categories must include database (got ${categories})`);
    for (const c of list) if (!MARKETPLACE_CATEGORIES.includes(c)) problems.push(`label com.docker.extension.categories: "${c}" is not a Marketplace category`);
  }
  return problems;
}

function jsonLabel(labels: Map<string, string>, key: string, problems: string[]): unknown[] | undefined | null {
  const value = labels.get(key)?.trim();
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed : null;
  } catch (e) {
    problems.push(`label ${key} is not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile: stages, dependencies, user, files

export function checkImageLayout(project: Project): string[] {
  const problems: string[] = [];
  const stages = dockerfileStages(project, problems);
  const final = stages[stages.length - 1];
  if (!final) return problems;
  if (stages.length < 2) problems.push('the Dockerfile must be multi-stage: build in one stage, run in a small final one');

  const pkg = readJson<{ workspaces?: unknown }>(project, 'package.json', problems);
  const workspaces = Array.isArray(pkg?.workspaces) ? (pkg.workspaces as string[]) : [];
  const manifests = ['package.json', 'package-lock.json', ...workspaceManifests(project, workspaces)];

  // Every `npm ci` runs after all workspace manifests and the lockfile are in place.
  let prodDeps: Stage | undefined;
  let buildStage: Stage | undefined;
  for (const stage of stages) {
    const chain = stageChain(stages, stage).flatMap((s) => s.instructions);
    chain.forEach((ins, i) => {
      if (ins.keyword !== 'RUN' || !/\bnpm\s+(?:ci|prune)\b/.test(ins.args)) return;
      if (!stage.instructions.includes(ins)) return; // inherited: checked in its own stage
      if (/\bnpm\s+prune\b/.test(ins.args) && /--omit[= ]dev\b|--production\b/.test(ins.args)) {
        prodDeps = stage;
        return;
      }
      const copied = chain
        .slice(0, i)
        .map(parseCopy)
        .filter((c): c is Copy => !!c && !c.from);
      for (const file of manifests) {
        const ok = copied.some((c) =>
          c.sources.some((s) => {
            const n = normalize(s);
            return n === '.' || n === file || file.startsWith(`${n}/`);
          }),
        );
        if (!ok) problems.push(`Dockerfile line ${ins.line}: npm ci runs before ${file} is copied`);
      }
      if (/--omit[= ]dev\b|--production\b|--only[= ]prod/.test(ins.args)) {
        prodDeps = stage;
        if (!/(?:-w|--workspace)[= ]backend\b/.test(ins.args))
          problems.push(`Dockerfile line ${ins.line}: the production install must be limited to the backend (-w backend)`);
      }
    });
    if (chain.some((i) => i.keyword === 'RUN' && /\bnpm\s+run\s+build\b/.test(i.args))) buildStage ??= stage;
  }
  if (!prodDeps) problems.push('no stage installs the production dependencies only (npm ci --omit=dev -w backend)');

  const finalCopies = final.instructions.map(parseCopy).filter((c): c is Copy => !!c);
  const copiesFrom = (stage: Stage | undefined) =>
    !!stage && finalCopies.some((c) => c.from && findStage(stages, c.from) && stageChain(stages, findStage(stages, c.from)!).includes(stage));
  if (prodDeps && !copiesFrom(prodDeps)) problems.push('the final stage does not copy the production node_modules from the stage that installs them');
  if (prodDeps && stageChain(stages, final).includes(prodDeps))
    problems.push('the final stage must not be built on the dependency stage (it would keep the build tools)');
  // A final stage FROM scratch gets node and its libraries from a stage on the Node base, laid out at /.
  if (final.from === 'scratch') {
    const runtime = finalCopies.some((c) => {
      const st = c.from ? findStage(stages, c.from) : undefined;
      return !!st && st !== prodDeps && normalize(c.dest) === '/' && baseImageOf(stages, st) === nodeImageOf(stages);
    });
    if (!runtime) problems.push('the final stage is FROM scratch but copies no Node runtime to / from a stage on ${NODE_IMAGE}');
  }

  // Every npm ci can use a corporate CA given as the BuildKit secret `ca` (behind a TLS-intercepting proxy).
  for (const stage of stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword === 'RUN' && /\bnpm\s+ci\b/.test(ins.args) && !/--mount=type=secret,id=ca\b/.test(ins.args)) {
        problems.push(
          `Dockerfile line ${ins.line}: npm ci without --mount=type=secret,id=ca: a build behind a TLS-intercepting proxy could not reach the registry`,
        );
      }
    }
  }

  // The Node base: the official LTS image pinned by digest, named once (ARG NODE_IMAGE) and used by every stage
  // that starts from an image, so the backend runs on exactly the Node it was built and tested with.
  const nodeImage = dockerfileArgs(project).get('NODE_IMAGE');
  if (!nodeImage) {
    problems.push('the Dockerfile must name its Node base once, before the first FROM: ARG NODE_IMAGE=node:<LTS>-bookworm-slim@sha256:<digest>');
  } else {
    const m = /^node:(\d+)[\w.-]*@sha256:[0-9a-f]{64}$/.exec(nodeImage);
    if (!m) problems.push(`ARG NODE_IMAGE=${nodeImage}: the Node base must be pinned by digest (node:<version>-…@sha256:<64 hex digits>)`);
    else if (Number(m[1]) < 24 || Number(m[1]) % 2 !== 0)
      problems.push(`ARG NODE_IMAGE=${nodeImage}: the image should run a supported Node LTS (24 or a later even major)`);
  }
  for (const stage of stages) {
    const fromStage = stages.some((o) => o.index < stage.index && o.name === stage.from.toLowerCase());
    if (fromStage || stage.from === 'scratch') continue;
    // Docker's CLI image is only a COPY source for the docker client (COPY --from cannot name a build argument).
    if (/^\$\{?DOCKER_CLI_IMAGE\}?$/.test(stage.fromRaw ?? '')) {
      if (stage.instructions.length > 0)
        problems.push(`Dockerfile stage ${stage.name ?? stage.index}: FROM \${DOCKER_CLI_IMAGE} is only a source of the docker client: nothing runs in it`);
      continue;
    }
    if (!/^\$\{?NODE_IMAGE\}?$/.test(stage.fromRaw ?? '')) {
      problems.push(
        `Dockerfile stage ${stage.name ?? stage.index}: FROM ${stage.fromRaw ?? stage.from}: every stage must start FROM \${NODE_IMAGE} (or scratch, or \${DOCKER_CLI_IMAGE} for the docker client), so that build and runtime share one pinned Node`,
      );
    }
  }
  // The native better-sqlite3 addon is an optional dependency for Node 20; the image's Node has node:sqlite.
  for (const stage of prodDeps ? [prodDeps] : []) {
    const install = stage.instructions.find((i) => i.keyword === 'RUN' && /\bnpm\s+ci\b/.test(i.args) && /--omit[= ]dev\b/.test(i.args));
    if (install && !/--omit[= ]optional\b|--no-optional\b/.test(install.args)) {
      problems.push(
        `Dockerfile line ${install.line}: the production install must leave the optional native addon out (--omit=optional): the image's Node has node:sqlite`,
      );
    }
  }

  if (!buildStage) problems.push('no stage builds the UI and the backend (npm run build)');
  const fromBuild = finalCopies.filter((c) => c.from && buildStage && findStage(stages, c.from) === buildStage);
  const destOf = (suffix: string) => fromBuild.find((c) => c.sources.some((s) => normalize(s).endsWith(suffix)))?.dest;
  if (normalize(destOf('backend/dist') ?? '') !== '/backend/dist')
    problems.push('the final stage must copy backend/dist from the build stage to /backend/dist');
  if (!destOf('backend/package.json')) problems.push('the final stage must copy backend/package.json ("type": "module") next to /backend/dist');

  // The extension's own files sit at the image root.
  const meta = readJson<Metadata>(project, 'metadata.json', []);
  const atRoot = ['metadata.json', meta?.icon, meta?.vm?.composefile].filter((f): f is string => typeof f === 'string');
  for (const file of atRoot) {
    const ok = finalCopies.some((c) => !c.from && c.sources.includes(file) && (normalize(c.dest) === '/' || normalize(c.dest) === `/${file}`));
    if (!ok) problems.push(`the final stage must COPY ${file} to /`);
  }

  // The backend runs unprivileged, yet must create its socket in /run/guest-services, which Docker Desktop
  // mounts owned by root, and write its data folder: the container starts as root, and the backend itself
  // (PID 1, no shell in the image) hands both folders to DOCKBASE_USER and drops root before opening anything.
  const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];
  const imageUser = last(final.instructions.filter((i) => i.keyword === 'USER'))
    ?.args.trim()
    .split(':')[0];
  const isRoot = (u: string | undefined) => u === undefined || u === 'root' || u === '0';
  const runAs = envOf(final).get('DOCKBASE_USER');
  if (!isRoot(imageUser)) {
    problems.push(
      `the final stage switches to USER ${imageUser}: the backend could not create its socket in ${SOCKET_DIR}, which Docker Desktop mounts owned by root; start as root and let the backend drop to DOCKBASE_USER`,
    );
  } else if (!runAs) {
    problems.push('the final stage runs the backend as root: set ENV DOCKBASE_USER=<uid>:<gid> of an unprivileged user, which the backend drops to');
  } else {
    const m = /^(\d+):(\d+)$/.exec(runAs);
    if (!m || m[1] === '0' || m[2] === '0') problems.push(`ENV DOCKBASE_USER=${runAs} must be the UID:GID of an unprivileged user (such as 1000:1000)`);
    const config = project.read('backend/src/config.ts') ?? '';
    if (!/\bDOCKBASE_USER\b/.test(config)) problems.push('backend/src/config.ts does not read DOCKBASE_USER: the backend would keep running as root');
    const main = (project.read('backend/src/main.ts') ?? '').replace(/^\s*\/\/.*$/gm, '');
    const drop = main.search(/\bdropPrivileges\(/);
    const open = main.search(/\bStore\.open\(/);
    if (drop < 0) problems.push('backend/src/main.ts never drops privileges (dropPrivileges)');
    else if (open >= 0 && open < drop) problems.push('backend/src/main.ts opens the store before dropping privileges: its files would belong to root');
  }

  // CMD: node on the backend's entry; the socket stays the default one.
  const cmd = last(final.instructions.filter((i) => i.keyword === 'CMD'));
  if (!cmd) problems.push(`the final stage has no CMD ["node", "${BACKEND_ENTRY}"]`);
  else {
    let argv: unknown;
    try {
      argv = JSON.parse(cmd.args);
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv) || argv[0] !== 'node' || argv[1] !== BACKEND_ENTRY) {
      problems.push(`Dockerfile line ${cmd.line}: CMD must be the exec form ["node", "${BACKEND_ENTRY}"]`);
    } else if (argv.slice(2).some((a) => typeof a === 'string' && a.startsWith('--socket'))) {
      problems.push(`Dockerfile line ${cmd.line}: CMD must not move the socket away from the backend's default`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// .dockerignore

/** Docker's .dockerignore matching: the last matching pattern wins; a pattern also matches a file's parents. */
export function dockerIgnoreMatcher(text: string): (file: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const exclude = l.startsWith('!');
      const body = path.posix.normalize((exclude ? l.slice(1) : l).trim().replace(/^\/+/, '')).replace(/\/+$/, '');
      return { exclude, re: globToRegExp(body) };
    });
  return (file) => {
    const parts = file.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const p of patterns) {
      if (prefixes.some((f) => p.re.test(f))) ignored = !p.exclude;
    }
    return ignored;
  };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i);
      re += end > i ? glob.slice(i, end + 1).replace(/^\[!/, '[^') : '\\[';
      if (end > i) i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isTestFile = (f: string) => /\.test\.[cm]?[jt]sx?$/.test(f);

export function checkDockerignore(project: Project): string[] {
  const problems: string[] = [];
  const text = project.read('.dockerignore');
  if (text === undefined) return ['.dockerignore is missing: the build context would include node_modules, .git and the test results'];
  const ignored = dockerIgnoreMatcher(text);

  // Everything the Dockerfile copies from the context (but test files) must reach the builder.
  const stages = dockerfileStages(project, problems);
  for (const stage of stages) {
    for (const copy of stage.instructions.map(parseCopy)) {
      if (!copy || copy.from) continue;
      for (const src of copy.sources) {
        const rel = normalize(src.replace(/^\.\//, ''));
        if (/[*?[]/.test(rel)) continue;
        const files = rel === '.' ? project.listFiles('.') : project.listFiles(rel);
        if (files.length === 0 && !project.exists(rel)) problems.push(`the Dockerfile copies ${src}, which does not exist`);
        const lost = files.filter((f) => ignored(f) && !isTestFile(f));
        if (lost.length > 0)
          problems.push(`.dockerignore drops ${lost.slice(0, 3).join(', ')}${lost.length > 3 ? ', …' : ''}, which the Dockerfile copies (${src})`);
      }
    }
  }
  // And the bulky or private parts stay out.
  for (const f of [
    'node_modules/x/index.js',
    'ui/node_modules/x/index.js',
    'ui/dist/index.html',
    'backend/dist/main.js',
    '.git/HEAD',
    'docs/screenshots/instances-light.png',
    '.test-results/unit.json',
    'bench/results.json',
    'coverage/index.html',
    '.env',
  ]) {
    if (!ignored(f)) problems.push(`.dockerignore does not keep ${f} out of the build context`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// docker-compose.yaml (the small subset of YAML a compose file needs: maps, lists, scalars)

export type Yaml = string | null | Yaml[] | { [key: string]: Yaml };

export function parseYaml(text: string): Yaml {
  const lines = text
    .split(/\r?\n/)
    .map((raw, i) => ({ raw: stripYamlComment(raw).replace(/\s+$/, ''), n: i + 1 }))
    .filter((l) => l.raw.trim() !== '' && l.raw.trim() !== '---');
  if (lines.some((l) => /\t/.test(l.raw.slice(0, indentOf(l.raw) + 1)))) throw new Error('tabs in indentation');
  let pos = 0;
  if (lines.length === 0) return null;
  const result = block(indentOf(lines[0]!.raw));
  if (pos < lines.length) throw new Error(`line ${lines[pos]!.n}: unexpected indentation`);
  return result;

  function indentOf(s: string) {
    return s.length - s.trimStart().length;
  }
  function isItem(s: string) {
    return /^-(\s|$)/.test(s.trimStart());
  }
  function block(indent: number): Yaml {
    return isItem(lines[pos]!.raw) ? seq(indent) : map(indent);
  }
  function map(indent: number): Yaml {
    const out: { [key: string]: Yaml } = {};
    while (pos < lines.length) {
      const l = lines[pos]!;
      const ind = indentOf(l.raw);
      if (ind < indent || (ind === indent && isItem(l.raw))) break;
      if (ind > indent) throw new Error(`line ${l.n}: unexpected indentation`);
      const m = /^("[^"]*"|'[^']*'|[^\s:][^:]*?)\s*:(?:\s+(.*))?$/.exec(l.raw.trim());
      if (!m) throw new Error(`line ${l.n}: expected "key: value"`);
      pos++;
      const key = String(scalar(m[1]!) ?? '');
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new Error(`line ${l.n}: duplicate key ${key}`);
      if (m[2] !== undefined && m[2] !== '') out[key] = scalar(m[2]);
      else if (pos < lines.length && indentOf(lines[pos]!.raw) > indent) out[key] = block(indentOf(lines[pos]!.raw));
      else if (pos < lines.length && indentOf(lines[pos]!.raw) === indent && isItem(lines[pos]!.raw)) out[key] = seq(indent);
      else out[key] = null;
    }
    return out;
  }
  function seq(indent: number): Yaml {
    const out: Yaml[] = [];
    while (pos < lines.length) {
      const l = lines[pos]!;
      const ind = indentOf(l.raw);
      if (ind !== indent || !isItem(l.raw)) {
        if (ind > indent) throw new Error(`line ${l.n}: unexpected indentation`);
        break;
      }
      const rest = l.raw.trimStart().slice(1).trimStart();
      if (rest === '') {
        pos++;
        out.push(pos < lines.length && indentOf(lines[pos]!.raw) > indent ? block(indentOf(lines[pos]!.raw)) : null);
      } else if (/^("[^"]*"|'[^']*'|[^\s:'"][^:]*?)\s*:(\s|$)/.test(rest)) {
        // "- key: value": a map whose first key sits after the dash.
        const itemIndent = l.raw.length - rest.length;
        lines[pos] = { raw: ' '.repeat(itemIndent) + rest, n: l.n };
        out.push(map(itemIndent));
      } else {
        pos++;
        out.push(scalar(rest));
      }
    }
    return out;
  }
  function scalar(s: string): Yaml {
    const t = s.trim();
    if (/^".*"$/.test(t)) return JSON.parse(t) as string;
    if (/^'.*'$/.test(t)) return t.slice(1, -1).replace(/''/g, "'");
    if (t === '~' || t === 'null') return null;
    if (t.startsWith('[') || t.startsWith('{')) {
      if (t === '{}') return {};
      // A flow list of plain or double-quoted strings, the form compose commands take.
      const items = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1).trim() : undefined;
      if (items === '') return [];
      if (items !== undefined && /^("(?:[^"\\]|\\.)*"|[^,"'[\]{}]+)(\s*,\s*("(?:[^"\\]|\\.)*"|[^,"'[\]{}]+))*$/.test(items)) {
        return items.match(/"(?:[^"\\]|\\.)*"|[^,\s][^,]*/g)!.map((x) => scalar(x) as string);
      }
      throw new Error(`flow collections other than lists of strings are not supported: ${t}`);
    }
    if (/^[|>]/.test(t)) throw new Error('block scalars are not supported');
    return t;
  }
}

function stripYamlComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

const asMap = (y: Yaml | undefined): { [key: string]: Yaml } | undefined =>
  y !== null && y !== undefined && typeof y === 'object' && !Array.isArray(y) ? y : undefined;

export function checkCompose(project: Project): string[] {
  const problems: string[] = [];
  const meta = readJson<Metadata>(project, 'metadata.json', problems);
  const file = typeof meta?.vm?.composefile === 'string' ? meta.vm.composefile : 'docker-compose.yaml';
  const text = project.read(file);
  if (text === undefined) return [...problems, `${file} is missing`];
  let doc: Yaml;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return [...problems, `${file} could not be read: ${(e as Error).message}`];
  }
  const services = asMap(asMap(doc)?.services);
  const names = Object.keys(services ?? {});
  if (!services || names.length === 0) return [...problems, `${file} has no service: the backend must be its first service`];
  const name = names[0]!;
  const service = asMap(services[name]);
  if (!service) return [...problems, `${file}: service ${name} is empty`];
  if (service.image !== '${DESKTOP_PLUGIN_IMAGE}')
    problems.push(`${file}: service ${name} must run image \${DESKTOP_PLUGIN_IMAGE} (got ${String(service.image)})`);

  // The socket: metadata's name under /run/guest-services is where the backend listens by default.
  const socket = meta?.vm?.exposes?.socket;
  const config = project.read('backend/src/config.ts');
  const declared = config && /export\s+const\s+DESKTOP_SOCKET\s*(?::\s*string\s*)?=\s*(['"`])([^'"`]+)\1/.exec(config)?.[2];
  if (!declared) problems.push('backend/src/config.ts: no DESKTOP_SOCKET constant found');
  else if (typeof socket === 'string' && declared !== `${SOCKET_DIR}/${socket}`) {
    problems.push(`the backend listens on ${declared} by default, but metadata.json exposes ${SOCKET_DIR}/${socket}`);
  }
  const command = service.command ?? service.entrypoint;
  const commandText = Array.isArray(command) ? command.join(' ') : typeof command === 'string' ? command : '';
  const env = service.environment;
  const envText = Array.isArray(env)
    ? env.join('\n')
    : Object.entries(asMap(env) ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n');
  for (const m of [...commandText.matchAll(/--socket[= ](\S+)/g), ...envText.matchAll(/DOCKBASE_SOCKET=(\S+)/g)]) {
    if (typeof socket === 'string' && m[1] !== `${SOCKET_DIR}/${socket}`)
      problems.push(`${file}: the backend is told to listen on ${m[1]}, not ${SOCKET_DIR}/${socket}`);
  }
  if (/--port\b/.test(commandText) || /DOCKBASE_PORT=/.test(envText)) problems.push(`${file}: the backend must listen on the socket, not a TCP port`);

  // The data folder is a named volume declared at the top level.
  const volumes = Array.isArray(service.volumes) ? service.volumes : [];
  const mounts = volumes.map((v) => {
    if (typeof v === 'string') {
      const [source, target] = v.split(':');
      return { source, target };
    }
    const m = asMap(v);
    return { source: typeof m?.source === 'string' ? m.source : undefined, target: typeof m?.target === 'string' ? m.target : undefined };
  });
  const data = mounts.find((m) => m.target && normalize(m.target) === DATA_DIR);
  const declaredVolumes = asMap(asMap(doc)?.volumes) ?? {};
  if (!data?.source) problems.push(`${file}: service ${name} must mount a named volume on ${DATA_DIR}`);
  else if (data.source.startsWith('/') || data.source.startsWith('.'))
    problems.push(`${file}: ${DATA_DIR} must be a named volume, not the bind mount ${data.source}`);
  else if (!Object.prototype.hasOwnProperty.call(declaredVolumes, data.source))
    problems.push(`${file}: volume ${data.source} is not declared under the top-level volumes`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// docker.svg

interface XmlElement {
  name: string;
  attrs: Map<string, string>;
}

/** A small well-formedness check: balanced tags, quoted unique attributes, valid references, one root. */
export function parseXml(text: string): { problems: string[]; root?: XmlElement; elements: XmlElement[] } {
  const problems: string[] = [];
  const elements: XmlElement[] = [];
  const stack: string[] = [];
  let root: XmlElement | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const name = /[A-Za-z_:][\w.:-]*/y;
  const refOk = (s: string) => !/&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s);
  const lineAt = (at: number) => text.slice(0, at).split('\n').length;
  const fail = (msg: string) => {
    problems.push(`line ${lineAt(i)}: ${msg}`);
  };
  while (i < text.length && problems.length === 0) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length === 0 && chunk.trim() !== '') fail('text outside the root element');
    if (!refOk(chunk)) fail('an "&" that is not a valid entity reference');
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) fail('unterminated processing instruction');
      if (text.startsWith('<?xml', i) && /\s/.test(text[i + 5] ?? '') && i !== (text.charCodeAt(0) === 0xfeff ? 1 : 0))
        fail('the XML declaration must come first');
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0 || text.slice(i + 4, end).includes('--')) fail('bad comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      const end = text.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA');
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      if (root) fail('DOCTYPE after the root element');
      const bracket = text.indexOf('[', i);
      const gt = text.indexOf('>', i);
      const end = bracket >= 0 && bracket < gt ? text.indexOf(']>', bracket) + 1 : gt;
      if (end <= 0) fail('unterminated DOCTYPE');
      i = end + 1;
    } else if (text.startsWith('</', i)) {
      name.lastIndex = i + 2;
      const m = name.exec(text);
      const close = /^\s*>/.exec(text.slice(name.lastIndex));
      if (!m || !close) {
        fail('bad closing tag');
        break;
      }
      const open = stack.pop();
      if (open !== m[0]) fail(`</${m[0]}> closes <${open ?? 'nothing'}>`);
      i = name.lastIndex + close[0].length;
    } else {
      name.lastIndex = i + 1;
      const m = name.exec(text);
      if (!m) {
        fail('a "<" that starts no tag');
        break;
      }
      const el: XmlElement = { name: m[0], attrs: new Map() };
      let j = name.lastIndex;
      let selfClosing = false;
      for (;;) {
        const ws = /^\s*/.exec(text.slice(j))![0].length;
        j += ws;
        if (text.startsWith('/>', j)) {
          selfClosing = true;
          j += 2;
          break;
        }
        if (text[j] === '>') {
          j += 1;
          break;
        }
        name.lastIndex = j;
        const a = ws > 0 ? name.exec(text) : null;
        if (!a) {
          fail(`bad attribute in <${el.name}>`);
          break;
        }
        const v = /^\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/.exec(text.slice(name.lastIndex));
        if (!v) {
          fail(`attribute ${a[0]} of <${el.name}> has no quoted value`);
          break;
        }
        const value = v[1] ?? v[2] ?? '';
        if (!refOk(value)) fail(`attribute ${a[0]} has an "&" that is not a valid entity reference`);
        if (el.attrs.has(a[0])) fail(`attribute ${a[0]} repeated in <${el.name}>`);
        el.attrs.set(a[0], value);
        j = name.lastIndex + v[0].length;
      }
      if (problems.length > 0) break;
      if (stack.length === 0) {
        if (root) fail('more than one root element');
        root = el;
      }
      elements.push(el);
      if (!selfClosing) stack.push(el.name);
      i = j;
    }
  }
  if (problems.length === 0 && stack.length > 0) problems.push(`<${stack[stack.length - 1]}> is never closed`);
  if (problems.length === 0 && !root) problems.push('no root element');
  return { problems, ...(root ? { root } : {}), elements };
}

export function checkIcon(project: Project): string[] {
  const meta = readJson<Metadata>(project, 'metadata.json', []);
  const file = typeof meta?.icon === 'string' ? meta.icon : 'docker.svg';
  const text = project.read(file);
  if (text === undefined) return [`${file} is missing`];
  if (!file.endsWith('.svg')) return [];
  const { problems, root, elements } = parseXml(text);
  if (problems.length > 0) return problems.map((p) => `${file} is not well-formed XML: ${p}`);
  const out: string[] = [];
  if (root?.name !== 'svg') out.push(`${file}: the root element is <${root?.name}>, not <svg>`);
  if (root?.attrs.get('xmlns') !== 'http://www.w3.org/2000/svg') out.push(`${file}: <svg> lacks xmlns="http://www.w3.org/2000/svg"`);
  const box = root?.attrs
    .get('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if (!box || box.length !== 4 || box.some((n) => !Number.isFinite(n)) || box[2]! <= 0 || box[3]! <= 0) {
    out.push(`${file}: <svg> needs a viewBox of four numbers with a positive width and height`);
  }
  if (!elements.some((e) => ['path', 'ellipse', 'circle', 'rect', 'polygon', 'polyline', 'line'].includes(e.name))) out.push(`${file}: draws nothing`);
  if (elements.some((e) => ['script', 'foreignObject', 'image'].includes(e.name)))
    out.push(`${file}: must be plain vector shapes (no script, image or foreignObject)`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Makefile

export const MAKE_TARGETS = [
  'build-extension',
  'install-extension',
  'update-extension',
  'prepare-buildx',
  'push-extension',
  'help',
  'dev-ui-source',
  'dev-debug',
  'dev-reset',
  'test',
  'bench',
];

export function checkMakefile(project: Project): string[] {
  const text = project.read('Makefile');
  if (text === undefined) return ['Makefile is missing'];
  const problems: string[] = [];
  for (const v of ['IMAGE', 'TAG']) if (!new RegExp(`^${v}\\s*\\?=\\s*\\S`, 'm').test(text)) problems.push(`Makefile: ${v} ?= … is missing`);
  const recipe = (target: string) => {
    const m = new RegExp(`^${target}:[^\\n]*\\n((?:\\t[^\\n]*\\n?)*)`, 'm').exec(text);
    return m?.[1] ?? '';
  };
  for (const t of MAKE_TARGETS) {
    if (!new RegExp(`^${t}:[^\\n#]*##\\s*\\S`, 'm').test(text)) problems.push(`Makefile: target ${t} is missing or has no "## description" for make help`);
  }
  const expect = (target: string, re: RegExp, what: string) => {
    if (!re.test(recipe(target))) problems.push(`Makefile: ${target} should ${what}`);
  };
  expect(
    'build-extension',
    /(?:docker build\b|scripts\/build-extension\.sh\b).*\$\(IMAGE\):\$\(TAG\)/,
    'build the image $(IMAGE):$(TAG) (docker build, or scripts/build-extension.sh)',
  );
  expect('install-extension', /docker extension install \$\(IMAGE\):\$\(TAG\)/, 'run docker extension install');
  expect('update-extension', /docker extension update \$\(IMAGE\):\$\(TAG\)/, 'run docker extension update');
  expect('push-extension', /docker buildx build --push\b/, 'push with docker buildx build --push');
  const platforms = /^PLATFORMS\s*\??=\s*(\S+)/m.exec(text)?.[1] ?? recipe('push-extension');
  if (!platforms.includes('linux/amd64') || !platforms.includes('linux/arm64'))
    problems.push('Makefile: push-extension must build linux/amd64 and linux/arm64');
  expect('dev-ui-source', /docker extension dev ui-source \$\(IMAGE\):\$\(TAG\) \S+/, 'run docker extension dev ui-source with the dev server URL');
  expect('dev-debug', /docker extension dev debug \$\(IMAGE\):\$\(TAG\)/, 'run docker extension dev debug');
  expect('dev-reset', /docker extension dev reset \$\(IMAGE\):\$\(TAG\)/, 'run docker extension dev reset');
  expect('help', /##/, 'list the targets with their "##" descriptions');
  return problems;
}
