/**
 * `dockbase init`: a dockbase.yaml written from what a project already has, either instances the user picks
 * or the database services of its docker-compose.yaml. Pure: text (or instances) in, the file's text out.
 */
import { parse, parseDocument } from 'yaml';
import { ENGINE_IDS, type EngineId } from '../engines/ids';
import { getEngine } from '../engines';
import { splitImageRef } from '../docker/images';
import type { Instance } from '../model/instance';
import { DockbaseError } from '../model/errors';
import { validateAccountName, validateImage, validateTag } from '../model/validation';
import { MANIFEST_VERSION, type DeclaredInstance, type DeclaredVariable, type ProjectManifest } from './manifest';

/** A compose service that was not taken, and why. */
export interface SkippedService {
  service: string;
  reason: string;
}

export interface ManifestDraft {
  manifest: ProjectManifest;
  /** The file's text, with a comment saying what to fill in where something could not be known. */
  text: string;
  skipped: SkippedService[];
}

/** An engine from an image repository's last part (`postgres`, `library/postgres`, `…/dockbase-test/postgres-debian`). */
export function engineOfImage(repository: string): EngineId | undefined {
  const last = repository.split('/').pop() ?? '';
  return ENGINE_IDS.find((id) => last === getEngine(id).image || last.startsWith(`${getEngine(id).image}-`));
}

/**
 * The declarations (and variables) a set of existing instances makes: `init` from instances the user picked.
 * `project`: the name written into the file (none: the folder's name is the project's); `prefix`: the
 * project's name, taken off instance names that start with it (`shop-orders` → `orders`).
 */
export function draftFromInstances(project: string | undefined, instances: readonly Instance[], prefix = project): ManifestDraft {
  const declared: DeclaredInstance[] = instances.map((i) => ({
    key: keyOf(prefix && i.name.startsWith(`${prefix}-`) ? i.name.slice(prefix.length + 1) : i.name),
    engine: i.engine,
    version: i.tag,
    ...(i.image !== getEngine(i.engine).image ? { image: i.image } : {}),
    port: i.hostPort,
    ...(i.user ? { user: i.user } : {}),
    ...(i.database ? { database: i.database } : {}),
    init: [],
  }));
  return draft(project, uniqueKeys(declared), []);
}

/**
 * The database services of a compose file: their engine (from the image), version (its tag), host port (the
 * published one, else the engine's own), user and database (the image's variables), and init files
 * (bind mounts into /docker-entrypoint-initdb.d). Passwords are left out: each machine makes its own.
 */
export function draftFromCompose(project: string | undefined, composeText: string): ManifestDraft {
  const doc = parseDocument(composeText);
  if (doc.errors[0]) throw new DockbaseError('invalid-input', `The compose file is not valid YAML: ${doc.errors[0].message.split('\n')[0] ?? ''}`);
  const root: unknown = parse(composeText);
  const services = (root as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null || Array.isArray(services))
    throw new DockbaseError('invalid-input', 'The compose file has no "services:" mapping.');
  const declared: DeclaredInstance[] = [];
  const skipped: SkippedService[] = [];
  for (const [service, raw] of Object.entries(services as Record<string, unknown>)) {
    const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const image = typeof s.image === 'string' ? s.image : undefined;
    if (!image) {
      skipped.push({ service, reason: s.build !== undefined ? 'built from a Dockerfile, not an image Dockbase knows' : 'no image' });
      continue;
    }
    const { image: repository, tag } = splitImageRef(image);
    const engine = engineOfImage(repository);
    if (!engine) {
      skipped.push({ service, reason: `${image} is not a database Dockbase runs (${ENGINE_IDS.join(', ')})` });
      continue;
    }
    const def = getEngine(engine);
    const env = environment(s.environment);
    const accounts = accountsOf(engine, env);
    const version = tag && tag !== 'latest' && !validateTag(tag) ? tag : def.defaultTag;
    const official = repository === def.image || repository === `library/${def.image}` || repository === `docker.io/library/${def.image}`;
    declared.push({
      key: keyOf(service),
      engine,
      version,
      ...(!official && !validateImage(repository, engine) ? { image: repository } : {}),
      port: publishedPort(s.ports, def.containerPort) ?? def.containerPort,
      ...accounts,
      init: initFiles(s.volumes, def.transfer.seedExtensions),
    });
  }
  if (declared.length === 0) throw new DockbaseError('invalid-input', `The compose file has no database service Dockbase runs (${ENGINE_IDS.join(', ')}).`);
  return draft(project, uniqueKeys(declared), skipped);
}

function environment(value: unknown): Record<string, string> {
  if (Array.isArray(value))
    return Object.fromEntries(
      value
        .filter((v): v is string => typeof v === 'string')
        .map((v) => {
          const eq = v.indexOf('=');
          return eq < 0 ? [v, ''] : [v.slice(0, eq), v.slice(eq + 1)];
        }),
    );
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  return {};
}

