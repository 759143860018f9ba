import type { ProjectRef } from './instance';
import { flavourTagRefusal, flavoursOf, getEngine, getFlavour, isEngineId, type EngineId } from '../engines';
import { validateSettings } from './settings';

/** What a user asks for when creating an instance. */
export interface CreateInstanceInput {
  engine: EngineId;
  name: string;
  tag: string;
  /** Image repository; the flavour's image (or the engine's official one) when empty. */
  image?: string;
  /** A flavour of the engine (engines/flavours.ts: "pgvector"…); none: the engine's plain server. */
  flavour?: string;
  hostPort: number;
  password: string;
  /** Keep data in named volumes (on by default in the UI). */
  persistData: boolean;
  /** Publish on all interfaces instead of 127.0.0.1 (off by default). */
  exposeOnNetwork: boolean;
  /** A user the image creates (engines with a user variable); the admin user when empty. */
  user?: string;
  /** The initial database the image creates; the engine's default when empty. */
  database?: string;
  /**
   * What the password is when the name's kept data is reused (engines whose data keeps its password):
   * `existing`: the data's own password, which the user entered; `reset`: a new one, set inside the database
   * once it runs (where the engine allows it: see EngineDefinition.applyPassword). Absent: `existing`.
   */
  keptDataPassword?: 'existing' | 'reset';
  /** Server settings, name → value, in the engine's own form (model/settings.ts); none when absent or empty. */
  settings?: Record<string, string>;
  /** The project (dockbase.yaml) the instance serves, and the branch: labelled io.dockbase.project, .project.path, .branch. */
  project?: ProjectRef;
}

export type CreateField = 'engine' | 'name' | 'tag' | 'image' | 'flavour' | 'hostPort' | 'password' | 'user' | 'database' | 'seedFiles' | 'settings';
export type FieldErrors = Partial<Record<CreateField, string>>;

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MAX_NAME_LENGTH = 63;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// registry host[:port]/path components, lowercase, as docker's reference grammar allows.
const IMAGE_RE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function validateName(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > MAX_NAME_LENGTH) return `Use at most ${MAX_NAME_LENGTH} characters.`;
  if (!NAME_RE.test(name)) return 'Use letters, digits, "_", "." and "-", starting with a letter or digit.';
  return undefined;
}

export function validatePort(port: number): string | undefined {
  if (!Number.isInteger(port)) return 'Enter a whole number from 1 to 65535.';
  if (port < 1 || port > 65535) return 'Use a port from 1 to 65535.';
  return undefined;
}

export function validateTag(tag: string): string | undefined {
  if (tag.length === 0) return 'Choose a version.';
  if (!TAG_RE.test(tag)) return 'A version tag uses letters, digits, "_", "." and "-" (at most 128).';
  return undefined;
}

