/**
 * The backend's REST API as data: the one definition both the backend and the UI's client use.
 * Types and the engine-id list only, so a client can depend on it without pulling in Node or SQLite.
 */
import { ENGINE_IDS, isEngineId, type EngineId } from '@dockbase/core/engine-ids';

import { FLAVOURS } from '@dockbase/core/flavours';

/** The engines the API accepts: the core's one list. */
export { ENGINE_IDS, isEngineId, type EngineId };

/** Whose Docker Hub tags the backend lists: an engine's official image, or a flavour's image (the core's catalog). */
export const TAG_SOURCES: readonly string[] = [...ENGINE_IDS, ...FLAVOURS.map((f) => f.id)];
export type TagSource = EngineId | string;

export interface HistoryEntry {
  /** ISO 8601. */
  at: string;
  action: string;
  outcome: 'ok' | 'failed';
  detail?: string;
  /** Bytes a snapshot, restore, export or import moved. */
  size?: number;
}

/**
 * The settings the backend keeps for an instance: what it was created with, never a secret. Only these keys
 * are accepted (anything else is refused with 400), so a password cannot slip in under a name nobody thought
 * of (`REDISCLI_AUTH`, `pw`) or inside a value (an image given as `https://user:pass@host/…`).
 */
export interface InstanceSettings {
  /** Image repository ('' for the engine's official image). */
  image?: string;
  tag?: string;
  hostPort?: number;
  persistData?: boolean;
  exposeOnNetwork?: boolean;
  /** The user and initial database the image created (POSTGRES_USER, MYSQL_DATABASE…): names, not secrets. */
  user?: string;
  database?: string;
}

/** The JSON schema of InstanceSettings, as the backend validates it. */
export const INSTANCE_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // A repository reference: registry host[:port]/path, no scheme, no user info.
    image: {
      type: 'string',
      maxLength: 255,
      pattern: '^[A-Za-z0-9._/:-]*$',
      description: 'an image repository such as registry.example.com/mirror/postgres, without scheme, user or password',
    },
    tag: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9_.-]*$', description: 'a version tag of letters, digits, "_", "." and "-"' },
    hostPort: { type: 'integer', minimum: 1, maximum: 65535 },
    persistData: { type: 'boolean' },
    exposeOnNetwork: { type: 'boolean' },
    user: { type: 'string', maxLength: 63, pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a user name of letters, digits and "_"' },
    database: { type: 'string', maxLength: 63, pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a database name of letters, digits and "_"' },
  },
} as const;

/** The keys InstanceSettings allows. */
export const INSTANCE_SETTING_KEYS = Object.keys(INSTANCE_SETTINGS_SCHEMA.properties) as ReadonlyArray<keyof InstanceSettings>;

export interface InstanceMeta {
  id: string;
  name: string;
  engine: EngineId;
  /** The settings the instance was created with (InstanceSettings; rows from older backends may hold other keys). */
  settings: Record<string, unknown>;
  notes: string;
  createdAt: string;
  updatedAt: string;
  /** Newest first, at most the last 100. */
  history: HistoryEntry[];
}

/** The longest notes the backend keeps, in characters: the UI counts against it before saving. */
export const MAX_NOTES_LENGTH = 10_000;

/** Body of `PUT /instances/:id`. */
export interface InstanceInput {
  name: string;
  engine: EngineId;
  settings: InstanceSettings;
}

export interface HubTag {
  name: string;
  /** ISO 8601. */
  lastUpdated: string;
  /** e.g. ["amd64", "arm64"]; attestation manifests ("unknown") are left out. */
  architectures: string[];
  /** Compressed size in bytes, as Docker Hub reports it. */
  size: number;
}

/** Answer of `GET /hub/tags/:image`. */
export interface TagsPage {
  image: TagSource;
  tags: HubTag[];
  page: number;
  hasMore: boolean;
  /** True when Docker Hub could not be asked and this is an older answer from the cache. */
  stale: boolean;
  /** With a stale answer: when Docker Hub will be asked again (ISO 8601). */
  retryAt?: string;
}

/**
 * The last verdict on a container's password (the backend's GET /password-checks): whether the password its
 * configuration holds opens its data. Kept by the backend so that "password refused" survives a reload. No secret.
 */
export interface PasswordCheckRecord {
  containerId: string;
  instanceId: string;
  status: 'ok' | 'rejected';
  /** The refusal in words. */
  message?: string;
  /** When it was checked (ISO 8601). */
  at: string;
}
