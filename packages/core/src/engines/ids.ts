/**
 * The database engines Dockbase manages: the one list, shared by the core's catalog, the backend's API and
 * every client. Each id names the engine's official Docker Hub image (`valkey`: `valkey/valkey`). New engines go
 * at the end: the order is the order the UI offers them in.
 */
export const ENGINE_IDS = ['postgres', 'mysql', 'mariadb', 'mongo', 'redis', 'valkey'] as const;

export type EngineId = (typeof ENGINE_IDS)[number];

export function isEngineId(value: string): value is EngineId {
  return (ENGINE_IDS as readonly string[]).includes(value);
}
