/**
 * dockbase.yaml: a project's database instances, declared in its repository (see schema/dockbase.schema.json,
 * which says the same in JSON Schema; manifest.test.ts keeps the two in step). No secrets: every machine
 * generates its own passwords, which stay in the containers and in the git-ignored .env.
 *
 * This module reads the text (never a file): each problem is reported with the line and column where it is,
 * and what was expected there.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { ENGINE_IDS, isEngineId, type EngineId } from '../engines/ids';
import { getEngine } from '../engines';
import { DockbaseError } from '../model/errors';
import { MAX_NAME_LENGTH, validateAccountName, validateImage, validateName, validatePort, validateTag } from '../model/validation';

export const MANIFEST_FILE = 'dockbase.yaml';
export const MANIFEST_VERSION = 1;

/** Where a seed comes from: a dump file in the repository (imported once, into new data) or a named snapshot (cloned). */
export type DeclaredSeed = { file: string } | { snapshot: string };

/** One instance the project declares, under its key (`orders`). */
export interface DeclaredInstance {
  /** Its key in the file; the instance's name on the engine is `<project>-<key>` (instanceName). */
  key: string;
  engine: EngineId;
  /** The engine's flavour (e.g. a PostgreSQL with extensions), where the engine has flavours. */
  flavour?: string;
  /** The image tag. */
  version: string;
  /** Another image repository (a mirror); the engine's official image when absent. */
  image?: string;
  /** The host port, fixed per project so that every teammate's .env reads the same. */
  port: number;
  user?: string;
  database?: string;
  /** Server settings (name → value), passed to the engine as it takes them. */
  settings?: Record<string, string>;
  /** Files run on the first start of new data, in order; paths relative to the project's folder. */
  init: string[];
  seed?: DeclaredSeed;
}

/** A variable the app reads, and its template: `DATABASE_URL: "{{orders.url}}"`. */
export interface DeclaredVariable {
  name: string;
  template: string;
}

export interface ProjectManifest {
  version: 1;
  /** The project's name; the folder's name when absent (projectName). */
  project?: string;
  instances: DeclaredInstance[];
  env: DeclaredVariable[];
}

/** What a template may ask of an instance. */
export const TEMPLATE_FIELDS = ['url', 'host', 'port', 'user', 'password', 'database'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

const KEY_RE = /^[a-z0-9][a-z0-9_-]*$/;
/** An instance's key: no "--", which separates a branch copy's suffix in its name (branchInstanceName). */
const INSTANCE_KEY_RE = /^[a-z0-9](?:[a-z0-9_]|-(?!-))*$/;
const VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROJECT_RE = /^[a-z0-9][a-z0-9_.-]*$/;
const SETTING_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TEMPLATE_RE = /\{\{\s*([^}]*?)\s*\}\}/g;
const MAX_PROJECT_LENGTH = 40;

/** A problem in dockbase.yaml: where it is (1-based line and column) and what was expected. */
export class ManifestError extends DockbaseError {
  constructor(
    readonly line: number,
    readonly column: number,
    /** The path of the value at fault, e.g. `instances.orders.port`; empty for the file as a whole. */
    readonly at: string,
    readonly expected: string,
    file = MANIFEST_FILE,
  ) {
    super('invalid-input', `${file}:${line}:${column}: ${at ? `${at}: ` : ''}${expected}`, at || 'manifest');
  }
}

/** The name an instance of the project has on the engine. */
export function instanceName(project: string, key: string): string {
  return `${project}-${key}`;
}

/**
 * A project's name from its folder's name, when the file names none: lower case, other characters as "-"
 * ("My Shop" → "my-shop"). Empty when nothing usable is left (the caller asks for `project:` then).
 */
export function projectNameFromFolder(folder: string): string {
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, MAX_PROJECT_LENGTH);
}

