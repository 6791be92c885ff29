/**
 * SQLite binds at most 32,766 variables per statement (and PostgreSQL 65,535), so an IN list as long
 * as a county's households is run in parts of this size.
 */
export const IN_CHUNK = 500;

/**
 * Runs `query` once per part of `values` and concatenates the rows; no query at all for an empty list.
 * An `async` query (an asynchronous store) gets a Promise back, even for an empty list: the parts then
 * run one after the other, never side by side, so inside a transaction they stay in order on its handle.
 */
export function selectInChunks<V, R>(values: readonly V[], query: (part: V[]) => Promise<R[]>, size?: number): Promise<R[]>;
export function selectInChunks<V, R>(values: readonly V[], query: (part: V[]) => R[], size?: number): R[];
export function selectInChunks<V, R>(values: readonly V[], query: (part: V[]) => R[] | Promise<R[]>, size = IN_CHUNK): R[] | Promise<R[]> {
  const out: R[] = [];
  if (!values.length) return query.constructor.name === 'AsyncFunction' ? Promise.resolve(out) : out;
  for (let i = 0; i < values.length; i += size) {
    const rows = query(values.slice(i, i + size));
    if (isThenable(rows)) return finishAsync(values, query, size, out, rows, i);
    for (const r of rows) out.push(r);
  }
  return out;
}

function isThenable<T>(v: T[] | PromiseLike<T[]>): v is PromiseLike<T[]> {
  return typeof (v as { then?: unknown }).then === 'function';
}

async function finishAsync<V, R>(values: readonly V[], query: (part: V[]) => R[] | Promise<R[]>, size: number, out: R[], pending: PromiseLike<R[]>, from: number): Promise<R[]> {
  for (const r of await pending) out.push(r);
  for (let i = from + size; i < values.length; i += size) for (const r of await query(values.slice(i, i + size))) out.push(r);
  return out;
}
