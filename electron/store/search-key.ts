/**
 * The rowid of a message's full-text row: (date in whole seconds, clamped to 0…2^32-1) << 30 | id.
 * Ordering by it is ordering by date (then id), so FTS5 can return matches newest first without a sort,
 * and `id = key & ID_MASK`. Message ids stay below 2^30 (a billion messages). Computed in SQL only:
 * the keys pass 2^53, which a JavaScript number cannot hold exactly (compareSearchKeys orders them).
 */
export const ID_BITS = 30;
export const ID_MASK = (1 << ID_BITS) - 1;
export const MAX_MESSAGE_ID = ID_MASK;

/** SQL for the key of the row with these date (ms) and id expressions. */
export const searchKeySql = (dateMs: string, id: string) => `((max(0, min(${dateMs} / 1000, 4294967295)) << ${ID_BITS}) | ${id})`;

/** The order of two messages' search keys, from their dates (ms) and ids (the keys themselves are SQL's). */
export function compareSearchKeys(a: { date: number; id: number }, b: { date: number; id: number }): number {
  const seconds = (date: number) => Math.min(Math.max(Math.trunc(date / 1000), 0), 4294967295);
  return seconds(a.date) - seconds(b.date) || a.id - b.id;
}

/** SQL for the lowest key of a time in ms given as an expression (a bound parameter). */
export const keyFloorSql = (dateMs: string) => `(max(0, min(${dateMs} / 1000, 4294967295)) << ${ID_BITS})`;