/** Reads dockbase.yaml's text; throws a ManifestError at the first problem. */
export function parseManifest(text: string, file = MANIFEST_FILE): ProjectManifest {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const fail = (offset: number, at: string, expected: string): never => {
    const pos = lines.linePos(offset);
    throw new ManifestError(pos.line, pos.col, at, expected, file);
  };
  const first = doc.errors[0];
  if (first) fail(first.pos[0], '', yamlProblem(first.message));
  const root = doc.contents;
  if (!isMap(root)) return fail(root?.range?.[0] ?? 0, '', 'expected a mapping with version, instances and env');
  const at = (node: YamlNode | null | undefined): number => node?.range?.[0] ?? 0;

  const fields = entries(root, '', ['version', 'project', 'instances', 'env'], fail);
  const version = fields.get('version');
  if (!version) fail(0, 'version', `expected "version: ${MANIFEST_VERSION}" (the file's format)`);
  if (!isScalar(version?.value) || version.value.value !== MANIFEST_VERSION)
    fail(at(version?.value), 'version', `expected ${MANIFEST_VERSION}, the only format this Dockbase reads`);

  let project: string | undefined;
  const projectNode = fields.get('project');
  if (projectNode) {
    const p = scalarString(projectNode.value, 'project', fail);
    if (p.length > MAX_PROJECT_LENGTH || !PROJECT_RE.test(p))
      fail(at(projectNode.value), 'project', `expected a name of lower-case letters, digits, "_", "." and "-" (at most ${MAX_PROJECT_LENGTH})`);
    project = p;
  }

  const instancesNode = fields.get('instances');
  if (!instancesNode) return fail(0, 'instances', 'expected "instances:", the instances the project uses');
  if (!isMap(instancesNode.value) || instancesNode.value.items.length === 0)
    return fail(
      at(instancesNode.value) || at(instancesNode.key),
      'instances',
      'expected a mapping of at least one instance, e.g. "orders: { engine: postgres, ... }"',
    );
  const instances: DeclaredInstance[] = [];
  const ports = new Map<number, string>();
  for (const item of instancesNode.value.items) {
    const key = keyOf(item.key, 'instances', fail);
    const path = `instances.${key}`;
    if (!INSTANCE_KEY_RE.test(key) || key.length > MAX_NAME_LENGTH - MAX_PROJECT_LENGTH - 1)
      fail(
        at(item.key as YamlNode),
        path,
        `expected a key of lower-case letters, digits, "_" and "-" (never "--"), starting with a letter or digit (at most ${MAX_NAME_LENGTH - MAX_PROJECT_LENGTH - 1})`,
      );
    const declared = parseInstance(key, item.value as YamlNode | null, item.key as YamlNode, fail);
    const other = ports.get(declared.port);
    if (other) {
      const portNode = isMap(item.value) ? item.value.items.find((p) => isScalar(p.key) && p.key.value === 'port')?.value : undefined;
      fail(at(portNode as YamlNode | undefined), `${path}.port`, `expected a port of its own: ${other} uses ${declared.port} too`);
    }
    ports.set(declared.port, key);
    instances.push(declared);
  }

  const env: DeclaredVariable[] = [];
  const envNode = fields.get('env');
  if (envNode && !(isScalar(envNode.value) && envNode.value.value === null)) {
    if (!isMap(envNode.value)) fail(at(envNode.value), 'env', 'expected a mapping of variable names to templates, e.g. DATABASE_URL: "{{orders.url}}"');
    else
      for (const item of envNode.value.items) {
        const name = keyOf(item.key, 'env', fail);
        if (!VAR_RE.test(name)) fail(at(item.key as YamlNode), `env.${name}`, 'expected a variable name of letters, digits and "_", not starting with a digit');
        const template = scalarString(item.value, `env.${name}`, fail);
        const problem = templateProblem(template, instances);
        if (problem) fail(at(item.value as YamlNode), `env.${name}`, problem);
        env.push({ name, template });
      }
  }
  return { version: 1, ...(project !== undefined ? { project } : {}), instances, env };
}

type Fail = (offset: number, at: string, expected: string) => never;

/** The fields of a mapping by name; an unknown one is refused where it stands. */
function entries(map: YamlNode, path: string, known: readonly string[], fail: Fail) {
  const out = new Map<string, { key: YamlNode; value: YamlNode | null }>();
  if (!isMap(map)) return out;
  for (const item of map.items) {
    const name = keyOf(item.key, path, fail);
    if (!known.includes(name))
      fail((item.key as YamlNode).range?.[0] ?? 0, path ? `${path}.${name}` : name, `unknown field: expected one of ${known.join(', ')}`);
    out.set(name, { key: item.key as YamlNode, value: item.value as YamlNode | null });
  }
  return out;
}

