import { mariadb } from './mariadb';
import { mongo } from './mongo';
import { mysql } from './mysql';
import { postgres } from './postgres';
import { redis } from './redis';
import { ENGINE_IDS } from './ids';
import type { EngineDefinition, EngineId } from './types';

export type { ConnectionParts, DataMount, DataTransfer, DumpKind, DumpRestoreUpgrade, EngineDefinition, EngineId, EngineUpgrade, Healthcheck, UpgradeMethod } from './types';

export { compareVersions, formatVersion, versionOf } from './shared';

export { ENGINE_IDS, isEngineId } from './ids';

/** Every engine id has its definition: one engine, one file. */
const BY_ID: Readonly<Record<EngineId, EngineDefinition>> = { postgres, mysql, mariadb, mongo, redis };

/** The catalog, in the order the UI offers the engines (the order of ENGINE_IDS). */
export const ENGINES: readonly EngineDefinition[] = ENGINE_IDS.map((id) => BY_ID[id]);

export function getEngine(id: EngineId): EngineDefinition {
  const engine = BY_ID[id];
  if (!engine) throw new Error(`Unknown engine: ${id}`);
  return engine;
}
