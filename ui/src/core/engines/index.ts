import { mariadb } from './mariadb';
import { mongo } from './mongo';
import { mysql } from './mysql';
import { postgres } from './postgres';
import { redis } from './redis';
import type { EngineDefinition, EngineId } from './types';

export type { ConnectionParts, DataMount, EngineDefinition, EngineId, Healthcheck } from './types';

/** The catalog, in the order the UI offers the engines. One engine, one file. */
export const ENGINES: readonly EngineDefinition[] = [postgres, mysql, mariadb, mongo, redis];

const byId = new Map<string, EngineDefinition>(ENGINES.map((e) => [e.id, e]));

export function isEngineId(value: string): value is EngineId {
  return byId.has(value);
}

export function getEngine(id: EngineId): EngineDefinition {
  const engine = byId.get(id);
  if (!engine) throw new Error(`Unknown engine: ${id}`);
  return engine;
}