function keyOf(key: unknown, path: string, fail: Fail): string {
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  return fail((key as YamlNode | null)?.range?.[0] ?? 0, path, 'expected a plain name as the key');
}

function scalarString(node: unknown, path: string, fail: Fail): string {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value) !== '') return String(node.value);
  return fail((node as YamlNode | null)?.range?.[0] ?? 0, path, 'expected a non-empty text');
}

const INSTANCE_FIELDS = ['engine', 'flavour', 'version', 'image', 'port', 'user', 'database', 'settings', 'init', 'seed'];

function parseInstance(key: string, node: YamlNode | null, keyNode: YamlNode, fail: Fail): DeclaredInstance {
  const path = `instances.${key}`;
  if (!isMap(node)) return fail(node?.range?.[0] ?? keyNode.range?.[0] ?? 0, path, 'expected a mapping with engine, version and port');
  const f = entries(node, path, INSTANCE_FIELDS, fail);
  const offset = (name: string) => f.get(name)?.value?.range?.[0] ?? keyNode.range?.[0] ?? 0;
  const need = (name: string, what: string) => {
    if (!f.has(name)) fail(keyNode.range?.[0] ?? 0, path, `expected "${name}:" (${what})`);
  };
  need('engine', ENGINE_IDS.join(', '));
  const engineText = scalarString(f.get('engine')?.value, `${path}.engine`, fail);
  if (!isEngineId(engineText)) return fail(offset('engine'), `${path}.engine`, `expected one of ${ENGINE_IDS.join(', ')}`);
  const engine = engineText;
  need('version', `the image tag, e.g. ${getEngine(engine).defaultTag}`);
  const version = scalarString(f.get('version')?.value, `${path}.version`, fail);
  const tagProblem = validateTag(version);
  if (tagProblem) fail(offset('version'), `${path}.version`, `expected an image tag: ${tagProblem}`);
  need('port', `the host port, e.g. ${getEngine(engine).containerPort}; fixed, so every teammate's .env is the same`);
  const portNode = f.get('port')?.value;
  const port = isScalar(portNode) && typeof portNode.value === 'number' ? portNode.value : Number.NaN;
  if (validatePort(port)) fail(offset('port'), `${path}.port`, 'expected a port number from 1 to 65535');
  const out: DeclaredInstance = { key, engine, version, port, init: [] };

  if (f.has('flavour')) out.flavour = scalarString(f.get('flavour')?.value, `${path}.flavour`, fail);
  if (out.flavour !== undefined && !KEY_RE.test(out.flavour))
    fail(offset('flavour'), `${path}.flavour`, 'expected a flavour name of lower-case letters, digits, "_" and "-"');
  if (f.has('image')) {
    const image = scalarString(f.get('image')?.value, `${path}.image`, fail);
    const problem = validateImage(image, engine);
    if (problem) fail(offset('image'), `${path}.image`, `expected an image repository without tag: ${problem}`);
    out.image = image;
  }
  for (const what of ['user', 'database'] as const) {
    if (!f.has(what)) continue;
    const value = scalarString(f.get(what)?.value, `${path}.${what}`, fail);
    const vars = getEngine(engine).accountVariables;
    if (!vars[what]) fail(offset(what), `${path}.${what}`, `nothing here: ${getEngine(engine).displayName} has no ${what} of its own to create`);
    const problem = validateAccountName(value, what, engine);
    if (problem) fail(offset(what), `${path}.${what}`, `expected a ${what} name: ${problem}`);
    out[what] = value;
  }
  if (f.has('settings')) {
    const s = f.get('settings')?.value;
    if (!isMap(s)) return fail(offset('settings'), `${path}.settings`, 'expected a mapping of setting names to values, e.g. max_connections: 200');
    const settings: Record<string, string> = {};
    for (const item of s.items) {
      const name = keyOf(item.key, `${path}.settings`, fail);
      if (!SETTING_RE.test(name))
        fail((item.key as YamlNode).range?.[0] ?? 0, `${path}.settings.${name}`, 'expected a setting name of letters, digits, "_", "." and "-"');
      const v = item.value;
      if (!isScalar(v) || !['string', 'number', 'boolean'].includes(typeof v.value))
        fail((v as YamlNode | null)?.range?.[0] ?? 0, `${path}.settings.${name}`, 'expected a text, a number or true/false');
      settings[name] = String((v as { value: unknown }).value);
    }
    out.settings = settings;
  }
  if (f.has('init')) {
    const list = f.get('init')?.value;
    if (!isSeq(list)) return fail(offset('init'), `${path}.init`, 'expected a list of files, e.g. [db/schema.sql]');
    const kinds = getEngine(engine).transfer.seedExtensions;
    if (kinds.length === 0 && list.items.length > 0) fail(offset('init'), `${path}.init`, `nothing here: ${getEngine(engine).displayName} runs no init files`);
    for (const item of list.items) {
      const file = scalarString(item, `${path}.init`, fail);
      const problem = relativeFileProblem(file) ?? (kinds.some((k) => file.toLowerCase().endsWith(k)) ? undefined : `expected a ${kinds.join(', ')} file`);
      if (problem) fail((item as YamlNode).range?.[0] ?? 0, `${path}.init`, problem);
      out.init.push(file);
    }
  }
  if (f.has('seed')) {
    const s = f.get('seed')?.value;
    const seedFields = isMap(s) ? entries(s, `${path}.seed`, ['file', 'snapshot'], fail) : undefined;
    if (!seedFields || seedFields.size !== 1)
      return fail(offset('seed'), `${path}.seed`, 'expected one of "file: <a dump in the repository>" or "snapshot: <a snapshot\'s name>"');
    const file = seedFields.get('file');
    if (file) {
      const name = scalarString(file.value, `${path}.seed.file`, fail);
      const problem = relativeFileProblem(name);
      if (problem) fail(file.value?.range?.[0] ?? 0, `${path}.seed.file`, problem);
      out.seed = { file: name };
    } else {
      out.seed = { snapshot: scalarString(seedFields.get('snapshot')?.value, `${path}.seed.snapshot`, fail) };
    }
  }
  if (out.seed && out.init.length > 0) fail(offset('seed'), `${path}.seed`, 'expected either init files or a seed, not both (a seed brings its own schema)');
  if (out.key && validateName(`x-${out.key}`)) fail(keyNode.range?.[0] ?? 0, path, 'expected a usable instance name');
  return out;
}

