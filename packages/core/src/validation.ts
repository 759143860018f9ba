import { getEngine, isEngineId, type EngineId } from './engines';

/** What a user asks for when creating an instance. */
export interface CreateInstanceInput {
  engine: EngineId;
  name: string;
  tag: string;
  /** Image repository; the engine's official image when empty. */
  image?: string;
  hostPort: number;
  password: string;
  /** Keep data in named volumes (on by default in the UI). */
  persistData: boolean;
  /** Publish on all interfaces instead of 127.0.0.1 (off by default). */
  exposeOnNetwork: boolean;
}

export type CreateField = 'engine' | 'name' | 'tag' | 'image' | 'hostPort' | 'password' | 'seedFiles';
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

export function validateImage(image: string): string | undefined {
  if (image.length === 0) return undefined;
  if (image.includes('@') || /:[^/]*$/.test(image.replace(/^[^/]*\//, ''))) {
    return 'Give the repository without a tag or digest (the version goes in "Version").';
  }
  if (image.length > 255 || !IMAGE_RE.test(image)) return 'Not a valid image repository, e.g. registry.example.com/mirror/postgres.';
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
  put('image', validateImage(input.image ?? ''));
  put('hostPort', validatePort(input.hostPort));
  put('password', getEngine(input.engine).checkPassword(input.password));
  return errors;
}

/** Names and host ports already taken on the engine (by any container). */
export interface EngineUsage {
  names: ReadonlySet<string>;
  ports: ReadonlySet<number>;
}

/** The one wording of a conflict, whether the form shows it before submit or create refuses it. */
export const CONFLICT = {
  name: (name: string) => `Another container is already named "${name}".`,
  port: (port: number) => `Port ${port} is already used by another container.`,
} as const;

/** The name and the port may not be taken by another container: one message per field at fault. */
export function usageConflicts(input: Pick<CreateInstanceInput, 'name' | 'hostPort'>, usage: EngineUsage): FieldErrors {
  const errors: FieldErrors = {};
  if (usage.names.has(input.name)) errors.name = CONFLICT.name(input.name);
  if (usage.ports.has(input.hostPort)) errors.hostPort = CONFLICT.port(input.hostPort);
  return errors;
}
