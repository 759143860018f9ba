import { mariadb } from './mariadb';
import { mongo } from './mongo';
import { mysql } from './mysql';
import { postgres } from './postgres';
import { redis } from './redis';
import { valkey } from './valkey';
import { ENGINE_IDS } from './ids';
import type { EngineDefinition, EngineId } from './types';
import { versionOf } from './shared';

export type {
  AccountVariables,
  Accounts,
  ConnectionParts,
  DataMount,
  DataTransfer,
  DumpKind,
  DumpRestoreUpgrade,
  EngineDefinition,
  EngineId,
  EngineUpgrade,
  Healthcheck,
  UpgradeMethod,
} from './types';

export { compareVersions, formatVersion, versionOf } from './shared';
export {
  FLAVOURS,
  flavourMajor,
  flavourTagFor,
  flavourTagRefusal,
  flavourTags,
  flavourTarget,
  flavouredName,
  flavoursOf,
  getFlavour,
  type Flavour,
} from './flavours';

export { ENGINE_IDS, isEngineId } from './ids';
export { REDIS_START_SCRIPT } from './redis';
export { VALKEY_START_SCRIPT } from './valkey';
export { rdbVersionOf } from './redis-family';

/** Every engine id has its definition: one engine, one file. */
const BY_ID: Readonly<Record<EngineId, EngineDefinition>> = { postgres, mysql, mariadb, mongo, redis, valkey };

/** The catalog, in the order the UI offers the engines (the order of ENGINE_IDS). */
export const ENGINES: readonly EngineDefinition[] = ENGINE_IDS.map((id) => BY_ID[id]);

export function getEngine(id: EngineId): EngineDefinition {
  const engine = BY_ID[id];
  if (!engine) throw new Error(`Unknown engine: ${id}`);
  return engine;
}

/** The server version a tag of the engine runs ("17.2" → [17, 2]; a PostgreSQL flavour's "pg17" → [17]). */
export function tagVersion(engine: Pick<EngineDefinition, 'tagVersion'>, tag: string): number[] | undefined {
  return engine.tagVersion ? engine.tagVersion(tag) : versionOf(tag);
}

/**
 * The variables of an engine's environment that hold the password: those whose value changes with it.
 * They are what `--env NAME` hands to docker through its environment instead of its argv.
 */
export function secretEnvNames(engine: EngineDefinition): string[] {
  // With a user: MySQL and MariaDB give it the password too (MYSQL_PASSWORD, MARIADB_PASSWORD).
  const accounts = { user: 'dockbase', database: 'dockbase' };
  const a = engine.environment('\u0001a', accounts);
  const b = engine.environment('\u0001b', accounts);
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}