/** A path inside the project: relative, forward slashes, never above the project's folder. */
function relativeFileProblem(file: string): string | undefined {
  if (/^([A-Za-z]:)?[\\/]/.test(file)) return 'expected a path relative to the project folder (an absolute path differs from machine to machine)';
  if (file.includes('\\')) return 'expected "/" between folders';
  if (file.split('/').includes('..')) return 'expected a path inside the project folder (no "..")';
  return undefined;
}

/** Why a template does not work with these instances, or undefined. */
export function templateProblem(template: string, instances: readonly Pick<DeclaredInstance, 'key'>[]): string | undefined {
  for (const m of template.matchAll(TEMPLATE_RE)) {
    const [key = '', field = '', ...rest] = (m[1] ?? '').split('.');
    if (rest.length > 0 || !instances.some((i) => i.key === key) || !(TEMPLATE_FIELDS as readonly string[]).includes(field))
      return `expected {{<instance>.<${TEMPLATE_FIELDS.join('|')}>}} with an instance of this file (${instances.map((i) => i.key).join(', ')}), found {{${m[1] ?? ''}}}`;
  }
  if (/[{}]/.test(template.replace(TEMPLATE_RE, ''))) return 'expected "{" and "}" only in {{<instance>.<field>}}';
  return undefined;
}

/** What a template's fields are for one instance. */
export type InstanceValues = Record<TemplateField, string>;

/** A template with each {{key.field}} replaced (parseManifest has checked every reference). */
export function renderTemplate(template: string, values: ReadonlyMap<string, InstanceValues>): string {
  return template.replace(TEMPLATE_RE, (_, ref: string) => {
    const [key = '', field = ''] = ref.split('.');
    return values.get(key)?.[field as TemplateField] ?? '';
  });
}

/** The yaml library's words for a syntax error, made shorter and saying what was expected. */
function yamlProblem(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return `expected valid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}