/** The user and database the image would create, from its variables (values that reference others are left out). */
function accountsOf(engine: EngineId, env: Record<string, string>): Pick<DeclaredInstance, 'user' | 'database'> {
  const vars = getEngine(engine).accountVariables;
  const out: Pick<DeclaredInstance, 'user' | 'database'> = {};
  for (const what of ['user', 'database'] as const) {
    const name = vars[what];
    const value = name ? env[name] : undefined;
    if (value && !validateAccountName(value, what, engine) && value !== getEngine(engine).defaultUser) out[what] = value;
  }
  return out;
}

/** The host port a service publishes for the engine's port: "5433:5432", "127.0.0.1:5433:5432", { published, target }. */
function publishedPort(ports: unknown, containerPort: number): number | undefined {
  if (!Array.isArray(ports)) return undefined;
  for (const p of ports) {
    if (typeof p === 'object' && p !== null) {
      const o = p as { target?: unknown; published?: unknown };
      if (Number(o.target) === containerPort && Number(o.published) > 0) return Number(o.published);
      continue;
    }
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts[parts.length - 1]);
    const published = Number(parts[parts.length - 2]);
    if (target === containerPort && Number.isInteger(published) && published > 0 && published < 65536) return published;
  }
  return undefined;
}

/** Bind mounts of files into /docker-entrypoint-initdb.d that the engine runs, as relative paths. */
function initFiles(volumes: unknown, kinds: readonly string[]): string[] {
  if (!Array.isArray(volumes) || kinds.length === 0) return [];
  const files: string[] = [];
  for (const v of volumes) {
    const [source, target] =
      typeof v === 'string' ? v.split(':') : [String((v as { source?: unknown }).source ?? ''), String((v as { target?: unknown }).target ?? '')];
    if (!source || !target?.startsWith('/docker-entrypoint-initdb.d')) continue;
    const rel = source.replace(/^\.\//, '');
    if (rel.startsWith('/') || rel.startsWith('..') || rel.includes('\\')) continue;
    if (kinds.some((k) => rel.toLowerCase().endsWith(k))) files.push(rel);
  }
  return files;
}

function keyOf(name: string): string {
  const key = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 22);
  return key || 'db';
}

function uniqueKeys(declared: DeclaredInstance[]): DeclaredInstance[] {
  const seen = new Set<string>();
  return declared.map((d) => {
    let key = d.key;
    for (let n = 2; seen.has(key); n++) key = `${d.key.slice(0, 19)}-${n}`;
    seen.add(key);
    return { ...d, key };
  });
}

/** Variables for the app: DATABASE_URL for the first SQL database, REDIS_URL / MONGODB_URL for the first of those, <KEY>_URL for the rest. */
export function suggestedVariables(declared: readonly DeclaredInstance[]): DeclaredVariable[] {
  const used = new Set<string>();
  return declared.map((d) => {
    const conventional = d.engine === 'redis' ? 'REDIS_URL' : d.engine === 'mongo' ? 'MONGODB_URL' : 'DATABASE_URL';
    const name = used.has(conventional) ? `${d.key.toUpperCase().replace(/-/g, '_')}_URL` : conventional;
    used.add(name);
    return { name, template: `{{${d.key}.url}}` };
  });
}

function draft(project: string | undefined, instances: DeclaredInstance[], skipped: SkippedService[]): ManifestDraft {
  const manifest: ProjectManifest = { version: MANIFEST_VERSION, ...(project ? { project } : {}), instances, env: suggestedVariables(instances) };
  return { manifest, text: manifestText(manifest), skipped };
}

/** A manifest as dockbase.yaml's text (parseManifest reads it back to the same). */
export function manifestText(m: ProjectManifest): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    '# Dockbase project: the databases this project uses. `dockbase up` makes and starts them; `dockbase env` writes .env.',
    '# No secrets here: each machine makes its own passwords (kept in the containers and in the git-ignored .env).',
    `version: ${m.version}`,
    ...(m.project ? [`project: ${m.project}`] : []),
    'instances:',
  ];
  for (const d of m.instances) {
    lines.push(`  ${d.key}:`, `    engine: ${d.engine}`);
    if (d.flavour) lines.push(`    flavour: ${d.flavour}`);
    lines.push(`    version: ${q(d.version)}`);
    if (d.image) lines.push(`    image: ${d.image}`);
    lines.push(`    port: ${d.port}`);
    if (d.user) lines.push(`    user: ${d.user}`);
    if (d.database) lines.push(`    database: ${d.database}`);
    if (d.settings && Object.keys(d.settings).length > 0) {
      lines.push('    settings:');
      for (const [k, v] of Object.entries(d.settings)) lines.push(`      ${k}: ${q(v)}`);
    }
    if (d.init.length > 0) {
      lines.push('    init:');
      for (const f of d.init) lines.push(`      - ${q(f)}`);
    }
    if (d.seed) lines.push('    seed:', 'file' in d.seed ? `      file: ${q(d.seed.file)}` : `      snapshot: ${q(d.seed.snapshot)}`);
  }
  if (m.env.length > 0) {
    lines.push('env:');
    for (const v of m.env) lines.push(`  ${v.name}: ${q(v.template)}`);
  }
  return `${lines.join('\n')}\n`;
}