export function validateImage(image: string, engine: EngineId = 'postgres'): string | undefined {
  if (image.length === 0) return undefined;
  if (image.includes('@') || /:[^/]*$/.test(image.replace(/^[^/]*\//, ''))) {
    return 'Give the repository without a tag or digest (the version goes in "Version").';
  }
  if (image.length > 255 || !IMAGE_RE.test(image)) return `Not a valid image repository, e.g. registry.example.com/mirror/${getEngine(engine).image}.`;
  return undefined;
}

/** Why `flavour` is not one of the engine's flavours, naming those it has. */
export function validateFlavour(flavour: string, engine: EngineId): string | undefined {
  const own = flavoursOf(engine);
  if (own.some((f) => f.id === flavour)) return undefined;
  const name = getEngine(engine).displayName;
  return own.length === 0
    ? `${name} has no flavours: leave the flavour out.`
    : `“${flavour}” is not a flavour of ${name}: choose ${own.map((f) => f.id).join(', ')}, or none for the plain server.`;
}

/** The smallest memory limit Dockbase sets: docker accepts 6 MB, but no database starts in that. */
export const MIN_MEMORY_BYTES = 64 * 1024 * 1024;

const ACCOUNT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_ACCOUNT_LENGTH = 63;

/** A user or database name: safe in every engine, in a URI and in the image's scripts. Empty: the default. */
export function validateAccountName(value: string, what: 'user' | 'database', engine: EngineId): string | undefined {
  if (value === '') return undefined;
  if (value.length > MAX_ACCOUNT_LENGTH) return `Use at most ${MAX_ACCOUNT_LENGTH} characters.`;
  if (!ACCOUNT_RE.test(value)) return 'Use letters, digits and "_", starting with a letter or "_".';
  if (what === 'user' && (engine === 'mysql' || engine === 'mariadb') && value.toLowerCase() === 'root') {
    return 'root is the admin user already: leave this empty to connect as root.';
  }
  return undefined;
}

/** Why a project reference cannot be an instance's labels, or undefined (the names dockbase.yaml allows; a path; a git branch). */
export function projectRefProblem(project: ProjectRef): string | undefined {
  if (!/^[a-z0-9][a-z0-9_.-]{0,39}$/.test(project.name)) return 'a project name of lower-case letters, digits, "_", "." and "-" (at most 40)';
  // Control characters (a newline above all) have no place in a label.
  // eslint-disable-next-line no-control-regex
  const bad = (text: string, max: number) => text.length === 0 || text.length > max || /[\0-\x1f\x7f]/.test(text);
  if (bad(project.path, 4096)) return "the project's folder as a path without control characters";
  if (project.branch !== undefined && bad(project.branch, 255)) return 'a git branch name without control characters';
  return undefined;
}

/** Every field's problem at once (empty object: valid). Pure and synchronous, for inline errors. */
export function validateCreateInput(input: CreateInstanceInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!isEngineId(input.engine)) {
    errors.engine = 'Choose an engine.';
    return errors;
  }
  const put = (field: CreateField, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  put('name', validateName(input.name));
  put('tag', validateTag(input.tag));
  put('image', validateImage(input.image ?? '', input.engine));
  if (input.flavour) put('flavour', validateFlavour(input.flavour, input.engine));
  const flavour = input.flavour ? getFlavour(input.flavour) : undefined;
  // A flavour's tags name the engine's version their own way: a tag of another form says nothing of the data.
  if (flavour && flavour.engine === input.engine && !errors.tag) put('tag', flavourTagRefusal(flavour, input.tag));
  put('hostPort', validatePort(input.hostPort));
  put('password', getEngine(input.engine).checkPassword(input.password));
  const vars = getEngine(input.engine).accountVariables;
  if (input.user)
    put('user', vars.user ? validateAccountName(input.user, 'user', input.engine) : `${getEngine(input.engine).displayName} has no user of its own to create.`);
  if (input.database)
    put(
      'database',
      vars.database ? validateAccountName(input.database, 'database', input.engine) : `${getEngine(input.engine).displayName} has no database name to choose.`,
    );
  put('settings', validateSettings(input.engine, input.settings));
  return errors;
}

/** Who holds a host port: the container (its name) and whether it runs (publishes it) now. */
export interface PortHolder {
  container: string;
  running: boolean;
}

/** Names and host ports already taken on the engine (by any container, running or not). */
export interface EngineUsage {
  names: ReadonlySet<string>;
  ports: ReadonlyMap<number, PortHolder>;
}

/** The one wording of a conflict, whether the form shows it before submit or create refuses it. */
export const CONFLICT = {
  name: (name: string) => `Another container is already named "${name}".`,
  port: (port: number) => `Port ${port} is already used by another container.`,
  /** The same, naming the running container that holds it (Dockbase's or not), as the create form says it. */
  portUsedBy: (port: number, holder: string) =>
    `Port ${port} is already used by another container. It is in use by ${holder} (running): stop it first, or choose another port.`,
  portInUseBy: (port: number, holder: string) => `Port ${port} is in use by ${holder}, which is running: stop it first, or choose another port.`,
  portSharedWith: (port: number, holder: string) => `Port ${port} is also the port of ${holder}, which is stopped: only one of them can run at a time.`,
} as const;

/**
 * THE conflict rule. A name may not be taken by another container; a port may not be published by another
 * RUNNING container. A port held only by a stopped container is no conflict (people keep two versions on
 * one port and run one at a time): see usageWarnings. `self` is the container being edited, which holds its
 * own name and port. `nameHolder`: the port's message names the container that holds it (the create form,
 * where the user then knows which one to stop); without it, the short words a refused create gives.
 */
export function usageConflicts(
  input: Pick<CreateInstanceInput, 'name' | 'hostPort'>,
  usage: EngineUsage,
  self?: string,
  options: { nameHolder?: boolean } = {},
): FieldErrors {
  const errors: FieldErrors = {};
  if (input.name !== self && usage.names.has(input.name)) errors.name = CONFLICT.name(input.name);
  const holder = usage.ports.get(input.hostPort);
  if (holder && holder.running && holder.container !== self)
    errors.hostPort = options.nameHolder ? CONFLICT.portUsedBy(input.hostPort, holder.container) : CONFLICT.port(input.hostPort);
  return errors;
}

/** What is allowed but worth knowing before submit: the port is also a stopped container's. */
export function usageWarnings(input: Pick<CreateInstanceInput, 'hostPort'>, usage: EngineUsage, self?: string): FieldErrors {
  const holder = usage.ports.get(input.hostPort);
  return holder && !holder.running && holder.container !== self ? { hostPort: CONFLICT.portSharedWith(input.hostPort, holder.container) } : {};
}
