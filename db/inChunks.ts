/**
 * SQLite binds at most 32,766 variables per statement (and PostgreSQL 65,535), so an IN list as long
 * as a county's households is run in parts of this size.
 */
export const IN_CHUNK = 500;

/** Runs `query` once per part of `values` and concatenates the rows; no query at all for an empty list. */
export function selectInChunks<V, R>(values: readonly V[], query: (part: V[]) => R[], size = IN_CHUNK): R[] {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) for (const r of query(values.slice(i, i + size))) out.push(r);
  return out;
}
