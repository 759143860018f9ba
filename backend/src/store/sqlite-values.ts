/** What every SQLite driver of the store takes and gives: values, rows and a prepared statement. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, unknown>;

export interface SqliteStatement {
  run(...params: SqlValue[]): { changes: number };
  get(...params: SqlValue[]): Row | undefined;
  all(...params: SqlValue[]): Row[];
}
