import { WASM_DRIVER } from '../store/sqlite-wasm.js';
import { defaultDriver, type SqliteDriver } from '../store/sqlite.js';

/**
 * The SQLite drivers the backend's tests run on, each test once per driver: the one this Node uses
 * (node:sqlite on Node 22.13 and later, better-sqlite3 on Node 20 where the addon is installed) and
 * node-sqlite3-wasm, the fallback of a Node that has neither. `npm test` runs the backend's tests on this
 * machine's Node and on the extension image's Node 24, so all three are proven where they are used.
 * (better-sqlite3 on Node 24 is not used: it can abort the process, see backend/README.md.)
 */
export const TESTED_DRIVERS: readonly SqliteDriver[] = [...new Set<SqliteDriver>([defaultDriver(), WASM_DRIVER])];
