/** Words every door says the same way. */

/** "1 table", "2 tables". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
