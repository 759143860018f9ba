/**
 * The backend's REST API as data: the one definition both the backend and the UI's client use.
 * Types and the engine-id list only, so a client can depend on it without pulling in Node or SQLite.
 */
import { ENGINE_IDS, isEngineId, type EngineId } from '@dockbase/core/engine-ids';

/** The engines the API accepts: the core's one list. */
export { ENGINE_IDS, isEngineId, type EngineId };

export interface HistoryEntry {
  /** ISO 8601. */
  at: string;
  action: string;
  outcome: 'ok' | 'failed';
  detail?: string;
}

export interface InstanceMeta {
  id: string;
  name: string;
  engine: EngineId;
  /** The settings the instance was created with; the backend strips anything password-like. */
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
  settings: Record<string, unknown>;
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
  image: EngineId;
  tags: HubTag[];
  page: number;
  hasMore: boolean;
  /** True when Docker Hub could not be asked and this is an older answer from the cache. */
  stale: boolean;
  /** With a stale answer: when Docker Hub will be asked again (ISO 8601). */
  retryAt?: string;
}
